"""The live preview of `make serve`: saving a decision record renders the pages showing it, and
nothing that shows it is served stale. A real `mkdocs serve` of the fixture site on a free port;
what the server logs tells an update of the saved record's pages from a full build."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURE_BASE_PATH, SOURCE_DATE_EPOCH, copy_site
from test_serve import BROKEN_STATUS, ERRORS, edit, error_lines, free_port, get, wait_for

RECORD = "decisions/2020/FIX-2020-001.yaml"
OLD_TITLE = "Grants to three victim services"
NEW_TITLE = "Grants to four victim services"
NEW_SUMMARY = "A changed summary for the preview"
# The pages showing FIX-2020-001: its own, a decision it names as related, its year and category,
# the grants register, the lists of the latest decisions.
SHOWING = (
    "decisions/2020/fix-2020-002/",
    "decisions/2020/",
    "decisions/category/grants/",
    "registers/grants/",
    "decisions/",
    "",
)
UPDATING = "This page is being updated with the record you saved"
# The server's script, with the time of the build that served the page.
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LIVERELOAD = re.compile(r"<script>\s*var livereload = .*?</script>", re.S)


class Server:
    def __init__(self, site: Path, log: Path):
        self.site, self.log = site, log
        self.base = ""

    def text(self) -> str:
        return self.log.read_text("utf-8")

    def builds(self) -> int:
        return self.text().count("Building documentation...")

    def get(self, address: str) -> tuple[int, str]:
        return get(self.base + address)

    def html(self, address: str) -> BeautifulSoup:
        status, text = self.get(address)
        assert status == 200, address
        return BeautifulSoup(text, "html.parser")


@pytest.fixture
def server(tmp_path):
    site = copy_site(tmp_path / "source")
    port = free_port()
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, NO_MKDOCS_2_WARNING="1")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=site,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
            text=True,
        )
    serving = Server(site, log)
    serving.base = f"http://127.0.0.1:{port}{FIXTURE_BASE_PATH}"
    try:
        wait_for(lambda: "Serving on" in serving.text() and serving.get("")[0] == 200, "serve")
        yield serving
    finally:
        process.terminate()
        process.communicate(timeout=30)
        assert "Traceback" not in serving.text(), serving.text()


def save_title_and_summary(site: Path) -> None:
    path = site / RECORD
    text = path.read_text("utf-8").replace(f"title: {OLD_TITLE}", f"title: {NEW_TITLE}", 1)
    text = re.sub(r"^summary: .*$", f"summary: {NEW_SUMMARY}", text, count=1, flags=re.M)
    assert NEW_TITLE in text and NEW_SUMMARY in text
    path.write_text(text, "utf-8")


def served_site(server: Server) -> dict[str, str]:
    """Every page in the sitemap and every open data file and index entry the site links, as
    served, less the server's reload script."""
    sitemap = ElementTree.fromstring(server.get("sitemap.xml")[1])
    addresses = [
        loc.text.split(FIXTURE_BASE_PATH, 1)[1] for loc in sitemap.iter(f"{SITEMAP}loc") if loc.text
    ]
    addresses += [
        "data/decisions.csv",
        "data/decisions.json",
        "data/grants.csv",
        "data/contracts.csv",
        "data/360giving.json",
        "data/ocds.json",
        "feed.xml",
        "decisions/category/grants/feed.xml",
        "decisions/2020/fix-2020-001/record.json",
        "pagefind/pagefind-entry.json",
    ]
    return {address: LIVERELOAD.sub("", server.get(address)[1]) for address in addresses}


def test_saving_a_record_updates_every_page_showing_it_without_a_full_build(server):
    assert server.builds() == 1
    save_title_and_summary(server.site)
    page = wait_for(
        lambda: (html := server.html("decisions/2020/fix-2020-001/")).h1.text == NEW_TITLE and html,
        "the saved decision's page",
    )
    assert NEW_SUMMARY in page.find(id="summary").find_next("p").text
    assert NEW_TITLE in page.title.text

    def updated(address: str) -> bool:
        html = server.html(address)
        shown = NEW_TITLE in html.text
        # Until it shows the new title a page says it is being updated: never the old one as if
        # current.
        assert shown or UPDATING in html.text, address
        return shown and UPDATING not in html.text

    for address in SHOWING:
        wait_for(lambda: updated(address), address)
        assert OLD_TITLE not in server.html(address).text, address
    related = server.html("decisions/2020/fix-2020-002/").find(id="related").find_next("ul")
    assert NEW_TITLE in related.text
    wait_for(lambda: NEW_TITLE in server.get("data/decisions.csv")[1], "the decisions CSV")
    # Only the saved record's pages were rendered: no full build.
    assert "Preview: FIX-2020-001 saved" in server.text()
    assert server.builds() == 1

    # Everything served then is what a full build of the same files serves.
    wait_for(lambda: server.get("pagefind/pagefind-entry.json")[0] == 200, "the search index")
    preview = served_site(server)
    (server.site / "mkdocs.yml").touch()
    wait_for(
        lambda: server.builds() == 2 and "Reloading" in server.text().split("Building")[-1],
        "a full build",
    )
    full = served_site(server)
    assert preview.keys() == full.keys()
    stale = [address for address in full if preview[address] != full[address]]
    assert stale == []


def test_a_save_with_an_error_shows_the_error_page_then_the_site(server):
    edit(server.site, BROKEN_STATUS)
    html = wait_for(lambda: (html := server.get("")[1]) and error_lines(html) and html, "errors")
    assert error_lines(html) == ERRORS
    assert error_lines(server.get("decisions/2020/fix-2020-001/")[1]) == ERRORS
    edit(server.site, BROKEN_STATUS, undo=True)
    wait_for(lambda: error_lines(server.get("")[1]) is None, "the site again")
    assert server.builds() == 3
    save_title_and_summary(server.site)
    wait_for(lambda: server.html("decisions/2020/fix-2020-001/").h1.text == NEW_TITLE, "the update")


def test_a_new_record_builds_the_whole_site(server):
    old = (server.site / "decisions/2020/FIX-2020-004.yaml").read_text("utf-8")
    new = old.replace("FIX-2020-004", "FIX-2020-005").replace(
        "title: Contract just under the threshold", "title: A record added while serving"
    )
    (server.site / "decisions/2020/FIX-2020-005.yaml").write_text(new, "utf-8")
    page = wait_for(
        lambda: (
            server.get("decisions/2020/fix-2020-005/")[0] == 200
            and server.html("decisions/2020/fix-2020-005/")
        ),
        "the new record's page",
    )
    assert page.h1.text == "A record added while serving"
    assert "A record added while serving" in server.html("decisions/2020/").text
    assert server.builds() == 2
    assert "Preview:" not in server.text()
