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


def _one_or_all(decision: Decision, key: str) -> str | None:
    """The financial year or funding stream of a decision; of a breakdown, its parts' in order,
    joined."""
    if not decision.financial:
        return None
    if not decision.financial.breakdown:
        value: str | None = getattr(decision.financial, key)
        return value
    values = list(
        dict.fromkeys(
            getattr(part, key) for part in decision.financial.breakdown if getattr(part, key)
        )
    )
    return ", ".join(values) or None


def grant_rows(publication: Publication) -> list[GrantRow]:
    """One row per recipient of every published grant decision, newest decision first.

    A recipient without its own amount gets the decision's amount only when it is the sole
    recipient; a decision that names no recipient gives one row with no recipient.
    """
    rows: list[GrantRow] = []
    for decision in publication.decisions:
        if not decision.is_grant:
            continue
        if not decision.recipients:
            rows.append(GrantRow(decision, 0, None, decision.amount))
            continue
        for index, recipient in enumerate(decision.recipients):
            amount = recipient.amount
            if amount is None and len(decision.recipients) == 1:
                amount = decision.amount
            rows.append(GrantRow(decision, index, recipient, amount))
    return rows


def contract_threshold(publication: Publication) -> Decimal:
    return Decimal(str(publication.settings.contracts_threshold))


def contracts(publication: Publication, threshold: Decimal | None = None) -> list[Decision]:
    """Published decisions procured other than by grant round, worth more than the threshold."""
    limit = contract_threshold(publication) if threshold is None else threshold
    return [
        decision
        for decision in publication.decisions
        if decision.is_contract and decision.amount is not None and decision.amount > limit
    ]


def without_value(publication: Publication) -> list[Decision]:
    """Published contracts that state no value: the register cannot tell whether they belong on
    it."""
    return [
        decision
        for decision in publication.decisions
        if decision.is_contract and decision.amount is None
    ]


def significant(publication: Publication) -> list[Decision]:
    """Decisions of significant public interest, which the Specified Information Order asks for."""
    return [decision for decision in publication.decisions if decision.significant_public_interest]


def late(publication: Publication) -> list[Decision]:
    """Published decisions that reached the public more than publication_days after they were
    made."""
    return [
        decision
        for decision in publication.decisions
        if decision.days_to_publication > publication.settings.publication_days
    ]


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


def stream_name(publication: Publication, stream: str | None) -> str:
    if stream is None:
        return "No funding stream"
    return publication.streams[stream][1].name if stream in publication.streams else stream


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


def derive(publication: Publication) -> Registers:
    grants = grant_rows(publication)
    awarded = _awarded(grants)
    return Registers(
        contracts=contracts(publication),
        contract_threshold=contract_threshold(publication),
        without_value=without_value(publication),
        grants=grants,
        significant=significant(publication),
        late=late(publication),
        totals_by_year=grant_totals(awarded, lambda row: row.financial_year or "Not stated"),
        totals_by_stream=grant_totals(
            awarded, lambda row: stream_name(publication, row.funding_stream)
        ),
    )
