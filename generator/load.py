"""Files to records: read, parse with positions, check against the schema, build the model."""

from __future__ import annotations

import dataclasses
import gc
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal
from urllib.parse import unquote, urlsplit

from frontmatter.default_handlers import YAMLHandler

from . import schema, source, validate
from .model import (
    Decision,
    SpecifiedInformation,
    ToolkitDocument,
    as_date,
    decision_from_data,
    funding_table_from_data,
    specified_information_from_data,
)
from .records import Records, one_line, report
from .settings import Settings
from .source import SourceMap
from .validate import document_file


def read_text(records: Records, path: Path) -> str | None:
    """The text of one file staff write, or None with the reason reported (too large, not
    UTF-8, unreadable)."""
    rel = records.relative(path)
    limit = records.settings.record_size_limit
    try:
        size = path.stat().st_size
        if size > limit:
            records.diagnostics.error(
                rel,
                1,
                1,
                f"the file is {size:,} bytes, over the limit of {limit:,} (record_size_limit): "
                "split it, or move long text into a document under "
                f"{records.relative(records.settings.path('files_dir'))}/",
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        records.diagnostics.error(rel, 1, 1, f"cannot read the file: {exc.strerror or exc}")
        return None
    text, problem = source.decode(raw)
    if problem:
        records.diagnostics.error(
            rel, problem.position.line, problem.position.column, problem.message
        )
        return None
    return text


def parse_file(
    records: Records, path: Path, kind: str, text: str | None = None, line_offset: int = 0
) -> tuple[Any, SourceMap] | None:
    """Parse one YAML file (or front matter) and check it against its schema; None if unusable."""
    rel = records.relative(path)
    if text is None:
        text = read_text(records, path)
        if text is None:
            return None
    parsed = source.parse(text)
    for problem in parsed.problems:
        records.diagnostics.error(
            rel,
            problem.position.line + line_offset,
            problem.position.column,
            one_line(problem.message),
            one_line(schema.field_name(problem.path)),
        )
    if line_offset:
        parsed.source_map = _shifted(parsed.source_map, line_offset)
    if any(not p.path for p in parsed.problems) and parsed.data is None:
        return None
    what = {
        "decision": "a decision record",
        "funding": "a funding table",
        "toolkit": "front matter",
        "specified-information": "a Specified Information map",
    }[kind]
    if parsed.data is None and not parsed.problems:
        empty = "the front matter is empty" if kind == "toolkit" else "the file is empty"
        records.diagnostics.error(
            rel, 1 + line_offset, 1, f"{empty}: expected {what} (a mapping of fields)"
        )
        return None
    if not isinstance(parsed.data, dict):
        if parsed.data is not None:
            records.diagnostics.error(
                rel,
                1 + line_offset,
                1,
                f"expected {what} (a mapping of 'field: value' lines), found "
                f"{source.type_name(parsed.data)}",
            )
        return None
    problems = list(schema.check(kind, parsed.data))
    report(records, path, parsed.source_map, problems)
    if problems or parsed.problems:
        if kind == "decision":
            if isinstance(parsed.data.get("reference"), str):
                records.invalid_references.add(parsed.data["reference"])
            found: list[source.Problem | source.YamlProblem] = [*problems, *parsed.problems]
            broken = {p.path[0] for p in found if p.path}
            if all(p.path for p in found):
                sound = {k: v for k, v in parsed.data.items() if k not in broken}
                records.partial_decisions.append(decision_from_data(sound, path, parsed.source_map))
        return None
    return parsed.data, parsed.source_map


def _shifted(source_map: SourceMap, lines: int) -> SourceMap:
    """Positions in front matter as lines of its file, which starts `lines` lines earlier."""
    shifted = SourceMap()
    for attr in ("values", "keys"):
        for path, position in getattr(source_map, attr).items():
            getattr(shifted, attr)[path] = source.Position(position.line + lines, position.column)
    return shifted


_FRONT_MATTER = YAMLHandler.FM_BOUNDARY


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _load_each(
    records: Records,
    paths: list[Path],
    kind: str,
    build: Callable[[dict[str, Any], Path, SourceMap], Any],
    into: list[Any],
) -> None:
    for path in paths:
        parsed = parse_file(records, path, kind)
        if parsed is not None:
            into.append(build(parsed[0], path, parsed[1]))


def _front_matter(
    records: Records, path: Path, text: str
) -> tuple[str, str, int] | Literal[False] | None:
    """(front matter, body, lines before the front matter) of a Markdown file; None when it has
    none; False, with the error reported, when it is opened and never closed (what it says, such
    as audience: internal, would otherwise be published as text)."""
    opening = _FRONT_MATTER.match(text)
    if opening is None:
        return None
    closing = _FRONT_MATTER.search(text, opening.end())
    if closing is None:
        records.diagnostics.error(
            records.relative(path),
            1,
            1,
            "the front matter is not closed: add a '---' line after its last field",
        )
        return False
    # The front matter starts at the end of the opening '---' line, so only blank lines the
    # boundary swallowed shift its line numbers.
    return (
        text[opening.end() : closing.start()],
        text[closing.end() :],
        text.count("\n", 0, opening.end()),
    )


def load_toolkit_document(records: Records, path: Path) -> ToolkitDocument | None:
    docs_dir = records.settings.path("docs_dir")
    text = read_text(records, path)
    if text is None:
        return None
    split = _front_matter(records, path, text)
    if split is None:
        records.diagnostics.error(
            records.relative(path),
            1,
            1,
            "the document has no front matter: start it with a '---' line, a 'title: ...' line and "
            "another '---' line",
        )
        return None
    if split is False:
        return None
    fm_text, body, offset = split
    parsed = parse_file(records, path, "toolkit", text=fm_text, line_offset=offset)
    if parsed is None:
        return None
    data, source_map = parsed
    return ToolkitDocument(
        src_uri=path.relative_to(docs_dir).as_posix()
        if path.is_relative_to(docs_dir)
        else path.name,
        title=data["title"],
        body=body,
        stage=data.get("stage"),
        audience=data.get("audience", "public"),
        owner=data.get("owner"),
        reviewed=as_date(data.get("reviewed")),
        review_due=as_date(data.get("review_due")),
        attachments=list(data.get("attachments") or []),
        description=data.get("description"),
        shared_text=list(data.get("shared_text") or []),
        source=path,
        source_map=source_map,
    )


_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


def _written_page(records: Records, path: Path) -> ToolkitDocument | None:
    """A hand-written page outside the toolkit, as a document when it is marked internal.

    Its front matter is MkDocs' own (title, hide, ...): only `audience` is the generator's, and
    a page whose front matter cannot be read is an error, since it might say internal.
    """
    text = read_text(records, path)
    if text is None:
        return None
    split = _front_matter(records, path, text)
    if not split:
        return None
    fm_text, body, offset = split
    parsed = source.parse(fm_text)
    rel = records.relative(path)
    for problem in parsed.problems:
        records.diagnostics.error(
            rel, problem.position.line + offset, problem.position.column, one_line(problem.message)
        )
    data = parsed.data if isinstance(parsed.data, dict) else {}
    problems = list(schema.check("page", data))
    report(records, path, _shifted(parsed.source_map, offset), problems)
    if problems or data.get("audience", "public") == "public":
        return None
    heading = _HEADING.search(body)
    declared = data.get("title")
    title = declared if isinstance(declared, str) else heading[1] if heading else path.stem
    docs_dir = records.settings.path("docs_dir")
    return ToolkitDocument(
        src_uri=path.relative_to(docs_dir).as_posix(),
        title=title,
        body=body,
        audience="internal",
        source=path,
    )


# Links and embeds in Markdown and in HTML written inside it.
_LINK_TARGETS = re.compile(
    r"""\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*<?([^\s>]+)|\b(?:href|src)\s*=\s*["']([^"']+)""", re.M
)


def linked_files(document: ToolkitDocument, docs_dir: Path) -> list[Path]:
    """Files under docs_dir that a document links to or embeds (pages, .md, are not files)."""
    found = []
    for match in _LINK_TARGETS.finditer(document.body):
        target = next(group for group in match.groups() if group)
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            continue
        path = Path(os.path.normpath(document.source.parent / unquote(parts.path)))
        if path.suffix != ".md" and path.is_relative_to(docs_dir) and path.is_file():
            found.append(path)
    return found


def _withheld_files(records: Records, written: dict[Path, bool]) -> dict[Path, str]:
    """What must not be copied into the site, and why. `written` maps each Markdown page under
    docs_dir to whether it is internal."""
    docs_dir = records.settings.path("docs_dir")
    withheld: dict[Path, str] = {}
    for document in [d for d in records.toolkit if d.is_internal] + records.internal_pages:
        folder = document.source.parent
        for name in document.attachments:
            withheld.setdefault(
                Path(os.path.normpath(folder / name)),
                f"an attachment of the internal document '{document.title}'",
            )
        for path in linked_files(document, docs_dir):
            withheld.setdefault(path, f"linked from the internal document '{document.title}'")
    internal_folders: dict[Path, bool] = {}
    for page, internal in written.items():
        internal_folders[page.parent] = internal_folders.get(page.parent, True) and internal
    for path in sorted(docs_dir.rglob("*")):
        if path.suffix == ".md" or not path.is_file() or path in withheld:
            continue
        # The nearest folder, up to docs_dir, that holds documents decides for the files in it.
        folder = next(
            (
                f
                for f in [path.parent, *path.parent.parents]
                if f in internal_folders or f == docs_dir
            ),
            docs_dir,
        )
        if internal_folders.get(folder):
            withheld[path] = f"in {records.relative(folder)}/, whose documents are all internal"
    return withheld


def _symbolic_links_out(records: Records) -> None:
    """A link to outside the repository would have the build read, and publish, any file of
    the machine it runs on: each is an error naming it."""
    settings = records.settings
    root = settings.root.resolve()
    tops = dict.fromkeys(
        settings.root / getattr(settings, name)
        for name in ("docs_dir", "decisions_dir", "funding_dir", "toolkit_dir", "files_dir")
    )
    for top in tops:
        candidates = [top] if top.is_symlink() else []
        if top.is_dir() and not top.is_symlink():
            for folder, folders, files in os.walk(top):
                candidates += [
                    Path(folder) / name
                    for name in folders + files
                    if (Path(folder) / name).is_symlink()
                ]
        for link in candidates:
            target = link.resolve()
            if not target.is_relative_to(root):
                records.diagnostics.error(
                    records.relative(link),
                    1,
                    1,
                    f"is a symbolic link to {target}, outside the repository: "
                    "the site is built only from the repository's own files; copy the file in "
                    "instead",
                )


def measure_documents(decision: Decision, files_dir: Path) -> None:
    """Each document's size, for its link: known only for a file that is there (validate reports
    the others)."""
    for i, document in enumerate(decision.documents):
        target = document_file(files_dir, document.file) if document.file is not None else None
        if target is not None:
            decision.documents[i] = dataclasses.replace(document, size=target.stat().st_size)


def load(settings: Settings, only: Iterable[Path] | None = None) -> Records:
    """Load every record, funding table and toolkit document, and validate them together.

    `only` limits which files' problems are reported: the rest are still read, since
    cross-file rules (unique references, related decisions) need the whole repository.
    """
    with without_collector():
        return _load(settings, only)


@contextmanager
def without_collector() -> Iterator[None]:
    """The cyclic garbage collector off, then as it was. Loading makes millions of objects and no
    cyclic garbage (a collection after it finds a few hundred objects): the collector, run again
    and again as they are made, would walk all the records made so far each time, a quarter of
    the load's time at 10,000 records."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _load(settings: Settings, only: Iterable[Path] | None) -> Records:
    records = Records(settings)
    files_dir = settings.path("files_dir")
    decision_files = [
        p
        for p in _files(settings.path("decisions_dir"), "*/*.yaml")
        if not p.is_relative_to(files_dir)
    ]
    _load_each(records, decision_files, "decision", decision_from_data, records.decisions)
    for decision in records.decisions:
        measure_documents(decision, files_dir)
    _load_each(
        records,
        _files(settings.path("funding_dir"), "*.yaml"),
        "funding",
        funding_table_from_data,
        records.funding_tables,
    )
    _symbolic_links_out(records)
    toolkit_dir = settings.path("toolkit_dir")
    written: dict[Path, bool] = {}
    for path in _files(toolkit_dir, "**/*.md"):
        document = load_toolkit_document(records, path)
        if document is not None:
            records.toolkit.append(document)
        written[path] = document is not None and document.is_internal
    for path in _files(settings.path("docs_dir"), "**/*.md"):
        if not path.is_relative_to(toolkit_dir):
            page = _written_page(records, path)
            if page is not None:
                records.internal_pages.append(page)
            written[path] = page is not None
    records.withheld_files = _withheld_files(records, written)
    specified: list[SpecifiedInformation] = []
    _load_each(
        records,
        [p for p in [settings.path("specified_information")] if p.is_file()],
        "specified-information",
        specified_information_from_data,
        specified,
    )
    records.specified = specified[0] if specified else None
    stray = _files(settings.path("decisions_dir"), "*.yaml") + _files(
        settings.path("decisions_dir"), "*/*/*.yaml"
    )
    for path in stray:
        if not path.is_relative_to(files_dir):
            records.diagnostics.error(
                records.relative(path),
                1,
                1,
                "a decision record must be at decisions/<year>/<reference>.yaml",
            )
    # A record saved as .yml would otherwise silently not exist.
    for path in _files(settings.path("decisions_dir"), "**/*") + _files(
        settings.path("funding_dir"), "*"
    ):
        if (
            path.suffix.lower() in (".yml", ".yaml")
            and path.suffix != ".yaml"
            and not path.is_relative_to(files_dir)
        ):
            records.diagnostics.error(
                records.relative(path),
                1,
                1,
                f"the file name must end in .yaml (lower case): rename it to {path.stem}.yaml",
            )
    validate.check_records(records)
    if only is not None:
        keep_only(records, only)
    records.diagnostics[:] = records.diagnostics.sorted()
    return records


def keep_only(records: Records, only: Iterable[Path]) -> None:
    """Keep the problems of these files and folders only (paths relative to the working folder)."""
    wanted = {records.relative(Path(p).resolve()) for p in only}
    kept = [
        d
        for d in records.diagnostics
        if d.path in wanted
        or any(w == "." or d.path.startswith(w.rstrip("/") + "/") for w in wanted)
    ]
    records.diagnostics[:] = kept
