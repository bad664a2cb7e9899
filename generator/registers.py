"""Grants and contracts derived from the published decisions: the one place that says which
decision is a grant or a contract and what each recipient got, so the registers, the CSV
downloads and the 360Giving and OCDS exports cannot disagree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from .model import Decision, Recipient
from .publication import Publication


@dataclass(frozen=True)
class GrantRow:
    """One recipient of one grant decision."""

    decision: Decision
    index: int  # position of the recipient in the record; 0 where none is named
    recipient: Recipient | None
    amount: Decimal | None

    @property
    def date(self) -> dt.date:
        return self.decision.date

    @property
    def financial_year(self) -> str | None:
        return _one_or_all(self.decision, "financial_year")

    @property
    def funding_stream(self) -> str | None:
        return _one_or_all(self.decision, "funding_stream")


def _one_or_all(d: Decision, key: str) -> str | None:
    """The financial year or funding stream of a decision; of a breakdown, its parts' in order,
    joined."""
    if not d.financial:
        return None
    if not d.financial.breakdown:
        value: str | None = getattr(d.financial, key)
        return value
    values = list(dict.fromkeys(getattr(p, key) for p in d.financial.breakdown if getattr(p, key)))
    return ", ".join(values) or None


def grant_rows(pub: Publication) -> list[GrantRow]:
    """One row per recipient of every published grant decision, newest decision first.

    A recipient without its own amount gets the decision's amount only when it is the sole
    recipient; a decision that names no recipient gives one row with no recipient.
    """
    rows: list[GrantRow] = []
    for d in pub.decisions:
        if not d.is_grant:
            continue
        if not d.recipients:
            rows.append(GrantRow(d, 0, None, d.amount))
            continue
        for i, r in enumerate(d.recipients):
            amount = (
                r.amount if r.amount is not None else (d.amount if len(d.recipients) == 1 else None)
            )
            rows.append(GrantRow(d, i, r, amount))
    return rows


def contract_threshold(pub: Publication) -> Decimal:
    return Decimal(str(pub.settings.contracts_threshold))


def contracts(pub: Publication, threshold: Decimal | None = None) -> list[Decision]:
    """Published decisions procured other than by grant round, worth more than the threshold."""
    limit = contract_threshold(pub) if threshold is None else threshold
    return [d for d in pub.decisions if d.is_contract and d.amount is not None and d.amount > limit]


def without_value(pub: Publication) -> list[Decision]:
    """Published contracts that state no value: the register cannot tell whether they belong on
    it."""
    return [d for d in pub.decisions if d.is_contract and d.amount is None]


def significant(pub: Publication) -> list[Decision]:
    """Decisions of significant public interest, which the Specified Information Order asks for."""
    return [d for d in pub.decisions if d.significant_public_interest]


def late(pub: Publication) -> list[Decision]:
    """Published decisions that reached the public more than publication_days after they were
    made."""
    return [d for d in pub.decisions if d.days_to_publication > pub.settings.publication_days]


@dataclass(frozen=True)
class GrantTotal:
    """What the grants register adds up for one financial year or one funding stream."""

    label: str
    amount: Decimal
    grants: int
    # Rows without an amount of their own (a recipient of a shared grant with no share given).
    unknown: int


def grant_totals(rows: list[GrantRow], key: Callable[[GrantRow], str]) -> list[GrantTotal]:
    groups: dict[str, list[GrantRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return [
        GrantTotal(
            label,
            sum((r.amount for r in group if r.amount is not None), Decimal(0)),
            len(group),
            sum(1 for r in group if r.amount is None),
        )
        for label, group in sorted(groups.items())
    ]


def stream_name(pub: Publication, stream: str | None) -> str:
    if stream is None:
        return "No funding stream"
    return pub.streams[stream][1].name if stream in pub.streams else stream


def _awarded(rows: list[GrantRow]) -> list[GrantRow]:
    """The rows whose decision was approved: what the office actually granted, which the totals add
    up."""
    return [row for row in rows if row.decision.status == "approved"]


@dataclass(frozen=True)
class Registers:
    """The registers of one publication, worked out once per build and shared by the pages, the
    exports and the build's warnings."""

    contracts: list[Decision]
    contract_threshold: Decimal
    # Contracts that state no value: the register cannot tell whether they belong on it.
    without_value: list[Decision]
    grants: list[GrantRow]
    significant: list[Decision]
    # Decisions published more than publication_days after they were made.
    late: list[Decision]
    totals_by_year: list[GrantTotal]
    totals_by_stream: list[GrantTotal]


def derive(pub: Publication) -> Registers:
    grants = grant_rows(pub)
    awarded = _awarded(grants)
    return Registers(
        contracts=contracts(pub),
        contract_threshold=contract_threshold(pub),
        without_value=without_value(pub),
        grants=grants,
        significant=significant(pub),
        late=late(pub),
        totals_by_year=grant_totals(awarded, lambda row: row.financial_year or "Not stated"),
        totals_by_stream=grant_totals(awarded, lambda row: stream_name(pub, row.funding_stream)),
    )
