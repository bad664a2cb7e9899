"""Rules that span fields or files, which a JSON Schema cannot state."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from . import newrecord
from .model import WHERE_MET, Decision, ToolkitDocument, record_file_name
from .records import Records, report
from .schema import suggest
from .settings import Settings
from .source import FieldPath, Problem
from .textmatch import is_distinctive_figure, words


def check_records(records: Records) -> None:
    stream_ids = _check_funding(records)
    _check_decisions(records, stream_ids)
    _check_toolkit(records)
    _check_specified(records)


def _check_funding(records: Records) -> set[str]:
    seen: dict[str, str] = {}
    for table in records.funding_tables:
        problems: list[Problem] = []
        for i, column in enumerate(table.columns):
            problems += _financial_year(("columns", i), column)
            if column in table.columns[:i]:
                problems.append(
                    Problem(
                        ("columns", i),
                        False,
                        f"the column '{column}' is given twice: each financial year is one column",
                    )
                )
        for i, row in enumerate(table.rows):
            if len(row.values) != len(table.columns):
                problems.append(
                    Problem(
                        ("rows", i, "values"),
                        False,
                        f"has {len(row.values)} values but the table has {len(table.columns)} "
                        f"columns ({', '.join(table.columns)})",
                    )
                )
            if row.id in seen:
                problems.append(
                    Problem(
                        ("rows", i, "id"),
                        False,
                        f"funding stream id '{row.id}' is already used in {seen[row.id]}",
                    )
                )
            seen.setdefault(row.id, records.relative(table.source))
            for j, value in enumerate(row.values):
                if value is not None and (wrong := _money(value)):
                    problems.append(Problem(("rows", i, "values", j), False, wrong))
        report(records, table.source, table.source_map, problems)
    return set(seen)


def _money(value: Decimal) -> str | None:
    """What is wrong with an amount of money, if anything (.inf, .nan or too many decimals)."""
    if not value.is_finite():
        return f"'{value}' is not an amount of money: write a number of pounds, like 1500.00"
    _, digits, exponent = value.as_tuple()
    significant = "".join(map(str, digits)).rstrip("0")
    # Decimal places from the digits themselves: quantize() fails on values past 28 digits.
    if significant and exponent + len(digits) - len(significant) < -2:
        return f"{value} has more than two decimal places (pounds and pence)"
    return None


def _financial_year(path: FieldPath, text: str) -> list[Problem]:
    start, _, end = text.partition("/")
    if start.isdigit() and end.isdigit() and (int(start) + 1) % 100 != int(end):
        return [
            Problem(
                path,
                False,
                f"'{text}' is not a financial year: the second part must be the year after the "
                f"first, like {start}/{(int(start) + 1) % 100:02d}",
            )
        ]
    return []


def check_changed_decisions(records: Records, changed: set[Path]) -> None:
    """The rules for the decision records in these files, against all the others: what the live
    preview runs when staff save records whose references stay as they were, which leaves every
    other record's problems as the last full check found them."""
    stream_ids = {row.id for table in records.funding_tables for row in table.rows}
    _check_decisions(records, stream_ids, only=changed)


def _check_decisions(
    records: Records, stream_ids: set[str], *, only: set[Path] | None = None
) -> None:
    settings = records.settings
    by_reference: dict[str, Decision] = {}
    by_slug: dict[str, Decision] = {}
    checked = records.decisions + records.partial_decisions
    counts = Counter(d.slug for d in checked if d.reference)
    # A record whose file is named by its reference holds it; another with the same one is the copy.
    for decision in sorted(
        checked, key=lambda d: (not d.reference or d.source.stem.lower() != d.slug, d.source)
    ):
        if decision.reference:
            by_reference.setdefault(decision.reference, decision)
            by_slug.setdefault(decision.slug, decision)
    files_dir = settings.path("files_dir")
    pattern = _reference_pattern(records)
    for decision in checked:
        if only is not None and decision.source not in only:
            continue
        problems = list(
            _decision_problems(
                decision,
                by_reference,
                by_slug,
                counts,
                stream_ids,
                settings.categories,
                files_dir,
                records,
            )
        )
        if pattern is not None and decision.reference and not pattern.fullmatch(decision.reference):
            problems.append(
                Problem(
                    ("reference",),
                    False,
                    f"'{decision.reference}' does not follow the office's reference pattern "
                    f"{pattern.pattern} (reference_pattern in mkdocs.yml)",
                )
            )
        report(records, decision.source, decision.source_map, problems)


def _reference_pattern(records: Records) -> re.Pattern | None:
    text = records.settings.reference_pattern
    if not text:
        return None
    try:
        return re.compile(text)
    except re.error as exc:
        records.diagnostics.error(
            "mkdocs.yml", 1, 1, f"reference_pattern '{text}' is not a regular expression: {exc}"
        )
        return None


def _decision_problems(
    d: Decision,
    by_reference: dict[str, Decision],
    by_slug: dict[str, Decision],
    counts: Counter,
    stream_ids: set[str],
    categories: tuple[str, ...],
    files_dir: Path,
    records: Records,
) -> Iterator[Problem]:
    path = d.source
    if d.reference and not d.slug:
        yield Problem(
            ("reference",),
            False,
            f"'{d.reference}' has no letter or digit to name its file and page by",
        )
    elif d.reference and path.stem.lower() != d.slug:
        yield _mismatch(d, by_slug, counts, records)
    if d.date and path.parent.name != str(d.year):
        yield Problem(
            ("date",),
            False,
            f"the decision is dated {d.year} but its file is in {path.parent.name}/: move it to "
            f"decisions/{d.year}/",
        )
    if d.reference and d.slug and counts[d.slug] > 1 and path.stem.lower() == d.slug:
        first = by_slug[d.slug]
        if first is not d:
            if first.reference == d.reference:
                yield Problem(
                    ("reference",),
                    False,
                    f"'{d.reference}' is already used by {records.relative(first.source)}",
                )
            else:
                yield Problem(
                    ("reference",),
                    False,
                    f"'{d.reference}' gives the same file and page name ({d.slug}) as "
                    f"'{first.reference}' "
                    f"in {records.relative(first.source)}: the references of "
                    f"{records.relative(d.source)} and "
                    f"{records.relative(first.source)} must differ in letters or digits",
                )
    yield from _guidance(d)
    if d.category is not None and d.category not in categories:
        yield Problem(
            ("category",),
            False,
            f"'{d.category}' is not one of the site's categories: "
            f"{', '.join(categories)}{suggest(d.category, list(categories))}",
        )
    if d.signed is not None and d.date and d.signed < d.date:
        yield Problem(
            ("signed",),
            False,
            f"the notice cannot be signed ({d.signed}) before the decision was made ({d.date})",
        )
    if d.published and d.date and d.published < d.date:
        yield Problem(
            ("published",),
            False,
            f"a decision cannot be published ({d.published}) before it is made ({d.date}): check "
            "both dates",
        )
    for i, part in enumerate(d.exempt):
        if part.content is not None and (why := _too_short_to_withhold(part.content)):
            yield Problem(("exempt", i, "content"), False, why)
    if d.financial:
        if d.financial.amount is not None and (wrong := _money(d.financial.amount)):
            yield Problem(("financial", "amount"), False, wrong)
        if d.financial.funding_stream is not None and d.financial.funding_stream not in stream_ids:
            known = sorted(stream_ids)
            yield Problem(
                ("financial", "funding_stream"),
                False,
                f"'{d.financial.funding_stream}' is not the id of any funding stream in the "
                f"funding tables{suggest(d.financial.funding_stream, known)}",
            )
        if d.financial.financial_year:
            yield from _financial_year(("financial", "financial_year"), d.financial.financial_year)
        yield from _breakdown_problems(d, stream_ids)
    for i, recipient in enumerate(d.recipients):
        if recipient.amount is not None and (wrong := _money(recipient.amount)):
            yield Problem(("recipients", i, "amount"), False, wrong)
    shares = [r.amount for r in d.recipients if r.amount is not None]
    if (
        shares
        and d.amount is not None
        and len(shares) == len(d.recipients)
        and sum(shares) != d.amount
        and all(s.is_finite() for s in shares)
        and d.amount.is_finite()
    ):
        yield Problem(
            ("recipients",),
            False,
            f"the recipients' amounts add up to {sum(shares)}, not the decision's amount {d.amount}",
            warning=True,
            kind="recipients' amounts not adding up",
        )
    if d.is_grant and len(d.recipients) > 1 and len(shares) < len(d.recipients):
        # The grants register and the 360Giving export give each recipient its own amount.
        missing = next(i for i, r in enumerate(d.recipients) if r.amount is None)
        yield Problem(
            ("recipients", missing),
            False,
            "a grant to several recipients needs each recipient's amount for the grants register",
            warning=True,
            kind="grant recipient without an amount",
        )
    if d.period and d.period.start and d.period.end and d.period.end < d.period.start:
        yield Problem(
            ("period", "end"),
            False,
            f"the period ends ({d.period.end}) before it starts ({d.period.start})",
        )
    for i, part in enumerate(d.exempt):
        if part.review_on is not None and part.review_on < records.settings.today:
            yield Problem(
                ("exempt", i, "review_on"),
                False,
                f"the review of '{part.title}' was due on {part.review_on}: check whether it is "
                "still exempt",
                warning=True,
                kind="exempt part due for review",
            )
    if d.procurement and d.procurement.contract_start and d.procurement.contract_end:
        if d.procurement.contract_end < d.procurement.contract_start:
            yield Problem(
                ("procurement", "contract_end"),
                False,
                f"the contract ends ({d.procurement.contract_end}) before it starts "
                f"({d.procurement.contract_start})",
            )
    for i, document in enumerate(d.documents):
        if (document.file is None) == (document.url is None):
            yield Problem(("documents", i), False, "give exactly one of 'file' or 'url'")
        elif document.file is not None and (wrong := _file_name(document.file)):
            yield Problem(("documents", i, "file"), False, wrong)
        elif document.file is not None:
            target = _resolve(files_dir / document.file)
            if target is not None and not target.is_relative_to(files_dir):
                yield Problem(
                    ("documents", i, "file"),
                    False,
                    f"'{document.file}' is outside {records.relative(files_dir)}/",
                )
            elif target is None or not _is_file(target):
                yield Problem(
                    ("documents", i, "file"),
                    False,
                    f"'{document.file}' does not exist in {records.relative(files_dir)}/",
                )
            else:
                d.documents[i] = dataclasses.replace(document, size=target.stat().st_size)
    for i, reference in enumerate(d.related):
        if not isinstance(reference, str):
            continue  # a decision in another register: its url is its only check
        if reference == d.reference:
            yield Problem(("related", i), False, "a decision cannot be related to itself")
        elif reference not in by_reference and reference not in records.invalid_references:
            yield Problem(("related", i), False, f"no decision has the reference '{reference}'")
    if d.supersedes is not None:
        if d.supersedes == d.reference:
            yield Problem(("supersedes",), False, "a decision cannot supersede itself")
        elif d.supersedes not in by_reference and d.supersedes not in records.invalid_references:
            yield Problem(("supersedes",), False, f"no decision has the reference '{d.supersedes}'")
    if d.amends is not None:
        if d.amends == d.reference:
            yield Problem(("amends",), False, "a decision cannot amend itself")
        elif d.amends not in by_reference and d.amends not in records.invalid_references:
            yield Problem(("amends",), False, f"no decision has the reference '{d.amends}'")


def _breakdown_problems(d: Decision, stream_ids: set[str]) -> Iterator[Problem]:
    parts = d.financial.breakdown
    for i, part in enumerate(parts):
        if wrong := _money(part.amount):
            yield Problem(("financial", "breakdown", i, "amount"), False, wrong)
        if part.funding_stream is not None and part.funding_stream not in stream_ids:
            yield Problem(
                ("financial", "breakdown", i, "funding_stream"),
                False,
                f"'{part.funding_stream}' is not the id of any funding stream in the funding "
                f"tables{suggest(part.funding_stream, sorted(stream_ids))}",
            )
        if part.financial_year:
            yield from _financial_year(
                ("financial", "breakdown", i, "financial_year"), part.financial_year
            )
    amount = d.financial.amount
    if (
        parts
        and amount is not None
        and (d.financial.amount_basis or "exact") == "exact"
        and all(p.amount.is_finite() for p in parts)
        and amount.is_finite()
    ):
        total = sum((p.amount for p in parts), Decimal(0))
        if total != amount:
            line = d.source_map.value(("financial", "breakdown")).line
            yield Problem(
                ("financial", "amount"),
                False,
                f"the amount {amount:.2f} is not the sum of the breakdown (line {line}), which "
                f"adds up to {total:.2f}: correct one or the other",
            )


def _too_short_to_withhold(content: str) -> str | None:
    """Why exempt content cannot be guarded, if it cannot: the guard looks for withheld text in
    every built file, and a lone word or a short number is on many pages for other reasons."""
    found = words(content)
    if len(found) > 1 or (found and is_distinctive_figure(found[0])):
        return None
    return (
        "is too short to withhold safely: a single word or a number under four digits appears on "
        "pages for other reasons, "
        "so the build could not tell a leak from ordinary text. Keep the whole sentence or passage "
        "it comes from here"
    )


def _file_name(name: str) -> str | None:
    # A web address ends its path at '?' or '#': such a file could be published but never opened.
    if "?" in name or "#" in name:
        return f"'{name}': a file name with '?' or '#' cannot be linked to on the web: rename the file without them"
    return None


def _mismatch(
    d: Decision, by_slug: dict[str, Decision], counts: Counter, records: Records
) -> Problem:
    """A reference that does not name its file: say which of the two to change."""
    name = d.source.stem
    name_is_free = _could_be_reference(name, records.settings) and counts[name.lower()] == 0
    if counts[d.slug] > 1:
        # A copied record that kept the reference of the one it was copied from.
        first = by_slug[d.slug]
        free = name if name_is_free else _next_free(d, records.settings)
        where = (
            f"'{d.reference}' is already used by {records.relative(first.source)}"
            if first is not d
            else f"'{d.reference}' is used by another record too"
        )
        if free is None:
            return Problem(
                ("reference",),
                False,
                f"{where}: give this record a reference of its own and name the file after it",
            )
        if free == name:
            return Problem(
                ("reference",),
                False,
                f"{where}: give this record the reference {free}, its file's name, which is free",
            )
        return Problem(
            ("reference",),
            False,
            f"{where}: give this record the next free reference, {free}, and name the file "
            f"{record_file_name(free)}",
        )
    if name_is_free:
        return Problem(
            ("reference",),
            False,
            f"'{d.reference}' does not match the file name {d.source.name}: correct the reference "
            f"to {name} (keep the file name)",
        )
    return Problem(
        ("reference",),
        False,
        f"'{d.reference}' does not match the file name: name the file "
        f"{record_file_name(d.reference)}",
    )


def _could_be_reference(name: str, settings: Settings) -> bool:
    """Whether a file's name is itself a reference of the office's scheme (not a slug of one)."""
    if settings.reference_pattern:
        try:
            return re.fullmatch(settings.reference_pattern, name) is not None
        except re.error:
            return False
    return newrecord.REFERENCE.match(name) is not None


def _next_free(d: Decision, settings: Settings) -> str | None:
    match = newrecord.REFERENCE.match(d.reference)
    try:
        return newrecord.next_reference(settings, d.year, match["prefix"] if match else None)
    except newrecord.NewRecordError:
        return None


def _guidance(d: Decision) -> Iterator[Problem]:
    """Text the new-record template wrote for staff to replace, which must never be published."""
    texts = {name: getattr(d, name) for name in newrecord.GUIDANCE if name != "implications"}
    for path, value in [
        *(((name,), text) for name, text in texts.items()),
        *((("implications", heading), text) for heading, text in d.implications.items()),
    ]:
        guidance = newrecord.GUIDANCE[path[0]]
        if isinstance(value, str) and " ".join(value.split()) == guidance:
            yield Problem(
                path,
                False,
                f"still holds the template's guidance '{guidance}': replace it with the decision's "
                "own text",
                kind=newrecord.GUIDANCE_KIND,
            )


def _resolve(path: Path) -> Path | None:
    """The real path, or None when the name cannot be a file's (a NUL byte, far too long)."""
    try:
        return path.resolve()
    except (OSError, ValueError):
        return None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # e.g. a name longer than the file system allows
        return False


def _run(text: str) -> str:
    return " " + " ".join(words(text)) + " "


def _shared_text_problems(document: ToolkitDocument, published: list[str]) -> Iterator[Problem]:
    """A passage declared shared must be in the document and, word for word, in a published one:
    the guard stops looking for it, so a declaration must not cover text that is not public."""
    if document.shared_text and not document.is_internal:
        yield Problem(
            ("shared_text",),
            True,
            "only an internal document declares shared text: remove shared_text",
        )
        return
    body = _run(document.body)
    for i, passage in enumerate(document.shared_text):
        run = _run(passage)
        if not run.strip():
            yield Problem(("shared_text", i), False, "has no words: remove it")
        elif run not in body:
            yield Problem(
                ("shared_text", i),
                False,
                "is not in this document's text word for word: copy the passage exactly, or remove "
                "it",
            )
        elif not any(run in text for text in published):
            yield Problem(
                ("shared_text", i),
                False,
                "is in no published toolkit document, so it is not public text: "
                "remove it from shared_text (the guard must go on looking for it)",
            )


def _check_toolkit(records: Records) -> None:
    today = records.settings.today
    # Only a declaration of shared text needs the published documents' words.
    declared = any(d.shared_text for d in records.toolkit)
    published = [_run(d.body) for d in records.toolkit if declared and not d.is_internal]
    for document in records.toolkit:
        problems = list(_shared_text_problems(document, published))
        if document.reviewed and document.review_due and document.review_due < document.reviewed:
            problems.append(
                Problem(
                    ("review_due",),
                    False,
                    f"the next review ({document.review_due}) is before the last one "
                    f"({document.reviewed})",
                )
            )
        if document.review_overdue(today):
            problems.append(
                Problem(
                    ("review_due",),
                    False,
                    f"the review was due on {document.review_due}",
                    warning=True,
                    kind="toolkit review overdue",
                )
            )
        for i, name in enumerate(document.attachments):
            target = _resolve(document.source.parent / name)
            if wrong := _file_name(name):
                problems.append(Problem(("attachments", i), False, wrong))
            elif (
                target is None
                or not target.is_relative_to(document.source.parent.resolve())
                or not _is_file(target)
            ):
                problems.append(
                    Problem(
                        ("attachments", i), False, f"'{name}' is not a file next to the document"
                    )
                )
        report(records, document.source, document.source_map, problems)


def _check_specified(records: Records) -> None:
    info = records.specified
    if info is None:
        return
    problems = []
    for item in info.items:
        given = [name for name in WHERE_MET if getattr(item, name) is not None]
        if len(given) != 1:
            problems.append(
                Problem(
                    item.position, False, "give exactly one of 'page', 'url', 'status' or 'derived'"
                )
            )
        elif item.page is not None and (
            "://" in item.page or item.page.startswith("/") or ".." in item.page.split("/")
        ):
            problems.append(
                Problem(
                    item.position + ("page",),
                    False,
                    f"'{item.page}' is not a path inside this site: write it like "
                    "registers/contracts/ or accessibility.md (use url: for other sites)",
                )
            )
    report(records, info.source, info.source_map, problems)
