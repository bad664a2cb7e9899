"""The registers the site publishes, one descriptor each: its page, its place in the
navigation and on the Registers page, its CSV download, and the Specified Information items
it meets. Pages, navigation, the open data and the Specified Information check all read this
table, so a new register is one descriptor here, one template and its tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import render
from .addresses import absolute_url, document_path
from .model import Decision
from .publication import Publication
from .registers import Registers, stream_name
from .settings import Settings


@dataclass(frozen=True)
class RegisterCsv:
    """A register's CSV download: its columns in order, and its rows as column -> value."""

    columns: tuple[str, ...]
    rows: Callable[[Publication, Registers, str], list[dict[str, Any]]]
    # What the Open data page says the file holds, after the register's name.
    description: str


@dataclass(frozen=True)
class Register:
    # The register's name in addresses: its page registers/<slug>/, its download
    # data/<slug>.csv, and `derived: <slug>` for the Specified Information items it meets.
    slug: str
    title: str
    description: str  # of the page, for search engines and link previews
    template: str
    rows: Callable[[Registers], Sequence[Any]]
    # What the Specified Information page calls the register and one or more of its rows:
    # "Register of <name>: 3 <plural>".
    name: str
    counted: tuple[str, str]
    # The line after its link on the Registers page.
    summary: Callable[[Registers], str]
    # The values its template shows, prepared once per build.
    values: Callable[[Publication, Registers], dict[str, Any]]
    csv: RegisterCsv | None = field(default=None)

    @property
    def url(self) -> str:
        return f"registers/{self.slug}/"

    @property
    def src_uri(self) -> str:
        return self.url + "index.md"

    @property
    def csv_path(self) -> str | None:
        return f"data/{self.slug}.csv" if self.csv else None

    def met_by(self, registers: Registers) -> str:
        """The text of the link from a Specified Information item this register meets."""
        count = len(self.rows(registers))
        return f"Register of {self.name}: {count} {self.counted[count != 1]}"


# Contracts -------------------------------------------------------------------------------


def _documents(decision: Decision, settings: Settings, site_url: str) -> str:
    links = []
    for doc in decision.documents:
        href = (
            absolute_url(site_url, document_path(settings, doc.file))
            if doc.file
            else render.safe_url(doc.url or "")
        )
        if href:
            links.append(f"{doc.title} <{href}>")
    return " | ".join(links)


def contract_csv_rows(
    publication: Publication, registers: Registers, site_url: str = ""
) -> list[dict[str, Any]]:
    rows = []
    for decision in registers.contracts:
        procurement = decision.procurement
        # registers.contracts keeps only decisions with a procurement route.
        assert procurement is not None
        rows.append(
            {
                "reference": decision.reference,
                "title": decision.title,
                "date": decision.date,
                "published": decision.published,
                "days_to_publication": decision.days_to_publication,
                "suppliers": "; ".join(r.name for r in decision.recipients),
                "supplier_org_ids": "; ".join(r.org_id or "" for r in decision.recipients),
                "value": decision.amount,
                "currency": decision.currency,
                "route": procurement.route or "",
                "portal": procurement.portal,
                "bids_received": procurement.bids_received,
                "contract_start": procurement.contract_start,
                "contract_end": procurement.contract_end,
                "decision_url": absolute_url(site_url, decision.url),
                "documents": _documents(decision, publication.settings, site_url),
                "stage": procurement.stage or "award",
                "amount_basis": decision.amount_basis,
                "vat": decision.financial.vat or "" if decision.financial else "",
            }
        )
    return rows


def _contract_values(publication: Publication, registers: Registers) -> dict[str, Any]:
    return {
        "rows": registers.contracts,
        "threshold": render.money(registers.contract_threshold),
        "staff": publication.settings.staff_build,
        "undocumented": sum(1 for decision in registers.contracts if not decision.documents),
        "without_value": registers.without_value,
    }


CONTRACTS = Register(
    slug="contracts",
    title="Contracts register",
    description="Contracts worth more than the threshold, from the published decisions, with a "
    "CSV download.",
    template="register-contracts.html",
    rows=lambda registers: registers.contracts,
    name="contracts",
    counted=("contract over the threshold", "contracts over the threshold"),
    summary=lambda registers: (
        f"{len(registers.contracts)} contracts worth more than "
        f"{render.money(registers.contract_threshold)}"
    ),
    values=_contract_values,
    csv=RegisterCsv(
        columns=(
            "reference",
            "title",
            "date",
            "published",
            "days_to_publication",
            "suppliers",
            "supplier_org_ids",
            "value",
            "currency",
            "route",
            "portal",
            "bids_received",
            "contract_start",
            "contract_end",
            "decision_url",
            "documents",
            "stage",
            "amount_basis",
            "vat",
        ),
        rows=contract_csv_rows,
        description="contracts worth more than the threshold, one row each, with the columns of "
        "the register page.",
    ),
)


# Grants ----------------------------------------------------------------------------------


def grant_csv_rows(
    publication: Publication, registers: Registers, site_url: str = ""
) -> list[dict[str, Any]]:
    rows = []
    for row in registers.grants:
        decision = row.decision
        rows.append(
            {
                "reference": decision.reference,
                "recipient": row.recipient.name if row.recipient else "",
                "recipient_org_id": row.recipient.org_id if row.recipient else "",
                "amount": row.amount,
                "currency": decision.currency,
                "date": decision.date,
                "published": decision.published,
                "days_to_publication": decision.days_to_publication,
                "financial_year": row.financial_year or "",
                "funding_stream": row.funding_stream or "",
                "funding_stream_name": stream_name(publication, row.funding_stream)
                if row.funding_stream
                else "",
                "decision_title": decision.title,
                "decision_status": decision.status,
                "decision_url": absolute_url(site_url, decision.url),
                "recipient_count": (row.recipient.count or 1) if row.recipient else None,
                "amount_basis": decision.amount_basis,
            }
        )
    return rows


def _grant_values(publication: Publication, registers: Registers) -> dict[str, Any]:
    return {
        "rows": registers.grants,
        "streams": publication.streams,
        "totals": [
            ("By financial year", "Financial year", registers.totals_by_year),
            ("By funding stream", "Funding stream", registers.totals_by_stream),
        ],
    }


GRANTS = Register(
    slug="grants",
    title="Grants register",
    description="Every grant the office has made, one row per recipient, with totals and a CSV "
    "download.",
    template="register-grants.html",
    rows=lambda registers: registers.grants,
    name="grants",
    counted=("grant", "grants"),
    summary=lambda registers: (
        f"{len(registers.grants)} grants to recipients, with totals by "
        "financial year and funding stream"
    ),
    values=_grant_values,
    csv=RegisterCsv(
        columns=(
            "reference",
            "recipient",
            "recipient_org_id",
            "amount",
            "currency",
            "date",
            "published",
            "days_to_publication",
            "financial_year",
            "funding_stream",
            "funding_stream_name",
            "decision_title",
            "decision_status",
            "decision_url",
            "recipient_count",
            "amount_basis",
        ),
        rows=grant_csv_rows,
        description="one row per recipient of each grant decision.",
    ),
)


# Decisions of significant public interest ------------------------------------------------

SIGNIFICANT = Register(
    slug="decisions",
    title="Decisions of significant public interest",
    description="Every published decision of significant public interest, newest first.",
    template="register-decisions.html",
    rows=lambda registers: registers.significant,
    name="decisions",
    counted=(
        "decision of significant public interest",
        "decisions of significant public interest",
    ),
    summary=lambda registers: f"{len(registers.significant)} decisions",
    values=lambda publication, registers: {"decisions": registers.significant},
)


# In the order of the navigation and the Registers page.
REGISTERS: tuple[Register, ...] = (CONTRACTS, GRANTS, SIGNIFICANT)
BY_SLUG = {register.slug: register for register in REGISTERS}
