"""The publication as open data: CSV, JSON, Atom feeds, 360Giving and Open Contracting files,
and the register downloads.

Every file is made from a Publication (so nothing withheld can reach one) and returned as
bytes; the adapter puts them in the built site. The output is deterministic: keys in a fixed
order, no clock read, every date from a record or from the publication's build date.
"""

from __future__ import annotations

from typing import Collection, Iterator

from ..addresses import LICENCE_URL
from ..publication import Publication
from ..registers import Registers
from .decisions import (
    DECISIONS_CSV,
    DECISIONS_JSON,
    RECORD_JSON,
    decision_records,
    decisions_csv,
    decisions_json,
    record_json,
)
from .envelope import SCHEMA_VERSION
from .feeds import atom_feed, feed_files
from .funding import FUNDING_CSV, funding_csv
from .ocds import OCDS, ocds_package
from .registers import register_csvs
from .schemas import SCHEMAS, schema_bytes, schema_file
from .tabular import csv_cell, spreadsheet_safe
from .threesixtygiving import GRANTS_360, grants_360, grants_left_out

__all__ = [
    "LICENCE_URL",
    "SCHEMA_VERSION",
    "atom_feed",
    "csv_cell",
    "grants_360",
    "grants_left_out",
    "site_exports",
    "spreadsheet_safe",
]


def site_exports(
    publication: Publication,
    registers: Registers,
    site_url: str,
    *,
    only: Collection[str] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Every open data file as (path in the site, content), made one at a time; with only, just
    the files at those paths (what the live preview writes again after a save)."""

    def wanted(path: str) -> bool:
        return only is None or path in only

    records = decision_records(publication, site_url)
    if wanted(DECISIONS_CSV):
        yield DECISIONS_CSV, decisions_csv(records)
    if wanted(DECISIONS_JSON):
        yield DECISIONS_JSON, decisions_json(publication, records)
    if wanted(FUNDING_CSV):
        yield FUNDING_CSV, funding_csv(publication)
    if wanted(GRANTS_360) and (grants := grants_360(publication, registers.grants, site_url)):
        yield GRANTS_360, grants
    if wanted(OCDS) and (contracts := ocds_package(publication, site_url)):
        yield OCDS, contracts
    yield from feed_files(publication, site_url, wanted)
    for name in SCHEMAS:
        if wanted(schema_file(name)):
            yield schema_file(name), schema_bytes(name)
    for decision, record in zip(publication.decisions, records):
        if wanted(decision.url + RECORD_JSON):
            yield decision.url + RECORD_JSON, record_json(publication, record)
    yield from register_csvs(publication, registers, site_url, wanted)
