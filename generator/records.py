"""The loaded records: everything the repository holds, valid or not, and the problems found in it.

The loader fills it, the validator checks it, and publication picks from it what may be published.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import schema
from .diagnostics import Diagnostics
from .model import Decision, FundingTable, SpecifiedInformation, ToolkitDocument
from .settings import Settings
from .source import Problem, SourceMap


@dataclass
class Records:
    """Everything the repository holds, valid or not, with the problems found."""

    settings: Settings
    decisions: list[Decision] = field(default_factory=list)
    funding_tables: list[FundingTable] = field(default_factory=list)
    toolkit: list[ToolkitDocument] = field(default_factory=list)
    specified: SpecifiedInformation | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    # References of records that exist but have errors, so rules about other records
    # (related, supersedes) do not also call them missing.
    invalid_references: set[str] = field(default_factory=set)
    # The sound fields of decision records that have errors: not published, only checked by the
    # rules across fields and files, so that every problem of a file shows in one run.
    partial_decisions: list[Decision] = field(default_factory=list)
    # Pages outside the toolkit marked `audience: internal`: withheld like internal toolkit
    # documents.
    internal_pages: list[ToolkitDocument] = field(default_factory=list)
    # Files under docs_dir that must not be published, and why: what an internal document
    # attaches, links to or embeds, and every file in a folder whose documents are all internal.
    withheld_files: dict[Path, str] = field(default_factory=dict)

    def relative(self, path: Path) -> str:
        try:
            return os.path.relpath(path, self.settings.root)
        except ValueError:  # another drive on Windows
            return str(path)


_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """Field names and values quoted in a message, with line breaks and control characters
    escaped, so every problem stays one output line."""
    return _LINE_BREAKING.sub(lambda m: repr(m.group())[1:-1], text)


def report(
    records: Records, path: Path, source_map: SourceMap, problems: Iterable[Problem]
) -> None:
    """Add problems about fields of one file, each at the position of its value (or key)."""
    for problem in problems:
        add = records.diagnostics.warning if problem.warning else records.diagnostics.error
        where = source_map.key(problem.path) if problem.at_key else source_map.value(problem.path)
        add(
            records.relative(path),
            where.line,
            where.column,
            one_line(problem.message),
            one_line(schema.field_name(problem.path)),
            problem.kind,
        )
