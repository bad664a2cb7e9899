"""What `transparency validate` reports, and the first step of `transparency build`: the records'
problems, the warnings the build gives about them (statutory.build_warnings) and the problems of
the site's files the build stops on (sitefiles), in one list."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from . import load, registers, sitefiles, statutory
from .publication import publish
from .records import Records
from .settings import Settings


def check(settings: Settings, only: Iterable[Path] | None = None) -> Records:
    """Load and validate every record; add the build's warnings about what would be published
    and the problems of the files it would publish.

    `only` limits which files' problems are kept, as for load.load."""
    records = load.load(settings)
    publication = publish(records)
    derived = registers.derive(publication)
    records.diagnostics.extend(statutory.build_warnings(publication, derived, records.specified))
    found = sitefiles.found_files(settings.path("docs_dir"))
    records.diagnostics.extend(sitefiles.problems(publication, derived, records.specified, found))
    if only is not None:
        load.keep_only(records, only)
    records.diagnostics[:] = records.diagnostics.sorted()
    return records
