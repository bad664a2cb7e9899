"""The MkDocs adapter: hands MkDocs the pages, files and navigation the core describes.

Event handlers stay short; the work happens in plain modules that import nothing from MkDocs,
so moving to another MkDocs-compatible builder only means rewriting this file.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import AnchorLink, get_toc

from . import exports, load, pages, registers, render, search, sitedir, statutory
from .addresses import document_path, page_url, relative_url
from .config import TransparencyConfig
from .diagnostics import Diagnostic, Severity
from .livepreview import LivePreview
from .publication import Publication, publish
from .records import Records
from .schema import field_name
from .settings import Settings, check_options

log = logging.getLogger("mkdocs.plugins.transparency")
ASSETS = Path(__file__).parent / "assets"
OVERRIDES = Path(__file__).parent / "overrides"
_H1_ID = re.compile(r'<h1 id="([^"]+)"')


def _heading(html: str, page: MkDocsPage) -> str:
    """An h1 for a written page with no heading of its own, as the first entry of its toc.

    Material would print the title itself, without an id and out of the toc, and take its skip
    link from the toc: such a page had no skip link.
    """
    if "<h1" in html or len(page.toc):
        return ""
    page.toc = get_toc([{"level": 1, "id": "title", "name": _escaped(page.title), "children": []}])
    return f'<h1 id="title">{escape(page.title)}</h1>'


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


class TransparencyPlugin(BasePlugin[TransparencyConfig]):
    supports_multiple_instances = False

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list, list]:
        # The checks `transparency validate` makes: MkDocs alone would only warn of an unknown name.
        problems = check_options(options)
        if problems:
            return [(field_name(path), message) for path, _, message in problems], []
        return super().load_config(options, config_file_path)

    # `mkdocs serve` shows the records' errors in the browser; `mkdocs build` fails on them.
    serving = False

    # Records a caller has already loaded for this build (see build.py).
    loaded: Records | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def _stop(self, problems: list[Diagnostic], what: str) -> None:
        """Fail the build; when serving, build a page of the errors instead, for every address."""
        self._log(problems)
        if not self.serving:
            raise PluginError(f"{len(problems)} error(s) in {what}: see the lines above")
        self.errors = [d.text() for d in problems]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        options = dict(self.config)
        options["publisher"] = dict(self.config.publisher)
        root = Path(config.config_file_path).parent.resolve()
        self.settings = Settings.from_options(options, root, os.path.relpath(config.docs_dir, root))
        # `mkdocs build` empties site_dir first: never the repository, a source folder or others'
        # files.
        if refused := sitedir.problem(
            Path(config.site_dir), self.settings, others_files=not self.serving
        ):
            raise PluginError(refused)
        self.errors: list[str] = []
        # `transparency build` has loaded and validated the records already: once per build.
        loaded, self.loaded = self.loaded, None
        records = (
            loaded
            if loaded is not None and loaded.settings == self.settings
            else load.load(self.settings)
        )
        if records.diagnostics.errors:
            self._stop(records.diagnostics.errors, "the records")
            config.nav = []
            return config
        self.records = records
        self.publication: Publication = publish(records)
        self.registers = registers.derive(self.publication)
        self.specified = records.specified
        self._log(
            dict.fromkeys(
                [
                    *records.diagnostics,
                    *statutory.build_warnings(self.publication, self.registers, self.specified),
                ]
            )
        )
        if config.nav is not None:
            config.nav = _escape_nav([self._expand_nav(item) for item in config.nav])
        if not self.settings.repository_links:
            # MkDocs makes no edit link without it, and Material no repository link.
            config.repo_url = config.edit_uri = config.edit_uri_template = None
        # Our page templates sit between the site's own overrides and Material's.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(OVERRIDES))
        config.extra_css.append("assets/transparency/transparency.css")
        if self.config.search:
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
        withheld = {doc.src_uri for doc in self.publication.withheld.internal} | set(
            self.publication.withheld.files
        )
        funding_dir = self.settings.path("funding_dir")
        for file in list(files):
            path = Path(file.abs_src_path) if file.abs_src_path else None
            if (
                file.src_uri in withheld
                or (path and path.parent == funding_dir and path.suffix == ".yaml")
                or path == self.settings.path("specified_information")
            ):
                files.remove(file)
        generated = pages.site_pages(
            self.publication,
            self.registers,
            str(self.settings.path("docs_dir")),
            config.site_url or "",
            self.specified,
        )
        taken = [file for file in files if file.src_uri in {page.src_uri for page in generated}]
        if taken:
            self._stop(
                [
                    Diagnostic(
                        os.path.relpath(file.abs_src_path or file.src_uri, self.settings.root),
                        1,
                        1,
                        Severity.ERROR,
                        f"the generator makes the page at {file.src_uri} itself: move or rename "
                        "this hand-written page",
                    )
                    for file in taken
                ],
                "the hand-written pages",
            )
            return Files([])
        self.pages = {p.src_uri: p for p in generated}
        for page in self.pages.values():
            file = File.generated(
                config,
                page.src_uri,
                content=page.front_matter(),
                inclusion=InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV,
            )
            file.edit_uri = page.edit_uri
            files.append(file)
        files_dir = self.settings.path("files_dir")
        for name in sorted(
            {doc.file for d in self.publication.decisions for doc in d.documents if doc.file}
        ):
            files.append(
                File.generated(
                    config, document_path(self.settings, name), abs_src_path=str(files_dir / name)
                )
            )
        # The open data files are files of the site MkDocs knows, so a page may link to them.
        for path, content in exports.site_exports(
            self.publication, self.registers, config.site_url or ""
        ):
            files.append(File.generated(config, path, content=content))
        for asset in sorted(ASSETS.iterdir()):
            files.append(
                File.generated(config, f"assets/transparency/{asset.name}", abs_src_path=str(asset))
            )
        self.toolkit = {doc.src_uri: doc for doc in self.publication.toolkit}
        self.nav_cache: dict[str, str] = {}
        if self.specified is not None:
            # Only now is every page known: staff's Markdown, less what is withheld, and ours.
            missing = statutory.missing_pages(
                self.specified,
                {f.src_uri for f in files} | {f.url for f in files},
                str(self.settings.root),
            )
            if missing:
                self._stop(missing, "the Specified Information map")
                return Files([])
        return files

    def on_page_content(
        self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str:
        _escape_title(page)
        uri = page.file.src_uri
        if uri in self.pages:
            spec = self.pages[uri]
            content = spec.html(self.publication)
            entries = [
                {"level": e.level, "id": e.id, "name": _escaped(e.title), "children": []}
                for e in spec.toc
            ]
            # The page's h1 heads its table of contents, as on a written page: Material lists the
            # entries under it and points its skip link at it (no toc entry, no skip link).
            title = _H1_ID.search(content)
            page.toc = get_toc(
                [{"level": 1, "id": title[1], "name": _escaped(spec.title), "children": entries}]
                if title
                else entries
            )
            return content
        if uri in self.toolkit:
            doc = self.toolkit[uri]
            meta = render.render(
                "toolkit-meta.html",
                doc=doc,
                pub=self.publication,
                stage_title=pages.STAGE_TITLES.get(doc.stage or "", "Across the cycle"),
                link=lambda target: relative_url(target, page_url(uri)),
            )
            body = render.sanitise(html)
            heading = _heading(body, page)
            _hide_empty_toc(page)
            # The title first, then the document's details: after its own h1, if it has one.
            title_end = body.find("</h1>")
            end = title_end + len("</h1>") if title_end >= 0 and not heading else 0
            return (
                f'<div data-pagefind-body data-pagefind-filter="type:Toolkit">{heading}'
                f"{body[:end]}{meta}{body[end:]}</div>"
            )
        if page.meta.get("contact"):
            html += render.render("contact.html", pub=self.publication)
            _add_to_toc(page, "contact", "Contact the office")
        _hide_empty_toc(page)
        if page.is_homepage:
            return html + render.render(
                "home.html", pub=self.publication, link=lambda target: relative_url(target, "")
            )
        return html

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # What the live preview renders a saved record's pages with (livepreview.py).
        self.site_config, self.files, self.env = config, files, env
        # MkDocs makes a new environment for every build, `mkdocs serve` rebuilds included: no
        # need to stat each of Material's ~40 templates again for every page rendered.
        env.auto_reload = False
        # The office the footer of every page, 404 included, names and gives the contacts of.
        env.globals["transparency_publisher"] = self.settings.publisher
        return env

    def on_page_context(
        self, context: dict[str, Any], *, page: MkDocsPage, config: MkDocsConfig, nav: Any
    ) -> dict[str, Any]:
        spec = self.pages.get(page.file.src_uri)
        context["transparency_jsonld"] = pages.head_json(spec) if spec else ""
        # Outside the navigation, a page's navigation (relative links, nothing active) is the
        # same as its siblings': one render per folder, not per decision.
        context["transparency_nav_key"] = (
            None if page.file.inclusion.is_in_nav() else posixpath.dirname(page.url.rstrip("/"))
        )
        context["transparency_nav_cache"] = self.nav_cache
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.errors:
            # Served at its address and, as the 404 page, at every other one.
            page = render.render("serve-errors.html", lines=self.errors)
            for name in ("index.html", "404.html"):
                Path(config.site_dir, name).write_text(page, encoding="utf-8")
            return
        # Also after each rebuild of `mkdocs serve`, into the folder it serves.
        if self.config.search:
            try:
                index = search.build_index(
                    Path(config.site_dir), config.theme.get("language") or "en"
                )
            except search.SearchIndexError as exc:
                raise PluginError(str(exc))
            log.info(
                f"search index: {index.pages} pages, {index.files} files, {index.bytes // 1024} KB"
            )

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        for name in ("decisions_dir", "funding_dir", "toolkit_dir"):
            folder = self.settings.path(name)
            if folder.is_dir():
                server.watch(str(folder))
        # Saving a decision record renders the pages showing it, not the whole site.
        server.builder = LivePreview(self, server, builder)
        return server
