"""The site's search index: Pagefind run over the built pages, written into <site>/pagefind/.

Pagefind splits the index into chunks a browser fetches per query, so a search costs the same
few hundred kilobytes at 10,000 decisions as at 10. It reads only the built HTML: nothing that
is withheld from the pages can reach the index. The templates say what is indexed
(data-pagefind-body on decisions, funding tables and toolkit documents), which facets each page
has (data-pagefind-filter) and what a result shows (data-pagefind-meta, -sort, -weight).
A search by facets alone is answered from smaller files written beside the index
(generator/searchfacets.py).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

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


def build_index(site_dir: Path, language: str = "en") -> SearchIndex:
    """Index the built site in site_dir into site_dir/pagefind/, replacing any earlier index."""
    site_dir = Path(site_dir).resolve()
    output = site_dir / BUNDLE
    # A fresh folder each time: chunks of an earlier build must not linger beside the new ones.
    shutil.rmtree(output, ignore_errors=True)
    if not site_dir.is_dir():
        raise SearchIndexError(f"{site_dir}: error: no built site to index")
    with tempfile.TemporaryDirectory(prefix="pagefind-") as copies:
        indexed = site_dir if not _copy_indexed(site_dir, Path(copies)) else Path(copies)
        # Pagefind's command rather than its Python service: the service answered before it had
        # finished writing, now and then leaving pagefind-entry.json empty.
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pagefind",
                "--site",
                str(indexed),
                "--output-path",
                str(output),
                "--force-language",
                language,
                "--silent",
            ],
            capture_output=True,
            text=True,
        )
    if run.returncode:
        said = " ".join((run.stderr or run.stdout or f"exit status {run.returncode}").split())
        raise SearchIndexError(f"{site_dir}: error: Pagefind could not index the site: {said}")
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


def _copy_indexed(site_dir: Path, into: Path) -> bool:
    """Copy into `into`, at the same paths, the pages Pagefind indexes (those with a
    data-pagefind-body), each from its first indexed element on: Pagefind then reads a quarter
    of each page and gives the same index. False when no page has one (Pagefind then indexes
    whole pages, so the site is indexed as it is)."""
    copied = False
    for page in site_dir.rglob("*.html"):
        html = page.read_bytes()
        body = _BODY.search(html)
        if body is None:
            continue
        if not _ATTRIBUTE.search(html, 0, body.start()):
            html = b"<!doctype html><html><body>" + html[body.start() :]
        copy = into / page.relative_to(site_dir)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(html)
        copied = True
    return copied
