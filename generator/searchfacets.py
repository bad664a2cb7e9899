"""Search by facets alone: the indexed pages in date order, with their facets, in pagefind/.

A search with no words (?q=&category=grants&year=2016) is a register listing: the pages that
have the chosen values, newest first. Pagefind would answer it only after its script, worker,
wasm and metadata (250 KB at 10,000 decisions) and a filter file per facet that lists every
page; assets/search.js answers it from these files instead:

- facets.json: every facet's values and, for each page in date order, which value it has, one
  character per page (a run of the same value written once, with its length), so all facets
  of 10,000 pages fit in tens of kilobytes and give the results and the counts of each value;
- rows/<hash>.json: what a result shows (link, title, reference, date, amount) for pages in
  that order, ROWS_PER_FILE to a file, so the first page of results fetches one or two files.

Everything here is read from Pagefind's own index (generator/search.py), which reads only the
built pages: nothing that is withheld from the pages can reach these files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

FACETS_FILE = "facets.json"
ROWS_FOLDER = "rows"
ROWS_PER_FILE = 50
# One character per facet value (and one for "no value"): letters, so that a run length in
# digits can follow without a separator. A facet with more values takes two characters a page.
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# What each result shows, from the page's data-pagefind-meta.
ROW_FIELDS = ("title", "reference", "date", "amount")
SORT_KEY = "date"


@dataclass(frozen=True)
class IndexedPage:
    url: str
    filters: dict[str, list[str]]
    meta: dict[str, str]


@dataclass(frozen=True)
class DateOrder:
    """The indexed pages, newest first; the first `dated` have a date, the rest follow by link."""

    pages: list[IndexedPage]
    dated: int


def read_pages(output: Path, meta: list[Any], unpacked: Callable[[Path], bytes]) -> DateOrder:
    """The pages of Pagefind's index in date order. meta is Pagefind's decoded metadata file;
    unpacked reads a Pagefind file (search.py knows their format)."""
    hashes = [page[0] for page in meta[1]]
    by_date: list[int] = next((pages for key, pages in meta[4] if key == SORT_KEY), [])
    # Pagefind's own order for the date sort, reversed: the order its newest-first sort gives.
    order = list(reversed(by_date))
    undated = sorted(set(range(len(hashes))) - set(order))
    pages = []
    for number in order + undated:
        record = json.loads(unpacked(output / "fragment" / f"{hashes[number]}.pf_fragment"))
        pages.append(IndexedPage(url=record["url"], filters=record["filters"], meta=record["meta"]))
    dated = len(order)
    return DateOrder(pages[:dated] + sorted(pages[dated:], key=lambda page: page.url), dated)


def joined(orders: list[DateOrder]) -> DateOrder:
    """The pages of an index in parts (generator/search.py), each part's in date order and the
    newer years in the earlier part: their dated pages one part after another, then the rest."""
    undated = [page for order in orders for page in order.pages[order.dated :]]
    return DateOrder(
        [page for order in orders for page in order.pages[: order.dated]]
        + sorted(undated, key=lambda page: page.url),
        sum(order.dated for order in orders),
    )


def _code(index: int, width: int) -> str:
    digits = []
    for _ in range(width):
        index, digit = divmod(index, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(digits)


def _column(indexes: list[int], width: int) -> str:
    """indexes as codes of width characters, a run of one value as its code and the run's length."""
    parts: list[str] = []
    start = 0
    while start < len(indexes):
        end = start
        while end < len(indexes) and indexes[end] == indexes[start]:
            end += 1
        parts.append(_code(indexes[start], width) + (str(end - start) if end - start > 1 else ""))
        start = end
    return "".join(parts)


def _facet(pages: list[IndexedPage], name: str) -> dict[str, Any]:
    values = sorted({value for page in pages for value in page.filters.get(name, [])})
    number = {value: n + 1 for n, value in enumerate(values)}
    width = 1
    while len(ALPHABET) ** width <= len(values):
        width += 1
    first = []
    # A page with several values (decisions paid from two funding streams) has its first in
    # the column and the others here, as [page, value] pairs.
    more: list[list[int]] = []
    for position, page in enumerate(pages):
        own = sorted(number[value] for value in page.filters.get(name, []))
        first.append(own[0] if own else 0)
        more.extend([position, value] for value in own[1:])
    return {"values": values, "width": width, "column": _column(first, width), "more": more}


def _write_json(path: Path, value: Any) -> None:
    path.write_text(
        json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
        encoding="utf-8",
    )


def write(output: Path, order: DateOrder) -> None:
    """Write facets.json and the rows files into Pagefind's output folder."""
    pages = order.pages
    names = sorted({name for page in pages for name in page.filters})
    folder = output / ROWS_FOLDER
    folder.mkdir()
    files = []
    for start in range(0, len(pages), ROWS_PER_FILE):
        rows = [
            [page.url.lstrip("/")] + [page.meta.get(field, "") for field in ROW_FIELDS]
            for page in pages[start : start + ROWS_PER_FILE]
        ]
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        # Named by content, as Pagefind names its files, so they can be cached for long.
        name = f"{ROWS_FOLDER}/{hashlib.sha256(text.encode()).hexdigest()[:10]}.json"
        (output / name).write_text(text, encoding="utf-8")
        files.append(name)
    _write_json(
        output / FACETS_FILE,
        {
            "pages": len(pages),
            "dated": order.dated,
            "facets": {name: _facet(pages, name) for name in names},
            "rows": {"per_file": ROWS_PER_FILE, "files": files, "fields": ["url", *ROW_FIELDS]},
        },
    )
