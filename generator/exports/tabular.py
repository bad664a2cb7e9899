"""How every open data file writes a value: the one CSV writer and the one JSON writer.

An amount is written the same way in both, exact and shortest (20000.5, never 20000.50 or
20000.499999); a date as YYYY-MM-DD, a date-time as midnight UTC; a CSV cell a spreadsheet
would run as a formula is guarded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any, Iterable

# Spreadsheets run a cell that starts with one of these as a formula, also after spaces.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def json_number(amount: Decimal) -> int | float:
    # Amounts carry at most two decimals and fewer than 15 digits, so the float's shortest
    # form is the amount itself: 30000.50 is written 30000.5, never 30000.499999.
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def timestamp(day: dt.date) -> str:
    """RFC 3339, midnight UTC: records carry dates, feeds and standards want date-times."""
    return f"{day.isoformat()}T00:00:00Z"


def _jsonable(value: object) -> int | float | str:
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def json_text(data: object) -> str:
    # Compact: with indent, json falls back to its pure-Python encoder, several times slower
    # over 10,000 records. Browsers and tools pretty-print JSON themselves.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_jsonable)


def json_bytes(data: object, *, items: str | None = None) -> bytes:
    """A JSON file. `items` names the key holding the file's items (the decisions, releases,
    grants): it is written last, each item on a line of its own, so that line-oriented tools, a
    diff between two versions of the file and the publication guard (which reads a large file a
    part at a time, cut at line breaks) can all take it a line at a time. Still one JSON value."""
    if items is not None and isinstance(data, dict) and data[items]:
        others = {key: value for key, value in data.items() if key != items}
        head = json_text({**others, items: []})  # ends with the empty list and the closing brace
        lines = ",\n".join(map(json_text, data[items]))
        return f"{head[:-3]}[\n{lines}\n]}}\n".encode("utf-8")
    return (json_text(data) + "\n").encode("utf-8")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet cannot run: one leading apostrophe, which spreadsheets show as text,
    before a formula's first character, and before a text that starts with an apostrophe
    itself, so that removing one leading apostrophe always gives back the exact text."""
    return (
        "'" + text if text.startswith("'") or text.lstrip(" ").startswith(_FORMULA_START) else text
    )


def csv_cell(value: Any) -> str:
    """Every CSV cell the site publishes, in one format: numbers exact and shortest, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return spreadsheet_safe(str(value))


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """The one CSV writer: RFC 4180, UTF-8, CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def csv_table(columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> bytes:
    """Rows given as column -> value, written in the order of `columns`."""
    return csv_bytes(columns, ([row[column] for column in columns] for row in rows))
