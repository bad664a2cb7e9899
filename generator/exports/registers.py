"""The registers as CSV downloads: data/<slug>.csv for each register in the table that has
one, the rows of its page for spreadsheets, from the publication only."""

from __future__ import annotations

from typing import Callable, Iterator

from ..publication import Publication
from ..registers import Registers
from ..registertable import REGISTERS
from .tabular import csv_table


def register_csvs(
    publication: Publication,
    registers: Registers,
    site_url: str,
    wanted: Callable[[str], bool] = lambda path: True,
) -> Iterator[tuple[str, bytes]]:
    for register in REGISTERS:
        if register.csv is not None and register.csv_path is not None and wanted(register.csv_path):
            rows = register.csv.rows(publication, registers, site_url)
            yield register.csv_path, csv_table(register.csv.columns, rows)
