"""Files to records: read, parse with positions, check against the schema, build the model."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import frontmatter

from . import schema, source
from .diagnostics import Diagnostics
from .model import (
    Decision,
    FundingTable,
    SpecifiedInformation,
    ToolkitDocument,
    as_date,
    decision_from_data,
    funding_table_from_data,
    specified_information_from_data,
)
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


def report(records: Records, path: Path, source_map: SourceMap, problems: Iterable[Problem]) -> None:
    """Add problems about fields of one file, each at the position of its value (or key)."""
    for problem in problems:
        add = records.diagnostics.warning if problem.warning else records.diagnostics.error
        where = source_map.key(problem.path) if problem.at_key else source_map.value(problem.path)
        add(records.relative(path), where.line, where.column, one_line(problem.message), one_line(schema.field_name(problem.path)),
            problem.kind)


def parse_file(records: Records, path: Path, kind: str, text: str | None = None, line_offset: int = 0) -> tuple[Any, SourceMap] | None:
    """Parse one YAML file (or front matter) and check it against its schema; None if unusable."""
    rel = records.relative(path)
    if text is None:
        text, problem = source.decode(path.read_bytes())
        if problem:
            records.diagnostics.error(rel, problem.position.line, problem.position.column, problem.message)
            return None
    parsed = source.parse(text)
    for problem in parsed.problems:
        records.diagnostics.error(rel, problem.position.line + line_offset, problem.position.column, one_line(problem.message), one_line(schema.field_name(problem.path)))
    if line_offset:
        shifted = SourceMap()
        for attr in ("values", "keys"):
            for k, pos in getattr(parsed.source_map, attr).items():
                getattr(shifted, attr)[k] = source.Position(pos.line + line_offset, pos.column)
        parsed.source_map = shifted
    if any(not p.path for p in parsed.problems) and parsed.data is None:
        return None
    what = {"decision": "a decision record", "funding": "a funding table", "toolkit": "front matter",
            "specified-information": "a Specified Information map"}[kind]
    if parsed.data is None and not parsed.problems:
        empty = "the front matter is empty" if kind == "toolkit" else "the file is empty"
        records.diagnostics.error(rel, 1 + line_offset, 1, f"{empty}: expected {what} (a mapping of fields)")
        return None
    if not isinstance(parsed.data, dict):
        if parsed.data is not None:
            records.diagnostics.error(
                rel, 1 + line_offset, 1,
                f"expected {what} (a mapping of 'field: value' lines), found {source.type_name(parsed.data)}",
            )
        return None
    problems = list(schema.check(kind, parsed.data))
    report(records, path, parsed.source_map, problems)
    if problems or parsed.problems:
        if kind == "decision":
            if isinstance(parsed.data.get("reference"), str):
                records.invalid_references.add(parsed.data["reference"])
            broken = {p.path[0] for p in [*problems, *parsed.problems] if p.path}
            if all(p.path for p in [*problems, *parsed.problems]):
                sound = {k: v for k, v in parsed.data.items() if k not in broken}
                records.partial_decisions.append(decision_from_data(sound, path, parsed.source_map))
        return None
    return parsed.data, parsed.source_map


_FRONT_MATTER = frontmatter.YAMLHandler.FM_BOUNDARY


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _load_each(records: Records, paths: list[Path], kind: str, build: Callable[[dict[str, Any], Path, SourceMap], Any], into: list) -> None:
    for path in paths:
        parsed = parse_file(records, path, kind)
        if parsed is not None:
            into.append(build(parsed[0], path, parsed[1]))


def load_toolkit_document(records: Records, path: Path) -> ToolkitDocument | None:
    docs_dir = records.settings.path("docs_dir")
    text, problem = source.decode(path.read_bytes())
    if problem:
        records.diagnostics.error(records.relative(path), problem.position.line, problem.position.column, problem.message)
        return None
    rel = records.relative(path)
    opening = _FRONT_MATTER.match(text)
    if opening is None:
        records.diagnostics.error(rel, 1, 1, "the document has no front matter: start it with a '---' line, a 'title: ...' line and another '---' line")
        return None
    closing = _FRONT_MATTER.search(text, opening.end())
    if closing is None:
        records.diagnostics.error(rel, 1, 1, "the front matter is not closed: add a '---' line after its last field")
        return None
    fm_text, body = text[opening.end() : closing.start()], text[closing.end() :]
    # fm_text starts at the end of the opening '---' line, so only blank lines the
    # boundary swallowed shift its line numbers.
    parsed = parse_file(records, path, "toolkit", text=fm_text, line_offset=text.count("\n", 0, opening.end()))
    if parsed is None:
        return None
    data, source_map = parsed
    return ToolkitDocument(
        src_uri=path.relative_to(docs_dir).as_posix() if path.is_relative_to(docs_dir) else path.name,
        title=data["title"],
        body=body,
        stage=data.get("stage"),
        audience=data.get("audience", "public"),
        owner=data.get("owner"),
        reviewed=as_date(data.get("reviewed")),
        review_due=as_date(data.get("review_due")),
        attachments=list(data.get("attachments") or []),
        description=data.get("description"),
        source=path,
        source_map=source_map,
    )


def load(settings: Settings, only: Iterable[Path] | None = None) -> Records:
    """Load every record, funding table and toolkit document, and validate them together.

    `only` limits which files' problems are reported: the rest are still read, since
    cross-file rules (unique references, related decisions) need the whole repository.
    """
    from . import validate  # validate builds on this module's Records

    records = Records(settings)
    files_dir = settings.path("files_dir")
    decision_files = [p for p in _files(settings.path("decisions_dir"), "*/*.yaml") if not p.is_relative_to(files_dir)]
    _load_each(records, decision_files, "decision", decision_from_data, records.decisions)
    _load_each(records, _files(settings.path("funding_dir"), "*.yaml"), "funding", funding_table_from_data, records.funding_tables)
    for path in _files(settings.path("toolkit_dir"), "**/*.md"):
        document = load_toolkit_document(records, path)
        if document is not None:
            records.toolkit.append(document)
    specified: list[SpecifiedInformation] = []
    _load_each(records, [p for p in [settings.path("specified_information")] if p.is_file()],
               "specified-information", specified_information_from_data, specified)
    records.specified = specified[0] if specified else None
    stray = _files(settings.path("decisions_dir"), "*.yaml") + _files(settings.path("decisions_dir"), "*/*/*.yaml")
    for path in stray:
        if not path.is_relative_to(files_dir):
            records.diagnostics.error(records.relative(path), 1, 1, "a decision record must be at decisions/<year>/<reference>.yaml")
    # A record saved as .yml would otherwise silently not exist.
    for path in _files(settings.path("decisions_dir"), "**/*") + _files(settings.path("funding_dir"), "*"):
        if path.suffix.lower() in (".yml", ".yaml") and path.suffix != ".yaml" and not path.is_relative_to(files_dir):
            records.diagnostics.error(records.relative(path), 1, 1, f"the file name must end in .yaml (lower case): rename it to {path.stem}.yaml")
    validate.check_records(records)
    if only is not None:
        keep_only(records, only)
    records.diagnostics[:] = records.diagnostics.sorted()
    return records


def keep_only(records: Records, only: Iterable[Path]) -> None:
    """Keep the problems of these files and folders only (paths relative to the working folder)."""
    wanted = {records.relative(Path(p).resolve()) for p in only}
    kept = [d for d in records.diagnostics if d.path in wanted or any(w == "." or d.path.startswith(w.rstrip("/") + "/") for w in wanted)]
    records.diagnostics[:] = kept
