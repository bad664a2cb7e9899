"""`make serve` (mkdocs serve) while the records have errors: the errors in the browser at every
address, then the site again as soon as they are fixed. A real server on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURE_BASE_PATH, SOURCE_DATE_EPOCH, build_site, copy_site
from test_site import text_of

BROKEN_STATUS = ("decisions/2020/FIX-2020-001.yaml", "status: approved", "status: aproved")
BROKEN_AMOUNT = ("decisions/2020/FIX-2020-002.yaml", "amount: ", "amount: '£' # ")
ERRORS = [
    "decisions/2020/FIX-2020-001.yaml:8:9: error: status: 'aproved' is not one of: approved, "
    "rejected, "
    "deferred, withdrawn, noted, endorsed (did you mean 'approved'?)",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(condition, what: str, limit: float = 90):
    """Poll until condition() returns something true; the limit only stops a broken server
    hanging the suite."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OSError:  # not listening yet
            pass
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def error_lines(html: str) -> list[str] | None:
    errors = BeautifulSoup(html, "html.parser").find_all("ul", id="errors")
    return [text_of(li) for li in errors[0].find_all("li")] if errors else None


def edit(site: Path, change: tuple[str, str, str], *, undo: bool = False) -> None:
    name, good, bad = change
    path = site / name
    text = path.read_text("utf-8")
    path.write_text(text.replace(bad, good, 1) if undo else text.replace(good, bad, 1), "utf-8")


@pytest.fixture
def broken_site(tmp_path):
    site = copy_site(tmp_path / "source")
    edit(site, BROKEN_STATUS)
    return site


@pytest.fixture
def serve(broken_site):
    port = free_port()
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=broken_site,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield broken_site, f"http://127.0.0.1:{port}{FIXTURE_BASE_PATH}"
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
        assert "Traceback" not in stderr, stderr


def test_serve_shows_every_error_at_every_address_then_the_site_once_fixed(serve):
    site, base = serve
    status, html = wait_for(lambda: get(base), "the first build")
    assert status == 200 and error_lines(html) == ERRORS
    assert "Traceback" not in html
    # Any other address, a page of the site or not, shows the same errors.
    for address in ("decisions/2020/fix-2020-001/", "no-such-page/"):
        _, html = get(base + address)
        assert error_lines(html) == ERRORS, address

    # A second mistake, in another file, joins the list on the next rebuild.
    edit(site, BROKEN_AMOUNT)
    html = wait_for(
        lambda: (html := get(base)[1]) and len(error_lines(html) or []) == 2 and html,
        "the second error",
    )
    assert error_lines(html)[0] == ERRORS[0]
    assert (
        error_lines(html)[1].startswith("decisions/2020/FIX-2020-002.yaml:")
        and ": error: financial.amount: " in error_lines(html)[1]
    )

    edit(site, BROKEN_STATUS, undo=True)
    edit(site, BROKEN_AMOUNT, undo=True)
    html = wait_for(
        lambda: (html := get(base)[1]) and error_lines(html) is None and html,
        "the site after the fix",
    )
    doc = BeautifulSoup(html, "html.parser")
    assert text_of(doc.find("h1")) == "Example decisions"
    status, page = get(base + "decisions/2020/fix-2020-001/")
    assert (
        status == 200
        and error_lines(page) is None
        and text_of(BeautifulSoup(page, "html.parser").find("h1"))
        == "Grants to three victim services"
    )


def test_build_still_fails_on_the_same_errors(broken_site, tmp_path):
    result = build_site(broken_site, tmp_path / "out")
    assert result.returncode == 1
    assert ERRORS[0] in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()
