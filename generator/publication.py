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
from pathlib import Path

from .load import Records
from .model import Decision, FundingRow, FundingTable, ToolkitDocument
from .settings import Settings


@dataclass(frozen=True)
class StreamSpend:
    """Decisions charged to one funding stream in one financial year, against its allocation."""

    financial_year: str
    allocation: Decimal | None
    spent: Decimal
    decisions: tuple[Decision, ...]

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
    related: dict[str, list[Decision]] = field(default_factory=dict)
    streams: dict[str, tuple[FundingTable, FundingRow]] = field(default_factory=dict)
    spend: dict[str, list[StreamSpend]] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted({d.year for d in self.decisions}, reverse=True)

    @property
    def categories(self) -> list[str]:
        used = {d.category for d in self.decisions if d.category}
        return [c for c in self.settings.categories if c in used]

    def in_year(self, year: int) -> list[Decision]:
        return [d for d in self.decisions if d.year == year]

    def in_category(self, category: str) -> list[Decision]:
        return [d for d in self.decisions if d.category == category]

    def latest(self, n: int | None = None) -> list[Decision]:
        return self.decisions[: n or self.settings.latest]

    def overspent_streams(self) -> list[tuple[FundingRow, StreamSpend]]:
        return [(self.streams[sid][1], s) for sid, spends in self.spend.items() for s in spends if s.overspent]


def _newest_first(decision: Decision) -> tuple:
    return (decision.date, decision.reference)


def publish(records: Records) -> Publication:
    today = records.settings.today
    docs_dir = records.settings.path("docs_dir")
    published = sorted((d for d in records.decisions if not d.is_embargoed(today)), key=_newest_first, reverse=True)
    withheld = Withheld(
        exempt=[(d.reference, part.content) for d in records.decisions for part in d.exempt if part.content],
        embargoed=[d for d in records.decisions if d.is_embargoed(today)],
        internal=[t for t in records.toolkit if t.is_internal] + records.internal_pages,
        files={path.relative_to(docs_dir).as_posix(): (path, why) for path, why in sorted(records.withheld_files.items())},
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
    related: dict[str, list[Decision]] = defaultdict(list)
    for d in published:
        if d.supersedes in by_reference:
            superseded_by[d.supersedes].append(d)
        for other in d.related:
            if other in by_reference and other != d.reference:
                related[d.reference].append(by_reference[other])
                related[other].append(d)
    publication.superseded_by = dict(superseded_by)
    publication.related = {ref: sorted({x.reference: x for x in ds}.values(), key=_newest_first, reverse=True) for ref, ds in related.items()}
    publication.streams = {row.id: (table, row) for table in publication.funding_tables for row in table.rows}
    publication.spend = _spend(publication)
    return publication


def _spend(publication: Publication) -> dict[str, list[StreamSpend]]:
    charged: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in publication.decisions:
        f = d.financial
        if f and f.funding_stream and f.financial_year and f.amount is not None and d.status == "approved":
            charged[(f.funding_stream, f.financial_year)].append(d)
    result: dict[str, list[StreamSpend]] = defaultdict(list)
    for (stream, year), decisions in sorted(charged.items()):
        if stream not in publication.streams:
            continue
        table, row = publication.streams[stream]
        allocation = row.values[table.columns.index(year)] if year in table.columns else None
        spent = sum((d.amount for d in decisions), Decimal(0))
        result[stream].append(StreamSpend(year, allocation, spent, tuple(sorted(decisions, key=_newest_first))))
    return dict(result)
