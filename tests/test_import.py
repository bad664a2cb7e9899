"""`transparency import`: an office's decision log, CSV or XLSX, as records, bad rows reported."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO
from validation_helpers import diagnostic_lines, lines_of, load_site, make_site, run_cli

from generator.importlog import to_date, to_money

HEADER = [
    "Decision No.",
    "Date of decision",
    "Title",
    "Decision maker",
    "Decision summary",
    "Value (£)",
    "Supplier",
    "Status",
    "Category",
]
MAP = """\
columns:
  "Decision No.": reference
  "Date of decision": date
  "Title": title
  "Decision maker": decision_maker
  "Decision summary": summary
  "Value (£)": financial.amount
  "Supplier": recipients[0].name
  "Status": status
  "Category": category
defaults:
  significant_public_interest: true
dates: day-first
"""
# The ways logs write a date of 2019 and an amount: each row takes the next of each.
DATES = [
    "01/08/2019",
    "1 August 2019",
    "1-Aug-19",
    "2019-08-01",
    "15/08/2019",
    "3rd September 2019",
]
AMOUNTS = ["£12,000", "12000.50", "£1.2m", "up to £5,000", "", "£250k"]
EXPECTED_AMOUNTS = [
    Decimal(12000),
    Decimal("12000.50"),
    Decimal(1200000),
    Decimal(5000),
    None,
    Decimal(250000),
]
GOOD_ROWS = 56
# Row number in the spreadsheet (the header is row 1) -> (column, the cell to put there), and what
# is reported.
BAD = {
    10: (
        2,
        "31/02/2019",
        "LOG:10:2: error: date: '31/02/2019' is not a date: write it like 2020-08-01, 1 August "
        "2020 or day/month/year",
    ),
    20: (
        6,
        "twelve thousand",
        "LOG:20:6: error: financial.amount: 'twelve thousand' is not an amount of money: write it "
        "like £12,000, 12000.50, £1.2m or up to £5,000",
    ),
    30: (
        8,
        "aproved",
        "LOG:30:8: error: status: 'aproved' is not one of: approved, rejected, deferred, "
        "withdrawn, noted, endorsed (did you mean 'approved'?)",
    ),
    40: (3, "", "LOG:40:1: error: title: this required field is missing"),
    50: (
        9,
        "estates",
        "LOG:50:9: error: category: 'estates' is not one of the site's categories: commissioning, "
        "grants, contracts, governance",
    ),
    55: (
        1,
        "OPCC-2020-001",
        "LOG:55:1: error: reference: 'OPCC-2020-001' is already the reference of "
        "decisions/2020/OPCC-2020-001.yaml: it was not imported again",
    ),
}
ROWS = GOOD_ROWS + len(BAD)


def rows(*, cells_as_typed: bool = False) -> list[list]:
    """The log's rows after the header; in an XLSX some dates and amounts are typed cells."""
    out = []
    for i in range(ROWS):
        number = i + 2
        date: object = DATES[i % len(DATES)]
        amount: object = AMOUNTS[i % len(AMOUNTS)]
        if cells_as_typed and i % 3 == 0:
            date = dt.datetime(2019, 8, 1)
            amount = 1500.25 if amount else None
        row = [
            f"Decision 2019/{number:03d}",
            date,
            f"Decision of row {number}",
            "Police and Crime Commissioner",
            f"What was decided in row {number}.\nA second line, as a cell of a log may have.",
            amount,
            f"Supplier {number}" if i % 2 else "",
            "Approved",
            "contracts" if i % 2 else "governance",
        ]
        if number in BAD:
            column, cell, _ = BAD[number]
            row[column - 1] = cell
        out.append(row)
    return out


def write_csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as out:  # as Excel saves "CSV UTF-8"
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows())
    return path


def write_xlsx(path: Path, sheet: str = "Decisions 2019") -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["This workbook lists the decisions of 2019."])
    log = book.create_sheet(sheet)
    log.append(HEADER)
    for row in rows(cells_as_typed=True):
        log.append(row)
    book.save(path)
    return path


def expected_lines(log: str) -> list[str]:
    return [
        line.replace("LOG", log)
        for _, _, line in sorted(BAD.values(), key=lambda b: int(b[2].split(":")[1]))
    ]


def run_import(site: Path, log: Path, *extra: str):
    (site / "map.yaml").write_text(MAP, encoding="utf-8")
    return run_cli("import", str(log), "--map", str(site / "map.yaml"), *extra, site=site)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_log_of_more_than_50_rows_becomes_records_and_bad_rows_are_reported(
    tmp_path, kind, monkeypatch
):
    site = make_site(tmp_path)
    monkeypatch.chdir(site)
    log = write_csv(site / "log.csv") if kind == "csv" else write_xlsx(site / "log.xlsx")
    extra = ("--sheet", "Decisions 2019") if kind == "xlsx" else ()
    result = run_import(site, Path(log.name), *extra)
    assert result.exit_code == 1, result.output
    assert diagnostic_lines(result.stderr) == expected_lines(log.name)
    assert (
        result.stderr.strip().splitlines()[-1]
        == f"wrote {GOOD_ROWS} record(s) from {ROWS} row(s); {len(BAD)} row(s) not imported"
    )
    written = sorted((site / "decisions/2019").glob("*.yaml"))
    assert len(written) == GOOD_ROWS
    records = load_site(site)
    assert lines_of(records) == []
    by_reference = {d.reference: d for d in records.decisions}
    assert not any(f"Decision 2019/{n:03d}" in by_reference for n in BAD)
    for i, row in enumerate(rows(cells_as_typed=kind == "xlsx")):
        number = i + 2
        if number in BAD:
            continue
        d = by_reference[f"Decision 2019/{number:03d}"]
        assert (d.date, d.status, d.significant_public_interest) == (
            dt.date(2019, 9, 3)
            if row[1] == "3rd September 2019"
            else dt.date(2019, 8, 15)
            if row[1] == "15/08/2019"
            else dt.date(2019, 8, 1),
            "approved",
            True,
        )
        amount = (
            Decimal("1500.25") if isinstance(row[5], float) else EXPECTED_AMOUNTS[i % len(AMOUNTS)]
        )
        assert d.amount == amount, number
        assert d.amount_basis == ("maximum" if row[5] == "up to £5,000" else "exact")
        assert [r.name for r in d.recipients] == ([row[6]] if row[6] else [])
        assert d.summary == row[4]


def test_dry_run_reports_the_same_and_writes_nothing(tmp_path, monkeypatch):
    site = make_site(tmp_path)
    monkeypatch.chdir(site)
    write_csv(site / "log.csv")
    result = run_import(site, Path("log.csv"), "--dry-run")
    assert result.exit_code == 1
    assert diagnostic_lines(result.stderr) == expected_lines("log.csv")
    assert (
        result.stderr.strip().splitlines()[-1]
        == f"would write {GOOD_ROWS} record(s) from {ROWS} row(s); {len(BAD)} row(s) not imported"
    )
    assert not (site / "decisions/2019").exists()


def test_an_import_never_overwrites_a_record(tmp_path, monkeypatch):
    site = make_site(tmp_path)
    monkeypatch.chdir(site)
    write_csv(site / "log.csv")
    run_import(site, Path("log.csv"))
    edited = site / "decisions/2019/decision-2019-002.yaml"
    edited.write_text(edited.read_text("utf-8") + "tags: [edited-by-staff]\n", "utf-8")
    again = run_import(site, Path("log.csv"))
    assert again.exit_code == 1
    assert "tags: [edited-by-staff]" in edited.read_text("utf-8")
    assert (
        "log.csv:2:1: error: reference: 'Decision 2019/002' is already the reference of "
        "decisions/2019/decision-2019-002.yaml: it was not imported again"
        in diagnostic_lines(again.stderr)
    )


def test_a_clean_log_exits_0(tmp_path, monkeypatch):
    site = make_site(tmp_path)
    monkeypatch.chdir(site)
    good = [r for i, r in enumerate(rows()) if i + 2 not in BAD]
    with (site / "log.csv").open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([HEADER, *good])
    result = run_import(site, Path("log.csv"))
    assert result.exit_code == 0, result.output
    assert lines_of(load_site(site)) == []


@pytest.mark.parametrize(
    ("map_text", "message"),
    [
        ("defaults: {}\n", "the map needs 'columns:'"),
        (
            'columns:\n  "Decision No.": reference\n  "Value (£)": financial.value\n',
            "'financial.value' is not a field of a decision record",
        ),
        (
            'columns:\n  "Decision No.": reference\ndates: american\n',
            "dates must be day-first or month-first",
        ),
        (
            'columns:\n  "Decision No": reference\n',
            "the map names the column 'Decision No', which is not in the log's first row",
        ),
    ],
)
def test_a_map_that_cannot_be_used_is_one_line(tmp_path, monkeypatch, map_text, message):
    site = make_site(tmp_path)
    monkeypatch.chdir(site)
    write_csv(site / "log.csv")
    (site / "bad-map.yaml").write_text(map_text, encoding="utf-8")
    result = run_cli("import", "log.csv", "--map", "bad-map.yaml", site=site)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not (site / "decisions/2019").exists()


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("01/08/2020", True, dt.date(2020, 8, 1)),
        ("01/08/2020", False, dt.date(2020, 1, 8)),
        ("1 August 2020", True, dt.date(2020, 8, 1)),
        ("1-Aug-20", True, dt.date(2020, 8, 1)),
        (dt.datetime(2020, 8, 1, 0, 0), True, dt.date(2020, 8, 1)),
        ("1st August 2020", True, dt.date(2020, 8, 1)),
    ],
)
def test_dates_as_logs_write_them(text, day_first, expected):
    assert to_date(text, day_first=day_first) == expected


@pytest.mark.parametrize(
    ("text", "amount", "basis"),
    [
        ("£12,000", Decimal(12000), None),
        ("12000.50", Decimal("12000.50"), None),
        ("£1.2m", Decimal(1200000), None),
        ("up to £5,000", Decimal(5000), "maximum"),
        ("c. £40k", Decimal(40000), "estimate"),
        ("£12,000 per annum", Decimal(12000), "annual"),
        (12000.5, Decimal("12000.5"), None),
    ],
)
def test_amounts_as_logs_write_them(text, amount, basis):
    assert to_money(text) == (amount, basis)


def test_the_example_log_in_the_documentation_imports_into_the_example_site(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    for name in ("mkdocs.yml", "decisions", "content", "examples"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, site / name)
    monkeypatch.chdir(site)
    result = run_cli(
        "import",
        "examples/import/decision-log.csv",
        "--map",
        "examples/import/decision-log.map.yaml",
        site=site,
    )
    assert result.exit_code == 0, result.output
    assert [line for line in lines_of(load_site(site)) if ": error: " in line] == []
    assert len(list((site / "decisions/2019").glob("*.yaml"))) == 5
