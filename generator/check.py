"""What `transparency validate` reports, and the first step of `transparency build`: the records'
problems and the warnings the build gives about them (statutory.build_warnings), in one list."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from . import load, registers, statutory
from .publication import publish
from .records import Records
from .settings import Settings


def check(settings: Settings, only: Iterable[Path] | None = None) -> Records:
    """Load and validate every record; add the build's warnings about what would be published.

    `only` limits which files' problems are kept, as for load.load."""
    records = load.load(settings)
    publication = publish(records)
    records.diagnostics.extend(
        statutory.build_warnings(publication, registers.derive(publication), records.specified)
    )
    if only is not None:
        load.keep_only(records, only)
    records.diagnostics[:] = records.diagnostics.sorted()
    return records
