"""What `transparency validate` reports, and the first step of `transparency build`: the records'
problems, the warnings the build gives about them (statutory.build_warnings) and the problems of
the site's files the build stops on (sitefiles), in one list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import load, registers, sitefiles, statutory
from .diagnostics import Diagnostics
from .publication import Publication, publish
from .records import Records
from .registers import Registers
from .settings import Settings


@dataclass(frozen=True)
class Prepared:
    """What a site is made from: the records, what of them is published, the registers derived
    from that, and the build's warnings about it."""

    records: Records
    publication: Publication
    registers: Registers
    warnings: Diagnostics


def prepare(records: Records) -> Prepared:
    """The publication, registers and build warnings of loaded records: made once per build."""
    publication = publish(records)
    derived = registers.derive(publication)
    warnings = statutory.build_warnings(publication, derived, records.specified)
    return Prepared(records, publication, derived, warnings)


def check(settings: Settings, only: Iterable[Path] | None = None) -> Prepared:
    """Load and validate every record; add the build's warnings about what would be published
    and the problems of the files it would publish to the records' diagnostics.

    `only` limits which files' problems are kept, as for load.load."""
    # What is made here lives as long as the records, and holds no cyclic garbage either.
    with load.without_collector():
        return _check(settings, only)


def _check(settings: Settings, only: Iterable[Path] | None) -> Prepared:
    records = load.load(settings)
    prepared = prepare(records)
    records.diagnostics.extend(prepared.warnings)
    found = sitefiles.found_files(settings.path("docs_dir"))
    records.diagnostics.extend(
        sitefiles.problems(prepared.publication, prepared.registers, records.specified, found)
    )
    if only is not None:
        load.keep_only(records, only)
    records.diagnostics[:] = records.diagnostics.sorted()
    return prepared
