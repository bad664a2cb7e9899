"""`make bench-validate`: how long validating 10,000 records takes, beside the raw YAML parse.

Writes the synthetic corpus (benchmarks/corpus.py) into a temporary folder, then times, best of
three runs each:
- generator.load.load: everything `transparency validate` does (read, parse with positions,
  JSON Schema, cross-file rules) over the whole site;
- yaml.load with PyYAML's C loader (CSafeLoader) over the same record files: reading and
  parsing only, the floor any YAML validator stands on;
- yaml.load with the pure-Python SafeLoader, for the record.
and once, the whole `transparency validate` command as a process, start-up included.

    python -m benchmarks.validate [--records N] [--runs N] [--seed N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import yaml

from benchmarks.corpus import write_corpus
from generator.load import load
from generator.settings import read_settings


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def parse_all(paths: list[Path], loader: type) -> int:
    count = 0
    for path in paths:
        if yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=loader) is not None:
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not getattr(yaml, "__with_libyaml__", False):
        sys.exit(
            "PyYAML has no C loader here (built without libyaml): the comparison would mean nothing"
        )

    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        root = Path(tmp) / "site"
        started = time.perf_counter()
        write_corpus(root, args.records, seed=args.seed)
        written = time.perf_counter() - started
        settings = read_settings(root / "mkdocs.yml")
        files = sorted((root / "decisions").glob("*/*.yaml")) + sorted(
            (root / "content" / "funding").glob("*.yaml")
        )
        size = sum(p.stat().st_size for p in files)
        print(
            f"Corpus: {args.records:,} decision records + {len(files) - args.records} funding "
            "tables, "
            f"{size / 2**20:.1f} MiB of YAML, written in {written:.1f} s (seed {args.seed})"
        )

        # One untimed pass, so every run finds the files in the page cache alike.
        parse_all(files, yaml.CSafeLoader)

        ours, records = best_of(args.runs, lambda: load(settings))
        assert len(records.decisions) == args.records, "the corpus did not load whole"
        errors = len(records.diagnostics.errors)
        c_parse, parsed = best_of(args.runs, lambda: parse_all(files, yaml.CSafeLoader))
        assert parsed == len(files)
        print(f"Timing the pure-Python loader ({args.runs} run(s), the slow one) ...", flush=True)
        py_parse, _ = best_of(args.runs, lambda: parse_all(files, yaml.SafeLoader))

        env = dict(os.environ)
        started = time.perf_counter()
        command = subprocess.run(
            [sys.executable, "-c", "from generator.cli import main; main()", "validate"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
        )
        whole = time.perf_counter() - started

    per = 1000 / args.records
    rows = [
        ("generator.load.load (read, parse, schema, cross-file rules)", ours),
        ("yaml.load, CSafeLoader (read and parse only)", c_parse),
        ("yaml.load, SafeLoader, pure Python (read and parse only)", py_parse),
    ]
    print()
    print(f"{'':<62} {'best of ' + str(args.runs):>10} {'per record':>11} {'vs C parse':>11}")
    for label, seconds in rows:
        print(f"{label:<62} {seconds:>9.2f}s {seconds * per:>8.3f} ms {seconds / c_parse:>10.1f}x")
    print(
        f"{'transparency validate, whole command as a process (1 run)':<62} {whole:>9.2f}s "
        f"{whole * per:>8.3f} ms {whole / c_parse:>10.1f}x"
    )
    print()
    print(
        f"Diagnostics: {errors} error(s), {len(records.diagnostics.warnings)} warning(s); "
        f"command exit status {command.returncode}"
    )
    if errors or command.returncode:
        sys.exit("the synthetic corpus should validate cleanly")


if __name__ == "__main__":
    main()
