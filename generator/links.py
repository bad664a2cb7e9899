"""The links check: every link inside a built site leads to a file, and an anchor, of that site.

The site is published under the sub-path of its site_url (say /our-business/making-decisions/),
so a link is followed as a browser would from the page's published address, and must land
inside that sub-path on a file the build wrote. Links to other hosts are not followed: no
request leaves the machine.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote, urlsplit

from .addresses import document_path, page_url, page_url_of
from .publication import Publication

# Generated HTML quotes its attributes; Markdown written by staff may use single quotes.
_LINK = re.compile(r"""<[a-zA-Z][^<>]*?\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ID = re.compile(r"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
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
    ids: dict[str, set[str]]

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
            return inside, unquote(parts.fragment)
        index = posixpath.join(inside, "index.html") if inside else "index.html"
        if index in self.files:
            if not inside.endswith("/") and inside:
                return f"'{inside}' is a folder: end the link with '/'"
            return index, unquote(parts.fragment)
        return f"there is no {inside or 'home page'} in the built site"


def _scan(root: Path, base: str, site_url: str) -> _Site:
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    ids = {}
    for name in files:
        if name.endswith(".html"):
            ids[name] = {
                a or b for a, b in _ID.findall((root / name).read_text("utf-8", errors="replace"))
            }
    parts = urlsplit(site_url)
    return _Site(root, base, (parts.scheme, parts.netloc), files, ids)


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
    if fragment and target in site.ids and fragment not in site.ids[target]:
        return (
            f"{page_url_of(target) or 'the home page'} has no heading or element with the id "
            f"'{fragment}'"
        )
    return ""


def _leads_alike(folder: str, link: str) -> tuple[str, str] | None:
    """A key shared by every (page, link) that leads to the same place, with the same problem:
    the page's folder with the link's leading ../ climbed; None for a link that leads to its own
    page (a fragment or query alone) or that may leave the site's folders."""
    if not link or link[0] in "#?/" or ":" in link:
        return None
    climbed = 0
    while link.startswith("../", 3 * climbed):
        climbed += 1
    rest = link[3 * climbed :]
    parts = folder.split("/") if folder else []
    if not rest or rest[0] in "#?/" or climbed > len(parts):
        return None
    return "/".join(parts[: len(parts) - climbed]), rest


def check(
    root: Path, publication: Publication, site_url: str = "", sources: dict[str, str] | None = None
) -> list[BrokenLink]:
    """Every broken internal link and anchor in the HTML files of a built site.

    `sources` maps a built HTML file to the file staff write it from, to say where to fix it.
    """
    site = _scan(root, base_path(site_url), site_url)
    sources = sources or {}
    broken = []
    # The navigation, header and footer put the same links on every page: each is followed once
    # per place it leads from.
    known: dict[tuple[str, str], str] = {}
    for page in sorted(site.ids):
        text = (root / page).read_text("utf-8", errors="replace")
        folder = page.rpartition("/")[0]
        for line, in_text, link in _links(text):
            key = _leads_alike(folder, link.strip())
            if key is None:
                problem = _problem(site, page, link.strip())
            elif key in known:
                problem = known[key]
            else:
                problem = known[key] = _problem(site, page, link.strip())
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
