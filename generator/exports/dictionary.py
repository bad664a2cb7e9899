"""The data dictionary of the open data, read from the same JSON Schemas the validator uses.

The CSV columns and JSON keys of the decision exports are derived here from
schemas/decision.schema.json, and the Open data page documents them from the same walk, so a
field added to the schema appears in the files and in their documentation at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..schema import load_schema

# Schema fields that are kept for staff and never leave the repository.
WITHHELD = frozenset({("exempt", "content")})
# The version of the record's own format, not a fact about the decision: the exports carry
# their own schema_version.
FORMAT_VERSION = ("schema_version",)
# What separates the items of a list of plain values in one CSV cell. Tags and references
# cannot contain it (their schema patterns allow letters, digits and hyphens only).
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Field:
    """One key of a decision record, as the exports publish it."""

    path: tuple[str, ...]
    kind: str  # text, date, number, integer, boolean, choice, list, records, mapping, object
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    children: tuple["Field", ...] = ()
    parent_kind: str = ""  # kind of the field this one sits in: object or records
    parent: str = ""  # name of the field this one sits in

    @property
    def name(self) -> str:
        """financial.amount, recipients[].name, financial.breakdown[].amount: the key as the
        dictionary names it."""
        if not self.parent:
            return self.path[0]
        return self.parent + ("." if self.parent_kind == "object" else "[].") + self.path[-1]

    @property
    def type_words(self) -> str:
        return {
            "text": "text",
            "date": "date, YYYY-MM-DD",
            "number": "number",
            "integer": "whole number",
            "boolean": "true or false",
            "choice": "one of: " + ", ".join(self.choices),
            "list": "list of text",
            "records": "list of objects",
            "mapping": "object: heading to text",
            "object": "object",
        }[self.kind]

    @property
    def csv_words(self) -> str:
        """How the value is written in one CSV cell."""
        if self.kind == "list":
            return f"items separated by “{LIST_SEPARATOR}”"
        if self.kind in ("records", "mapping"):
            return "JSON text"
        return ""


@dataclass(frozen=True)
class Column:
    """One column of a CSV file, with the field it holds."""

    name: str
    description: str
    field: Field | None = None


def _kind(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "choice"
    kind = schema.get("type")
    if kind == "string":
        return "date" if schema.get("format") == "date" else "text"
    if kind == "array":
        return "records" if schema.get("items", {}).get("type") == "object" else "list"
    if kind == "object":
        return "object" if "properties" in schema else "mapping"
    return str(kind)


def _fields(
    schema: dict[str, Any], prefix: tuple[str, ...], parent_kind: str, parent: str = ""
) -> tuple[Field, ...]:
    required = set(schema.get("required", ()))
    result = []
    for key, sub in schema.get("properties", {}).items():
        path = prefix + (key,)
        if path in WITHHELD or path == FORMAT_VERSION:
            continue
        kind = _kind(sub)
        name = Field(path, kind, "", parent_kind=parent_kind, parent=parent).name
        inner = sub.get("items", {}) if kind == "records" else sub
        children = _fields(inner, path, kind, name) if kind in ("records", "object") else ()
        if kind == "list" and "else" in sub.get("items", {}):
            # related: a reference, else an object for a decision published elsewhere.
            children = _fields(sub["items"]["else"], path, "records", name)
        result.append(
            Field(
                path,
                kind,
                sub.get("description", ""),
                key in required,
                tuple(str(c) for c in sub.get("enum", ())),
                children,
                parent_kind,
                parent,
            )
        )
    return tuple(result)


@cache
def decision_fields() -> tuple[Field, ...]:
    """Every public key of a decision record, in the schema's order."""
    return _fields(load_schema("decision"), (), "")


# The key the exports add to each decision: where to find it on the site.
URL_DESCRIPTION = "Web address of the decision's page on this site."
# And its total, which a record may state only in parts.
TOTAL_DESCRIPTION = (
    "The decision's total in pounds: financial.amount, else the sum of financial.breakdown, else "
    "of "
    "the recipients' amounts; left out where none is stated."
)


@cache
def decision_columns() -> tuple[Column, ...]:
    """The columns of data/decisions.csv: one per field, the fields of an object flattened."""
    columns: list[Column] = []
    for f in decision_fields():
        if f.kind == "object":
            columns.extend(Column(child.name, child.description, child) for child in f.children)
        else:
            columns.append(Column(f.name, f.description, f))
    columns.append(Column("total", TOTAL_DESCRIPTION))
    columns.append(Column("url", URL_DESCRIPTION))
    return tuple(columns)


@cache
def funding_columns() -> tuple[Column, ...]:
    """The columns of data/funding.csv: the funding tables in long form, one amount a row."""
    schema = load_schema("funding")
    row = schema["properties"]["rows"]["items"]["properties"]
    return (
        Column(
            "table",
            "Name of the funding table: the file content/funding/<table>.yaml it comes from.",
        ),
        Column("table_title", schema["properties"]["title"]["description"]),
        Column("stream_id", row["id"]["description"]),
        Column("stream_name", row["name"]["description"]),
        Column("financial_year", schema["properties"]["columns"]["description"]),
        Column(
            "amount", "Amount allocated to the stream in that year, in pounds; empty where unknown."
        ),
    )


@dataclass(frozen=True)
class Entry:
    """One row of the data dictionary: a JSON key and the CSV column that holds it."""

    key: str
    column: str  # empty where the key has no column of its own
    column_note: str
    type_words: str
    description: str


def _entries(f: Field) -> list[Entry]:
    if f.kind == "object":
        return [Entry(f.name, "", "one column per key below", f.type_words, f.description)] + [
            e for c in f.children for e in _entries(c)
        ]
    entries = [Entry(f.name, f.name, f.csv_words, f.type_words, f.description)]
    if f.children:
        entries += [
            Entry(c.name, "", f"inside the {f.name} column", c.type_words, c.description)
            for c in f.children
        ]
    return entries


@cache
def decision_dictionary() -> tuple[Entry, ...]:
    """Every key of a published decision and its CSV column, for the Open data page."""
    entries = [e for f in decision_fields() for e in _entries(f)]
    entries.append(
        Entry(
            "exempt[].content",
            "",
            "inside the exempt column",
            "text",
            "The content of an exempt part once its release_on date has passed; never before.",
        )
    )
    entries.append(Entry("total", "total", "", "number", TOTAL_DESCRIPTION))
    entries.append(Entry("url", "url", "", "web address", URL_DESCRIPTION))
    return tuple(entries)
