"""The contracts and grants registers as CSV downloads: the rows of the register pages, for
spreadsheets, from the publication only. generator/exports.py writes them with the open data,
through the one CSV writer that formats numbers and guards cells against spreadsheet formulas."""

from __future__ import annotations

from typing import Any

from . import render
from .addresses import absolute_url, document_path
from .model import Decision
from .publication import Publication
from .registers import Registers, stream_name
from .settings import Settings

CONTRACT_COLUMNS = (
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
)
GRANT_COLUMNS = (
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
)


def _documents(d: Decision, settings: Settings, site_url: str) -> str:
    links = []
    for doc in d.documents:
        href = (
            absolute_url(site_url, document_path(settings, doc.file))
            if doc.file
            else render.safe_url(doc.url or "")
        )
        if href:
            links.append(f"{doc.title} <{href}>")
    return " | ".join(links)


def contract_records(
    pub: Publication, registers: Registers, site_url: str = ""
) -> list[dict[str, Any]]:
    records = []
    for d in registers.contracts:
        p = d.procurement
        records.append(
            {
                "reference": d.reference,
                "title": d.title,
                "date": d.date,
                "published": d.published,
                "days_to_publication": d.days_to_publication,
                "suppliers": "; ".join(r.name for r in d.recipients),
                "supplier_org_ids": "; ".join(r.org_id or "" for r in d.recipients),
                "value": d.amount,
                "currency": d.currency,
                "route": p.route or "",
                "portal": p.portal,
                "bids_received": p.bids_received,
                "contract_start": p.contract_start,
                "contract_end": p.contract_end,
                "decision_url": absolute_url(site_url, d.url),
                "documents": _documents(d, pub.settings, site_url),
                "stage": p.stage or "award",
                "amount_basis": d.amount_basis,
                "vat": d.financial.vat or "" if d.financial else "",
            }
        )
    return records


def grant_records(
    pub: Publication, registers: Registers, site_url: str = ""
) -> list[dict[str, Any]]:
    records = []
    for row in registers.grants:
        d = row.decision
        records.append(
            {
                "reference": d.reference,
                "recipient": row.recipient.name if row.recipient else "",
                "recipient_org_id": row.recipient.org_id if row.recipient else "",
                "amount": row.amount,
                "currency": d.currency,
                "date": d.date,
                "published": d.published,
                "days_to_publication": d.days_to_publication,
                "financial_year": row.financial_year or "",
                "funding_stream": row.funding_stream or "",
                "funding_stream_name": stream_name(pub, row.funding_stream)
                if row.funding_stream
                else "",
                "decision_title": d.title,
                "decision_status": d.status,
                "decision_url": absolute_url(site_url, d.url),
                "recipient_count": (row.recipient.count or 1) if row.recipient else None,
                "amount_basis": d.amount_basis,
            }
        )
    return records


# The register downloads: path in the site, columns, and the rows (as column -> text) for them.
DOWNLOADS = {
    "data/contracts.csv": (CONTRACT_COLUMNS, contract_records),
    "data/grants.csv": (GRANT_COLUMNS, grant_records),
}
