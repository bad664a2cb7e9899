"""What the public may see: the published records and the relations between them.

Every page, index and export is made from a Publication, never from Records directly, so
embargoed records and internal documents cannot leak through a forgotten filter. What is
withheld is kept apart, for the build guard that checks the finished site.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from .model import WITHHELD_STATUS, Decision, FundingRow, FundingTable, ToolkitDocument, Withholding
from .records import Records
from .settings import Settings


@dataclass(frozen=True)
class StreamSpend:
    """Decisions charged to one funding stream in one financial year, against its allocation."""

    financial_year: str
    allocation: Decimal | None
    spent: Decimal
    # Each decision with the part of its money charged to this stream in this year.
    charges: tuple[tuple[Decision, Decimal], ...]

    @property
    def overspent(self) -> bool:
        return self.allocation is not None and self.spent > self.allocation


@dataclass
class Withheld:
    """Texts that must not appear anywhere in the built site."""

    exempt: list[tuple[str, str]] = field(default_factory=list)  # (reference, content)
    embargoed: list[Decision] = field(default_factory=list)
    # Internal toolkit documents and any other page marked `audience: internal`.
    internal: list[ToolkitDocument] = field(default_factory=list)
    # Files under docs_dir that are not copied: path under docs_dir -> (file, why).
    files: dict[str, tuple[Path, str]] = field(default_factory=dict)
    # The texts of decisions withheld as a whole: (decision as staff wrote it, which text, text).
    whole: list[tuple[Decision, str, str]] = field(default_factory=list)


@dataclass
class Publication:
    settings: Settings
    today: dt.date
    decisions: list[Decision]  # newest first
    funding_tables: list[FundingTable]
    toolkit: list[ToolkitDocument]
    withheld: Withheld
    by_reference: dict[str, Decision] = field(default_factory=dict)
    superseded_by: dict[str, list[Decision]] = field(default_factory=dict)
    amended_by: dict[str, list[Decision]] = field(default_factory=dict)
    related: dict[str, list[Decision]] = field(default_factory=dict)
    streams: dict[str, tuple[FundingTable, FundingRow]] = field(default_factory=dict)
    spend: dict[str, list[StreamSpend]] = field(default_factory=dict)

    # Each year's and each category's decisions, newest first, gathered in one pass when first
    # asked for: every listing page asks, and a register may hold 100,000 decisions.
    @cached_property
    def _by_year(self) -> dict[int, list[Decision]]:
        grouped: dict[int, list[Decision]] = defaultdict(list)
        for d in self.decisions:
            grouped[d.year].append(d)
        return grouped

    @cached_property
    def _by_category(self) -> dict[str | None, list[Decision]]:
        grouped: dict[str | None, list[Decision]] = defaultdict(list)
        for d in self.decisions:
            grouped[d.category].append(d)
        return grouped

    @property
    def years(self) -> list[int]:
        return sorted(self._by_year, reverse=True)

    @property
    def categories(self) -> list[str]:
        return [c for c in self.settings.categories if self._by_category.get(c)]

    def in_year(self, year: int) -> list[Decision]:
        return list(self._by_year.get(year, ()))

    def in_category(self, category: str) -> list[Decision]:
        return list(self._by_category.get(category, ()))

    def latest(self, n: int | None = None) -> list[Decision]:
        return self.decisions[: n or self.settings.latest]

    def income(self) -> list[Decision]:
        """Money the office bid for or received: never counted as spending."""
        return [d for d in self.decisions if d.is_income]

    def overspent_streams(self) -> list[tuple[FundingRow, StreamSpend]]:
        return [
            (self.streams[sid][1], s)
            for sid, spends in self.spend.items()
            for s in spends
            if s.overspent
        ]


def _newest_first(decision: Decision) -> tuple[dt.date, str]:
    return (decision.date, decision.reference)


def publish(records: Records) -> Publication:
    today = records.settings.today
    docs_dir = records.settings.path("docs_dir")
    visible = [d for d in records.decisions if not d.is_embargoed(today)]
    published = sorted(
        (notice(d, d.withheld) if d.withheld else d for d in visible),
        key=_newest_first,
        reverse=True,
    )
    withheld = Withheld(
        exempt=[
            (d.reference, part.content)
            for d in records.decisions
            if not (d.withheld and d in visible)
            for part in d.exempt
            if part.content and not part.is_released(today)
        ],
        embargoed=[d for d in records.decisions if d.is_embargoed(today)],
        internal=[t for t in records.toolkit if t.is_internal] + records.internal_pages,
        files={
            path.relative_to(docs_dir).as_posix(): (path, why)
            for path, why in sorted(records.withheld_files.items())
        },
        whole=[(d, name, text) for d in visible if d.withheld for name, text in _texts(d)],
    )
    publication = Publication(
        settings=records.settings,
        today=today,
        decisions=published,
        funding_tables=sorted(records.funding_tables, key=lambda t: t.slug),
        toolkit=sorted((t for t in records.toolkit if not t.is_internal), key=lambda t: t.src_uri),
        withheld=withheld,
    )
    by_reference = {d.reference: d for d in published}
    publication.by_reference = by_reference
    superseded_by: dict[str, list[Decision]] = defaultdict(list)
    amended_by: dict[str, list[Decision]] = defaultdict(list)
    related: dict[str, list[Decision]] = defaultdict(list)
    for d in published:
        if d.supersedes in by_reference:
            superseded_by[d.supersedes].append(d)
        if d.amends in by_reference:
            amended_by[d.amends].append(d)
        for other in d.related_here:
            if other in by_reference and other != d.reference:
                related[d.reference].append(by_reference[other])
                related[other].append(d)
    publication.superseded_by = dict(superseded_by)
    publication.amended_by = dict(amended_by)
    publication.related = {
        ref: sorted({x.reference: x for x in ds}.values(), key=_newest_first, reverse=True)
        for ref, ds in related.items()
    }
    publication.streams = {
        row.id: (table, row) for table in publication.funding_tables for row in table.rows
    }
    publication.spend = _spend(publication)
    return publication


def notice(d: Decision, withheld: Withholding) -> Decision:
    """What is published of a decision withheld as a whole: its reference, date, decision maker
    and the reason. Every other field is left empty, so no page or export can show it."""
    return Decision(
        reference=d.reference,
        title="Withheld decision",
        date=d.date,
        decision_maker=d.decision_maker,
        status=WITHHELD_STATUS,
        summary=f"This decision is withheld: {withheld.reason}",
        published=d.published,
        withheld=withheld,
        source=d.source,
        source_map=d.source_map,
    )


def _texts(d: Decision) -> list[tuple[str, str]]:
    """Everything staff wrote in a decision that its notice leaves out."""
    texts: list[tuple[str, str | None]] = [("title", d.title), ("summary", d.summary)]
    texts += [
        (name.replace("_", " "), getattr(d, name))
        for name in (
            "decision",
            "background",
            "options_considered",
            "interests_declared",
            "lead_officer",
            "delegation",
        )
    ]
    texts += [(f"{heading} implications", text) for heading, text in d.implications.items()]
    texts += [("recipient", r.name) for r in d.recipients]
    texts += [(f"exempt part '{part.title}'", part.content) for part in d.exempt]
    return [(name, text) for name, text in texts if text]


def _spend(publication: Publication) -> dict[str, list[StreamSpend]]:
    # Each part of a decision's money counts against its own stream and year.
    charged: dict[tuple[str, str], dict[str, tuple[Decision, Decimal]]] = defaultdict(dict)
    for d in publication.decisions:
        if not d.financial or d.is_income or d.status != "approved":
            continue
        for part in d.parts:
            if part.funding_stream and part.financial_year:
                key = (part.funding_stream, part.financial_year)
                _, before = charged[key].get(d.reference, (d, Decimal(0)))
                charged[key][d.reference] = (d, before + part.amount)
    result: dict[str, list[StreamSpend]] = defaultdict(list)
    for (stream, year), by_decision in sorted(charged.items()):
        if stream not in publication.streams:
            continue
        table, row = publication.streams[stream]
        allocation = row.values[table.columns.index(year)] if year in table.columns else None
        charges = sorted(by_decision.values(), key=lambda c: _newest_first(c[0]))
        spent = sum((amount for _, amount in charges), Decimal(0))
        result[stream].append(StreamSpend(year, allocation, spent, tuple(charges)))
    return dict(result)
