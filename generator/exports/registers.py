"""The registers as CSV downloads: data/<slug>.csv for each register in the table that has
one, the rows of its page for spreadsheets, from the publication only."""

from __future__ import annotations

from functools import partial

from ..publication import Publication
from ..registers import Registers
from ..registertable import REGISTERS, RegisterCsv
from .export import Export
from .tabular import csv_table


def register_csvs(publication: Publication, registers: Registers, site_url: str) -> list[Export]:
    return [
        Export(
            register.csv_path,
            partial(_register_csv, register.csv, publication, registers, site_url),
        )
        for register in REGISTERS
        if register.csv is not None and register.csv_path is not None
    ]


def _register_csv(
    table: RegisterCsv, publication: Publication, registers: Registers, site_url: str
) -> bytes:
    return csv_table(table.columns, table.rows(publication, registers, site_url))
