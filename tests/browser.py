"""Browser-test helpers: a local static host, headless Chromium and axe-core.

Everything here runs offline. The browser is Debian's ``chromium`` with
``chromium-driver`` (installed by ``make test``); axe-core comes from
``node_modules/axe-core`` (installed by ``make test`` with ``npm ci`` from the
committed package-lock.json). Nothing is downloaded at test time, and the
browser is told to resolve no host name but 127.0.0.1, so a page that points at
a third-party host fails to load it (the attempt is still recorded, see
:func:`external_requests`).

Use it from a test module in ``tests/`` (pytest puts ``tests/`` on sys.path)::

    from browser import browser, serve, run_axe, format_violations  # noqa: F401

    def test_home_is_accessible(browser, built_site):
        with serve(built_site, "/our-business/making-decisions/") as base:
            violations = run_axe(browser, base)
            assert not violations, format_violations(violations)

``browser`` is a session-scoped fixture: one Chromium for the whole run. Tests
share it, so a test that needs a viewport sets it (:func:`set_viewport`) rather
than relying on what the previous test left.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import posixpath
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

import pytest
from conftest import REPO

AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

#: Viewports the site is checked at.
PHONE = (375, 812)
DESKTOP = (1280, 900)

#: Rule sets axe runs: WCAG 2.0/2.1 A and AA, WCAG 2.2 AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    # Hermetic: no host name resolves but the local test server. A request to
    # another host fails at once instead of leaving the machine, and is still
    # recorded in the performance log for external_requests().
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

# ---------------------------------------------------------------------------
# Static host
# ---------------------------------------------------------------------------

_TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + _TEXT,
    ".htm": "text/html" + _TEXT,
    ".js": "text/javascript" + _TEXT,
    ".mjs": "text/javascript" + _TEXT,
    ".css": "text/css" + _TEXT,
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain" + _TEXT,
    ".csv": "text/csv" + _TEXT,
    ".md": "text/markdown" + _TEXT,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    # Pagefind's wasm.<lang>.pagefind and its index chunks.
    ".pagefind": "application/octet-stream",
}


def content_type(path: str | Path) -> str:
    """Content-Type a static host sends for ``path`` (Pagefind's ``.pf_*`` files are binary)."""
    suffix = posixpath.splitext(str(path))[1].lower()
    if suffix.startswith(".pf_"):  # .pf_meta, .pf_index, .pf_fragment, .pf_filter
        return "application/octet-stream"
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def _normalise_base_path(base_path: str) -> str:
    base = "/" + base_path.strip("/")
    return base if base == "/" else base + "/"


@dataclass(frozen=True)
class Served:
    """One request the test host answered."""

    method: str
    path: str
    status: int


class SiteURL(str):
    """The base URL of a served site (``http://127.0.0.1:PORT/sub/path/``).

    A ``str``; ``.log`` is the list of :class:`Served` requests answered so far,
    so a test can assert, for example, that no asset was missing.
    """

    log: list[Served]

    def __new__(cls, value: str, log: list[Served]) -> "SiteURL":
        obj = super().__new__(cls, value)
        obj.log = log
        return obj


def _make_handler(root: Path, base: str, log: list[Served], lock: threading.Lock):
    not_found_page = root / "404.html"

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "opcc-test-host"
        sys_version = ""

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib name
            pass

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def _record(self, status: int) -> None:
            with lock:
                log.append(Served(self.command, self.path, status))

        def _send(self, status: int, body: bytes, ctype: str, send_body: bool, headers=()) -> None:
            self._record(status)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def _not_found(self, send_body: bool, inside_site: bool) -> None:
            # Inside the site a real static host answers with the site's own
            # 404.html; outside it, the test host says plainly where you are.
            if inside_site and not_found_page.is_file():
                body = not_found_page.read_bytes()
                self._send(404, body, content_type(not_found_page), send_body)
            else:
                where = "inside" if inside_site else f"outside the site root {base}"
                body = f"404 Not Found ({where}): {self.path}\n".encode()
                self._send(404, body, "text/plain; charset=utf-8", send_body)

        def _respond(self, send_body: bool) -> None:
            url_path = unquote(urlsplit(self.path).path)
            if url_path + "/" == base:  # /sub/path -> /sub/path/
                self._send(301, b"", "text/plain", send_body, [("Location", base)])
                return
            if not url_path.startswith(base):
                self._not_found(send_body, inside_site=False)
                return
            relative = url_path[len(base) :]
            parts = [p for p in relative.split("/") if p]
            if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
                self._not_found(send_body, inside_site=True)
                return
            target = root.joinpath(*parts)
            if target.is_dir():
                if not url_path.endswith("/"):
                    query = urlsplit(self.path).query
                    location = self.path.split("?", 1)[0] + "/" + (f"?{query}" if query else "")
                    self._send(301, b"", "text/plain", send_body, [("Location", location)])
                    return
                target = target / "index.html"
            if not target.is_file():
                self._not_found(send_body, inside_site=True)
                return
            body = target.read_bytes()
            modified = formatdate(target.stat().st_mtime, usegmt=True)
            self._send(200, body, content_type(target), send_body, [("Last-Modified", modified)])

    return Handler


@contextlib.contextmanager
def serve(directory: Path, base_path: str = "/") -> Iterator[SiteURL]:
    """Serve a built site directory at ``http://127.0.0.1:<free port><base_path>``.

    Like the static host the site is published on, under a sub-path:
    - ``<base_path>x/`` serves ``x/index.html``; a directory without its trailing
      slash is redirected (301) to it;
    - a missing path inside the site gets the site's ``404.html`` with status
      404 (plain text if the site has none);
    - anything outside ``base_path`` gets 404, so a link that escapes the
      sub-path (say ``/assets/...``) shows up as broken;
    - Content-Type by extension (``.js``, ``.css``, ``.json``, ``.xml``,
      ``.svg``, ``.wasm``, Pagefind's ``.pf_*`` as application/octet-stream).

    Yields the base URL (a :class:`SiteURL`, i.e. a ``str`` ending in ``/``,
    whose ``.log`` lists the requests answered).
    """
    root = Path(directory).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"serve(): no such site directory: {root}")
    base = _normalise_base_path(base_path)
    log: list[Served] = []
    handler = _make_handler(root, base, log, threading.Lock())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="test-static-host", daemon=True)
    thread.start()
    try:
        yield SiteURL(f"http://127.0.0.1:{server.server_address[1]}{base}", log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# ---------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------


def start_chromium(user_data_dir: str | Path):
    """Start headless Debian Chromium under Selenium; the caller quits it.

    Prefer the ``browser`` fixture in tests. This is for scripts (for example
    taking screenshots by hand). Fails with a clear message if Chromium or its
    driver is not installed.
    """
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"Browser tests need Debian's Chromium; missing: {', '.join(missing)}. "
            "Install it with `apt-get install -y --no-install-recommends chromium "
            "chromium-driver fonts-liberation` (`make test` does this when they are missing and it "
            "can).",
            pytrace=False,
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    # Network events for external_requests(); kept in chromedriver until read.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": True})
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    driver._opcc_perf_events = []  # see external_requests()
    return driver


# ---------------------------------------------------------------------------
# Marking and skipping
# ---------------------------------------------------------------------------

HOW_TO_RUN = (
    "run `make test` as root (or with sudo) on Debian to install them, or "
    "`apt-get install chromium chromium-driver fonts-liberation` and `npm ci --no-audit --no-fund`"
)


def missing_for_browser_tests() -> list[str]:
    """What the browser tests need and this machine lacks."""
    needs = {"chromium": CHROMIUM, "chromium-driver": CHROMEDRIVER, "axe-core": AXE_JS}
    return [name for name, path in needs.items() if not path.exists()]


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


_SKIPPED = pytest.StashKey[str]()


# First, so that `-m "not browser"` sees the marks.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test that uses the browser; leave them out, in one line, where they cannot run.

    Under CI they always run, so a CI machine without Chromium fails instead of passing quietly.
    """
    in_browser = [item for item in items if "browser" in getattr(item, "fixturenames", ())]
    for item in in_browser:
        item.add_marker(pytest.mark.browser)
    missing = missing_for_browser_tests()
    if not in_browser or not missing or under_ci():
        return
    left_out = set(in_browser)
    config.hook.pytest_deselected(items=in_browser)
    items[:] = [item for item in items if item not in left_out]
    config.stash[_SKIPPED] = (
        f"{len(in_browser)} browser tests skipped ({', '.join(missing)} missing): {HOW_TO_RUN}."
    )


def pytest_terminal_summary(terminalreporter, config):
    if _SKIPPED in config.stash:
        terminalreporter.write_line(config.stash[_SKIPPED], yellow=True)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium WebDriver shared by the whole test session."""
    profile = tempfile.mkdtemp(prefix="opcc-chromium-")
    driver = None
    try:
        driver = start_chromium(profile)
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def set_viewport(driver, width: int, height: int, mobile: bool | None = None) -> None:
    """Emulate a viewport of ``width`` x ``height`` CSS pixels.

    ``mobile`` defaults to ``width < 768`` (phone: Chrome's mobile emulation,
    honouring ``<meta name="viewport">``, with touch). Use :data:`PHONE` and
    :data:`DESKTOP`: ``set_viewport(browser, *PHONE)``.
    """
    if mobile is None:
        mobile = width < 768
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": int(width),
            "height": int(height),
            "deviceScaleFactor": 1,
            "mobile": bool(mobile),
        },
    )
    driver.execute_cdp_cmd(
        "Emulation.setTouchEmulationEnabled",
        {"enabled": bool(mobile), "maxTouchPoints": 5 if mobile else 1},
    )


def load(driver, url: str) -> None:
    """Navigate to ``url`` and wait until the document has fully loaded."""
    driver.get(url)
    deadline = time.monotonic() + 30
    while driver.execute_script("return document.readyState") != "complete":
        if time.monotonic() > deadline:
            raise TimeoutError(f"page did not finish loading: {url}")
        time.sleep(0.05)


def run_axe(driver, url: str | None = None, tags: list[str] | None = None) -> list[dict]:
    """Load ``url`` (or keep the current page if None), run axe-core and return its violations.

    Runs the rules tagged :data:`AXE_TAGS` (or ``tags``). Each violation is
    axe's own dict: ``id``, ``impact``, ``help``, ``helpUrl``, ``nodes`` (each
    with ``target`` selectors and ``html``). Assert with
    ``assert not v, format_violations(v)``.
    """
    if not AXE_JS.is_file():
        pytest.fail(
            f"axe-core is not installed ({AXE_JS} missing): run `make test`, "
            "or `npm ci --no-audit --no-fund` at the repository root.",
            pytrace=False,
        )
    if url is not None:
        load(driver, url)
    driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
          .then(r => done({violations: r.violations}))
          .catch(e => done({error: String(e && e.stack || e)}));
        """,
        list(tags or AXE_TAGS),
    )
    if "error" in result:
        raise RuntimeError(f"axe.run failed on {driver.current_url}: {result['error']}")
    return result["violations"]


def format_violations(violations: list[dict]) -> str:
    """A readable multi-line report of axe violations, for assertion messages."""
    if not violations:
        return "no accessibility violations"
    lines = [f"{len(violations)} accessibility rule(s) violated:"]
    for v in violations:
        nodes = v.get("nodes", [])
        lines.append(
            f"- {v.get('id')} [{v.get('impact')}] {v.get('help')} ({len(nodes)} element(s))"
        )
        if v.get("helpUrl"):
            lines.append(f"    {v['helpUrl']}")
        for node in nodes:
            target = ", ".join(
                " >>> ".join(t) if isinstance(t, list) else str(t) for t in node.get("target", [])
            )
            html = " ".join(str(node.get("html", "")).split())
            if len(html) > 300:
                html = html[:297] + "..."
            lines.append(f"    at {target}")
            lines.append(f"       {html}")
            summary = " ".join(str(node.get("failureSummary", "")).split())
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def screenshot(driver, url: str, path: str | Path, width: int, height: int) -> Path:
    """Save a full-page PNG of ``url`` at a ``width`` x ``height`` viewport to ``path``.

    For people to look at pages; the viewport is left at ``width`` x ``height``.
    """
    set_viewport(driver, width, height)
    load(driver, url)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    full_height = max(int(height), int(size["height"] + 0.999))
    png = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": int(width), "height": full_height, "scale": 1},
        },
    )["data"]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(png))
    return path


# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------

_LOCAL_HOSTS = {"127.0.0.1"}
_NON_NETWORK_SCHEMES = {
    "data",
    "blob",
    "about",
    "javascript",
    "chrome",
    "chrome-extension",
    "devtools",
}


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in _NON_NETWORK_SCHEMES or not parts.scheme:
        return False
    return parts.hostname not in _LOCAL_HOSTS


def _drain_performance_log(driver) -> list[dict]:
    events = getattr(driver, "_opcc_perf_events", None)
    if events is None:
        events = driver._opcc_perf_events = []
    for entry in driver.get_log("performance"):
        try:
            events.append(json.loads(entry["message"])["message"])
        except (KeyError, ValueError):
            continue
    return events


def external_requests(driver) -> list[str]:
    """URLs the current page requested that are not on 127.0.0.1, in request order.

    Reads Chrome's performance log (every request the page's frames made since
    the current document's navigation, including ones that failed, such as to
    a host that does not resolve) plus the document URL and the Resource Timing
    entries. ``data:``/``blob:``/``about:`` URLs are not requests to a host.
    Call it after the page has loaded (``load``/``run_axe``/``driver.get``).
    """
    events = _drain_performance_log(driver)
    main_frame = driver.execute_cdp_cmd("Page.getFrameTree", {})["frameTree"]["frame"]["id"]
    start = 0
    for i, event in enumerate(events):
        if event.get("method") != "Network.requestWillBeSent":
            continue
        params = event.get("params", {})
        if (
            params.get("type") == "Document"
            and params.get("frameId") == main_frame
            and params.get("requestId") == params.get("loaderId")
            and "redirectResponse" not in params
        ):
            start = i
    # Keep only the current document's events for next time.
    del events[:start]
    urls: list[str] = [driver.current_url]
    for event in events:
        if event.get("method") == "Network.requestWillBeSent":
            urls.append(event["params"]["request"]["url"])
        elif event.get("method") == "Network.webSocketCreated":
            urls.append(event["params"]["url"])
    urls += driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    seen: set[str] = set()
    external = []
    for url in urls:
        if _is_external(url) and url not in seen:
            seen.add(url)
            external.append(url)
    return external


# ---------------------------------------------------------------------------
# Keyboard
# ---------------------------------------------------------------------------


class Focused(tuple):
    """``(tag, text, href)`` of a focused element, plus how its focus shows.

    Compares and unpacks as the 3-tuple. Extra attributes:
    ``focus_visible`` (it matches ``:focus-visible``), ``indicator`` (a
    non-zero outline or a box-shadow is drawn), ``in_viewport`` (its box is at
    least partly on screen), ``outline`` and ``box_shadow`` (computed styles).
    """

    def __new__(cls, tag: str, text: str, href: str | None, **extra) -> "Focused":
        obj = super().__new__(cls, (tag, text, href))
        obj.__dict__.update(extra)
        return obj

    tag = property(lambda self: self[0])
    text = property(lambda self: self[1])
    href = property(lambda self: self[2])

    def __repr__(self) -> str:
        return f"Focused({self[0]!r}, {self[1]!r}, {self[2]!r}, focus_visible={self.focus_visible})"


_FOCUSED_JS = """
const el = document.activeElement || document.body;
const cs = getComputedStyle(el);
const r = el.getBoundingClientRect();
const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
const shadow = cs.boxShadow && cs.boxShadow !== 'none';
let fv = false;
try { fv = el.matches(':focus-visible'); } catch (e) {}
return {
  tag: el.tagName.toLowerCase(),
  text: (el.innerText || el.value || el.getAttribute('aria-label') || el.title || '')
    .trim().replace(/\\s+/g, ' '),
  href: el.getAttribute('href'),
  focus_visible: fv,
  indicator: Boolean(outline || shadow),
  outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor,
  box_shadow: cs.boxShadow,
  in_viewport: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth
    && r.width > 0 && r.height > 0,
};
"""


def keyboard_tab_sequence(driver, n: int) -> list[Focused]:
    """Press Tab ``n`` times from the current focus; return each focused element.

    Start from a freshly loaded page to test the tab order from the top: the
    first entry should be the skip link. Each entry is a :class:`Focused`
    ``(tag, text, href)``; ``href`` is the attribute as written (``None`` if
    absent), ``text`` the visible text (or value/aria-label/title).
    """
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    sequence = []
    for _ in range(n):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        info = driver.execute_script(_FOCUSED_JS)
        sequence.append(Focused(info.pop("tag"), info.pop("text"), info.pop("href"), **info))
    return sequence


__all__ = [
    "AXE_TAGS",
    "DESKTOP",
    "PHONE",
    "Focused",
    "Served",
    "SiteURL",
    "browser",
    "content_type",
    "external_requests",
    "format_violations",
    "keyboard_tab_sequence",
    "load",
    "run_axe",
    "screenshot",
    "serve",
    "set_viewport",
    "start_chromium",
]
