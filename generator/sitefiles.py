"""The files of the site: which files under docs_dir are left out, which the generator adds (its
pages, the decisions' documents, the open data, its assets), and the rules only the whole site
can break (a hand-written page where the generator makes one, a Specified Information `page:`
that is no page of the site).

The build (plugin.on_files) and `transparency validate` (check.py) apply the same rules here,
with the same messages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import exports, pages, statutory
from .addresses import document_path, served_address
from .diagnostics import Diagnostics
from .model import SpecifiedInformation
from .pages import Page
from .publication import Publication
from .registers import Registers

ASSETS = Path(__file__).parent / "assets"
ASSETS_FOLDER = "assets/transparency/"


@dataclass(frozen=True)
class FoundFile:
    """A file the builder found under docs_dir."""

    src_uri: str
    source: Path | None


@dataclass(frozen=True)
class AddedFile:
    """A file the generator adds to the site: written from `content`, copied from `source`, or,
    when `written`, written into the built site by the generator itself (an open data file)."""

    src_uri: str
    content: str | None = None
    source: Path | None = None
    in_nav: bool = True
    edit_uri: str | None = None
    written: bool = False


@dataclass
class SiteFiles:
    """What the builder does with the files it found, and the problems that stop the build."""

    left_out: list[str] = field(default_factory=list)  # src_uri of each found file not published
    added: list[AddedFile] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)  # the generated pages, by src_uri
    exports: list[exports.Export] = field(default_factory=list)  # the open data files, unwritten
    problems: Diagnostics = field(default_factory=Diagnostics)


def found_files(docs_dir: Path) -> list[FoundFile]:
    """Every file under docs_dir, as MkDocs finds them (it follows symbolic links, and keeps the
    files its exclusions name until after the plugins have seen them)."""
    found = []
    for folder, folders, names in os.walk(docs_dir, followlinks=True):
        folders.sort()
        for name in sorted(names):
            path = Path(folder, name)
            found.append(FoundFile(path.relative_to(docs_dir).as_posix(), path))
    return found


def plan(
    publication: Publication,
    registers: Registers,
    specified: SpecifiedInformation | None,
    found: list[FoundFile],
    site_url: str,
) -> SiteFiles:
    """The files of the built site: the found files less those left out, then the generated
    pages, the documents, the open data files and the assets, in that order. The open data files
    are listed, not made: the builder writes them into the built site (opendata.py), each as it
    is made, as together they grow with the number of decisions, too much to hold."""
    left_out = _left_out(publication, found)
    kept = [file.src_uri for file in found if file.src_uri not in left_out]
    generated = _site_pages(publication, registers, specified, site_url)
    taken = _taken(publication, found, left_out, generated)
    if taken:
        return SiteFiles(left_out=sorted(left_out), problems=taken)
    added = [_page_file(page) for page in generated]
    added += _documents(publication)
    # The open data files are files of the site the builder knows, so a page may link to them;
    # the builder writes them (opendata.py).
    open_data = exports.site_exports(publication, registers, site_url)
    added += [AddedFile(export.path, written=True) for export in open_data]
    added += _assets()
    return SiteFiles(
        left_out=[file.src_uri for file in found if file.src_uri in left_out],
        added=added,
        pages={page.src_uri: page for page in generated},
        exports=open_data,
        problems=_missing_pages(publication, specified, [*kept, *(a.src_uri for a in added)]),
    )


def problems(
    publication: Publication,
    registers: Registers,
    specified: SpecifiedInformation | None,
    found: list[FoundFile],
) -> Diagnostics:
    """The problems plan would stop the build with, for `transparency validate`."""
    left_out = _left_out(publication, found)
    generated = _site_pages(publication, registers, specified, site_url="")
    taken = _taken(publication, found, left_out, generated)
    if taken:
        return taken
    published = [file.src_uri for file in found if file.src_uri not in left_out]
    published += [page.src_uri for page in generated]
    published += [added.src_uri for added in (*_documents(publication), *_assets())]
    published += [export.path for export in exports.site_exports(publication, registers, "")]
    return _missing_pages(publication, specified, published)


def _site_pages(
    publication: Publication,
    registers: Registers,
    specified: SpecifiedInformation | None,
    site_url: str,
) -> list[Page]:
    docs_dir = str(publication.settings.path("docs_dir"))
    return pages.site_pages(publication, registers, docs_dir, site_url, specified)


def _left_out(publication: Publication, found: list[FoundFile]) -> set[str]:
    """Found files that are not published: what is withheld, and the records kept under docs_dir
    (funding tables, the Specified Information map), which are pages of the site only as the
    generator makes them."""
    settings = publication.settings
    withheld = {document.src_uri for document in publication.withheld.internal}
    withheld |= set(publication.withheld.files)
    funding_dir = settings.path("funding_dir")
    specified_file = settings.path("specified_information")
    left_out = set()
    for file in found:
        if (
            file.src_uri in withheld
            or (file.source and file.source.parent == funding_dir and file.source.suffix == ".yaml")
            or file.source == specified_file
        ):
            left_out.add(file.src_uri)
    return left_out


def _taken(
    publication: Publication, found: list[FoundFile], left_out: set[str], generated: list[Page]
) -> Diagnostics:
    """An error for every hand-written file at the address of a page the generator makes."""
    addresses = {page.src_uri for page in generated}
    root = publication.settings.root
    taken = Diagnostics()
    for file in found:
        if file.src_uri in addresses and file.src_uri not in left_out:
            taken.error(
                os.path.relpath(file.source or file.src_uri, root),
                1,
                1,
                f"the generator makes the page at {file.src_uri} itself: move or rename "
                "this hand-written page",
            )
    return taken


def _page_file(page: Page) -> AddedFile:
    return AddedFile(
        page.src_uri,
        content=page.front_matter(),
        in_nav=page.in_nav,
        edit_uri=page.edit_uri,
    )


def _documents(publication: Publication) -> list[AddedFile]:
    settings = publication.settings
    files_dir = settings.path("files_dir")
    names = {
        document.file
        for decision in publication.decisions
        for document in decision.documents
        if document.file
    }
    return [
        AddedFile(document_path(settings, name), source=files_dir / name) for name in sorted(names)
    ]


def _assets() -> list[AddedFile]:
    return [
        AddedFile(ASSETS_FOLDER + asset.name, source=asset) for asset in sorted(ASSETS.iterdir())
    ]


def _missing_pages(
    publication: Publication, specified: SpecifiedInformation | None, published: Iterable[str]
) -> Diagnostics:
    """An error for every Specified Information `page:` that is not a file or page of the site."""
    if specified is None:
        return Diagnostics()
    addresses = set()
    for src_uri in published:
        addresses |= {src_uri, served_address(src_uri)}
    return statutory.missing_pages(specified, addresses, str(publication.settings.root))
