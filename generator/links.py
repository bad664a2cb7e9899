"""The links check: every link inside a built site leads to a file, and an anchor, of that site.

The site is published under the sub-path of its site_url (say /our-business/making-decisions/),
so a link is followed as a browser would from the page's published address, and must land
inside that sub-path on a file the build wrote. Links to other hosts are not followed: no
request leaves the machine.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote, urlsplit

from .addresses import document_path, page_url, page_url_of
from .publication import Publication


def _attribute(name: str, *, in_piece: bool = False) -> re.Pattern[str]:
    """An attribute's quoted value (group 1 or 2) after `name`; in a piece of a page (see _Pages)
    also a value still open at the piece's end (group 3), which may go on into the next piece.
    Generated HTML quotes its attributes; Markdown written by staff may use single quotes."""
    still_open = r"""|("[^"]*|'[^']*)\Z""" if in_piece else ""
    return re.compile(name + r"""\s*=\s*(?:"([^"]*)"|'([^']*)'""" + still_open + ")")


_LINK_AT = r"<[a-zA-Z][^<>]*?\s(?:href|src)"
_ID_AT = r"\s(?:id|name)"
_LINK, _LINK_IN_PIECE = _attribute(_LINK_AT), _attribute(_LINK_AT, in_piece=True)
_ID, _ID_IN_PIECE = _attribute(_ID_AT), _attribute(_ID_AT, in_piece=True)
# Pieces of HTML kept to be known again on later pages: the theme repeats most of its own on
# every page, but a page's head (its title and description) is its own, so they are dropped now
# and then, to keep memory down.
KEPT_PIECES = 1 << 12
# Schemes that leave the site or are not addresses at all.
_ELSEWHERE = ("mailto:", "tel:", "data:", "sms:", "ftp:")


@dataclass(frozen=True, order=True)
class BrokenLink:
    file: str  # the built file the link is in, inside the site
    line: int
    link: str
    problem: str
    source: str = ""  # the file staff edit to fix it, when known

    def message(self) -> str:
        fix = f" (in {self.source})" if self.source else ""
        return f"link '{self.link}'{fix}: {self.problem}"


@dataclass
class _Site:
    root: Path
    base: str  # the path the site is published under: "/our-business/making-decisions/"
    host: tuple[str, str]  # scheme and host of site_url
    files: set[str]
    pages: _Pages
    itself: dict[str, tuple[str, str] | str] = field(default_factory=dict)  # see target

    def target(self, page: str, link: str) -> tuple[str, str] | str:
        """(file inside the site, fragment) a link from `page` leads to, or why it leads nowhere."""
        parts = urlsplit(link)
        path = unquote(parts.path)
        if parts.scheme or parts.netloc:
            if (parts.scheme or self.host[0], parts.netloc) != self.host or not (
                path + "/"
            ).startswith(self.base):
                # another host, or another part of the office's website: not ours to check
                return ""
        if path:
            found = self._file(page, path)
        else:  # the page itself, which its contents list links into many times
            if page not in self.itself:
                self.itself[page] = self._file(page, path)
            found = self.itself[page]
        return (found[0], unquote(parts.fragment)) if isinstance(found, tuple) else found

    def _file(self, page: str, path: str) -> tuple[str, str] | str:
        """(file inside the site, "") a path from `page` leads to, or why it leads nowhere."""
        here = self.base + page_url_of(page)
        # rstrip: at the root the folder is "/", and "//" would survive normpath.
        absolute = posixpath.join(posixpath.dirname(here).rstrip("/") + "/", path) if path else here
        directory = absolute.endswith("/") or path in (".", "..") or path.endswith(("/.", "/.."))
        absolute = posixpath.normpath(absolute) + ("/" if directory else "")
        absolute = absolute.replace("//", "/")
        if not (absolute + ("" if absolute.endswith("/") else "/")).startswith(self.base):
            return (
                f"points outside the site's address {self.base}: write a full https:// address to "
                "link to another part of the website"
            )
        inside = absolute[len(self.base) :]
        if inside in self.files:
            return inside, ""
        index = posixpath.join(inside, "index.html") if inside else "index.html"
        if index in self.files:
            if not inside.endswith("/") and inside:
                return f"'{inside}' is a folder: end the link with '/'"
            return index, ""
        return f"there is no {inside or 'home page'} in the built site"


def _scan(root: Path, base: str, site_url: str, leaving: str | None) -> _Site:
    parts = urlsplit(site_url)
    files = set(_files(root, leaving=leaving))
    return _Site(root, base, (parts.scheme, parts.netloc), files, _Pages(root))


def _files(folder: str | Path, inside: str = "", *, leaving: str | None = None) -> Iterator[str]:
    """Every file under a folder (as rglob finds them, without its cost) but those in its
    folder `leaving`: its path inside."""
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name == leaving:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    yield from _files(entry.path, f"{inside}{entry.name}/")
                elif entry.is_file():
                    yield inside + entry.name
    except PermissionError:
        return


@dataclass(slots=True)
class _Piece:
    """The links and ids in a piece of a page (see _Pages)."""

    links: frozenset[str]
    ids: frozenset[str]
    open: bool  # a quoted value is still open at its end: it may go on into the next piece


_NOTHING = _Piece(frozenset(), frozenset(), False)
_LINKS, _IDS, _OPEN = attrgetter("links"), attrgetter("ids"), attrgetter("open")


def _piece(text: str) -> _Piece:
    """The links and ids in a piece of a page, read as _LINK and _ID read a whole page."""
    if "=" not in text:  # no attribute: no link, no id
        return _NOTHING
    links = _LINK_IN_PIECE.findall(text)
    ids = _ID_IN_PIECE.findall(text)
    return _Piece(
        frozenset([a or b for a, b, _ in links]),
        frozenset([a or b for a, b, _ in ids]),
        any([still_open for _, _, still_open in links]) or any([c for _, _, c in ids]),
    )


@dataclass
class _Page:
    """A built HTML page, and the pieces it is read in: none when it must be read whole."""

    name: str
    text: str
    pieces: list[_Piece]

    def links(self) -> set[str] | None:
        """Every link in the page, each once; None when the page must be read whole."""
        return set().union(*map(_LINKS, self.pieces)) if self.pieces else None

    def ids(self) -> set[str]:
        if not self.pieces:
            return {a or b for a, b in _ID.findall(self.text)}
        return set().union(*map(_IDS, self.pieces))


class _Pages:
    """The built site's HTML pages.

    The theme repeats its header, navigation and footer on every page: a page is read in pieces,
    each starting at a tag (its own text, its <article>, as one piece, and the theme's from each
    line that starts with a tag), and a piece of the theme read before, on any page, is not
    scanned again. Only inside a quoted value can a link or id go on past the "<" that starts the
    next piece: a page with a value still open at the end of a piece is read whole.
    """

    def __init__(self, root: Path):
        self.root = root
        self.pieces: dict[str, _Piece] = {}
        self.ids: dict[str, set[str]] = {}
        self.checking: _Page | None = None  # the page whose links are being followed

    def read(self, name: str) -> _Page:
        text = (self.root / name).read_text("utf-8", errors="replace")
        # The page's own text, its <article>, is on no other page: it is read as one piece.
        start, end = text.find("<article"), text.rfind("</article>")
        if 0 <= start < end:
            found = [*self._theme(text[:start]), _piece(text[start:end]), *self._theme(text[end:])]
        else:
            found = self._theme(text)
        if len(self.pieces) > KEPT_PIECES:
            self.pieces.clear()
        return _Page(name, text, [] if any(map(_OPEN, found)) else found)

    def _theme(self, text: str) -> list[_Piece]:
        first, *pieces = text.split("\n<")
        for piece in set(pieces).difference(self.pieces):
            self.pieces[piece] = _piece("<" + piece)
        return [_piece(first), *map(self.pieces.__getitem__, pieces)]

    def ids_of(self, name: str) -> set[str]:
        """The ids in a page: read again, unless it is the page being checked."""
        if name not in self.ids:
            checking = self.checking
            self.ids[name] = (
                checking if checking and checking.name == name else self.read(name)
            ).ids()
        return self.ids[name]


def _links(text: str) -> Iterator[tuple[int, bool, str]]:
    """(line, whether it is in the page's own text, link) of every link in an HTML page."""
    # The page's own text is its <article>: the rest (navigation, header) comes from the theme.
    start, end = text.find("<article"), text.rfind("</article>")
    line, counted = 1, 0
    for match in _LINK.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        yield (
            line,
            start <= match.start() < end,
            match.group(1) if match.group(1) is not None else match.group(2),
        )


def base_path(site_url: str) -> str:
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


def _problem(site: _Site, page: str, link: str) -> str:
    """What is wrong with one link from one page; empty when nothing is."""
    if not link or link.lower().startswith(_ELSEWHERE):
        return ""
    if link.lower().startswith("javascript:"):
        return "a javascript: link runs code instead of opening a page"
    found = site.target(page, link)
    if isinstance(found, str):
        return found
    target, fragment = found
    if fragment and target.endswith(".html") and fragment not in site.pages.ids_of(target):
        return (
            f"{page_url_of(target) or 'the home page'} has no heading or element with the id "
            f"'{fragment}'"
        )
    return ""


@functools.lru_cache(maxsize=KEPT_PIECES)
def _climbs(link: str) -> tuple[int, str] | None:
    """A relative link as the number of folders its leading ../ climb and what it names from
    there: it leads to the same place, with the same problem, from every page whose folder is
    as many levels below that one. None for a link that leads to its own page (a fragment or
    query alone) or that is not relative to its page's folder."""
    if not link or link[0] in "#?/" or ":" in link:
        return None
    climbed = 0
    while link.startswith("../", 3 * climbed):
        climbed += 1
    rest = link[3 * climbed :]  # empty when it names the folder it climbs to
    if rest.startswith(("#", "?", "/")):
        return None
    return climbed, rest


def _above(page: str) -> list[str]:
    """The folder of a page and each folder above it, up to the site's root ("")."""
    parts = page.split("/")[:-1]
    return ["/".join(parts[: len(parts) - climbed]) for climbed in range(len(parts) + 1)]


class _Judge:
    """What is wrong with each link from each page (see _problem).

    The navigation, header and footer put the same links on every page: each is followed once
    per place it leads from (`known`). A link that climbs out of its page's folder leads to the
    same place from every page in a folder beside it, as the pages of decisions are: the links
    found fine are kept by that parent folder, so that a page is checked for its other links.
    """

    def __init__(self, site: _Site):
        self.site = site
        self.known: dict[tuple[str, str], str] = {}
        self.fine: dict[str, set[str]] = defaultdict(set)

    def problem(self, page: str, above: list[str], link: str) -> str:
        """What is wrong with a link from a page; `above` is _above(page)."""
        followed = link.strip()
        climbs = _climbs(followed)
        if climbs is None or climbs[0] >= len(above):  # it may leave the site's folders
            return _problem(self.site, page, followed)
        key = above[climbs[0]], climbs[1]
        if key not in self.known:
            self.known[key] = _problem(self.site, page, followed)
        if not self.known[key] and climbs[0]:
            self.fine[above[1]].add(link)
        return self.known[key]

    def all_fine(self, page: str, above: list[str], links: set[str]) -> bool:
        """Whether every one of a page's links leads somewhere."""
        if len(above) > 1:
            links = links.difference(self.fine[above[1]])
        return not any(self.problem(page, above, link) for link in links)


def check(
    root: Path,
    publication: Publication,
    site_url: str = "",
    sources: dict[str, str] | None = None,
    *,
    leaving: str | None = None,
) -> list[BrokenLink]:
    """Every broken internal link and anchor in the HTML files of a built site.

    `sources` maps a built HTML file to the file staff write it from, to say where to fix it.
    `leaving` is a folder of the site not looked into, as it is still being written: the search
    index, which no page links into (its script finds its files).
    """
    site = _scan(root, base_path(site_url), site_url, leaving)
    sources = sources or {}
    broken = []
    judge = _Judge(site)
    for page in sorted(name for name in site.files if name.endswith(".html")):
        found = site.pages.checking = site.pages.read(page)
        above = _above(page)
        links = found.links()
        if links is not None and judge.all_fine(page, above, links):
            continue
        # A broken link (or a page read whole): each link in turn, to say on which line.
        for line, in_text, link in _links(found.text):
            problem = judge.problem(page, above, link)
            if problem:
                broken.append(
                    BrokenLink(page, line, link, problem, sources.get(page, "") if in_text else "")
                )
    for decision in publication.decisions:
        for document in decision.documents:
            if (
                document.file
                and document_path(publication.settings, document.file) not in site.files
            ):
                page = decision.url + "index.html"
                broken.append(
                    BrokenLink(
                        page,
                        0,
                        document.file,
                        "the document is listed in the record but is not in the built site",
                        sources.get(page, str(decision.source)),
                    )
                )
    return broken


def attached_files(publication: Publication, docs_dir: Path) -> list[str]:
    """The files inside the site copied from staff's sources: documents and files beside pages."""
    found = [
        document_path(publication.settings, document.file)
        for d in publication.decisions
        for document in d.documents
        if document.file
    ]
    found += [
        path.relative_to(docs_dir).as_posix()
        for path in docs_dir.rglob("*")
        if path.is_file() and path.suffix != ".md"
    ]
    return found


def sources(
    publication: Publication, docs_dir: Path, relative: Callable[[Path], str] = str
) -> dict[str, str]:
    """Which file staff edit to change each built page: a Markdown page or a record."""
    found = {}
    for path in docs_dir.rglob("*.md"):
        found[page_url(path.relative_to(docs_dir).as_posix()) + "index.html"] = relative(path)
    for decision in publication.decisions:
        found[decision.url + "index.html"] = relative(decision.source)
    for table in publication.funding_tables:
        found[table.url + "index.html"] = relative(table.source)
    return found
