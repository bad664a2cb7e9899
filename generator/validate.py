"""Rules that span fields or files, which a JSON Schema cannot state. It only reports: the records
it checks are never changed."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from . import newrecord
from .model import WHERE_MET, Decision, Financial, ToolkitDocument, record_file_name
from .records import Records, report
from .registertable import BY_SLUG
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
                        f"the column '{column}' is given twice: each financial year is one column",
                    )
                )
        for i, row in enumerate(table.rows):
            if len(row.values) != len(table.columns):
                problems.append(
                    Problem(
                        ("rows", i, "values"),
                        f"has {len(row.values)} values but the table has {len(table.columns)} "
                        f"columns ({', '.join(table.columns)})",
                    )
                )
            if row.id in seen:
                problems.append(
                    Problem(
                        ("rows", i, "id"),
                        f"funding stream id '{row.id}' is already used in {seen[row.id]}",
                    )
                )
            seen.setdefault(row.id, records.relative(table.source))
            for j, value in enumerate(row.values):
                if value is not None and (wrong := _money(value)):
                    problems.append(Problem(("rows", i, "values", j), wrong))
        report(records, table.source, table.source_map, problems)
    return set(seen)


def _money(value: Decimal) -> str | None:
    """What is wrong with an amount of money, if anything (.inf, .nan or too many decimals)."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # infinity or not a number
        return f"'{value}' is not an amount of money: write a number of pounds, like 1500.00"
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
    counts = Counter(decision.slug for decision in checked if decision.reference)
    # A record whose file is named by its reference holds it; another with the same one is the copy.
    for decision in sorted(
        checked,
        key=lambda decision: (
            not decision.reference or decision.source.stem.lower() != decision.slug,
            decision.source,
        ),
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
                    f"'{decision.reference}' does not follow the office's reference pattern "
                    f"{pattern.pattern} (reference_pattern in mkdocs.yml)",
                )
            )
        report(records, decision.source, decision.source_map, problems)


def _reference_pattern(records: Records) -> re.Pattern[str] | None:
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
    decision: Decision,
    by_reference: dict[str, Decision],
    by_slug: dict[str, Decision],
    counts: Counter[str],
    stream_ids: set[str],
    categories: tuple[str, ...],
    files_dir: Path,
    records: Records,
) -> Iterator[Problem]:
    path = decision.source
    if decision.reference and not decision.slug:
        yield Problem(
            ("reference",),
            f"'{decision.reference}' has no letter or digit to name its file and page by",
        )
    elif decision.reference and path.stem.lower() != decision.slug:
        yield _mismatch(decision, by_slug, counts, records)
    if decision.date and path.parent.name != str(decision.year):
        yield Problem(
            ("date",),
            f"the decision is dated {decision.year} but its file is in {path.parent.name}/: "
            f"move it to decisions/{decision.year}/",
        )
    if (
        decision.reference
        and decision.slug
        and counts[decision.slug] > 1
        and path.stem.lower() == decision.slug
    ):
        first = by_slug[decision.slug]
        if first is not decision:
            if first.reference == decision.reference:
                yield Problem(
                    ("reference",),
                    f"'{decision.reference}' is already used by {records.relative(first.source)}",
                )
            else:
                yield Problem(
                    ("reference",),
                    f"'{decision.reference}' gives the same file and page name ({decision.slug}) "
                    f"as '{first.reference}' in {records.relative(first.source)}: the references "
                    f"of {records.relative(decision.source)} and "
                    f"{records.relative(first.source)} must differ in letters or digits",
                )
    yield from _guidance(decision)
    if decision.category is not None and decision.category not in categories:
        yield Problem(
            ("category",),
            f"'{decision.category}' is not one of the site's categories: "
            f"{', '.join(categories)}{suggest(decision.category, list(categories))}",
        )
    if decision.signed is not None and decision.date and decision.signed < decision.date:
        yield Problem(
            ("signed",),
            f"the notice cannot be signed ({decision.signed}) before the decision was made "
            f"({decision.date})",
        )
    if decision.published and decision.date and decision.published < decision.date:
        yield Problem(
            ("published",),
            f"a decision cannot be published ({decision.published}) before it is made "
            f"({decision.date}): check "
            "both dates",
        )
    for i, part in enumerate(decision.exempt):
        if part.content is not None and (why := _too_short_to_withhold(part.content)):
            yield Problem(("exempt", i, "content"), why)
    if decision.financial:
        if decision.financial.amount is not None and (wrong := _money(decision.financial.amount)):
            yield Problem(("financial", "amount"), wrong)
        if (
            decision.financial.funding_stream is not None
            and decision.financial.funding_stream not in stream_ids
        ):
            known = sorted(stream_ids)
            yield Problem(
                ("financial", "funding_stream"),
                f"'{decision.financial.funding_stream}' is not the id of any funding stream in the "
                f"funding tables{suggest(decision.financial.funding_stream, known)}",
            )
        if decision.financial.financial_year:
            yield from _financial_year(
                ("financial", "financial_year"), decision.financial.financial_year
            )
        yield from _breakdown_problems(decision, decision.financial, stream_ids)
    for i, recipient in enumerate(decision.recipients):
        if recipient.amount is not None and (wrong := _money(recipient.amount)):
            yield Problem(("recipients", i, "amount"), wrong)
    shares = [r.amount for r in decision.recipients if r.amount is not None]
    if (
        shares
        and decision.amount is not None
        and len(shares) == len(decision.recipients)
        and sum(shares) != decision.amount
        and all(s.is_finite() for s in shares)
        and decision.amount.is_finite()
    ):
        yield Problem(
            ("recipients",),
            f"the recipients' amounts add up to {sum(shares)}, not the decision's amount "
            f"{decision.amount}",
            warning=True,
            kind="recipients' amounts not adding up",
        )
    if (
        decision.is_grant
        and len(decision.recipients) > 1
        and len(shares) < len(decision.recipients)
    ):
        # The grants register and the 360Giving export give each recipient its own amount.
        missing = next(i for i, r in enumerate(decision.recipients) if r.amount is None)
        yield Problem(
            ("recipients", missing),
            "a grant to several recipients needs each recipient's amount for the grants register",
            warning=True,
            kind="grant recipient without an amount",
        )
    if (
        decision.period
        and decision.period.start
        and decision.period.end
        and decision.period.end < decision.period.start
    ):
        yield Problem(
            ("period", "end"),
            f"the period ends ({decision.period.end}) before it starts ({decision.period.start})",
        )
    for i, part in enumerate(decision.exempt):
        if part.review_on is not None and part.review_on < records.settings.today:
            yield Problem(
                ("exempt", i, "review_on"),
                f"the review of '{part.title}' was due on {part.review_on}: check whether it is "
                "still exempt",
                warning=True,
                kind="exempt part due for review",
            )
    if (
        decision.procurement
        and decision.procurement.contract_start
        and decision.procurement.contract_end
    ):
        if decision.procurement.contract_end < decision.procurement.contract_start:
            yield Problem(
                ("procurement", "contract_end"),
                f"the contract ends ({decision.procurement.contract_end}) before it starts "
                f"({decision.procurement.contract_start})",
            )
    for i, document in enumerate(decision.documents):
        if (document.file is None) == (document.url is None):
            yield Problem(("documents", i), "give exactly one of 'file' or 'url'")
        elif document.file is not None and (wrong := _file_name(document.file)):
            yield Problem(("documents", i, "file"), wrong)
        elif document.file is not None and document_file(files_dir, document.file) is None:
            target = _resolve(files_dir / document.file)
            if target is not None and not target.is_relative_to(files_dir):
                yield Problem(
                    ("documents", i, "file"),
                    f"'{document.file}' is outside {records.relative(files_dir)}/",
                )
            else:
                yield Problem(
                    ("documents", i, "file"),
                    f"'{document.file}' does not exist in {records.relative(files_dir)}/",
                )
    for i, reference in enumerate(decision.related):
        if not isinstance(reference, str):
            continue  # a decision in another register: its url is its only check
        if reference == decision.reference:
            yield Problem(("related", i), "a decision cannot be related to itself")
        elif reference not in by_reference and reference not in records.invalid_references:
            yield Problem(("related", i), f"no decision has the reference '{reference}'")
    if decision.supersedes is not None:
        if decision.supersedes == decision.reference:
            yield Problem(("supersedes",), "a decision cannot supersede itself")
        elif (
            decision.supersedes not in by_reference
            and decision.supersedes not in records.invalid_references
        ):
            yield Problem(("supersedes",), f"no decision has the reference '{decision.supersedes}'")
    if decision.amends is not None:
        if decision.amends == decision.reference:
            yield Problem(("amends",), "a decision cannot amend itself")
        elif (
            decision.amends not in by_reference
            and decision.amends not in records.invalid_references
        ):
            yield Problem(("amends",), f"no decision has the reference '{decision.amends}'")


def _breakdown_problems(
    decision: Decision, financial: Financial, stream_ids: set[str]
) -> Iterator[Problem]:
    parts = financial.breakdown
    for i, part in enumerate(parts):
        if wrong := _money(part.amount):
            yield Problem(("financial", "breakdown", i, "amount"), wrong)
        if part.funding_stream is not None and part.funding_stream not in stream_ids:
            yield Problem(
                ("financial", "breakdown", i, "funding_stream"),
                f"'{part.funding_stream}' is not the id of any funding stream in the funding "
                f"tables{suggest(part.funding_stream, sorted(stream_ids))}",
            )
        if part.financial_year:
            yield from _financial_year(
                ("financial", "breakdown", i, "financial_year"), part.financial_year
            )
    amount = financial.amount
    if (
        parts
        and amount is not None
        and (financial.amount_basis or "exact") == "exact"
        and all(p.amount.is_finite() for p in parts)
        and amount.is_finite()
    ):
        total = sum((p.amount for p in parts), Decimal(0))
        if total != amount:
            line = decision.source_map.value(("financial", "breakdown")).line
            yield Problem(
                ("financial", "amount"),
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
        return (
            f"'{name}': a file name with '?' or '#' cannot be linked to on the web: rename the "
            "file without them"
        )
    return None


def _mismatch(
    decision: Decision, by_slug: dict[str, Decision], counts: Counter[str], records: Records
) -> Problem:
    """A reference that does not name its file: say which of the two to change."""
    name = decision.source.stem
    name_is_free = _could_be_reference(name, records.settings) and counts[name.lower()] == 0
    if counts[decision.slug] > 1:
        # A copied record that kept the reference of the one it was copied from.
        first = by_slug[decision.slug]
        free = name if name_is_free else _next_free(decision, records.settings)
        where = (
            f"'{decision.reference}' is already used by {records.relative(first.source)}"
            if first is not decision
            else f"'{decision.reference}' is used by another record too"
        )
        if free is None:
            return Problem(
                ("reference",),
                f"{where}: give this record a reference of its own and name the file after it",
            )
        if free == name:
            return Problem(
                ("reference",),
                f"{where}: give this record the reference {free}, its file's name, which is free",
            )
        return Problem(
            ("reference",),
            f"{where}: give this record the next free reference, {free}, and name the file "
            f"{record_file_name(free)}",
        )
    if name_is_free:
        return Problem(
            ("reference",),
            f"'{decision.reference}' does not match the file name {decision.source.name}: "
            f"correct the reference to {name} (keep the file name)",
        )
    return Problem(
        ("reference",),
        f"'{decision.reference}' does not match the file name: name the file "
        f"{record_file_name(decision.reference)}",
    )


def _could_be_reference(name: str, settings: Settings) -> bool:
    """Whether a file's name is itself a reference of the office's scheme (not a slug of one)."""
    if settings.reference_pattern:
        try:
            return re.fullmatch(settings.reference_pattern, name) is not None
        except re.error:
            return False
    return newrecord.REFERENCE.match(name) is not None


def _next_free(decision: Decision, settings: Settings) -> str | None:
    match = newrecord.REFERENCE.match(decision.reference)
    try:
        return newrecord.next_reference(settings, decision.year, match["prefix"] if match else None)
    except newrecord.NewRecordError:
        return None


def _guidance(decision: Decision) -> Iterator[Problem]:
    """Text the new-record template wrote for staff to replace, which must never be published."""
    texts = {name: getattr(decision, name) for name in newrecord.GUIDANCE if name != "implications"}
    for path, value in [
        *(((name,), text) for name, text in texts.items()),
        *((("implications", heading), text) for heading, text in decision.implications.items()),
    ]:
        guidance = newrecord.GUIDANCE[path[0]]
        if isinstance(value, str) and " ".join(value.split()) == guidance:
            yield Problem(
                path,
                f"still holds the template's guidance '{guidance}': replace it with the decision's "
                "own text",
                kind=newrecord.GUIDANCE_KIND,
            )


def document_file(files_dir: Path, name: str) -> Path | None:
    """The file a decision's document names, when it is a file inside files_dir."""
    target = _resolve(files_dir / name)
    if target is None or not target.is_relative_to(files_dir) or not _is_file(target):
        return None
    return target


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
            "only an internal document declares shared text: remove shared_text",
            at_key=True,
        )
        return
    body = _run(document.body)
    for i, passage in enumerate(document.shared_text):
        run = _run(passage)
        if not run.strip():
            yield Problem(("shared_text", i), "has no words: remove it")
        elif run not in body:
            yield Problem(
                ("shared_text", i),
                "is not in this document's text word for word: copy the passage exactly, or remove "
                "it",
            )
        elif not any(run in text for text in published):
            yield Problem(
                ("shared_text", i),
                "is in no published toolkit document, so it is not public text: "
                "remove it from shared_text (the guard must go on looking for it)",
            )


def _check_toolkit(records: Records) -> None:
    today = records.settings.today
    # Only a declaration of shared text needs the published documents' words.
    declared = any(document.shared_text for document in records.toolkit)
    published = [
        _run(document.body) for document in records.toolkit if declared and not document.is_internal
    ]
    for document in records.toolkit:
        problems = list(_shared_text_problems(document, published))
        if document.reviewed and document.review_due and document.review_due < document.reviewed:
            problems.append(
                Problem(
                    ("review_due",),
                    f"the next review ({document.review_due}) is before the last one "
                    f"({document.reviewed})",
                )
            )
        if document.review_overdue(today):
            problems.append(
                Problem(
                    ("review_due",),
                    f"the review was due on {document.review_due}",
                    warning=True,
                    kind="toolkit review overdue",
                )
            )
        for i, name in enumerate(document.attachments):
            target = _resolve(document.source.parent / name)
            if wrong := _file_name(name):
                problems.append(Problem(("attachments", i), wrong))
            elif (
                target is None
                or not target.is_relative_to(document.source.parent.resolve())
                or not _is_file(target)
            ):
                problems.append(
                    Problem(("attachments", i), f"'{name}' is not a file next to the document")
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
                Problem(item.position, "give exactly one of 'page', 'url', 'status' or 'derived'")
            )
        elif item.derived is not None and item.derived not in BY_SLUG:
            slugs = list(BY_SLUG)
            problems.append(
                Problem(
                    item.position + ("derived",),
                    f"'{item.derived}' is not one of: {', '.join(slugs)}"
                    f"{suggest(item.derived, slugs)}",
                )
            )
        elif item.page is not None and (
            "://" in item.page or item.page.startswith("/") or ".." in item.page.split("/")
        ):
            problems.append(
                Problem(
                    item.position + ("page",),
                    f"'{item.page}' is not a path inside this site: write it like "
                    "registers/contracts/ or accessibility.md (use url: for other sites)",
                )
            )
    report(records, info.source, info.source_map, problems)
