"""The published decisions as open data: data/decisions.csv, data/decisions.json and each
decision's record.json, every public field in the order of schemas/decision.schema.json."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Iterable

from ..addresses import absolute_url
from ..model import Decision
from ..publication import Publication
from .dictionary import LIST_SEPARATOR, Field, decision_columns, decision_fields
from .envelope import envelope
from .tabular import csv_bytes, json_bytes, json_text

DECISIONS_CSV = "data/decisions.csv"
DECISIONS_JSON = "data/decisions.json"
RECORD_JSON = "record.json"


def _public(obj: Any, fields: Iterable[Field]) -> dict[str, Any]:
    """The public keys of a record (or a part of one), in the schema's order, empty ones left
    out."""
    out: dict[str, Any] = {}
    for field in fields:
        value = getattr(obj, field.path[-1], None)
        if value is None:
            continue
        if field.kind == "object":
            value = _public(value, field.children)
        elif field.kind == "records":
            value = [_public(item, field.children) for item in value]
        elif field.kind in ("list", "mapping"):
            value = type(value)(value)
        if not (isinstance(value, (list, dict)) and not value):
            out[field.path[-1]] = value
    return out


def decision_record(
    decision: Decision, embargoed: set[str], site_url: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Every public field of a decision, keyed as in its YAML file, and the page's address.

    References to embargoed decisions are left out: even a reference must not say that a
    decision exists before it is published.
    """
    record = _public(decision, decision_fields())
    if "related" in record:
        record["related"] = [
            ref
            if isinstance(ref, str)
            else {k: v for k, v in dataclasses.asdict(ref).items() if v is not None}
            for ref in record["related"]
            if ref not in embargoed
        ]
        if not record["related"]:
            del record["related"]
    for key in ("supersedes", "amends"):
        if record.get(key) in embargoed:
            del record[key]
    for part, public in zip(decision.exempt, record.get("exempt", [])):
        if today is not None and part.content and part.is_released(today):
            public["content"] = part.content
    if decision.amount is not None:
        record["total"] = decision.amount
    record["url"] = absolute_url(site_url, decision.url)
    return record


def decision_records(publication: Publication, site_url: str) -> list[dict[str, Any]]:
    """The public record of every published decision, newest first."""
    embargoed = {e.reference for e in publication.withheld.embargoed}
    return [
        decision_record(decision, embargoed, site_url, publication.today)
        for decision in publication.decisions
    ]


def _cell(value: Any, field: Field | None) -> Any:
    """A field's value as one cell: lists joined, nested records as JSON; csv_cell formats the
    rest."""
    kind = field.kind if field else "text"
    if value is not None and kind == "list":
        # related: a decision elsewhere is an object, written as JSON text among the references.
        return LIST_SEPARATOR.join(v if isinstance(v, str) else json_text(v) for v in value)
    if value is not None and kind in ("records", "mapping"):
        return json_text(value)
    return value


def _lookup(record: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


def decisions_csv(records: list[dict[str, Any]]) -> bytes:
    columns = decision_columns()
    return csv_bytes(
        [c.name for c in columns],
        (
            [_cell(_lookup(r, c.field.path if c.field else (c.name,)), c.field) for c in columns]
            for r in records
        ),
    )


def decisions_json(publication: Publication, records: list[dict[str, Any]]) -> bytes:
    return json_bytes(
        {**envelope(publication.settings.publisher), "decisions": records}, items="decisions"
    )


def record_json(publication: Publication, record: dict[str, Any]) -> bytes:
    return json_bytes({**envelope(publication.settings.publisher), "decision": record})
