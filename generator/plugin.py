"""The MkDocs adapter: hands MkDocs the pages, files and navigation the core describes.

Event handlers stay short; the work happens in plain modules that import nothing from MkDocs,
so moving to another MkDocs-compatible builder only means rewriting this file.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, cast

from markupsafe import Markup, escape
from mkdocs.config.base import ConfigErrors, ConfigWarnings, ValidationError
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc
from mkdocs.utils.templates import TemplateContext

from . import check, load, opendata, pages, render, search, sitedir, sitefiles, written
from .config import TransparencyConfig
from .diagnostics import Diagnostic, Severity
from .livepreview import LivePreview
from .opendata import OpenDataFiles
from .publication import Publication
from .schema import field_name
from .settings import Settings, check_options
from .sharedpages import SharedPages
from .sitefiles import AddedFile, FoundFile

if TYPE_CHECKING:
    from mkdocs.structure.toc import _TocToken

log = logging.getLogger("mkdocs.plugins.transparency")
OVERRIDES = Path(__file__).parent / "overrides"
_H1_ID = re.compile(r'<h1 id="([^"]+)"')


def _source(file: File) -> Path | None:
    return Path(file.abs_src_path) if file.abs_src_path else None


class WrittenFile(File):
    """An open data file, written straight into the site by the plugin (opendata.py), perhaps
    while MkDocs copies its files: nothing for MkDocs to copy."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


def _generated(config: MkDocsConfig, added: AddedFile) -> File:
    inclusion = InclusionLevel.INCLUDED if added.in_nav else InclusionLevel.NOT_IN_NAV
    if added.written:
        file: File = WrittenFile.generated(
            config,
            added.src_uri,
            abs_src_path=os.path.join(config.site_dir, added.src_uri),
            inclusion=inclusion,
        )
    elif added.source is not None:
        file = File.generated(
            config, added.src_uri, abs_src_path=str(added.source), inclusion=inclusion
        )
    else:
        file = File.generated(
            config, added.src_uri, content=added.content or "", inclusion=inclusion
        )
    file.edit_uri = added.edit_uri
    return file


def _add_to_toc(page: MkDocsPage, anchor: str, title: str) -> None:
    """A section the plugin adds to a written page, last in its contents, under its title."""
    entry = AnchorLink(title, anchor, 2)
    items = page.toc.items
    (items[0].children if len(items) == 1 and items[0].level == 1 else items).append(entry)


def _hide_empty_toc(page: MkDocsPage) -> None:
    """A written page whose contents list would hold no section (its title at most) leaves out
    the contents column: Material keeps the column, empty, and the page's tables lose its width."""
    if not any(entry.level > 1 or entry.children for entry in page.toc):
        page.meta["hide"] = [*page.meta.get("hide", []), "toc"]


def _escaped(text: Any) -> Any:
    return Markup(escape(text)) if isinstance(text, str) else text


def _escape_nav(item: Any) -> Any:
    """Material prints navigation titles as they are: one written in mkdocs.yml or in a funding
    table must not run as markup."""
    if isinstance(item, dict):
        return {_escaped(title): _escape_nav(value) for title, value in item.items()}
    if isinstance(item, list):
        return [_escape_nav(value) for value in item]
    return item


def _escape_title(page: MkDocsPage) -> None:
    """Material prints a page's title and description unescaped, in the navigation, breadcrumbs,
    header and head of every page; they come from files staff write. Every page is rendered
    before any template, so this runs before any page prints another's title."""
    if "title" in page.meta:
        page.meta["title"] = _escaped(str(page.meta["title"]))
    elif page.title is not None:
        # A title taken from the page's first heading is HTML already: tags stripped, text escaped.
        page.title = Markup(page.title)
    if "description" in page.meta:
        page.meta["description"] = _escaped(str(page.meta["description"]))


def _generated_toc(generated: pages.Page, content: str) -> TableOfContents:
    """A generated page's contents list: its sections, under its h1 as on a written page (Material
    lists the entries under it and points its skip link at it: no entry, no skip link)."""
    entries: list[_TocToken] = [
        {"level": entry.level, "id": entry.id, "name": _escaped(entry.title), "children": []}
        for entry in generated.toc
    ]
    title = _H1_ID.search(content)
    return get_toc(
        [{"level": 1, "id": title[1], "name": _escaped(generated.title), "children": entries}]
        if title
        else entries
    )


class GeneratedPage(MkDocsPage):
    """A generated page outside the navigation (every decision's). Its source is front matter
    alone and its HTML is made when it is written (on_page_context): MkDocs would otherwise set
    up a Markdown converter with every extension for each one, to convert nothing (8 s of a
    10,000-decision build). Set as the file's page in on_nav, as Material's blog plugin sets
    its own. Its present_anchor_ids stay None, so MkDocs does not check links to its anchors
    against an empty page: the links check (links.py) checks them against the written one."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])


class TransparencyPlugin(BasePlugin[TransparencyConfig]):
    supports_multiple_instances = False

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[ConfigErrors, ConfigWarnings]:
        # The checks `transparency validate` makes: MkDocs alone would only warn of an unknown name.
        problems = check_options(options)
        if problems:
            return [
                (field_name(path), ValidationError(message)) for path, _, message in problems
            ], []
        return super().load_config(options, config_file_path)

    # `mkdocs serve` shows the records' errors in the browser; `mkdocs build` fails on them.
    serving = False

    # What a caller has already loaded, validated and published for this build (see build.py).
    loaded: check.Prepared | None = None

    # The records' errors, one line each, when `mkdocs serve` shows them instead of the site.
    errors: list[str]

    # Pagefind, fed the pages as they are written during a whole build (not the live preview's),
    # and the order it was given them in, for the live preview to index the site again alike.
    indexer: search.Indexer | None = None
    indexed: list[str] = []
    # During a whole build of a large site, the generated pages' HTML made by a copy of the build
    # too (sharedpages.py); the live preview renders its pages alone.
    shared: SharedPages | None = None
    # The open data files being written, from on_files until on_post_build.
    open_data: OpenDataFiles | None = None
    # Set by `transparency build`: on_post_build starts the search index and returns, and the
    # build waits for it with finish_search_index.
    index_later = False
    indexing: Future[search.SearchIndex] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def _stop(self, problems: list[Diagnostic], what: str) -> None:
        """Fail the build; when serving, build a page of the errors instead, for every address."""
        self._log(problems)
        if not self.serving:
            raise PluginError(f"{len(problems)} error(s) in {what}: see the lines above")
        self.errors = [problem.text() for problem in problems]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        options = dict(self.config)
        options["publisher"] = dict(self.config["publisher"])
        root = Path(config.config_file_path).parent.resolve()
        self.settings = Settings.from_options(options, root, os.path.relpath(config.docs_dir, root))
        # `mkdocs build` empties site_dir first: never the repository, a source folder or others'
        # files.
        if refused := sitedir.problem(
            Path(config.site_dir), self.settings, others_files=not self.serving
        ):
            raise PluginError(refused)
        self.errors = []
        # `transparency build` has loaded, validated and published the records already: once
        # per build.
        loaded, self.loaded = self.loaded, None
        if loaded is not None and loaded.records.settings != self.settings:
            loaded = None
        records = loaded.records if loaded is not None else load.load(self.settings)
        if records.diagnostics.errors:
            self._stop(records.diagnostics.errors, "the records")
            config.nav = []
            return config
        prepared = loaded if loaded is not None else check.prepare(records)
        self.records = records
        self.publication: Publication = prepared.publication
        self.registers = prepared.registers
        self.specified = records.specified
        self._log(dict.fromkeys([*records.diagnostics, *prepared.warnings]))
        if config.nav is not None:
            config.nav = _escape_nav([self._expand_nav(item) for item in config.nav])
        if not self.settings.repository_links:
            # MkDocs makes no edit link without it, and Material no repository link.
            config.repo_url = config.edit_uri = config.edit_uri_template = None
        # Our page templates sit between the site's own overrides and Material's.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(OVERRIDES))
        config.extra_css.append("assets/transparency/transparency.css")
        if self.settings.search:
            config.extra_css.append("assets/transparency/search.css")
            script = ExtraScriptValue("assets/transparency/search.js")
            script.type = "module"
            config.extra_javascript.append(script)
        return config

    @staticmethod
    def _log(diagnostics: Any) -> None:
        for diagnostic in diagnostics:
            (log.error if diagnostic.severity is Severity.ERROR else log.warning)(diagnostic.text())

    def _expand_nav(self, item: Any) -> Any:
        if isinstance(item, dict):
            return {title: self._expand_nav(value) for title, value in item.items()}
        if isinstance(item, list):
            return [self._expand_nav(value) for value in item]
        if isinstance(item, str):
            return pages.nav_children(self.publication, item) or item
        return item

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self.errors:
            return Files([])
        site = sitefiles.plan(
            self.publication,
            self.registers,
            self.specified,
            [FoundFile(file.src_uri, _source(file)) for file in files],
            config.site_url or "",
        )
        if site.problems:
            self._stop(site.problems, "the site's pages")
            return Files([])
        for src_uri in site.left_out:
            files.remove(files.src_uris[src_uri])
        for added in site.added:
            files.append(_generated(config, added))
        self.pages = site.pages
        self.nav_cache = render.RenderedOnce()
        self._stop_writing()
        # A copy of the build on another core writes them while this one renders the pages;
        # not when serving (a server's threads and a forked copy do not mix).
        self.open_data = OpenDataFiles(
            config.site_dir,
            site.exports,
            forking=not self.serving and len(self.publication.decisions) > opendata.FORKED_ABOVE,
        )
        return files

    def on_page_content(
        self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        _escape_title(page)
        if page.file.src_uri in self.pages:
            # MkDocs holds every page's content from here until it writes the last page: a
            # generated page's HTML is made when it is written (on_page_context), and dropped
            # after (on_post_page), so a build holds one at a time, not 50,000.
            return ""
        written_page = written.complete(
            self.publication,
            page.file.src_uri,
            html,
            title=page.title or "",
            has_contents=bool(len(page.toc)),
            asks_for_contact=bool(page.meta.get("contact")),
            is_homepage=page.is_homepage,
        )
        if written_page.title_heading:
            page.toc = get_toc(
                [{"level": 1, "id": "title", "name": _escaped(page.title), "children": []}]
            )
        if written_page.contact:
            _add_to_toc(page, "contact", "Contact the office")
        _hide_empty_toc(page)
        return written_page.html

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.nav = nav
        # MkDocs has made every page a Page by now: a generated one outside the navigation gets a
        # GeneratedPage instead (one in it keeps its own, titled as the navigation says).
        in_nav = {id(page) for page in nav.pages}
        for file in files.documentation_pages():
            if file.src_uri in self.pages and id(file.page) not in in_nav:
                GeneratedPage(None, file, config)
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # What the live preview renders a saved record's pages with (livepreview.py).
        self.site_config, self.files, self.env = config, files, env
        # MkDocs makes a new environment for every build, `mkdocs serve` rebuilds included: no
        # need to stat each of Material's ~40 templates again for every page rendered.
        env.auto_reload = False
        # The office the footer of every page, 404 included, names and gives the contacts of.
        env.globals["transparency_publisher"] = self.settings.publisher
        self._stop_sharing()
        if not self.errors and SharedPages.wanted(len(self.pages)):
            # The order MkDocs will render them in: a copy of the build renders from the last.
            self.shared = SharedPages(
                [
                    self.pages[file.src_uri]
                    for file in files.documentation_pages()
                    if file.src_uri in self.pages
                ],
                self.publication,
            )
        return env

    # First, so that other plugins reading the page (search) find its content and contents list.
    @event_priority(100)
    def on_page_context(
        self, context: TemplateContext, *, page: MkDocsPage, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            page.content = (
                self.shared.html(generated)
                if self.shared is not None
                else generated.html(self.publication)
            )
            page.toc = _generated_toc(generated, page.content)
        # MkDocs types the context as its own keys; the templates under overrides/ read ours.
        ours = cast(dict[str, Any], context)
        ours["transparency_jsonld"] = pages.head_json(generated) if generated else ""
        # Outside the navigation, a page's navigation (relative links, nothing active) is the
        # same as its siblings': one render per folder, not per decision.
        ours["transparency_nav_key"] = (
            None if page.file.inclusion.is_in_nav() else posixpath.dirname(page.url.rstrip("/"))
        )
        ours["transparency_nav_cache"] = self.nav_cache
        return context

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self._stop_indexing()
        # A site searched in parts is indexed a part at a time once it is built (search.py).
        if (
            self.settings.search
            and not self.errors
            and len(self.publication.decisions) <= self.settings.search_parts_above
        ):
            try:
                self.indexer = search.Indexer(config.theme.get("language") or "en")
            except search.SearchIndexError as exc:
                raise PluginError(str(exc))

    # Last, so that Pagefind indexes the page as it is written, whatever other plugins change.
    @event_priority(-100)
    def on_post_page(self, output: str, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        if self.indexer is not None:
            try:
                self.indexer.add(page.file.dest_uri, output)
            except search.SearchIndexError as exc:
                raise PluginError(str(exc))
        if page.file.src_uri in self.pages:
            page.content, page.toc = None, get_toc([])  # made again if it is written again
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._stop_sharing()
        if self.open_data is not None:
            self.open_data.finish()
            self.open_data = None
        if self.errors:
            self._stop_indexing()
            # Served at its address and, as the 404 page, at every other one.
            page = render.render("serve-errors.html", lines=self.errors)
            for name in ("index.html", "404.html"):
                Path(config.site_dir, name).write_text(page, encoding="utf-8")
            return
        # Also after each rebuild of `mkdocs serve`, into the folder it serves.
        indexer, self.indexer = self.indexer, None
        if self.settings.search:
            self.indexed = indexer.pages if indexer is not None else []
            indexing = partial(
                search.build_index,
                Path(config.site_dir),
                config.theme.get("language") or "en",
                parts_above=self.settings.search_parts_above,
                part_size=self.settings.search_part_size,
                indexer=indexer,
            )
            # For this build only: MkDocs keeps its plugins from one build to the next.
            index_later, self.index_later = self.index_later, False
            if index_later:
                # Pagefind finishing the index is mostly Pagefind's own work, on its own
                # threads: `transparency build` checks the site meanwhile (build.py).
                starting = ThreadPoolExecutor(1)
                self.indexing = starting.submit(indexing)
                starting.shutdown(wait=False)
            else:
                self._indexed(indexing)

    def finish_search_index(self) -> None:
        """Return once the search index a build started with index_later is written."""
        indexing, self.indexing = self.indexing, None
        if indexing is not None:
            self._indexed(indexing.result)

    @staticmethod
    def _indexed(indexing: Callable[[], search.SearchIndex]) -> None:
        try:
            index = indexing()
        except search.SearchIndexError as exc:
            raise PluginError(str(exc))
        size = f"{index.files} files, {index.bytes // 1024} KB"
        log.info(f"search index: {index.pages} pages, {size}")

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_writing()
        self._stop_sharing()
        self._stop_indexing()

    def on_shutdown(self) -> None:
        self.index_later = False
        self._stop_writing()
        self._stop_sharing()
        self._stop_indexing()

    def _stop_writing(self) -> None:
        if self.open_data is not None:
            self.open_data.close()
            self.open_data = None

    def _stop_sharing(self) -> None:
        if self.shared is not None:
            self.shared.close()
            self.shared = None

    def _stop_indexing(self) -> None:
        if self.indexer is not None:
            self.indexer.close()
            self.indexer = None

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        for name in ("decisions_dir", "funding_dir", "toolkit_dir"):
            folder = self.settings.path(name)
            if folder.is_dir():
                server.watch(str(folder))
        # Saving a decision record renders the pages showing it, not the whole site.
        server.builder = LivePreview(self, server, builder)
        return server
