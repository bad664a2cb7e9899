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
site's files (build_index). Pagefind is given each page from its first indexed element on: the
header and navigation before it are the same on every page.
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
from dataclasses import dataclass
from pathlib import Path
from threading import Condition, Thread
from typing import IO, Any, Sequence

import cbor2
from pagefind.service import get_executable

from . import searchfacets

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


# The first element of a page that Pagefind indexes. What comes before it on our pages (the
# header, the search form and the navigation, three quarters of a decision page) is the same on
# every page and holds nothing Pagefind reads, unless it carries a Pagefind attribute itself.
_BODY = re.compile(rb"<[a-zA-Z][^<>]*\sdata-pagefind-body[\s>=/]")
_ATTRIBUTE = re.compile(rb"data-pagefind-(?!ignore)")


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message is one line."""


@dataclass(frozen=True)
class SearchIndex:
    pages: int
    files: int
    bytes: int


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


def build_index(site_dir: Path, language: str = "en", *, order: Sequence[str] = ()) -> SearchIndex:
    """Index the built site in site_dir into site_dir/pagefind/, replacing any earlier index.

    `order` is the pages' paths in the order a build gave them to Pagefind (Indexer.pages): the
    site indexed again then gets the same index as the build (Pagefind numbers its pages in the
    order it is given them), the rest of the pages after them in the order of their paths."""
    site_dir = Path(site_dir).resolve()
    if not site_dir.is_dir():
        raise SearchIndexError(f"{site_dir}: error: no built site to index")
    return Indexer(language).finish(site_dir, order=order)


def _finish(output: Path, language: str) -> SearchIndex:
    """Pagefind's files put in order, its unused ones removed, and the facets' files added."""
    _sort_filters(output)
    for name in UNUSED_FILES:
        (output / name).unlink(missing_ok=True)
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = _read(output / f"pagefind.{entry['languages'][language]['hash']}.pf_meta")
    searchfacets.write(output, searchfacets.read_pages(output, meta, _unpacked))
    files = [path for path in output.rglob("*") if path.is_file()]
    return SearchIndex(
        pages=sum(index["page_count"] for index in entry["languages"].values()),
        files=len(files),
        bytes=sum(path.stat().st_size for path in files),
    )


def _indexed_part(html: bytes) -> bytes | None:
    """What Pagefind reads of a page: from its first indexed element on (the whole page when
    something before that carries a Pagefind attribute); None for a page it does not index."""
    body = _BODY.search(html)
    if body is None:
        return None
    if _ATTRIBUTE.search(html, 0, body.start()):
        return html
    return b"<!doctype html><html><body>" + html[body.start() :]


class Indexer:
    """Pagefind's service (`pagefind --service`), fed each page as the build writes it.

    The service indexes a page while the build makes the next, on another core; finish() then
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
        indexed = html.encode("utf-8") if whole else _indexed_part(html.encode("utf-8"))
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
                "file_contents": indexed.decode("utf-8"),
            },
            answered=False,
        )

    def finish(self, site_dir: Path, *, order: Sequence[str] = ()) -> SearchIndex:
        """Write the index into site_dir/pagefind/, replacing any earlier one (a fresh folder:
        chunks of an earlier index must not linger beside the new ones). Pages of the site not
        given yet are given first in `order` (see build_index), then in the order of their
        paths."""
        output = Path(site_dir).resolve() / BUNDLE
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
        return _finish(output, self.language)

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
