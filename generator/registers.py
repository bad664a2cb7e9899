"""Grants and contracts derived from the published decisions: the one place that says which
decision is a grant or a contract and what each recipient got, so the registers, the CSV
downloads and the 360Giving and OCDS exports cannot disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

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
        return self.decision.financial.financial_year if self.decision.financial else None

    @property
    def funding_stream(self) -> str | None:
        return self.decision.financial.funding_stream if self.decision.financial else None


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
            amount = r.amount if r.amount is not None else (d.amount if len(d.recipients) == 1 else None)
            rows.append(GrantRow(d, i, r, amount))
    return rows


def contracts(pub: Publication, threshold: Decimal | None = None) -> list[Decision]:
    """Published decisions procured other than by grant round, worth more than the threshold."""
    limit = Decimal(str(pub.settings.contracts_threshold)) if threshold is None else threshold
    return [d for d in pub.decisions if d.is_contract and d.amount is not None and d.amount > limit]
