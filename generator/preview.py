"""The live preview's part of `make serve`: which saves it can show without a full build, and which
pages and files each changed record touches.

Saving an existing decision record whose reference, year and documents stay as they were changes
no address in the site: the preview reads and checks that record again (with the rules that span
records), and renders again only the pages that show it. The decision pages that show it come
first (its own, and those that name it: related, superseded or amended); then the lists, registers
and open data files that hold it. Anything else (a record added, deleted or renamed, an error, a
funding table, toolkit document, page or setting saved) is a full build, as before. This module
decides; the MkDocs adapter renders what it names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import check, load, validate
from .exports.decisions import DECISIONS_CSV, DECISIONS_JSON, RECORD_JSON
from .exports.feeds import FEED, category_feed
from .exports.ocds import OCDS
from .exports.threesixtygiving import GRANTS_360, grant_left_out
from .model import Decision, decision_from_data
from .publication import Publication
from .records import Records
from .registers import GrantRow, Registers
from .registertable import REGISTERS

# Where each source file was, by time of its last change and size: paths as strings, as a site
# of 10,000 records is looked over on every save.
Sources = dict[str, tuple[int, int]]


def snapshot(paths: Iterable[Path]) -> Sources:
    """Every file under these files and folders, with its time of last change and size."""
    found: Sources = {}
    folders = []
    for path in paths:
        if path.is_file():
            stat = path.stat()
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
        elif path.is_dir():
            folders.append(str(path))
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:  # deleted while we looked: the next look sees it gone
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                else:
                    stat = entry.stat()
                    found[entry.path] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                continue
    return found


def saved_records(before: Sources, after: Sources, records: Records) -> list[Path] | None:
    """The decision records saved since `before`, when they are all that changed and all existed;
    None when the preview needs a full build (anything else added, deleted or saved)."""
    if before.keys() != after.keys():
        return None
    changed = [path for path, seen in after.items() if before[path] != seen]
    sources = {str(d.source): d.source for d in records.decisions}
    if not changed or any(path not in sources for path in changed):
        return None
    return sorted(sources[path] for path in changed)


def reread(records: Records, paths: list[Path]) -> Records:
    """The records with the decisions in these files read and checked again; their problems (and
    only theirs: every other record's stand as the last full check found them) in diagnostics."""
    again = Records(
        records.settings,
        funding_tables=records.funding_tables,
        toolkit=records.toolkit,
        specified=records.specified,
        internal_pages=records.internal_pages,
        withheld_files=records.withheld_files,
    )
    fresh: dict[Path, Decision] = {}
    for path in paths:
        parsed = load.parse_file(again, path, "decision")
        if parsed is not None:
            fresh[path] = decision_from_data(parsed[0], path, parsed[1])
            # As load.load does: a document's size is part of its link.
            load.measure_documents(fresh[path], records.settings.path("files_dir"))
    again.decisions = [fresh.get(d.source, d) for d in records.decisions]
    validate.check_changed_decisions(again, set(fresh))
    return again


@dataclass(frozen=True)
class Update:
    """What the preview renders again after records were saved, in the order it does it."""

    publication: Publication
    registers: Registers
    # The saved decisions' references.
    references: tuple[str, ...]
    # The decisions whose pages show a saved record, by reference.
    decision_pages: tuple[str, ...]
    # Every other page that may show one (source addresses, as `pages` names them): lists,
    # registers, the home page, funding, open data.
    listing_pages: tuple[str, ...]
    # Open data files that hold a saved record.
    data_files: tuple[str, ...]


def _addresses(
    publication: Publication, regs: Registers, references: Iterable[str]
) -> tuple[object, ...]:
    """What decides the site's pages, files and navigation, as far as these decisions can change
    it: whether and where each is published, the documents it copies, whether it puts a grant in
    the 360Giving file or a release in the Open Contracting one (each is written only with one),
    and the categories in use."""
    wanted = set(references)
    decisions = [publication.by_reference.get(ref) for ref in sorted(wanted)]
    grants = {
        row.decision.reference
        for row in regs.grants
        if row.decision.reference in wanted and grant_left_out(row) is None
    }
    return (
        publication.categories,
        [
            d
            and (
                d.reference,
                d.url,
                sorted(doc.file for doc in d.documents if doc.file),
                d.reference in grants,
                d.is_procurement,
            )
            for d in decisions
        ],
    )


def plan(
    records: Records, before: Publication, before_registers: Registers, saved: Records
) -> Update | None:
    """What to render again now that `saved` holds the records read again; None when the saved
    records have errors or change an address, so that only a full build shows them right."""
    if saved.diagnostics.errors or saved.partial_decisions:
        return None
    changed = [(old, new) for old, new in zip(records.decisions, saved.decisions) if old is not new]
    if any(old.reference != new.reference for old, new in changed):
        return None
    references = tuple(sorted(new.reference for _, new in changed))
    prepared = check.prepare(saved)
    after, after_registers = prepared.publication, prepared.registers
    if _addresses(after, after_registers, references) != _addresses(
        before, before_registers, references
    ):
        return None
    return Update(
        publication=after,
        registers=after_registers,
        references=references,
        decision_pages=tuple(
            ref
            for ref in sorted(
                {
                    r
                    for publication in (before, after)
                    for r in decisions_naming(publication, references)
                }
            )
            if ref in after.by_reference
        ),
        listing_pages=tuple(
            sorted(
                {
                    page
                    for publication, regs in ((before, before_registers), (after, after_registers))
                    for page in listings_holding(publication, regs, references)
                }
            )
        ),
        data_files=tuple(
            sorted(
                {
                    path
                    for publication, regs in ((before, before_registers), (after, after_registers))
                    for path in data_holding(publication, regs, references)
                }
            )
        ),
    )


def decisions_naming(publication: Publication, references: Iterable[str]) -> set[str]:
    """The decisions whose pages show any of these: each itself, and those it names or that
    name it (related, superseded, amended), which print its reference and title."""
    found: set[str] = set()
    for ref in references:
        d = publication.by_reference.get(ref)
        if d is None:
            continue
        found.add(ref)
        found.update(other for other in (d.supersedes, d.amends) if other)
        for named in (publication.related, publication.superseded_by, publication.amended_by):
            found.update(other.reference for other in named.get(ref, []))
    return found


# Pages small enough to render again whatever changed: they count or pick from every decision
# (the latest, the income, the totals), so a rule for each would only be a way to miss one.
SUMMARY_PAGES = (
    "index.md",
    "decisions/index.md",
    "funding/index.md",
    "registers/index.md",
    "transparency/specified-information/index.md",
    "open-data.md",
)


def listings_holding(
    publication: Publication, regs: Registers, references: Iterable[str]
) -> list[str]:
    """The pages other than decision pages that show any of these decisions in this publication."""
    wanted = set(references)
    pages = list(SUMMARY_PAGES)
    for ref in wanted:
        d = publication.by_reference.get(ref)
        if d is None:
            continue
        pages.append(f"decisions/{d.year}/index.md")
        if d.category:
            pages.append(f"decisions/category/{d.category}/index.md")
    for stream, spends in publication.spend.items():
        if any(d.reference in wanted for s in spends for d, _ in s.charges):
            pages.append(publication.streams[stream][0].url + "index.md")
    for register in REGISTERS:
        # Whatever the register's page is handed: its rows, and any other list it shows (the
        # contracts that state no value), so a new register needs no rule of its own here.
        if _references_in(register.values(publication, regs).values()) & wanted:
            pages.append(register.src_uri)
    return pages


def _references_in(values: Iterable[object]) -> set[str]:
    """The decisions named in these prepared values: decisions and grant rows, in lists."""
    found = set()
    for value in values:
        if isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, Decision):
                    found.add(item.reference)
                elif isinstance(item, GrantRow):
                    found.add(item.decision.reference)
    return found


def data_holding(publication: Publication, regs: Registers, references: Iterable[str]) -> list[str]:
    """The open data files that hold any of these decisions in this publication: the files of
    every decision, the feeds, their own record.json, and the grants or contracts files they are
    in."""
    wanted = set(references)
    files = [DECISIONS_CSV, DECISIONS_JSON, FEED]
    for ref in wanted:
        d = publication.by_reference.get(ref)
        if d is not None:
            files.append(d.url + RECORD_JSON)
            if d.category:
                files.append(category_feed(d.category))
            if d.is_procurement:
                files.append(OCDS)
    if any(row.decision.reference in wanted for row in regs.grants):
        files.append(GRANTS_360)
    for register in REGISTERS:
        if register.csv_path is not None and _references_in([register.rows(regs)]) & wanted:
            files.append(register.csv_path)
    return files


UPDATING = (
    b'<div class="admonition warning" role="status"><p class="admonition-title">Updating</p>'
    b"<p>This page is being updated with the record you saved: it reloads by itself when it is "
    b"ready.</p></div>"
)
_CONTENT = b'<article class="md-content__inner md-typeset">'


def mark_updating(html: bytes) -> bytes:
    """A built page with a note at the top of its content that a newer version is coming."""
    at = html.find(_CONTENT)
    if at < 0:
        at = html.find(b">", html.find(b"<body")) if b"<body" in html else -1
        return html[: at + 1] + UPDATING + html[at + 1 :]
    at += len(_CONTENT)
    return html[:at] + UPDATING + html[at:]
