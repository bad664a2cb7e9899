"""`make bench-site`: `transparency build` beside a plain `mkdocs build` of the same text, per size.

For each number of decisions (1,000, 2,000 and 10,000 unless told), writes the synthetic corpus
(benchmarks/corpus.py) and times, in the same run:
- transparency build: the whole command staff and CI run (validation, pages, search index,
  exports, links check, publication guard, atomic publish);
- plain: Material with the same theme options and Markdown extensions and Material's own search
  plugin, no plugin of ours, over one Markdown page per record holding the same text (title,
  facts, summary, decision, background, options, implications, recipients, documents). Like our
  decision pages, these pages are not in the navigation, which holds the home page only: a
  navigation of every page makes every page render the whole list, and would measure that
  instead;
- the search index: our indexing step (generator/search.py: Pagefind, then its facets put in a
  stable order) beside Pagefind's own command, both over the same built site.
Then prints the times side by side with the ratios (targets: the build at most 1.3x plain, the
search index at most 1.5x Pagefind), the time per decision and peak memory of each size (target:
time per decision at the largest size within 1.2x of the smallest, peak memory under 3 GB), and
the mean and largest HTML size of the decision pages. The build's ratio is given in wall time,
what staff and CI wait, the target's measure: plain MkDocs works on one core, while our build
also uses the others (Pagefind's threads, the guard's processes, copies of itself); the ratio in
CPU time is printed for the record. Times are CPU seconds (user + system, the
command and every process it starts), which other work on a shared machine disturbs far less than
wall time (shown too); peak memory is the largest resident size of the command or any process it
started (and, apart, of Pagefind alone indexing the same site).

    python -m benchmarks.site [--records 1000 2000 10000] [--repeat N] [--profile FILE]

--profile writes a cProfile of `transparency build` of the last size (in-process) to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import write_corpus  # noqa: E402
from generator import load, render  # noqa: E402
from generator.model import Decision  # noqa: E402
from generator.search import BUNDLE  # noqa: E402
from generator.settings import read_settings  # noqa: E402

WORK = REPO / ".bench" / "site"
RATIO_TARGET = 1.3
SEARCH_TARGET = 1.5
LINEAR_TARGET = 1.2
MEMORY_TARGET = 3 * 1024**3
PAGE_TARGET = 40 * 1024
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1622505600")


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system of the command and its children (Pagefind)
    peak: int  # bytes: the largest resident size of the command or any of its children

    def __str__(self) -> str:
        return f"{self.cpu:7.1f}s ({self.wall:4.0f}s)"


def run(command: list[str], cwd: Path) -> Timing:
    """One run of a command, with its own CPU time and peak memory (os.wait4 counts the command
    and the processes it waited for, and nothing else this benchmark runs)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=output, stderr=output)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            output.seek(0)
            sys.exit(f"{cwd}: {' '.join(command[:6])} failed:\n{output.read()[-3000:]}")
    return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def best(command: list[str], cwd: Path, emptied: Path, repeat: int) -> Timing:
    """The best of `repeat` runs of a command, `emptied` removed before each."""
    timings = []
    for _ in range(repeat):
        shutil.rmtree(emptied, ignore_errors=True)
        timings.append(run(command, cwd))
    return min(timings, key=lambda t: t.cpu)


def build(config_file: Path, site_dir: Path, repeat: int) -> Timing:
    """The best of `repeat` runs of `mkdocs build`."""
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file),
               "-d", str(site_dir)]  # fmt: skip
    return best(command, config_file.parent, site_dir, repeat)


def publish(config_file: Path, site_dir: Path, repeat: int) -> Timing:
    """The best of `repeat` runs of the whole `transparency build` command."""
    command = [sys.executable, "-c", "from generator.cli import main; main()", "build",
               "--config", str(config_file), "--site-dir", str(site_dir)]  # fmt: skip
    return best(command, config_file.parent, site_dir, repeat)


def index(site_dir: Path, repeat: int) -> tuple[Timing, Timing]:
    """Our search indexing step, and Pagefind's own command, over the same built site."""
    ours = [sys.executable, "-c", "import sys; from pathlib import Path; "
            "from generator.search import build_index; build_index(Path(sys.argv[1]))",
            str(site_dir)]  # fmt: skip
    own = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-path",
           str(site_dir / BUNDLE), "--force-language", "en", "--silent"]  # fmt: skip
    return best(ours, REPO, site_dir / BUNDLE, repeat), best(own, REPO, site_dir / BUNDLE, repeat)


def with_search(source: Path, on: bool) -> Path:
    """A copy of the corpus's mkdocs.yml with the plugin's search option set."""
    config = source / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    marker = "  - transparency:\n"
    if marker not in text:
        sys.exit(f"{config}: cannot find the transparency plugin entry")
    variant = source / f"mkdocs-search-{'on' if on else 'off'}.yml"
    variant.write_text(
        text.replace(marker, f"{marker}      search: {'true' if on else 'false'}\n", 1),
        encoding="utf-8",
    )
    return variant


def plain_markdown(d: Decision) -> str:
    """The text of a decision page as a person would write it by hand in Markdown."""
    facts = [
        ("Reference", d.reference),
        ("Date", render.long_date(d.date)),
        ("Published", render.long_date(d.published)),
        ("Decision maker", d.decision_maker),
        ("Lead officer", d.lead_officer or ""),
        ("Status", d.status),
        ("Category", d.category or ""),
        ("Tags", ", ".join(d.tags)),
    ]
    if d.amount is not None:
        facts += [
            ("Amount", render.money(d.amount)),
            ("Funding stream", d.financial.funding_stream or ""),
            ("Financial year", d.financial.financial_year or ""),
        ]
    parts = [f"# {d.reference}: {d.title}", "\n".join(f"- **{k}**: {v}" for k, v in facts if v)]
    for heading, text in (
        ("Summary", d.summary),
        ("Decision", d.decision),
        ("Background", d.background),
        ("Options considered", d.options_considered),
        ("Interests declared", d.interests_declared),
    ):
        if text:
            parts += [f"## {heading}", text]
    for heading, text in (d.implications or {}).items():
        parts += [f"### {render.label(heading)}", text]
    if d.recipients:
        parts += [
            "## Recipients",
            "| Recipient | Identifier | Amount |\n|---|---|---:|\n"
            + "\n".join(
                f"| {r.name} | {r.org_id or ''} | {render.money(r.amount)} |" for r in d.recipients
            ),
        ]
    if d.documents:
        parts += [
            "## Documents",
            "\n".join(f"- {doc.title} ({doc.file_type})" for doc in d.documents),
        ]
    for part in d.exempt:
        parts += [f'!!! note "{part.title}"\n    Withheld: {part.reason}']
    return "\n\n".join(parts) + "\n"


def write_plain(source: Path, target: Path) -> Path:
    """The plain site: the corpus's theme and Markdown extensions, no plugin, one page per
    record."""
    settings = read_settings(source / "mkdocs.yml")
    records = load.load(settings)
    if records.diagnostics.errors:
        sys.exit(f"{source}: the corpus does not validate")
    config = yaml.load((source / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    docs = target / "docs"
    shutil.rmtree(target, ignore_errors=True)
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(
        "# Decisions\n\nEvery decision has its own page.\n", encoding="utf-8"
    )
    for d in records.decisions:
        page = docs / "decisions" / str(d.year) / f"{d.slug}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(plain_markdown(d), encoding="utf-8")
    plain = {
        "site_name": config.get("site_name", "Decisions"),
        "site_url": config.get("site_url", ""),
        "docs_dir": "docs",
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "font": False,
            **{
                k: v
                for k, v in (config.get("theme") or {}).items()
                if k not in ("name", "font", "custom_dir")
            },
        },
        "markdown_extensions": [
            "attr_list",
            "admonition",
            "tables",
            *[
                e
                for e in config.get("markdown_extensions") or []
                if e not in ("attr_list", "admonition", "tables")
            ],
        ],
        # Material's own search plugin, as a plain Material site has.
        "plugins": ["search"],
        "nav": [{"Home": "index.md"}],
        "not_in_nav": "/decisions/",
    }
    config_file = target / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(plain, sort_keys=False), encoding="utf-8")
    return config_file


def decision_page_sizes(site_dir: Path) -> list[int]:
    return [
        p.stat().st_size for p in (site_dir / "decisions").glob("[0-9][0-9][0-9][0-9]/*/index.html")
    ]


def profile_build(config_file: Path, site_dir: Path, out: Path) -> None:
    from generator import build as pipeline

    os.environ.update(ENV)
    shutil.rmtree(site_dir, ignore_errors=True)
    cProfile.runctx(
        "build(config_file, site_dir)",
        globals(),
        {"build": pipeline.build, "config_file": config_file, "site_dir": site_dir},
        str(out),
    )
    print(f"profile of transparency build written to {out} (read it with: python -m pstats {out})")


def megabytes(size: float) -> str:
    return f"{size / 1024**2:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1_000, 2_000, 10_000])
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each command this many times and keep the best"
    )
    parser.add_argument(
        "--profile", type=Path, help="write a cProfile of transparency build of the last size here"
    )
    parser.add_argument("--work", type=Path, default=WORK, help=f"where to build (default {WORK})")
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="time transparency build alone (the curve of time per decision and peak memory), "
        "not the plain baseline or the search index",
    )
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)

    print("CPU seconds (wall seconds), the best of", args.repeat, "run(s), measured side by side")
    print(
        f"{'records':>8} {'transparency build':>19} {'plain + search':>15} {'ratio':>6} {'wall':>5}"
        f"  {'search index':>15} {'Pagefind':>15} {'ratio':>6}"
        f"  {'ms/decision':>11} {'plain':>6} {'peak memory':>11} {'plain':>7} {'Pagefind':>8}"
        f"  {'page mean':>9} {'largest':>8}"
    )
    rows = []
    for n in args.records:
        source, plain_source = work / f"corpus-{n}", work / f"plain-{n}"
        shutil.rmtree(source, ignore_errors=True)
        write_corpus(source, n, seed=0)
        published = work / f"site-published-{n}"
        whole = publish(with_search(source, on=True), published, args.repeat)
        if args.build_only:
            print(
                f"{n:>8,} {whole!s:>19}  {whole.cpu / n * 1000:>5.1f} ms a decision, peak memory "
                f"{megabytes(whole.peak)}",
                flush=True,
            )
            rows.append((n, whole, 0.0, 0.0, 0, 0.0))
            continue
        plain_config = write_plain(source, plain_source)
        plain = build(plain_config, work / f"site-plain-{n}", args.repeat)
        ours_index, pagefind = index(published, args.repeat)
        sizes = decision_page_sizes(published)
        ratio, search_ratio = whole.cpu / plain.cpu, ours_index.cpu / pagefind.cpu
        wall_ratio = whole.wall / plain.wall
        mean, largest = statistics.mean(sizes), max(sizes)
        print(
            f"{n:>8,} {whole!s:>19} {plain!s:>15} {ratio:>5.2f}x {wall_ratio:>4.2f}x  "
            f"{ours_index!s:>15} {pagefind!s:>15} {search_ratio:>5.2f}x  "
            f"{whole.cpu / n * 1000:>11.1f} {plain.cpu / n * 1000:>6.1f} "
            f"{megabytes(whole.peak):>11} {megabytes(plain.peak):>7} {megabytes(pagefind.peak):>8}"
            f"  {mean / 1024:>6.1f} KB {largest / 1024:>5.1f} KB",
            flush=True,
        )
        rows.append((n, whole, ratio, search_ratio, largest, wall_ratio))
        if args.profile and n == args.records[-1]:
            profile_build(with_search(source, on=True), work / f"site-profile-{n}", args.profile)
    smallest, largest_run = rows[0], rows[-1]
    growth = (largest_run[1].cpu / largest_run[0]) / (smallest[1].cpu / smallest[0])
    print(
        f"time per decision at {largest_run[0]:,} is {growth:.2f}x that at {smallest[0]:,} "
        f"(target at most {LINEAR_TARGET}x); peak memory at most "
        f"{megabytes(max(r[1].peak for r in rows))} (target under {megabytes(MEMORY_TARGET)})"
    )
    linear = f"time per decision within {LINEAR_TARGET}x"
    memory = f"peak memory under {megabytes(MEMORY_TARGET)}"
    if not args.build_only:
        # The work done, on every core: for the record, not the target. Pagefind's own command
        # alone costs about 0.6x of plain's whole build (README, Benchmarks).
        print(
            "for the record: transparency build in CPU time, "
            + ", ".join(f"{r[2]:.2f}x at {r[0]:,}" for r in rows)
            + " plain Material's (not the target: see the README)"
        )
    verdicts = {
        f"transparency build at most {RATIO_TARGET}x plain Material with its search, in wall time "
        "(what staff and CI wait; plain MkDocs uses one core, our build every core)": all(
            r[5] <= RATIO_TARGET for r in rows
        ),
        f"search index at most {SEARCH_TARGET}x Pagefind's own command": all(
            r[3] <= SEARCH_TARGET for r in rows
        ),
        linear: growth <= LINEAR_TARGET,
        memory: all(r[1].peak < MEMORY_TARGET for r in rows),
        f"decision pages at most {PAGE_TARGET // 1024} KB": all(r[4] <= PAGE_TARGET for r in rows),
    }
    if args.build_only:  # no baseline was run: only the curve's targets are measured
        verdicts = {linear: verdicts[linear], memory: verdicts[memory]}
    for target, met in verdicts.items():
        print(f"{'met' if met else 'NOT met'}: {target}")


if __name__ == "__main__":
    main()
