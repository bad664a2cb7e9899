"""`make bench-preview`: how long after saving a decision record `make serve` shows it, at 10,000.

Writes the synthetic corpus (benchmarks/corpus.py), starts the real `mkdocs serve` on it, and
waits for its first build. Then, for each of a few saves of one record's title and summary (the
newest grant: its page, its year, its category, the grants register and the latest decisions
all show it), times from the save until the server answers with the new title:
(a) on the record's decision page (target: 2 seconds);
(b) on every list and register showing it, no longer marked as updating (target: 5% of (c));
and, after the last, until the search index is back.
(c), in the same run, is the old behaviour and the baseline: what any save cost before, a full
rebuild under serve, timed from a save of mkdocs.yml until the decision page is served again.

    python -m benchmarks.preview [--records 10000] [--saves 3]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import write_corpus  # noqa: E402

WORK = REPO / ".bench" / "preview"
PAGE_TARGET = 2.0
LISTING_SHARE = 0.05
UPDATING = "This page is being updated with the record you saved"
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1622505600")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=3600) as response:
            return str(response.read().decode("utf-8"))
    except OSError:  # not answering yet, or refused
        return ""


def _cpu(pid: int) -> float:
    """CPU seconds the server and its finished children (Pagefind) have used: on a busy machine,
    steadier than wall time, and near what the wall time would be on an idle one."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _until(condition, what: str, limit: float = 1800) -> float:
    """Seconds from now until condition() holds, asking every tenth of a second."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if condition():
            return time.perf_counter() - started
        time.sleep(0.1)
    sys.exit(f"bench-preview: gave up waiting for {what}")


@dataclass(frozen=True)
class Record:
    path: Path
    address: str  # its page, under the site's path
    listings: tuple[str, ...]  # pages that show it


def newest_grant(root: Path) -> Record:
    """The newest record in the grants category: on its year's, its category's, the grants
    register's and the latest decisions' pages."""
    newest = max((root / "decisions").glob("*/*.yaml"), key=lambda p: (p.parent.name, p.stem))
    year = newest.parent
    for path in sorted(year.glob("*.yaml"), reverse=True):
        text = path.read_text("utf-8")
        if re.search(r"^category: grants$", text, re.M) and "recipients:" in text:
            slug = path.stem.lower()
            return Record(
                path,
                f"decisions/{year.name}/{slug}/",
                (
                    f"decisions/{year.name}/",
                    "decisions/category/grants/",
                    "registers/grants/",
                    "decisions/",
                ),
            )
    sys.exit("bench-preview: the corpus has no grant in its newest year")


def save(record: Record, title: str) -> None:
    text = record.path.read_text("utf-8")
    text = re.sub(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M)
    text = re.sub(r"^summary: .*$", f"summary: {title}, summarised.", text, count=1, flags=re.M)
    record.path.write_text(text, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--saves", type=int, default=3)
    args = parser.parse_args()

    print(f"Writing {args.records:,} records to {WORK} ...", flush=True)
    write_corpus(WORK, args.records, seed=0)
    record = newest_grant(WORK)
    port = _free_port()
    base = f"http://127.0.0.1:{port}" + _site_path(WORK / "mkdocs.yml")
    log_file = WORK.parent / "preview-serve.log"
    with log_file.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=WORK,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    logged = lambda: log_file.read_text("utf-8")  # noqa: E731
    try:
        print("Waiting for mkdocs serve's first build ...", flush=True)
        first = _until(lambda: "Serving on" in logged(), "the first build")
        print(f"first build and start: {first:.1f} s", flush=True)
        page, listings, page_cpu, listings_cpu = [], [], [], []
        for n in range(args.saves):
            title = f"Preview benchmark title number {n + 1}"
            save(record, title)
            started, cpu = time.perf_counter(), _cpu(server.pid)
            _until(lambda: title in _get(base + record.address), "the decision page")
            page.append(time.perf_counter() - started)
            page_cpu.append(_cpu(server.pid) - cpu)
            for address in record.listings:
                _until(
                    lambda: (
                        (html := _get(base + address)) and title in html and UPDATING not in html
                    ),
                    address,
                )
            listings.append(time.perf_counter() - started)
            listings_cpu.append(_cpu(server.pid) - cpu)
            print(
                f"save {n + 1}: page {page[-1]:.2f} s (CPU {page_cpu[-1]:.2f} s), lists and "
                f"registers {listings[-1]:.2f} s (CPU {listings_cpu[-1]:.2f} s)"
            )
            # The search index follows in the background: let it finish before the next save.
            searched = _until(
                lambda: logged().count("Preview: search index updated") == n + 1, "the index"
            )
            print(f"        search index {listings[-1] + searched:.1f} s", flush=True)
        # The old behaviour, and the full build to compare with: any save rebuilt everything.
        builds = logged().count("Building documentation...")
        (WORK / "mkdocs.yml").touch()
        started, cpu = time.perf_counter(), _cpu(server.pid)
        _until(lambda: logged().count("Building documentation...") > builds, "the full build")
        # The server holds a request until the build has finished.
        _until(lambda: bool(_get(base + record.address)), "the page after the full build")
        full, full_cpu = time.perf_counter() - started, _cpu(server.pid) - cpu
        built = [
            float(s) for s in re.findall(r"Documentation built in ([0-9.]+) seconds", logged())
        ]
    finally:
        server.terminate()
        server.communicate(timeout=60)

    a, b = statistics.median(page), statistics.median(listings)
    a_cpu, b_cpu = statistics.median(page_cpu), statistics.median(listings_cpu)
    print()
    print(
        f"{args.records:,} decisions, {args.saves} saves of {record.path.relative_to(WORK)}, "
        f"medians; wall time (CPU time of the server); load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"(a) decision page served:       {a:6.2f} s ({a_cpu:.2f} s)   target {PAGE_TARGET:.0f} s: "
        f"{a / PAGE_TARGET:.2f}x ({a_cpu / PAGE_TARGET:.2f}x)"
    )
    print(
        f"(b) lists and registers served: {b:6.2f} s ({b_cpu:.2f} s)   target {LISTING_SHARE:.0%} "
        f"of (c): {b / full:.1%} ({b_cpu / full_cpu:.1%}) of a full build"
    )
    print(
        f"(c) baseline, every save before: a full rebuild, until the page is served "
        f"{full:6.2f} s ({full_cpu:.2f} s; MkDocs: built in {built[-1]:.1f} s)"
    )
    print(f"    the page now comes {full / a:.0f}x sooner, the lists {full / b:.0f}x sooner")


def _site_path(config_file: Path) -> str:
    text = config_file.read_text("utf-8")
    match = re.search(r"^site_url: *https?://[^/\s]+(/\S*)", text, re.M)
    path = match[1] if match else "/"
    return path if path.endswith("/") else path + "/"


if __name__ == "__main__":
    main()
