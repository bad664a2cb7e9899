"""The live preview of `make serve`: saving a decision record renders the pages showing it, and
nothing that shows it is served stale. A real `mkdocs serve` of the fixture site on a free port;
what the server logs tells an update of the saved record's pages from a full build."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURE_BASE_PATH, SOURCE_DATE_EPOCH, copy_site
from mkdocs.commands.build import build
from mkdocs.config import load_config
from test_serve import BROKEN_STATUS, ERRORS, edit, error_lines, free_port, get, wait_for

from generator import livepreview, load, preview, registers
from generator.publication import publish
from generator.settings import read_settings

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


# What to render again, decided without MkDocs (generator/preview.py) -------------------------


@pytest.fixture
def loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    site = copy_site(tmp_path / "source")
    records = load.load(read_settings(site / "mkdocs.yml"))
    assert not records.diagnostics.errors
    sources = preview.snapshot([site / "decisions", site / "content", site / "mkdocs.yml"])
    return site, records, sources


def replan(site: Path, records, sources, change, record=RECORD) -> preview.Update | None:
    """Save a change to a record and plan the preview's update, as the server would."""
    path = site / record
    path.write_text(change(path.read_text("utf-8")), "utf-8")
    os.utime(path, ns=(1, 1))  # a save within the clock's resolution is still a change
    now = preview.snapshot([site / "decisions", site / "content", site / "mkdocs.yml"])
    saved = preview.saved_records(sources, now, records)
    assert saved == [path.resolve()]
    publication = publish(records)
    return preview.plan(
        records, publication, registers.derive(publication), preview.reread(records, saved)
    )


def test_a_saved_title_names_every_page_and_file_that_shows_the_record(loaded):
    update = replan(*loaded, lambda text: text.replace(OLD_TITLE, NEW_TITLE))
    assert update is not None and update.references == ("FIX-2020-001",)
    assert update.publication.by_reference["FIX-2020-001"].title == NEW_TITLE
    # Its own page and that of the decision it is related to, which prints its title.
    assert update.decision_pages == ("FIX-2020-001", "FIX-2020-002")
    for page in (
        "decisions/2020/index.md",
        "decisions/category/grants/index.md",
        "registers/grants/index.md",
        "funding/streams/index.md",
        "decisions/index.md",
        "index.md",
    ):
        assert page in update.listing_pages, page
    # Registers and lists it is not on stay as they are.
    for page in ("registers/contracts/index.md", "decisions/category/contracts/index.md"):
        assert page not in update.listing_pages, page
    for name in ("data/decisions.csv", "data/grants.csv", "data/360giving.json", "feed.xml"):
        assert name in update.data_files, name
    assert "decisions/2020/fix-2020-001/record.json" in update.data_files
    # A grant is in no Open Contracting release, and no other decision's record changed.
    assert "data/ocds.json" not in update.data_files
    assert [name for name in update.data_files if name.endswith("record.json")] == [
        "decisions/2020/fix-2020-001/record.json"
    ]
    assert "decisions/category/grants/feed.xml" in update.data_files


def test_a_new_category_names_the_lists_it_leaves_and_joins(loaded):
    update = replan(
        *loaded,
        lambda text: text.replace("category: contracts", "category: finance"),
        record="decisions/2020/FIX-2020-002.yaml",
    )
    assert update is not None
    assert "decisions/category/contracts/index.md" in update.listing_pages
    assert "decisions/category/finance/index.md" in update.listing_pages
    assert "decisions/category/finance/feed.xml" in update.data_files
    assert "decisions/category/contracts/feed.xml" in update.data_files


@pytest.mark.parametrize(
    "change",
    [
        # A new reference, a new year (a new address), an error: only a full build shows them.
        lambda text: text.replace("reference: FIX-2020-001", "reference: FIX-2020-099"),
        lambda text: text.replace("date: 2020-05-01", "date: 2019-05-01"),
        lambda text: text.replace("status: approved", "status: aproved"),
        # A record now under embargo.
        lambda text: text.replace("published: 2020-05-10", "published: 2099-01-01"),
        # The last decision in its category leaves it: the category's page goes.
        lambda text: text.replace("category: grants", "category: contracts"),
    ],
    ids=["reference", "year", "error", "embargo", "last-in-category"],
)
def test_saves_that_change_the_site_s_addresses_need_a_full_build(loaded, change):
    assert replan(*loaded, change) is None


def test_a_document_the_site_has_no_copy_of_yet_needs_a_full_build(loaded):
    site, records, sources = loaded
    (site / "decisions" / "files" / "FIX-2020-001-report.txt").write_text("A report.\n", "utf-8")
    sources = preview.snapshot([site / "decisions", site / "content", site / "mkdocs.yml"])
    report = "url: https://example.org/report.pdf", "file: FIX-2020-001-report.txt"
    assert replan(site, records, sources, lambda text: text.replace(*report)) is None


def test_anything_but_a_saved_record_needs_a_full_build(loaded):
    site, records, sources = loaded
    folders = [site / "decisions", site / "content", site / "mkdocs.yml"]
    (site / "content" / "index.md").write_text("# Changed\n", "utf-8")
    assert preview.saved_records(sources, preview.snapshot(folders), records) is None
    (site / "decisions" / "2020" / "FIX-2020-005.yaml").write_text("reference: x\n", "utf-8")
    assert preview.saved_records(sources, preview.snapshot(folders), records) is None


def test_a_page_still_to_come_says_it_is_being_updated():
    page = (
        b'<html><body><div class="md-content"><article class="md-content__inner md-typeset">'
        b"<h1>Grants register</h1></article></div></body></html>"
    )
    marked = BeautifulSoup(preview.mark_updating(page), "html.parser")
    note = marked.find("article").find(recursive=False)
    assert note["role"] == "status" and UPDATING in note.text
    assert marked.find("article").h1.text == "Grants register"


# The two steps of an update, in process: what is on disk between them -----------------------


class Deferred:
    """A thread the test runs itself, when it chooses: the moment between the two steps."""

    started: list[Deferred] = []

    def __init__(self, target, args=(), daemon=None):
        self.target, self.args = target, args

    def start(self):
        Deferred.started.append(self)

    def join(self):
        pass


def build_in_process(site: Path, site_dir: Path):
    """`mkdocs serve`'s first build, into site_dir: the plugin as the server holds it."""
    config = load_config(config_file=str(site / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = "http://127.0.0.1:8000" + FIXTURE_BASE_PATH
    build(config, serve_url=config.site_url)
    return config.plugins["transparency"]


def site_text(site_dir: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(site_dir)): path.read_bytes()
        for path in sorted(site_dir.rglob("*"))
        if path.is_file()
        and path.suffix in (".html", ".csv", ".json", ".xml")
        and "pagefind" not in path.parts
    }


def saved_in_process(tmp_path: Path, monkeypatch, full_builds: list[object]):
    """The fixture site served in process, its record saved, and the update's first step done:
    the site's folder, the served folder, the server and the preview's builder."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.setattr(livepreview.threading, "Thread", Deferred)
    Deferred.started.clear()
    site = copy_site(tmp_path / "source")
    served = tmp_path / "served"
    plugin = build_in_process(site, served)
    server = SimpleNamespace(_rebuild_cond=threading.Condition(), _want_rebuild=False)
    builder = livepreview.LivePreview(plugin, server, full_builds.append)
    save_title_and_summary(site)
    builder()
    return site, served, server, builder


def test_between_the_steps_every_page_showing_the_record_is_new_or_says_it_is_coming(
    tmp_path, monkeypatch
):
    full_builds: list[object] = []
    site, served, server, builder = saved_in_process(tmp_path, monkeypatch, full_builds)
    assert full_builds == [] and len(Deferred.started) == 1

    def page(address: str) -> BeautifulSoup:
        return BeautifulSoup((served / address / "index.html").read_text("utf-8"), "html.parser")

    # First step: the decision pages showing the record are new...
    assert page("decisions/2020/fix-2020-001").h1.text == NEW_TITLE
    assert NEW_TITLE in page("decisions/2020/fix-2020-002").find(id="related").find_next("ul").text
    # ...and every other page showing it still shows the old title, under a note that says so;
    # no open data file holding it, no search index.
    for address in ("decisions/2020", "decisions/category/grants", "registers/grants", "decisions"):
        html = page(address)
        assert OLD_TITLE in html.text and UPDATING in html.article.text, address
    assert not (served / "data/decisions.csv").exists()
    assert not (served / "decisions/2020/fix-2020-001/record.json").exists()
    assert not (served / "pagefind").exists()
    assert not server._want_rebuild

    # Second step: the lists, registers and files, then a reload of the browsers; then the
    # search index.
    following = Deferred.started.pop(0)
    following.target(*following.args)
    for address in ("decisions/2020", "decisions/category/grants", "registers/grants", "decisions"):
        html = page(address)
        assert NEW_TITLE in html.text and UPDATING not in html.text, address
    assert NEW_TITLE in (served / "data/decisions.csv").read_text("utf-8")
    assert server._want_rebuild
    indexer = Deferred.started.pop(0)
    indexer.target(*indexer.args)
    assert (served / "pagefind" / "pagefind-entry.json").is_file()
    # The reload asked for finds nothing more to do.
    builder()
    assert full_builds == [] and Deferred.started == []

    # Every page and data file is what a full build of the saved records makes.
    full = tmp_path / "full"
    build_in_process(site, full)
    assert site_text(served).keys() == site_text(full).keys()
    stale = [name for name, text in site_text(full).items() if site_text(served)[name] != text]
    assert stale == []


_PARENT = os.getpid()


@pytest.mark.parametrize("failure", ["dies", "raises", "hangs"])
def test_pages_the_process_sharing_the_work_did_not_render_are_rendered_here(
    tmp_path, monkeypatch, failure
):
    """The lists and registers are shared with a copy of the serving process, on another core;
    a copy that dies, fails or hangs leaves its pages to the server, which renders them."""
    monkeypatch.setattr(livepreview.forked, "cores", lambda: 2)
    monkeypatch.setattr(livepreview, "SHARE_TIMEOUT", 2)
    render = livepreview.LivePreview._render
    shared = []

    def failing(self, uris):
        if os.getpid() != _PARENT:
            if failure == "dies":
                os._exit(9)
            if failure == "raises":
                raise RuntimeError("a template error in the copy")
            time.sleep(60)
        shared.append(list(uris))
        render(self, uris)

    monkeypatch.setattr(livepreview.LivePreview, "_render", failing)
    site, served, _, _ = saved_in_process(tmp_path, monkeypatch, [])
    following = Deferred.started.pop(0)
    following.target(*following.args)
    # The saved record's page; the server's share of the lists and registers; then the copy's.
    _, ours, theirs = shared
    assert ours and theirs and not set(ours) & set(theirs)
    full = tmp_path / "full"
    build_in_process(site, full)
    stale = [name for name, text in site_text(full).items() if site_text(served)[name] != text]
    assert stale == []


@pytest.mark.parametrize("copy", ["writes", "dies"])
def test_the_files_holding_every_decision_are_written_by_a_copy_while_pages_are_rendered(
    tmp_path, monkeypatch, copy
):
    """A large site's data files (a few seconds at 10,000 decisions) are written by a copy of
    the serving process while the lists and registers are rendered; should it die, here."""
    monkeypatch.setattr(livepreview.opendata, "FORKED_ABOVE", 0)
    monkeypatch.setattr(livepreview.opendata.forked, "cores", lambda: 2)
    writers = tmp_path / "writers"
    write = livepreview.opendata.write

    def recorded(site_dir, export, *into):
        if copy == "dies" and os.getpid() != _PARENT:
            os._exit(9)
        with writers.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {export.path}\n")
        return write(site_dir, export, *into)

    monkeypatch.setattr(livepreview.opendata, "write", recorded)
    site, served, _, _ = saved_in_process(tmp_path, monkeypatch, [])
    writers.unlink(missing_ok=True)  # the first build's
    following = Deferred.started.pop(0)
    following.target(*following.args)
    written = dict(reversed(line.split(" ", 1)) for line in writers.read_text().splitlines())
    assert "data/decisions.csv" in written
    pid = str(_PARENT)
    assert all((by == pid) is (copy == "dies") for by in written.values()), written
    full = tmp_path / "full"
    build_in_process(site, full)
    stale = [name for name, text in site_text(full).items() if site_text(served)[name] != text]
    assert stale == []
