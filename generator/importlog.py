"""`transparency import`: an office's existing decision log (CSV or XLSX) as decision records.

A map names the field each column of the log fills. Each row becomes a record only if the
record validates against the schema and against the repository (file name, unique reference,
funding streams, categories); every other row is reported at its row and column, and written
nowhere. Nothing is ever overwritten.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

import yaml

from . import schema
from .diagnostics import Diagnostic, Diagnostics, Severity
from .load import load
from .model import decision_from_data, record_file_name, slugify
from .records import Records
from .settings import Settings
from .source import SourceMap
from .validate import check_records


class ImportFailed(Exception):
    """The log or its map cannot be read at all: one line for the person running the import."""


@dataclass(frozen=True)
class LogMap:
    columns: dict[str, str]  # header in the log -> field path, like recipients[0].name
    defaults: dict[str, Any]  # field path -> value for every row
    day_first: bool = True


@dataclass
class Imported:
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    written: list[Path] = field(default_factory=list)
    rows: int = 0


_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def field_path(text: str) -> tuple[str | int, ...]:
    """('recipients', 0, 'name') for 'recipients[0].name'; ValueError if it is not one."""
    path: list[str | int] = []
    for part in text.split("."):
        m = _PART.fullmatch(part)
        if not m:
            raise ValueError(text)
        path.append(m[1])
        if m[2] is not None:
            path.append(int(m[2]))
    return tuple(path)


def _field_schema(path: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The schema of the field at path, or None where the decision format has no such field."""
    node = schema.load_schema("decision")
    for key in path:
        if isinstance(key, int):
            child = node.get("items") if node.get("type") == "array" else None
        else:
            child = node.get("properties", {}).get(key) if node.get("type") == "object" else None
        if child is None:
            return None
        node = child
    return node


def read_map(path: Path) -> LogMap:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ImportFailed(f"{path}: cannot read the map: {str(exc).splitlines()[0]}") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("columns"), dict)
        or not data["columns"]
    ):
        raise ImportFailed(
            f"{path}: the map needs 'columns:', a mapping of column headings to fields, like "
            '"Decision No.": reference'
        )
    wrong = [f"{k}" for k in set(data) - {"columns", "defaults", "dates"}]
    if wrong:
        raise ImportFailed(
            f"{path}: unknown key '{wrong[0]}' in the map: use columns, defaults and dates"
        )
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise ImportFailed(f"{path}: 'defaults:' must be a mapping of fields to values")
    for name in [*data["columns"].values(), *defaults]:
        try:
            known = _field_schema(field_path(str(name))) is not None
        except ValueError:
            known = False
        if not known:
            raise ImportFailed(
                f"{path}: '{name}' is not a field of a decision record (like reference, "
                "financial.amount or recipients[0].name)"
            )
    dates = data.get("dates", "day-first")
    if dates not in ("day-first", "month-first"):
        raise ImportFailed(f"{path}: dates must be day-first or month-first, not '{dates}'")
    return LogMap(
        {str(k): str(v) for k, v in data["columns"].items()},
        {str(k): v for k, v in defaults.items()},
        day_first=dates == "day-first",
    )


def read_log(
    path: Path, sheet: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """The header and the (row number, cells) of a CSV or XLSX log, numbered as a spreadsheet shows
    them."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="cp1252")  # saved from Excel as "CSV", not "CSV UTF-8"
        rows = list(csv.reader(io.StringIO(text, newline="")))  # a quoted cell may hold line breaks
    elif suffix in (".xlsx", ".xlsm"):
        import openpyxl  # only an XLSX import needs it

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # a damaged or mislabelled file: one line, not a traceback
            raise ImportFailed(f"{path}: cannot read it as an XLSX workbook: {exc}") from None
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFailed(
                f"{path}: no sheet named '{sheet}': the sheets are {', '.join(book.sheetnames)}"
            )
        rows = [list(r) for r in book[sheet or book.sheetnames[0]].iter_rows(values_only=True)]
        book.close()
    else:
        raise ImportFailed(f"{path}: a decision log must be a .csv or .xlsx file")
    if not rows:
        raise ImportFailed(f"{path}: the log is empty")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return header, (
        (i + 2, row) for i, row in enumerate(rows[1:]) if any(_blank(c) is not None for c in row)
    )


def _blank(value: Any) -> Any:
    """None for an empty cell, else the value (text stripped)."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y")
_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y")
_WORDS = (
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %y",
    "%B %d, %Y",
    "%b %d, %Y",
)
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.I)


def to_date(value: Any, *, day_first: bool) -> dt.date:
    """A date from a spreadsheet cell or the ways logs write one: 01/08/2020, 1 August 2020,
    1-Aug-20."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _ORDINAL.sub("", " ".join(str(value).split()))
    for form in (_DAY_FIRST if day_first else _MONTH_FIRST) + _WORDS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    order = "day/month/year" if day_first else "month/day/year"
    raise ValueError(f"'{value}' is not a date: write it like 2020-08-01, 1 August 2020 or {order}")


_MONEY = re.compile(
    r"^(?P<basis>up to|upto|max(?:imum)?|about|approx(?:imately)?\.?|c\.|circa)?\s*(?:£|GBP)?\s*"
    r"(?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?P<scale>m|mn|million|k|thousand)?"
    r"\s*(?P<annual>(?:a|per) (?:year|annum)|p\.?a\.?)?$",
    re.I,
)
_BASIS = {"up": "maximum", "upto": "maximum", "max": "maximum", "maximum": "maximum"}
_SCALE = {
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "k": Decimal(1000),
    "thousand": Decimal(1000),
}


def to_money(value: Any) -> tuple[Decimal, str | None]:
    """An amount and its basis from a cell: 12000.50, £12,000, £1.2m, "up to £5,000"."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an amount of money")
    if isinstance(value, (int, float)):
        return Decimal(str(value)), None
    m = _MONEY.match(" ".join(str(value).split()))
    if not m:
        raise ValueError(
            f"'{value}' is not an amount of money: write it like £12,000, 12000.50, £1.2m or up to "
            "£5,000"
        )
    try:
        amount = Decimal(m["number"].replace(",", "")) * _SCALE.get(
            (m["scale"] or "").lower(), Decimal(1)
        )
    except InvalidOperation:
        raise ValueError(f"'{value}' is not an amount of money") from None
    basis = None
    if m["basis"]:
        word = m["basis"].lower().split()[0].rstrip(".")
        basis = _BASIS.get(word, "estimate")
    if m["annual"]:
        basis = "annual"
    return amount.normalize() if amount == amount.to_integral_value() else amount, basis


def _set(record: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    node: Any = record
    for key, following in zip(path, path[1:]):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(key, int):
            while len(node) <= key:
                node.append({} if not isinstance(following, int) else [])
            node = node[key]
        else:
            node = node.setdefault(key, empty)
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def _convert(value: Any, spec: dict[str, Any], *, day_first: bool) -> tuple[Any, str | None]:
    """A cell as the field's type wants it, and the amount basis where the cell gave one."""
    kind = spec.get("type")
    if spec.get("format") == "date":
        return to_date(value, day_first=day_first), None
    if kind == "number":
        return to_money(value)
    if kind == "integer":
        number, _ = to_money(value)
        if number != number.to_integral_value():
            raise ValueError(f"'{value}' is not a whole number")
        return int(number), None
    if kind == "boolean":
        text = str(value).strip().lower()
        if text in ("yes", "y", "true", "1"):
            return True, None
        if text in ("no", "n", "false", "0"):
            return False, None
        raise ValueError(f"'{value}' is not yes or no")
    if kind == "array":
        return [part.strip() for part in str(value).split(";") if part.strip()], None
    if "enum" in spec:
        # Logs write "Approved" or "Open tender" where the format has approved and open-tender.
        wanted = slugify(str(value))
        return next(
            (choice for choice in spec["enum"] if slugify(choice) == wanted), str(value).strip()
        ), None
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None  # a reference like 1691 typed into a number cell
    if isinstance(value, (dt.date, dt.datetime)):
        return to_date(value, day_first=day_first).isoformat(), None
    return str(value).strip(), None


def _for_schema(value: Any) -> Any:
    """The record as the YAML loader would give it: dates as ISO text, amounts as numbers."""
    if isinstance(value, dict):
        return {k: _for_schema(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_for_schema(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _row_record(
    log_map: LogMap, header: list[str], cells: list[Any]
) -> tuple[dict[str, Any], dict[str, int], list[tuple[int, str, str]]]:
    """The record a row makes, the column of each field it filled, and the cells it could not
    read."""
    record: dict[str, Any] = {}
    for name, value in log_map.defaults.items():
        _set(record, field_path(name), copy.deepcopy(value))
    columns: dict[str, int] = {}
    problems: list[tuple[int, str, str]] = []
    for index, heading in enumerate(header):
        target = log_map.columns.get(heading)
        value = _blank(cells[index]) if index < len(cells) else None
        if target is None or value is None:
            continue
        path = field_path(target)
        columns[schema.field_name(path)] = index + 1
        spec = _field_schema(path)
        assert spec is not None  # read_map refuses a column mapped to a field the format lacks
        try:
            converted, basis = _convert(value, spec, day_first=log_map.day_first)
        except ValueError as exc:
            problems.append((index + 1, schema.field_name(path), str(exc)))
            continue
        _set(record, path, converted)
        if basis is not None:
            # "up to £5,000" in any money column is how the notice states the decision's amount.
            _set(record, ("financial", "amount_basis"), basis)
            columns.setdefault("financial.amount_basis", index + 1)
    return record, columns, problems


def _yaml(record: dict[str, Any]) -> str:
    class Dumper(yaml.SafeDumper):
        pass

    # Long texts as folded blocks, as staff write them; amounts as plain numbers.
    Dumper.add_representer(
        Decimal,
        lambda d, v: d.represent_scalar(
            "tag:yaml.org,2002:int" if v == v.to_integral_value() else "tag:yaml.org,2002:float",
            format(v, "f"),
        ),
    )
    Dumper.add_representer(
        str,
        lambda d, v: d.represent_scalar(
            "tag:yaml.org,2002:str", v, style=">" if len(v) > 80 else None
        ),
    )
    # Fields in the order of the format (and of `transparency new decision`), not of the log.
    order = list(schema.load_schema("decision")["properties"])
    ordered = dict(sorted(record.items(), key=lambda item: order.index(item[0])))
    return yaml.dump(ordered, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)


def import_log(
    settings: Settings,
    log: Path,
    map_file: Path,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
) -> Imported:
    """Read the log, check every row as a record of the repository, write the good ones."""
    log_map = read_map(map_file)
    header, rows = read_log(log, sheet)
    shown = str(log)
    result = Imported()
    missing = [h for h in log_map.columns if h not in header]
    if missing:
        raise ImportFailed(
            f"{shown}: the map names the column '{missing[0]}', which is not in the log's first "
            f"row ({', '.join(h for h in header if h)})"
        )
    repository = load(settings)
    decisions_dir = settings.path("decisions_dir")
    taken = {
        d.slug: d.source for d in repository.decisions + repository.partial_decisions if d.reference
    }
    taken.update(
        {p.stem.lower(): p for p in decisions_dir.glob("*/*.yaml")}
        if decisions_dir.is_dir()
        else {}
    )
    candidates = []
    for number, cells in rows:
        result.rows += 1
        record, columns, problems = _row_record(log_map, header, cells)
        for column, name, message in problems:
            result.diagnostics.error(shown, number, column, message, name)
        if problems:
            continue
        data = _for_schema(record)
        found = list(schema.check("decision", data))
        for problem in found:
            name = schema.field_name(problem.path)
            result.diagnostics.error(
                shown, number, _column_of(name, columns), problem.message, name
            )
        if found:
            continue
        path = decisions_dir / str(data["date"][:4]) / record_file_name(data["reference"])
        slug = slugify(data["reference"])
        if slug in taken:
            result.diagnostics.error(
                shown,
                number,
                _column_of("reference", columns),
                f"'{data['reference']}' is already the reference of "
                f"{repository.relative(taken[slug])}: it was not imported again",
                "reference",
            )
            continue
        taken[slug] = path
        candidates.append((number, record, columns, decision_from_data(data, path, SourceMap())))
    trial = Records(
        settings,
        decisions=repository.decisions + [c[3] for c in candidates],
        funding_tables=repository.funding_tables,
        invalid_references=repository.invalid_references,
        partial_decisions=repository.partial_decisions,
    )
    check_records(trial)
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in trial.diagnostics:
        by_file.setdefault(diagnostic.path, []).append(diagnostic)
    for number, record, columns, decision in candidates:
        errors = [
            d
            for d in by_file.get(trial.relative(decision.source), [])
            if d.severity is Severity.ERROR
        ]
        for d in errors:
            result.diagnostics.error(
                shown, number, _column_of(d.field, columns), d.message, d.field
            )
        if errors or dry_run:
            continue
        decision.source.parent.mkdir(parents=True, exist_ok=True)
        with decision.source.open("x", encoding="utf-8") as out:  # never overwrite a record
            out.write(_yaml(record))
        result.written.append(decision.source)
    result.diagnostics[:] = result.diagnostics.sorted()
    return result


_PARENT = re.compile(
    r"(\.[a-z_]+|\[\d+\])$"
)  # the last step of a field name: recipients[0].name -> recipients[0]


def _column_of(name: str, columns: dict[str, int]) -> int:
    """The log column a field came from; for a field from the defaults or the row as a whole, 1."""
    while name in columns or _PARENT.search(name):
        if name in columns:
            return columns[name]
        name = _PARENT.sub("", name)
    return 1
