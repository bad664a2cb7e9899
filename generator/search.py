"""The site's search index: Pagefind run over the built pages, written into <site>/pagefind/.

Pagefind splits the index into chunks a browser fetches per query, so a search costs the same
few hundred kilobytes at 10,000 decisions as at 10. It reads only the built HTML: nothing that
is withheld from the pages can reach the index. The templates say what is indexed
(data-pagefind-body on decisions, funding tables and toolkit documents), which facets each page
has (data-pagefind-filter) and what a result shows (data-pagefind-meta, -sort, -weight).
A search by facets alone is answered from smaller files written beside the index
(generator/searchfacets.py).

Pagefind holds the words of every page it indexes in memory until it writes the index (about
230 KB a decision page, whatever options it is given), so one index of 50,000 decisions would
need 12 GB. A site with more decisions than the search_parts_above option is indexed in parts
of at most search_part_size decisions, one Pagefind run each: the first part in pagefind/ and
the others in pagefind/part-2/ and on, each of whole years of decisions, newest first, the first
also holding the other pages searched (funding tables, toolkit documents). pagefind-entry.json
then lists the other parts, which assets/search.js merges into the first with Pagefind's
mergeIndex.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

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
    # Pagefind's command rather than its Python service: the service answered before it had
    # finished writing, now and then leaving pagefind-entry.json empty.
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
    parts_above: int = Settings.search_parts_above,
    part_size: int = Settings.search_part_size,
) -> SearchIndex:
    """Index the built site in site_dir into site_dir/pagefind/, replacing any earlier index;
    in parts when it has more than parts_above decisions."""
    site_dir = Path(site_dir).resolve()
    output = site_dir / BUNDLE
    # A fresh folder each time: chunks of an earlier build must not linger beside the new ones.
    shutil.rmtree(output, ignore_errors=True)
    if not site_dir.is_dir():
        raise SearchIndexError(f"{site_dir}: error: no built site to index")
    indexes = parts(site_dir, output, above=parts_above, size=part_size)
    orders = []
    for part in indexes:
        _run_pagefind(site_dir, part, language)
        _sort_filters(part.folder)
        for name in UNUSED_FILES:
            (part.folder / name).unlink(missing_ok=True)
        if part.folder != output:
            for pattern in MERGED_UNUSED_FILES:
                for path in part.folder.glob(pattern):
                    path.unlink()
        meta = _read(
            part.folder / f"pagefind.{_entry(part.folder)['languages'][language]['hash']}.pf_meta"
        )
        orders.append(searchfacets.read_pages(part.folder, meta, _unpacked))
    if len(indexes) > 1:
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
