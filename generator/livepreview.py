"""The live preview of `make serve` on MkDocs's server: renders the pages generator.preview names,
with the configuration, files, navigation and templates of the last full build.

MkDocs's server rebuilds the whole site on any change and holds every request while it does. This
takes its place for what the preview can do page by page: the decision pages showing a saved
record are rendered while requests wait (a second or so at 10,000 decisions), then the browsers
reload; the lists, registers and open data files holding it follow in the background (the lists
and registers shared with a copy of the process, on another core), each page marked as updating
meanwhile and each data file absent, and the browsers reload again.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

from mkdocs.commands.build import _populate_page, get_context
from mkdocs.structure.files import File, InclusionLevel

from . import exports, forked, opendata, pages, preview, search
from .opendata import OpenDataFiles
from .settings import Settings

log = logging.getLogger("mkdocs.plugins.transparency")

# How long the preview waits for the pages it shared with another process before it renders
# them itself: far longer than the largest register takes.
SHARE_TIMEOUT = 120


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def write(path: Path, content: bytes) -> None:
    """Replace a file of the served site at once: the server may be reading it meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".preview-")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, path)


class SearchIndexer:
    """Pagefind over the served site, in the background: half a minute at 10,000 decisions, which
    no save should wait for. From a save until its pages are all written and indexed the site has
    no search index, rather than one that finds the records as they were."""

    def __init__(
        self, site_dir: Path, language: str, settings: Settings, order: Callable[[], list[str]]
    ):
        self.site_dir = site_dir
        self.language = language
        self.settings = settings
        # The order the last full build gave Pagefind the pages in: the same index, numbered alike.
        self.order = order
        self.lock = threading.Lock()
        self.wanted = False
        self.holds = 0  # saves whose pages are still being written
        self.thread: threading.Thread | None = None

    def hold(self) -> None:
        with self.lock:
            self.holds += 1
            self._discard()

    def release(self) -> None:
        with self.lock:
            self.holds -= 1
            self.wanted = True
            if self.thread is None and not self.holds:
                self.thread = threading.Thread(target=self._run, daemon=True)
                self.thread.start()

    def wait(self) -> None:
        thread = self.thread
        if thread is not None:
            thread.join()

    def _discard(self) -> None:
        index = self.site_dir / search.BUNDLE
        if index.is_dir():
            index.rename(Path(tempfile.mkdtemp(dir=self.site_dir, prefix=".preview-")) / "old")

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.wanted or self.holds:
                    self.thread = None
                    return
                self.wanted = False
            for old in self.site_dir.glob(".preview-*"):
                shutil.rmtree(old, ignore_errors=True)
            try:
                index = search.build_index(
                    self.site_dir,
                    self.language,
                    order=self.order(),
                    parts_above=self.settings.search_parts_above,
                    part_size=self.settings.search_part_size,
                )
            except Exception as exc:  # a save meanwhile took the folder away: indexed again below
                index = None
                failure = str(exc)
            with self.lock:
                if self.wanted or self.holds:
                    self._discard()  # a record was saved while Pagefind read the pages
                    continue
            if index is None:
                log.error(f"Preview: no search index: {failure}")
            else:
                log.info(f"Preview: search index updated, {index.pages} pages")


class LivePreview:
    """Stands in for the server's builder: a saved record's pages, or else the full build."""

    def __init__(self, plugin: Any, server: Any, full_build: Callable[..., None]):
        # The plugin, holding what its last full build made (plugin.py imports this module).
        self.plugin = plugin
        self.server = server
        self.full_build = full_build
        self.sources = preview.snapshot(self.watched())
        self.search = (
            SearchIndexer(
                Path(plugin.site_config.site_dir),
                plugin.site_config.theme.get("language") or "en",
                plugin.settings,
                lambda: list(plugin.indexed),
            )
            if plugin.settings.search
            else None
        )
        self.following: threading.Thread | None = None
        # Set by the background step: True once it has finished (the browsers need a reload),
        # "full" when it failed and only a full build can put the site right.
        self.after: bool | str = False
        # Whether the last full build finished: the pages are rendered with what it left.
        self.built = True

    def __call__(self, config: Any = None) -> None:
        if self.following is not None:
            self.following.join()
            self.following = None
        after, self.after = self.after, False
        if config is None and after != "full" and self.built:
            if after and preview.snapshot(self.watched()) == self.sources:
                return  # only the reload the background step asked for
            try:
                if self._update():
                    return
            except Exception:
                log.exception(
                    "Preview: could not render the saved record's pages; building everything"
                )
        if self.search is not None:
            self.search.wait()  # the build writes the index too
        # Before the build reads them: a file saved meanwhile is a change for the next one.
        self.sources = preview.snapshot(self.watched())
        self.built = False
        self.full_build(config)
        self.built = True

    def watched(self) -> list[Path]:
        """The files a full build reads: a change to any but a decision record needs one."""
        settings = self.plugin.settings
        config = self.plugin.site_config
        return [
            Path(config.config_file_path),
            *(
                settings.path(name)
                for name in ("docs_dir", "decisions_dir", "funding_dir", "toolkit_dir", "files_dir")
            ),
            settings.path("specified_information"),
            *(Path(path) for path in config.watch),
        ]

    def _ask_for_reload(self) -> None:
        # The server's own loop, as after a change to a watched file: it reloads the browsers when
        # this builder returns. MkDocs 1.6 offers no public call for it.
        with self.server._rebuild_cond:
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()

    def _update(self) -> bool:
        plugin = self.plugin
        if plugin.errors:
            return False
        now = preview.snapshot(self.watched())
        paths = preview.saved_records(self.sources, now, plugin.records)
        if paths is None:
            return False
        saved = preview.reread(plugin.records, paths)
        update = preview.plan(plugin.records, plugin.publication, plugin.registers, saved)
        if update is None:
            return False
        log.info(f"Preview: {', '.join(update.references)} saved: rendering the pages showing it")
        plugin._log(saved.diagnostics)
        self.sources = now
        plugin.records = saved
        plugin.publication = update.publication
        plugin.registers = update.registers
        site_dir = Path(plugin.site_config.site_dir)
        docs_dir = str(plugin.settings.path("docs_dir"))
        site_url = plugin.site_config.site_url or ""
        decision_pages = []
        for ref in update.decision_pages:
            page = pages.decision_page(
                update.publication.by_reference[ref], update.publication, docs_dir, site_url
            )
            plugin.pages[page.src_uri] = page
            decision_pages.append(page.src_uri)
        self._render(decision_pages)
        # Nothing stale as if fresh: each page still to come says so, each data file is away.
        for uri in self._known(update.listing_pages):
            path = site_dir / plugin.files.get_file_from_path(uri).dest_uri
            if path.is_file():
                write(path, preview.mark_updating(path.read_bytes()))
        for name in update.data_files:
            (site_dir / name).unlink(missing_ok=True)
        if self.search is not None:
            self.search.hold()
        self.following = threading.Thread(target=self._follow, args=(update,), daemon=True)
        self.following.start()
        return True

    def _follow(self, update: preview.Update) -> None:
        plugin = self.plugin
        try:
            site_url = plugin.site_config.site_url or ""
            for spec in pages.site_pages(
                update.publication,
                update.registers,
                str(plugin.settings.path("docs_dir")),
                site_url,
                plugin.specified,
                decision_pages=False,
            ):
                plugin.pages[spec.src_uri] = spec
            # The files holding every decision (a few seconds at 10,000) are written by a copy
            # of this process while the pages are rendered, themselves shared with another.
            data = OpenDataFiles(
                plugin.site_config.site_dir,
                exports.site_exports(
                    update.publication, update.registers, site_url, only=set(update.data_files)
                ),
                forking=len(update.publication.decisions) > opendata.FORKED_ABOVE,
                giving_way=False,
                into=write,
                wait_limit=SHARE_TIMEOUT,
            )
            try:
                self._render_shared(update.listing_pages)
            except BaseException:
                data.close()
                raise
            data.finish()
            log.info("Preview: the lists, registers and open data files are up to date")
            self.after = True
        except Exception:
            log.exception("Preview: could not update the lists and registers; building everything")
            self.after = "full"
        if self.search is not None:
            self.search.release()
        self._ask_for_reload()

    def _render_shared(self, uris: tuple[str, ...]) -> None:
        """Render these pages, sharing them with a copy of this process on another core: the
        registers of a large site take a second or more each. Should the copy fail or hang, its
        pages are rendered here."""
        site_dir = Path(self.plugin.site_config.site_dir)
        files = self.plugin.files
        known = self._known(uris)
        if len(known) < 2 or forked.cores() < 2:
            self._render(known)
            return
        # The pages as last written tell how long each takes: the largest go first, each to
        # the share with less so far.
        theirs: list[str] = []
        ours: list[str] = []
        size = {uri: _size(site_dir / files.get_file_from_path(uri).dest_uri) for uri in known}
        for uri in sorted(known, key=lambda uri: (-size[uri], uri)):
            share = min((theirs, ours), key=lambda pages: sum(size[page] for page in pages))
            share.append(uri)
        copy = forked.Copy.start(lambda: self._render(theirs))
        if copy is None:
            self._render(known)
            return
        try:
            self._render(ours)
        except BaseException:
            copy.stop()
            raise
        if not copy.wait(SHARE_TIMEOUT):
            self._render(theirs)

    def _known(self, uris: list[str] | tuple[str, ...]) -> list[str]:
        # The home page is the office's own index.md, which a site may not have.
        return [uri for uri in uris if self.plugin.files.get_file_from_path(uri) is not None]

    def _render(self, uris: list[str] | tuple[str, ...]) -> None:
        plugin = self.plugin
        config, files, nav, env = plugin.site_config, plugin.files, plugin.nav, plugin.env
        documentation = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for uri in self._known(uris):
            file: File = files.get_file_from_path(uri)
            page = file.page
            assert page is not None
            if uri in plugin.pages:
                file.content_string = plugin.pages[uri].front_matter()
                file.edit_uri = plugin.pages[uri].edit_uri
            _populate_page(page, config, files)
            # As mkdocs.commands.build._build_page, but the page replaced in one step.
            config._current_page = page
            page.active = True
            try:
                context = get_context(nav, documentation, config, page)
                template = env.get_template(page.meta.get("template", "main.html"))
                context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
                output = config.plugins.on_post_page(
                    template.render(context), page=page, config=config
                )
            finally:
                page.active = False
                config._current_page = None
            write(
                Path(config.site_dir, file.dest_uri),
                output.encode("utf-8", errors="xmlcharrefreplace"),
            )
