"""Helpers for the validator tests: a small valid site to copy, case overlays, running the command.

tests/broken/_base/ is a complete small site (mkdocs.yml with the transparency plugin's options,
three decisions, a document file, a funding table, a toolkit document with an attachment).
Each other folder under tests/broken/ holds only the files a case adds or replaces, plus
expected.txt: the exact diagnostic lines `transparency validate` prints for it ('#' lines are
a description of the mistake).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from generator.check import check
from generator.cli import main
from generator.records import Records
from generator.settings import read_settings

BROKEN = Path(__file__).parent / "broken"
BASE = BROKEN / "_base"

# path:line:column: severity: [field: ]message
DIAGNOSTIC = re.compile(
    r"^(?P<path>[^:\s][^:]*):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): "
    r"(?P<rest>.+)$"
)
SUMMARY = re.compile(
    r"^(?P<errors>\d+) error\(s\), (?P<warnings>\d+) warning\(s\) in \d+ decisions, \d+ funding "
    r"tables, \d+ toolkit documents$"
)


def case_names() -> list[str]:
    return sorted(p.name for p in BROKEN.iterdir() if p.is_dir() and not p.name.startswith("_"))


def make_site(tmp_path: Path, case: str | None = None) -> Path:
    """A copy of the base site under tmp_path, with the files of `case` laid over it."""
    site = tmp_path / "site"
    shutil.copytree(BASE, site)
    if case is not None:
        shutil.copytree(
            BROKEN / case, site, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt")
        )
    return site


def expected_lines(case: str) -> list[str]:
    text = (BROKEN / case / "expected.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def load_site(site: Path, only: list[Path] | None = None) -> Records:
    """What `transparency validate` finds: the records' problems and the build's warnings."""
    return check(read_settings(site / "mkdocs.yml"), only=only).records


def lines_of(records: Records) -> list[str]:
    return [d.text() for d in records.diagnostics]


def run_cli(*args: str, site: Path | None = None) -> Result:
    """`transparency ARGS` in-process; with site, against that site's mkdocs.yml."""
    argv = list(args)
    if site is not None:
        argv += ["--config", str(site / "mkdocs.yml")]
    return CliRunner().invoke(main, argv, catch_exceptions=True)


def run_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`transparency ARGS` as a separate process, as CI runs it."""
    command = [sys.executable, "-c", "from generator.cli import main; main()", *args]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def diagnostic_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if DIAGNOSTIC.match(line)]


def assert_position_exists(site: Path, line: str) -> None:
    """A reported position must be inside the reported file (1-based; column may be one past the
    end)."""
    m = DIAGNOSTIC.match(line)
    assert m, line
    path = site / m["path"]
    assert path.is_file(), f"{line}: no such file"
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    rows = re.split(r"\r\n|\n", text)
    row, column = int(m["line"]), int(m["column"])
    assert 1 <= row <= len(rows), f"{line}: the file has {len(rows)} lines"
    assert 1 <= column <= len(rows[row - 1]) + 1, (
        f"{line}: line {row} has {len(rows[row - 1])} characters"
    )


# A valid record a member of staff might add to the base site; tests change one thing in it.
NEW_DECISION_PATH = "decisions/2021/OPCC-2021-002.yaml"
NEW_DECISION = """\
reference: OPCC-2021-002
title: Domestic abuse helpline grant
date: 2021-04-12
decision_maker: Police and Crime Commissioner
status: approved
category: grants
summary: |
  A grant to keep the domestic abuse helpline open in the evenings and at
  weekends for the rest of the financial year.
financial:
  amount: 45000.00
  funding_stream: moj-victims-witnesses
  financial_year: "2021/22"
recipients:
  - name: Exampleshire Women's Aid
    org_id: GB-CHC-1098765
    amount: 45000.00
"""
