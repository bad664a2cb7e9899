"""Smoke test of the browser-test helpers on a tiny hand-written site.

Proves the machinery the site's own browser tests rely on: the sub-path host,
Chromium, axe-core really finding a violation, and the external-request check.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import browser as helpers
import pytest
from browser import (  # noqa: F401 - `browser` is a fixture
    DESKTOP,
    PHONE,
    browser,
    external_requests,
    format_violations,
    keyboard_tab_sequence,
    load,
    run_axe,
    screenshot,
    serve,
    set_viewport,
)
from selenium.webdriver.support.wait import WebDriverWait

BASE_PATH = "/our-business/making-decisions/"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: sans-serif; color: #1a1a1a; background: #fff; margin: 0; }}
  a {{ color: #1d3a8a; }}
  a:focus-visible {{ outline: 3px solid #1d3a8a; outline-offset: 2px; }}
  .skip:not(:focus) {{ position: absolute; left: -10000px; }}
</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header><p>Commissioning decisions</p></header>
<nav aria-label="Site"><ul>{nav}</ul></nav>
<main id="main" tabindex="-1">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


def write_page(path: Path, title: str, nav: str, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(title=title, nav=nav, body=body), encoding="utf-8")


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    # Directory URLs and relative links, as MkDocs writes them.
    write_page(
        root / "index.html",
        "Decisions",
        '<li><a id="to-broken" href="broken/">A page with a problem</a></li>',
        "<p>Every decision the Commissioner made.</p>",
    )
    write_page(
        root / "broken" / "index.html",
        "A page with a problem",
        '<li><a id="to-home" href="../">Decisions</a></li>',
        '<p>The chart below has no text alternative.</p><img src="../chart.svg" width="40" '
        'height="40">',
    )
    write_page(
        root / "external" / "index.html",
        "A page that calls another host",
        '<li><a href="../">Decisions</a></li>',
        '<p>Hot-linked.</p><img src="http://example.invalid/x.png" alt="A hot-linked picture">',
    )
    write_page(
        root / "404.html",
        "Page not found",
        '<li><a href="/our-business/making-decisions/">Decisions</a></li>',
        "",
    )
    (root / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" '
        'height="40"/></svg>'
    )
    (root / "search").mkdir()
    (root / "search" / "pagefind.js").write_text("export const x = 1;\n")
    (root / "search" / "index").mkdir()
    (root / "search" / "index" / "en_abc.pf_index").write_bytes(b"\x00\x01")
    (root / "search" / "wasm.en.pagefind").write_bytes(b"\x00asm")
    (root / "data.json").write_text("{}")
    (root / "sitemap.xml").write_text("<urlset/>")
    return root


@pytest.fixture(scope="module")
def site(tiny_site):
    with serve(tiny_site, BASE_PATH) as base:
        yield base


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_host_serves_only_under_the_sub_path(site):
    assert site.startswith("http://127.0.0.1:") and site.endswith(BASE_PATH)
    origin = site[: -len(BASE_PATH)]
    status, _, body = fetch(site)
    assert status == 200 and b"<h1>Decisions</h1>" in body
    # Outside the sub-path: 404, so links that escape it show as broken.
    for outside in ("/", "/broken/", "/chart.svg", "/our-business/"):
        status, _, body = fetch(origin + outside)
        assert status == 404, outside
    # A missing page inside the site: the site's own 404.html, status 404.
    status, ctype, body = fetch(site + "no-such-page/")
    assert status == 404 and ctype.startswith("text/html") and b"Page not found" in body
    # A directory without its slash is redirected, as a static host does.
    status, _, body = fetch(site + "broken")
    assert status == 200 and b"A page with a problem" in body


@pytest.mark.parametrize(
    "path, expected",
    [
        ("chart.svg", "image/svg+xml"),
        ("data.json", "application/json"),
        ("sitemap.xml", "application/xml"),
        ("search/pagefind.js", "text/javascript"),
        ("search/index/en_abc.pf_index", "application/octet-stream"),
        ("search/wasm.en.pagefind", "application/octet-stream"),
        ("index.html", "text/html"),
    ],
)
def test_host_content_types(site, path, expected):
    status, ctype, _ = fetch(site + path)
    assert status == 200
    assert ctype.split(";")[0] == expected
    assert helpers.content_type("x.wasm") == "application/wasm"
    assert helpers.content_type("x.css").startswith("text/css")


def test_clean_page_has_no_axe_violations(browser, site):
    violations = run_axe(browser, site)
    assert violations == [], format_violations(violations)


def test_axe_finds_a_missing_alt(browser, site):
    violations = run_axe(browser, site + "broken/")
    assert "image-alt" in [v["id"] for v in violations], format_violations(violations)
    report = format_violations(violations)
    assert "image-alt" in report and "<img" in report and "chart.svg" in report


def test_relative_links_stay_under_the_sub_path(browser, site):
    load(browser, site)
    first_request = len(site.log)
    browser.find_element("id", "to-broken").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url == site + "broken/")
    assert browser.find_element("tag name", "h1").text == "A page with a problem"
    browser.find_element("id", "to-home").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url == site)
    assert browser.find_element("tag name", "h1").text == "Decisions"
    # Every request the browser made on the way (pages, the image) was answered.
    followed = site.log[first_request:]
    assert [r.path for r in followed if r.path.endswith("/")] == [BASE_PATH + "broken/", BASE_PATH]
    assert all(r.status == 200 for r in followed), followed


def test_external_requests(browser, site):
    load(browser, site)
    assert external_requests(browser) == []
    load(browser, site + "external/")
    assert external_requests(browser) == ["http://example.invalid/x.png"]
    # Back on a clean page the earlier page's requests are not counted.
    load(browser, site + "broken/")
    assert external_requests(browser) == []


def test_skip_link_is_first_and_focus_is_visible(browser, site):
    set_viewport(browser, *DESKTOP)
    load(browser, site)
    sequence = keyboard_tab_sequence(browser, 2)
    assert sequence[0] == ("a", "Skip to main content", "#main"), sequence
    assert sequence[0].focus_visible and sequence[0].indicator and sequence[0].in_viewport
    tag, text, href = sequence[1]
    assert (tag, href) == ("a", "broken/")


def test_viewports_and_screenshot(browser, site, tmp_path):
    set_viewport(browser, *PHONE)
    load(browser, site)
    assert browser.execute_script(
        "return [innerWidth, matchMedia('(pointer: coarse)').matches]"
    ) == [375, True]
    shot = screenshot(browser, site, tmp_path / "home-desktop.png", *DESKTOP)
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert browser.execute_script("return innerWidth") == DESKTOP[0]


def test_missing_chromium_fails_rather_than_skips(monkeypatch, tmp_path):
    monkeypatch.setattr(helpers, "CHROMIUM", Path("/nonexistent/chromium"))
    with pytest.raises(pytest.fail.Exception, match="chromium"):
        helpers.start_chromium(tmp_path)


# --- Marking and skipping (the plugin, in a pytest run of its own) ----------------------------

TWO_TESTS = """
def test_in_the_browser(browser):
    pass

def test_without_a_browser():
    pass
"""


def _run(pytester, *args):
    pytester.makepyfile(TWO_TESTS)
    return pytester.runpytest_inprocess("-p", "browser", "-p", "no:cacheprovider", *args)


def test_browser_tests_are_marked_for_the_fast_loop(pytester):
    result = _run(pytester, "-m", "not browser")
    result.assert_outcomes(passed=1, deselected=1)


def test_missing_browser_skips_with_one_line(pytester, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(helpers, "CHROMIUM", Path("/nonexistent/chromium"))
    result = _run(pytester)
    result.assert_outcomes(passed=1, deselected=1)
    said = [line for line in result.outlines if "browser tests skipped" in line]
    assert said == ["1 browser tests skipped (chromium missing): " + helpers.HOW_TO_RUN + "."]


def test_missing_browser_under_ci_fails_rather_than_skips(pytester, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(helpers, "CHROMIUM", Path("/nonexistent/chromium"))
    result = _run(pytester)
    result.assert_outcomes(passed=1, errors=1)
    assert not any("browser tests skipped" in line for line in result.outlines)
