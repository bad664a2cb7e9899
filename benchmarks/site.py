"""`make bench-site`: our build beside a plain `mkdocs build` of the same text, at 2,000 and 10,000
records.

For each size, writes the synthetic corpus (benchmarks/corpus.py) and builds it four ways:
- ours: `mkdocs build` with the transparency plugin, Pagefind off (the site's pages only);
- ours with search: the same with the Pagefind index the published site carries;
- transparency build: the whole command staff and CI run (validation, pages, search index,
  exports, links check, publication guard, atomic publish);
- plain: Material with the same theme options and Markdown extensions and Material's own search
  plugin, no plugin of ours, over one
  Markdown page per record holding the same text (title, facts, summary, decision, background,
  options, implications, recipients, documents). Like our decision pages, these pages are not
  in the navigation, which holds the home page only: a navigation of every page makes every page
  render the whole list, and would measure that instead.
Then prints the build times side by side with the ratio of `transparency build` to plain (target:
at most 1.3x) and
the mean and largest HTML size of our decision pages (target: at most 40 KB). The ratio is of CPU
time, which other work on a shared machine disturbs far less than wall time (shown too).

    python -m benchmarks.site [--records 2000 10000] [--repeat N] [--profile FILE]

--profile writes a cProfile of our build of the last size (in-process) to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import write_corpus  # noqa: E402
from generator import load, render  # noqa: E402
from generator.model import Decision  # noqa: E402
from generator.settings import read_settings  # noqa: E402

WORK = REPO / ".bench" / "site"
RATIO_TARGET = 1.3
PAGE_TARGET = 40 * 1024
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1622505600")


@dataclass(frozen=True)
class Timing:
    wall: float
    # user + system of the build and its children (Pagefind): steadier than wall time on a busy
    # machine
    cpu: float


def _best(command: list[str], config_file: Path, site_dir: Path, repeat: int) -> Timing:
    """The best of `repeat` runs of a build command into an emptied site_dir."""
    timings = []
    for _ in range(repeat):
        shutil.rmtree(site_dir, ignore_errors=True)
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        result = subprocess.run(
            command, cwd=config_file.parent, env=ENV, capture_output=True, text=True
        )
        wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode:
            sys.exit(f"{config_file}: {' '.join(command[:4])} failed:\n{result.stderr[-3000:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        timings.append(Timing(wall, cpu))
    return min(timings, key=lambda t: t.cpu)


def build(config_file: Path, site_dir: Path, repeat: int) -> Timing:
    """The best of `repeat` runs of `mkdocs build`."""
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(config_file),
        "-d",
        str(site_dir),
    ]
    return _best(command, config_file, site_dir, repeat)


def publish(config_file: Path, site_dir: Path, repeat: int) -> Timing:
    """The best of `repeat` runs of the whole `transparency build` command."""
    command = [sys.executable, "-c", "from generator.cli import main; main()", "build",
               "--config", str(config_file), "--site-dir", str(site_dir)]  # fmt: skip
    return _best(command, config_file, site_dir, repeat)


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
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    os.environ.update(ENV)
    config = load_config(str(config_file), site_dir=str(site_dir))
    cProfile.runctx(
        "mkdocs_build(config)",
        globals(),
        {"mkdocs_build": mkdocs_build, "config": config},
        str(out),
    )
    print(f"profile of our build written to {out} (read it with: python -m pstats {out})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[2_000, 10_000])
    parser.add_argument(
        "--repeat", type=int, default=1, help="build each site this many times and keep the best"
    )
    parser.add_argument(
        "--profile", type=Path, help="write a cProfile of our build of the last size here"
    )
    args = parser.parse_args()

    print("Build times: CPU seconds (wall seconds), the best of", args.repeat)
    print(
        f"{'records':>8} {'ours':>15} {'ours + search':>15} {'transparency build':>19} "
        f"{'plain + search':>15} {'ratio':>6}"
        f"   {'decision page mean':>18} {'largest':>9}"
    )
    verdicts = []
    for n in args.records:
        source, plain_source = WORK / f"corpus-{n}", WORK / f"plain-{n}"
        shutil.rmtree(source, ignore_errors=True)
        write_corpus(source, n, seed=0)
        plain_config = write_plain(source, plain_source)
        ours_config = with_search(source, on=False)
        ours = build(ours_config, WORK / f"site-{n}", args.repeat)
        searched = build(with_search(source, on=True), WORK / f"site-search-{n}", args.repeat)
        whole = publish(with_search(source, on=True), WORK / f"site-published-{n}", args.repeat)
        plain = build(plain_config, WORK / f"site-plain-{n}", args.repeat)
        sizes = decision_page_sizes(WORK / f"site-{n}")
        ratio = whole.cpu / plain.cpu
        mean, largest = statistics.mean(sizes), max(sizes)
        times = (
            "".join(f"{t.cpu:>7.1f}s ({t.wall:>4.0f}s)" for t in (ours, searched))
            + f"    {whole.cpu:>7.1f}s ({whole.wall:>4.0f}s)"
            + f"{plain.cpu:>7.1f}s ({plain.wall:>4.0f}s)"
        )
        print(
            f"{n:>8,} {times} {ratio:>5.2f}x   {mean / 1024:>15.1f} KB {largest / 1024:>6.1f} KB   "
            f"({len(sizes):,} decision pages)"
        )
        verdicts.append(ratio <= RATIO_TARGET and largest <= PAGE_TARGET)
        if args.profile and n == args.records[-1]:
            profile_build(ours_config, WORK / f"site-profile-{n}", args.profile)
    print(
        f"Targets: transparency build at most {RATIO_TARGET}x plain Material with its search, "
        f"decision pages at most {PAGE_TARGET // 1024} KB: "
        f"{'met' if all(verdicts) else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
