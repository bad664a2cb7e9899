"""The publication as open data: CSV, JSON, Atom feeds, 360Giving and Open Contracting files,
and the register downloads.

Every file is made from a Publication (so nothing withheld can reach one) and returned as
bytes; the adapter puts them in the built site. The output is deterministic: keys in a fixed
order, no clock read, every date from a record or from the publication's build date.
"""

from __future__ import annotations

from functools import cache, partial
from typing import Collection

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
from .export import Export
from .feeds import atom_feed, feed_files
from .funding import FUNDING_CSV, funding_csv
from .ocds import OCDS, contract_awards, ocds_package
from .registers import register_csvs
from .schemas import SCHEMAS, schema_bytes, schema_file
from .tabular import csv_cell, spreadsheet_safe
from .threesixtygiving import GRANTS_360, awarded, grants_360, grants_left_out

__all__ = [
    "LICENCE_URL",
    "Export",
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
) -> list[Export]:
    """Every open data file of the site; with only, just the files at those paths (what the
    live preview writes again after a save)."""
    # Every decision's export row, made once for the files that hold them, when first needed.
    records = cache(partial(decision_records, publication, site_url))

    def record(number: int) -> bytes:
        return record_json(publication, records()[number])

    found = [
        Export(DECISIONS_CSV, lambda: decisions_csv(records())),
        Export(DECISIONS_JSON, lambda: decisions_json(publication, records())),
        Export(FUNDING_CSV, lambda: funding_csv(publication)),
    ]
    # Both standards need at least one grant, or contract, in a file.
    if awarded(registers.grants):
        found.append(
            Export(GRANTS_360, partial(grants_360, publication, registers.grants, site_url))
        )
    if contract_awards(publication):
        found.append(Export(OCDS, partial(ocds_package, publication, site_url)))
    found += feed_files(publication, site_url)
    found += [Export(schema_file(name), partial(schema_bytes, name)) for name in SCHEMAS]
    found += [
        Export(decision.url + RECORD_JSON, partial(record, number))
        for number, decision in enumerate(publication.decisions)
    ]
    found += register_csvs(publication, registers, site_url)
    return found if only is None else [export for export in found if export.path in only]
