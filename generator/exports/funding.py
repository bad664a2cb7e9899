"""The funding tables as open data: data/funding.csv, one amount a row."""

from __future__ import annotations

from ..publication import Publication
from .dictionary import funding_columns
from .tabular import csv_bytes

FUNDING_CSV = "data/funding.csv"


def funding_csv(publication: Publication) -> bytes:
    rows = (
        [table.slug, table.title, row.id, row.name, year, value]
        for table in publication.funding_tables
        for row in table.rows
        for year, value in zip(table.columns, row.values)
    )
    return csv_bytes([c.name for c in funding_columns()], rows)
