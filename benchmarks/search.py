"""`make bench-search`: what the first search costs a browser on the synthetic 10,000-record site.

Builds the corpus (benchmarks/corpus.py) as published, Pagefind index included, then for each
query opens a decision page with ?q=... in headless Chromium on a fresh profile (empty cache) and
adds up the bytes of every file the browser fetched: the search's own (everything under pagefind/:
Pagefind's script, worker, wasm, index chunks and result fragments for words; facets.json and rows
files for facets alone) apart from the page's (HTML, CSS, JS that any page loads anyway), and the
time until the first result shows. The same facets are also searched as the site searched them
before facets.json (Pagefind's filters and its index of the word every decision page carries),
so the figure is printed beside its baseline from the same run. Pagefind fetches its index from
a web worker, whose requests Chrome's page-level network events (CDP, as chromedriver logs them)
do not include; the files are therefore counted from the test host's own log of what it sent, at
their size on disk (the host does not compress; Pagefind's index files are gzip already). Then
builds the same corpus with Material's own search plugin and reports its search_index.json,
which Material downloads whole before it can show a first result. Last, the largest decision
page of the corpus, with its reference (target: at most 40 KB of HTML).

    python -m benchmarks.search [--records N] [--material-records N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import load, serve, start_chromium  # noqa: E402

from benchmarks.corpus import write_corpus  # noqa: E402
from generator import search  # noqa: E402

WORK = REPO / ".bench" / "search"
TARGET = 300 * 1024
PAGE_TARGET = 40 * 1024
# Records when each result is first on screen, from the start of navigation.
FIRST_RESULT_JS = """
new MutationObserver((_, observer) => {
  const summary = document.querySelector('.tr-search__summary');
  if (document.querySelector('.tr-search__results li') || (summary && summary.textContent)) {
    window.__firstResult = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@dataclass
class Query:
    label: str
    query: str
    search_bytes: int = 0
    # The same files from a host that gzips what is not compressed already (JS, JSON), as most do.
    search_gzip: int = 0
    search_files: int = 0
    page_bytes: int = 0
    results: int = 0
    first_result_ms: float = 0.0
    search_ms: float = 0.0


def build(source: Path, site_dir: Path) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1622505600")
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "--clean",
            "-f",
            str(source / "mkdocs.yml"),
            "-d",
            str(site_dir),
        ],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"{source}: mkdocs build failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def with_material_search(source: Path) -> None:
    """The same site, searched by Material's own plugin instead of Pagefind."""
    config_file = source / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    text = text.replace(
        "plugins:\n  - transparency:\n",
        "plugins:\n  - search\n  - transparency:\n      search: false\n",
        1,
    )
    if "  - search\n" not in text:
        sys.exit(f"{config_file}: cannot find the plugins list to add Material's search to")
    config_file.write_text(text, encoding="utf-8")


def measure(site_dir: Path, base_path: str, page: str, query: Query) -> Query:
    with (
        tempfile.TemporaryDirectory(prefix="bench-search-") as profile,
        serve(site_dir, base_path) as base,
    ):
        driver = start_chromium(profile)
        try:
            driver.execute_cdp_cmd(
                "Page.addScriptToEvaluateOnNewDocument", {"source": FIRST_RESULT_JS}
            )
            load(driver, base + page + query.query)
            deadline = time.monotonic() + 120
            while driver.execute_script("return window.__firstResult") is None:
                if time.monotonic() > deadline:
                    sys.exit(f"no result shown for {query.query} within 120 s")
                time.sleep(0.05)
            time.sleep(1)  # let the fragments of the first page of results finish
            query.first_result_ms = driver.execute_script("return window.__firstResult")
            query.search_ms = query.first_result_ms - driver.execute_script(
                "return Math.min(...performance.getEntriesByType('resource')"
                ".filter(e => e.name.includes('/pagefind/')).map(e => e.startTime))"
            )
            query.results = driver.execute_script(
                "return document.querySelectorAll('.tr-search__results li').length"
            )
        finally:
            driver.quit()
        sent = list(base.log)
    count(site_dir, base_path, sent, query)
    return query


# What assets/search.js did for a search by facets alone before facets.json: all of Pagefind's
# filters (for the counts), then the facets applied to the word every decision page carries,
# newest first, and the first page of results.
PAGEFIND_FACETS_JS = """
const [root, filters, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
(async () => {
  const pf = await import(new URL('pagefind/pagefind.js', root).href);
  await pf.options({baseUrl: new URL(root).pathname});
  await pf.filters();
  const found = await pf.search('decision', {filters, sort: {date: 'desc'}});
  await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
  done(Math.min(found.results.length, 10));
})().catch((error) => done(String(error)));
"""


def measure_pagefind_facets(
    site_dir: Path, base_path: str, page: str, filters: dict[str, str], query: Query
) -> Query:
    """The baseline: the same facets searched through Pagefind, as the site did before."""
    with (
        tempfile.TemporaryDirectory(prefix="bench-search-") as profile,
        serve(site_dir, base_path) as base,
    ):
        driver = start_chromium(profile)
        try:
            driver.set_script_timeout(120)
            load(driver, base + page)
            started = time.monotonic()
            query.results = driver.execute_async_script(PAGEFIND_FACETS_JS, base, filters)
            query.search_ms = (time.monotonic() - started) * 1000
            if not isinstance(query.results, int):
                sys.exit(f"Pagefind's facet search failed: {query.results}")
        finally:
            driver.quit()
        sent = list(base.log)
    count(site_dir, base_path, sent, query)
    return query


def count(site_dir: Path, base_path: str, sent: list, query: Query) -> None:
    for request in sent:
        path = urlsplit(request.path).path.removeprefix(base_path)
        file = site_dir / path / "index.html" if path.endswith("/") or not path else site_dir / path
        size = file.stat().st_size if request.status == 200 else 0
        if path.startswith("pagefind/"):
            body = file.read_bytes() if size else b""
            query.search_bytes += size
            query.search_gzip += size if body[:2] == b"\x1f\x8b" else len(gzip.compress(body, 6))
            query.search_files += 1
        else:
            query.page_bytes += size


def largest_decision_page(site_dir: Path) -> tuple[int, float, str]:
    """The largest decision page's size, the mean size and the largest one's reference."""
    sizes = {
        page: page.stat().st_size
        for page in site_dir.glob("decisions/[0-9][0-9][0-9][0-9]/*/index.html")
    }
    largest = max(sizes, key=lambda page: (sizes[page], page))
    reference = largest.read_text(encoding="utf-8").split('data-pagefind-meta="reference">', 1)
    return sizes[largest], sum(sizes.values()) / len(sizes), reference[-1].split("<", 1)[0]


def decision_page(site_dir: Path) -> tuple[str, str, str]:
    """A decision page to search from, its reference and a word of its title."""
    page = sorted(site_dir.glob("decisions/*/*/index.html"))[0]
    html = page.read_text(encoding="utf-8")
    title = html.split('<h1 id="title">', 1)[1].split("</h1>", 1)[0]
    word = max(re.findall(r"[a-z]+", title.lower()), key=len)
    return page.parent.relative_to(site_dir).as_posix() + "/", page.parent.name.upper(), word


def kb(size: float) -> str:
    return f"{size / 1024:,.1f} KB"


def _index_files(site_dir: Path) -> dict[str, bytes]:
    folder = site_dir / "pagefind"
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument(
        "--material-records",
        type=int,
        default=None,
        help="records for the Material build (default: as many); a smaller build is scaled up",
    )
    args = parser.parse_args()
    material_records = args.material_records or args.records

    source, site_dir = WORK / "corpus", WORK / "site"
    write_corpus(source, args.records, seed=0)
    config = yaml.load((source / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    base_path = urlsplit(config.get("site_url") or "/").path or "/"
    build_seconds = build(source, site_dir)
    # Built twice: the index, fed to Pagefind as the pages are written, must come out the same.
    again = WORK / "site-again"
    build(source, again)
    identical = _index_files(again) == _index_files(site_dir)
    # The second copy indexed again from its built pages, alone: the time that takes. The
    # searches below are of the first, as published.
    started = time.perf_counter()
    index = search.build_index(again)
    index_seconds = time.perf_counter() - started
    shutil.rmtree(again)

    page, reference, word = decision_page(site_dir)
    year = page.split("/")[1]
    facets = {"category": "grants", "year": year}
    queries = [
        measure(site_dir, base_path, page, Query("a word of a title", f"?q={quote(word)}")),
        measure(site_dir, base_path, page, Query("an exact reference", f"?q={quote(reference)}")),
        measure(
            site_dir,
            base_path,
            page,
            Query("two facets, no words", "?q=&" + "&".join(f"{k}={v}" for k, v in facets.items())),
        ),
    ]
    # As a link's values are matched, whatever their case.
    listing = json.loads((site_dir / "pagefind" / "facets.json").read_text(encoding="utf-8"))
    exact = {
        name: next(v for v in listing["facets"][name]["values"] if v.lower() == value)
        for name, value in facets.items()
    }
    baseline = measure_pagefind_facets(
        site_dir, base_path, page, exact, Query("  baseline: the same through Pagefind", "")
    )
    page_bytes, page_mean, page_reference = largest_decision_page(site_dir)

    material_source, material_site = WORK / "corpus-material", WORK / "site-material"
    write_corpus(material_source, material_records, seed=0)
    with_material_search(material_source)
    material_seconds = build(material_source, material_site)
    material_index = (material_site / "search" / "search_index.json").read_bytes()
    scale = args.records / material_records

    print(f"Synthetic corpus: {args.records:,} records, {index.pages:,} pages indexed")
    print(
        f"Build with Pagefind: {build_seconds:.0f} s (indexing alone {index_seconds:.1f} s); "
        f"index {index.files:,} files, {kb(index.bytes)}; two builds' indexes identical: "
        f"{identical}"
    )
    print()
    print(
        f"{'First search, fresh cache, opened with ?q=':<58} {'search bytes':>13} "
        f"{'gzip host':>10} {'files':>6} "
        f"{'page bytes':>11} {'total':>11} {'results':>8} {'1st result':>11} {'search':>8}"
    )
    for q in queries:
        print(
            f"{q.label + ' (' + q.query + ')':<58} {kb(q.search_bytes):>13} "
            f"{kb(q.search_gzip):>10} {q.search_files:>6} "
            f"{kb(q.page_bytes):>11} {kb(q.search_bytes + q.page_bytes):>11} {q.results:>8} "
            f"{q.first_result_ms:>8.0f} ms {q.search_ms:>5.0f} ms"
        )
    print(
        f"{baseline.label + ' (before facets.json)':<58} {kb(baseline.search_bytes):>13} "
        f"{kb(baseline.search_gzip):>10} {baseline.search_files:>6} "
        f"{kb(baseline.page_bytes):>11} {kb(baseline.search_bytes + baseline.page_bytes):>11} "
        f"{baseline.results:>8} {'':>11} {baseline.search_ms:>5.0f} ms"
    )
    worst = max(q.search_bytes for q in queries)
    print(
        f"Target: at most {kb(TARGET)} of search per query: "
        f"{'met' if worst <= TARGET else 'NOT met'} (largest {kb(worst)})"
    )
    print()
    print(
        f"Material's built-in search, {material_records:,} records (build {material_seconds:.0f} "
        "s): "
        f"search_index.json {kb(len(material_index))}, {kb(len(gzip.compress(material_index, 6)))} "
        "gzipped"
        + (
            f"; scaled to {args.records:,}: {kb(len(material_index) * scale)}, "
            f"{kb(len(gzip.compress(material_index, 6)) * scale)} gzipped"
            if scale != 1
            else ""
        )
        + ", all downloaded before the first result"
    )
    print()
    print(
        f"Decision pages: largest {kb(page_bytes)} ({page_reference}), mean {kb(page_mean)}; "
        f"target at most {kb(PAGE_TARGET)}: {'met' if page_bytes <= PAGE_TARGET else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
