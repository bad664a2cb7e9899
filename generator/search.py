"""The site's search index: Pagefind run over the built pages, written into <site>/pagefind/.

Pagefind splits the index into chunks a browser fetches per query, so a search costs the same
few hundred kilobytes at 10,000 decisions as at 10. It reads only the built HTML: nothing that
is withheld from the pages can reach the index. The templates say what is indexed
(data-pagefind-body on decisions, funding tables and toolkit documents), which facets each page
has (data-pagefind-filter) and what a result shows (data-pagefind-meta, -sort, -weight).
A search by facets alone is answered from smaller files written beside the index
(generator/searchfacets.py).

A build feeds each page to Pagefind's service as it is written (Indexer), so Pagefind indexes
on another core while the next pages are made; the live preview's index is fed from the built
site's files. Pagefind is given each page from its first indexed element on: the header and
navigation before it are the same on every page.

Pagefind holds the words of every page it indexes in memory until it writes the index (about
230 KB a decision page, whatever options it is given), so one index of 50,000 decisions would
need 12 GB. A site with more decisions than the search_parts_above option is indexed in parts
of at most search_part_size decisions, one run of Pagefind's command each (which frees its
memory when it ends): the first part in pagefind/ and
the others in pagefind/part-2/ and on, each of whole years of decisions, newest first, the first
also holding the other pages searched (funding tables, toolkit documents). pagefind-entry.json
then lists the other parts, which assets/search.js merges into the first with Pagefind's
mergeIndex.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from threading import Condition, Thread
from typing import IO, Any, Sequence

import cbor2
from pagefind.service import get_executable

from . import searchfacets
from .settings import Settings

BUNDLE = "pagefind"
# Pagefind also writes its own ready-made interfaces; the site has its own on Pagefind's JS API
# (assets/search.js: sort by date and searches by link, which those lack), so they would be dead
# files.
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
# A part merged into the first is searched with the first part's script and wasm.
MERGED_UNUSED_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.*.pagefind")
PART_FOLDER = "part-{}"
# Where decision pages are published: decisions/<year>/<reference>/ (model.Decision.url).
DECISIONS = "decisions"
# Characters with a meaning in Pagefind's globs (Wax patterns), escaped in a page's path.
_GLOB_SPECIAL = frozenset("\\*?$:<>()[]{},!")


# The first element of a page that Pagefind indexes. What comes before it on our pages (the
# header, the search form and the navigation, three quarters of a decision page) is the same on
# every page and holds nothing Pagefind reads, unless it carries a Pagefind attribute itself.
_BODY = re.compile(r"<[a-zA-Z][^<>]*\sdata-pagefind-body[\s>=/]")
_BODY_ATTRIBUTE = "data-pagefind-body"
_ATTRIBUTE = "data-pagefind-"


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message is one line."""


@dataclass(frozen=True)
class SearchIndex:
    pages: int
    files: int
    bytes: int


@dataclass(frozen=True)
class Part:
    """One Pagefind index: the folder it is written to and the pages it reads (a glob over the
    site), or every page of the site when glob is empty."""

    folder: Path
    glob: str = ""


# Pagefind's binary files: gzip of this signature followed by CBOR.
_SIGNATURE = b"pagefind_dcd"


def _unpacked(path: Path) -> bytes:
    """A Pagefind file's content: CBOR for its index files, JSON for its page fragments."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise SearchIndexError(f"{path}: error: not a Pagefind index file")
    return data[len(_SIGNATURE) :]


def _read(path: Path) -> Any:
    return cbor2.loads(_unpacked(path))


def _write(folder: Path, pattern: str, language: str, digits: int, value: Any) -> str:
    """Write value as a Pagefind file named, as Pagefind names it, by a hash of its content."""
    data = _SIGNATURE + cbor2.dumps(value)
    name = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / pattern.format(name)).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return name


def _sort_filters(output: Path) -> None:
    """Put facets and their values in order: Pagefind writes them in hash-map order, which
    changes from run to run, and names files by content, so one site gave different bytes."""
    entry_file = output / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language, index in entry["languages"].items():
        meta_file = output / f"pagefind.{index['hash']}.pf_meta"
        meta = _read(meta_file)
        facets = []
        # The meta file lists, third after the pages and the word chunks, [facet, file] pairs.
        for facet, name in meta[3]:
            facet_file = output / "filter" / f"{name}.pf_filter"
            facet_name, values = _read(facet_file)
            facet_file.unlink()
            facets.append(
                [
                    facet,
                    _write(
                        facet_file.parent, "{}.pf_filter", language, 7, [facet_name, sorted(values)]
                    ),
                ]
            )
        meta[3] = sorted(facets)
        meta_file.unlink()
        index["hash"] = _write(output, "pagefind.{}.pf_meta", language, 10, meta)
    entry_file.write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def _decision_years(site_dir: Path) -> list[tuple[str, int]]:
    """Each year of decisions published, newest first, with how many decision pages it has."""
    folder = site_dir / DECISIONS
    if not folder.is_dir():
        return []
    years = sorted(
        (path.name for path in folder.iterdir() if path.is_dir() and path.name.isdigit()),
        reverse=True,
    )
    return [(year, sum(1 for _ in (folder / year).glob("*/index.html"))) for year in years]


def _packed(years: list[tuple[str, int]], size: int) -> list[list[str]]:
    """Consecutive years, newest first, in groups of at most size decisions (a year with more
    is a group of its own): a part's pages sorted by date all follow the newer part's."""
    groups: list[list[str]] = []
    total = 0
    for year, count in years:
        if groups and total + count <= size:
            groups[-1].append(year)
            total += count
        else:
            groups.append([year])
            total = count
    return groups


def _year_groups(years: list[tuple[str, int]], size: int) -> list[list[str]]:
    """As few groups as size allows, as even as whole years allow: each part scores its pages
    for relevance against its own, which a much smaller part would skew."""
    fewest = len(_packed(years, size))
    low, high = 1, max(size, 1)
    while low < high:
        middle = (low + high) // 2
        if len(_packed(years, middle)) <= fewest:
            high = middle
        else:
            low = middle + 1
    return _packed(years, high)


def _other_pages(site_dir: Path, years: set[str]) -> list[str]:
    """The pages outside the years' folders that may be searched (funding tables, toolkit
    documents), as paths from the site's root: listings are left out, as Pagefind would leave
    them, without its reading and holding their text."""
    found = []
    for folder, subfolders, files in os.walk(site_dir):
        here = Path(folder).relative_to(site_dir).as_posix()
        if here == DECISIONS:
            subfolders[:] = [name for name in subfolders if name not in years]
        for name in files:
            path = Path(folder, name)
            if name.endswith(".html") and b"data-pagefind-body" in path.read_bytes():
                found.append(path.relative_to(site_dir).as_posix())
    return sorted(found)


def _glob_path(path: str) -> str:
    return "".join(f"\\{char}" if char in _GLOB_SPECIAL else char for char in path)


def parts(site_dir: Path, output: Path, *, above: int, size: int) -> list[Part]:
    """The indexes the site is searched with: one for every page, or, with more than `above`
    decisions, parts of whole years of at most `size` decisions."""
    years = _decision_years(site_dir)
    if sum(count for _, count in years) <= above:
        return [Part(output)]
    groups = _year_groups(years, size)
    others = [_glob_path(path) for path in _other_pages(site_dir, {year for year, _ in years})]
    found = []
    for number, group in enumerate(groups, start=1):
        pages = [f"{DECISIONS}/{year}/*/index.html" for year in group]
        pages += others if number == 1 else []
        found.append(
            Part(
                output if number == 1 else output / PART_FOLDER.format(number),
                pages[0] if len(pages) == 1 else "{" + ",".join(pages) + "}",
            )
        )
    return found


def _run_pagefind(site_dir: Path, part: Part, language: str) -> None:
    # One part of a large site: Pagefind's command, whose memory is freed when it ends, over
    # the pages the part's glob names.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(site_dir),
            "--output-path",
            str(part.folder),
            "--force-language",
            language,
            "--silent",
            *(["--glob", part.glob] if part.glob else []),
        ],
        capture_output=True,
        text=True,
    )
    if run.returncode:
        said = " ".join((run.stderr or run.stdout or f"exit status {run.returncode}").split())
        raise SearchIndexError(f"{site_dir}: error: Pagefind could not index the site: {said}")


def _entry(folder: Path) -> Any:
    return json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))


def build_index(
    site_dir: Path,
    language: str = "en",
    *,
    order: Sequence[str] = (),
    parts_above: int = Settings.search_parts_above,
    part_size: int = Settings.search_part_size,
    indexer: Indexer | None = None,
) -> SearchIndex:
    """Index the built site in site_dir into site_dir/pagefind/, replacing any earlier index (a
    fresh folder: chunks of an earlier build must not linger beside the new ones); in parts when
    it has more than parts_above decisions.

    `indexer` is Pagefind's service already given the pages as the build wrote them, used when
    the site is one index. `order` is the pages' paths in the order a build gave them to it
    (Indexer.pages): the site indexed again then gets the same index as that build (Pagefind
    numbers its pages in the order it is given them)."""
    site_dir = Path(site_dir).resolve()
    output = site_dir / BUNDLE
    if not site_dir.is_dir():
        if indexer is not None:
            indexer.close()
        raise SearchIndexError(f"{site_dir}: error: no built site to index")
    indexes = parts(site_dir, output, above=parts_above, size=part_size)
    if len(indexes) == 1:
        (indexer or Indexer(language)).write(site_dir, output, order=order)
        orders = [_tidied(output, output, language)]
    else:
        if indexer is not None:
            indexer.close()
        shutil.rmtree(output, ignore_errors=True)
        orders = []
        for part in indexes:
            _run_pagefind(site_dir, part, language)
            orders.append(_tidied(part.folder, output, language))
        entry = _entry(output)
        entry["parts"] = [part.folder.name for part in indexes[1:]]
        (output / "pagefind-entry.json").write_text(
            json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
    searchfacets.write(output, searchfacets.joined(orders))
    files = [path for path in output.rglob("*") if path.is_file()]
    return SearchIndex(
        pages=sum(
            index["page_count"]
            for part in indexes
            for index in _entry(part.folder)["languages"].values()
        ),
        files=len(files),
        bytes=sum(path.stat().st_size for path in files),
    )


def _tidied(folder: Path, output: Path, language: str) -> searchfacets.DateOrder:
    """One index's files put in order and its unused ones removed; its pages in date order."""
    _sort_filters(folder)
    for name in UNUSED_FILES:
        (folder / name).unlink(missing_ok=True)
    if folder != output:
        for pattern in MERGED_UNUSED_FILES:
            for path in folder.glob(pattern):
                path.unlink()
    meta = _read(folder / f"pagefind.{_entry(folder)['languages'][language]['hash']}.pf_meta")
    return searchfacets.read_pages(folder, meta, _unpacked)


def _indexed_part(html: str) -> str | None:
    """What Pagefind reads of a page: from its first indexed element on (the whole page when
    something before that carries a Pagefind attribute); None for a page it does not index."""
    start = _body_start(html)
    if start is None:
        return None
    # Any attribute of Pagefind's but data-pagefind-ignore before it.
    at = html.find(_ATTRIBUTE, 0, start)
    while at >= 0:
        if not html.startswith("ignore", at + len(_ATTRIBUTE)):
            return html
        at = html.find(_ATTRIBUTE, at + 1, start)
    return "<!doctype html><html><body>" + html[start:]


def _body_start(html: str) -> int | None:
    """Where the first match of _BODY starts. A search with the regular expression tries it at
    every "<" of the header and navigation (0.3 ms a page); each match holds the attribute's
    name, and starts at the last "<" before it."""
    at = html.find(_BODY_ATTRIBUTE)
    while at >= 0:
        start = html.rfind("<", 0, at)
        if start >= 0 and _BODY.match(html, start):
            return start
        at = html.find(_BODY_ATTRIBUTE, at + 1)
    return None


class Indexer:
    """Pagefind's service (`pagefind --service`), fed each page as the build writes it.

    The service indexes a page while the build makes the next, on another core; write() then
    asks it for the index's files and writes them. Requests are written without waiting for their
    answers, which a thread reads as they come (the service's protocol: base64 JSON messages,
    each followed by a comma). Pages are indexed in the order they are given, so the same site
    gives the same index.
    """

    def __init__(self, language: str = "en"):
        self.language = language
        self.pages: list[str] = []  # the paths of the pages given to Pagefind, in order
        self._seen: set[str] = set()  # and of every page looked at
        self._answers: dict[int, dict[str, Any]] = {}
        self._awaited: set[int] = set()  # the requests whose answers are kept (not a page's)
        self._problems: list[str] = []
        self._arrived = Condition()
        self._sent = 0
        executable = get_executable()
        if executable is None:
            raise SearchIndexError(
                "error: Pagefind's program is not installed: pip install pagefind[extended]"
            )
        try:
            self._service = subprocess.Popen(
                [str(executable), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise SearchIndexError(f"error: Pagefind could not start: {exc}") from None
        assert self._service.stdout is not None and self._service.stdin is not None
        self._requests: IO[bytes] = self._service.stdin
        self._reader = Thread(target=self._read, args=(self._service.stdout,), daemon=True)
        self._reader.start()
        answer = self._wait(
            self._send({"type": "NewIndex", "config": {"force_language": language}})
        )
        self._index = answer["index_id"]

    def add(self, path: str, html: str, *, whole: bool = False) -> None:
        """Index a page written at this path in the site ("decisions/2024/x/index.html"), if it
        is a page Pagefind indexes (any, when whole)."""
        self._seen.add(path)
        indexed = html if whole else _indexed_part(html)
        if indexed is None:
            return
        self.pages.append(path)
        self._send(
            {
                "type": "AddFile",
                "index_id": self._index,
                # As Pagefind's own command addresses a page from its path.
                "url": "/" + path.removesuffix("index.html"),
                "file_path": None,
                "file_contents": indexed,
            },
            answered=False,
        )

    def write(self, site_dir: Path, output: Path, *, order: Sequence[str] = ()) -> None:
        """Write the index into output, replacing any earlier one, and end the service. Pages of
        the site not given yet are given first in `order` (see build_index), then in the order of
        their paths."""
        try:
            # The pages not given yet: those of a site indexed after it was built, or an HTML
            # file of the docs the build copied as it is.
            pages = {
                path: page
                for page in sorted(Path(site_dir).rglob("*.html"))
                if not (path := page.relative_to(site_dir).as_posix()).startswith(BUNDLE + "/")
            }
            for path in [*order, *pages]:
                if path in pages and path not in self._seen:
                    self.add(path, pages[path].read_text(encoding="utf-8", errors="replace"))
            if not self.pages:
                # No page says what to index: as Pagefind's own command, every page, whole.
                for path, page in pages.items():
                    text = page.read_text(encoding="utf-8", errors="replace")
                    self.add(path, text, whole=True)
            files = self._wait(self._send({"type": "GetFiles", "index_id": self._index}))["files"]
        finally:
            self.close()
        shutil.rmtree(output, ignore_errors=True)
        for file in files:
            path = output / file["path"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(file["content"]))

    def close(self) -> None:
        if self._service.poll() is None:
            self._service.kill()
        self._service.wait()

    def _send(self, payload: dict[str, Any], *, answered: bool = True) -> int:
        self._sent += 1
        if answered:
            self._awaited.add(self._sent)
        message = {"message_id": self._sent, "payload": payload}
        try:
            self._requests.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
            self._requests.flush()
        except OSError:
            self._fail("Pagefind stopped")
        return self._sent

    def _wait(self, number: int) -> dict[str, Any]:
        with self._arrived:
            while number not in self._answers and not self._problems:
                if not self._arrived.wait(timeout=1) and (
                    self._service.poll() is not None or not self._reader.is_alive()
                ):
                    self._problems.append("Pagefind stopped")
            if self._problems:
                self._fail("; ".join(self._problems))
            return self._answers.pop(number)

    def _fail(self, said: str) -> None:
        self.close()
        raise SearchIndexError(f"error: Pagefind could not index the site: {said}")

    def _read(self, answers: IO[bytes]) -> None:
        # The index's files come back as one message of many megabytes, read in pieces.
        pieces: list[bytes] = []
        while chunk := os.read(answers.fileno(), 1 << 20):
            *ended, rest = chunk.split(b",")
            for number, message in enumerate(ended):
                self._answered(b"".join([*pieces, message]) if number == 0 else message)
                pieces = []
            pieces.append(rest)
        with self._arrived:
            self._arrived.notify_all()

    def _answered(self, message: bytes) -> None:
        try:
            answer = json.loads(base64.b64decode(message))
            number, payload = answer.get("message_id"), answer["payload"]
            kind = payload["type"]
        except (ValueError, TypeError, KeyError, AttributeError):  # base64's, JSON's: ValueError
            number, kind = None, "Error"
            payload = {"message": f"an answer Pagefind should not give: {message[:60]!r}"}
        with self._arrived:
            if kind == "Error":
                self._problems.append(" ".join(str(payload.get("message")).split()))
            elif number in self._awaited:
                self._awaited.discard(number)
                self._answers[number] = payload
            self._arrived.notify_all()
