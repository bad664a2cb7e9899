"""`transparency new decision`: a record with the next free reference and every field explained."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from .model import record_file_name, slugify
from .settings import Settings


class NewRecordError(Exception):
    pass


# What the template writes in a text field for staff to replace. Validation refuses a record
# still holding one (validate.py), so the guidance can never be published.
GUIDANCE = {
    "summary": "Write a short summary of the decision here.",
    "decision": "What exactly was decided (Markdown).",
    "background": "Why: the background and reasons (Markdown).",
    "options_considered": "The alternatives considered and why they were not chosen.",
    "implications": "What the decision means under this heading (Markdown).",
}
GUIDANCE_KIND = "template guidance"

# Dates as staff type them: ISO, or day first as in the UK.
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y")


def parse_date(text: str) -> dt.date:
    """2020-08-01, 01/08/2020 or 1 August 2020 (day first), as a date."""
    words = " ".join(text.replace(",", " ").split())
    for form in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(words, form).date()
        except ValueError:
            continue
    raise NewRecordError(
        f"--date '{text}' is not a date: write it like 2020-08-01, 01/08/2020 or 1 August 2020 "
        "(day first)"
    )


def check_command(record: str) -> str:
    """The command that checks one record, as staff type it in the repository's folder."""
    return f"make validate FILES={Path(record).as_posix()}"


_UNSAFE_IN_YAML = re.compile("[\x7f-\x9f\ufffe\uffff]")
REFERENCE = re.compile(r"^(?P<prefix>[A-Z][A-Z0-9]*)-(?P<year>\d{4})-(?P<number>\d+)$")


def _existing(decisions_dir: Path) -> list[re.Match[str]]:
    if not decisions_dir.is_dir():
        return []
    return [m for p in decisions_dir.glob("*/*.yaml") if (m := REFERENCE.match(p.stem))]


# Stands for the number while a reference_format is turned into the pattern of its file names.
_SENTINEL = 987654321


def _formatted_reference(settings: Settings, year: int, prefix: str) -> str:
    """The next reference in the office's own reference_format, e.g. PCD {number}: one more than
    the highest number among the record files that the format would have named."""
    form = settings.reference_format
    try:
        sample = form.format(prefix=prefix, year=year, number=_SENTINEL)
    except (KeyError, IndexError, ValueError) as exc:
        raise NewRecordError(
            f"reference_format '{form}' is not valid: use {{prefix}}, {{year}} and {{number}}, "
            f"like PCD {{number}} ({exc})"
        ) from None
    head, found, tail = slugify(sample).partition(str(_SENTINEL))
    if not found:
        raise NewRecordError(
            f"reference_format '{form}' has no {{number}}: add one, like PCD {{number}}"
        )
    pattern = re.compile(re.escape(head) + r"(\d+)" + re.escape(tail))
    folder = settings.path("decisions_dir")
    used = (
        [int(m[1]) for p in folder.glob("*/*.yaml") if (m := pattern.fullmatch(p.stem.lower()))]
        if folder.is_dir()
        else []
    )
    return form.format(prefix=prefix, year=year, number=max(used, default=0) + 1)


def next_reference(settings: Settings, year: int, prefix: str | None = None) -> str:
    if settings.reference_format != Settings.reference_format:
        return _formatted_reference(settings, year, prefix or settings.reference_prefix)
    existing = _existing(settings.path("decisions_dir"))
    prefix = prefix or settings.reference_prefix
    if not prefix:
        if not existing:
            raise NewRecordError(
                "no reference prefix: set reference_prefix in the transparency plugin's options or "
                "pass --prefix"
            )
        prefix = Counter(m["prefix"] for m in existing).most_common(1)[0][0]
    used = [int(m["number"]) for m in existing if m["prefix"] == prefix and int(m["year"]) == year]
    width = max([len(m["number"]) for m in existing] + [3])
    return f"{prefix}-{year}-{max(used, default=0) + 1:0{width}d}"


def _quoted(text: str) -> str:
    # A JSON string is a YAML double-quoted one, except for characters YAML does not take
    # raw (DEL, C1 controls, U+FFFE/U+FFFF) or folds (NEL, U+0085): escape those too.
    return _UNSAFE_IN_YAML.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False)
    )


def write_decision(
    settings: Settings, title: str, date: dt.date, prefix: str | None = None
) -> Path:
    reference = next_reference(settings, date.year, prefix)
    folder = settings.path("decisions_dir") / str(date.year)
    path = folder / record_file_name(reference)
    schema_path = os.path.relpath(
        Path(__file__).parent / "schemas" / "decision.schema.json", folder
    )
    template = Environment(
        loader=PackageLoader("generator"), undefined=StrictUndefined, keep_trailing_newline=True
    )
    text = template.get_template("new-decision.yaml.j2").render(
        # A reference in another scheme may read as a number or a date: quoted, it stays text.
        reference=reference if REFERENCE.match(reference) else _quoted(reference),
        file_name=path.name,
        title=_quoted(title),
        date=date.isoformat(),
        schema=Path(schema_path).as_posix(),
        check=check_command(os.path.relpath(path, settings.root)),
        guidance=GUIDANCE,
        categories=", ".join(settings.categories),
    )
    folder.mkdir(parents=True, exist_ok=True)
    try:
        out = path.open("x", encoding="utf-8")  # never overwrite a record
    except FileExistsError:
        raise NewRecordError(f"{path} already exists: it was left as it is") from None
    with out:
        out.write(text)
    return path
