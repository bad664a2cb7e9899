"""The contracts as open data in the Open Contracting Data Standard: data/ocds.json, one
release per published decision procured other than by grant round."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import render
from ..addresses import LICENCE_URL, absolute_url, document_path
from ..model import Decision, Document
from ..publication import Publication
from .envelope import GENERATOR, OPEN_DATA_PAGE, SCHEMA_VERSION
from .tabular import json_bytes, timestamp

OCDS = "data/ocds.json"

# Our routes in the Open Contracting method codelist; framework call-offs and "other" fit
# none of its four values, so they are described in procurementMethodDetails only.
OCDS_METHODS = {"open-tender": "open", "restricted-tender": "selective", "direct-award": "direct"}
OCDS_AWARD_STATUS = {
    "approved": "active",
    "rejected": "unsuccessful",
    "withdrawn": "cancelled",
    "deferred": "pending",
}


def contract_awards(publication: Publication) -> list[Decision]:
    """Every published decision procured other than by grant round, whatever its value: awards,
    extensions and variations, and intentions to go to market as planned tenders."""
    return [decision for decision in publication.decisions if decision.is_procurement]


def _organisation(org_id: str | None, name: str, fallback: str) -> dict[str, Any]:
    party: dict[str, Any] = {"id": org_id or fallback, "name": name}
    if org_id and org_id.count("-") >= 2:
        # org-id.guide identifiers are <list>-<id>, the list code itself holding one hyphen
        # (GB-COH).
        country, register, local = org_id.split("-", 2)
        party["identifier"] = {"scheme": f"{country}-{register}", "id": local}
    return party


def ocid(publication: Publication, decision: Decision) -> str:
    return f"{publication.settings.ocid_prefix}-{decision.reference}"


def _period(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    return {key: timestamp(day) for key, day in (("startDate", start), ("endDate", end)) if day}


def _document_url(publication: Publication, doc: Document, site_url: str) -> str | None:
    if doc.url:
        return doc.url
    if doc.file:
        return absolute_url(site_url, document_path(publication.settings, doc.file))
    return None


def _release(publication: Publication, decision: Decision, site_url: str) -> dict[str, Any]:
    publisher = publication.settings.publisher
    procurement = decision.procurement
    # contract_awards keeps only decisions with a procurement route.
    assert procurement is not None and procurement.route is not None
    buyer = _organisation(publisher.org_id, publisher.name, "buyer")
    suppliers = [
        _organisation(r.org_id, r.name, f"supplier-{i + 1}")
        for i, r in enumerate(decision.recipients)
    ]
    value = (
        {"amount": decision.amount, "currency": decision.currency}
        if decision.amount is not None
        else None
    )
    planned = procurement.stage == "intention"
    tender: dict[str, Any] = {
        "id": decision.reference,
        "title": decision.title,
        "status": "planned" if planned else "complete",
        "procurementMethodDetails": render.label(procurement.route),
    }
    if procurement.route in OCDS_METHODS:
        tender["procurementMethod"] = OCDS_METHODS[procurement.route]
    if procurement.bids_received is not None:
        tender["numberOfTenderers"] = procurement.bids_received
    if procurement.portal:
        tender["submissionMethodDetails"] = f"Advertised on {procurement.portal}"
    if planned:
        # A decision to go to market: what is planned, and no award that has not been made.
        tender["description"] = render.plain_text(decision.summary)
        if value:
            tender["value"] = value
        period = _period(procurement.contract_start, procurement.contract_end)
        if period:
            tender["contractPeriod"] = period
        return {
            "ocid": ocid(publication, decision),
            "id": f"{decision.reference}-{decision.published.isoformat()}",
            "date": timestamp(decision.published),
            "tag": ["planning"],
            "initiationType": "tender",
            "language": "en",
            "parties": [{**buyer, "roles": ["buyer", "procuringEntity"]}],
            "buyer": {"id": buyer["id"], "name": buyer["name"]},
            "tender": tender,
        }
    award: dict[str, Any] = {
        "id": decision.reference,
        "title": decision.title,
        "description": render.plain_text(decision.summary),
        "status": OCDS_AWARD_STATUS[decision.status],
        "date": timestamp(decision.date),
    }
    if value:
        award["value"] = value
    if suppliers:
        award["suppliers"] = [{"id": s["id"], "name": s["name"]} for s in suppliers]
    period = _period(procurement.contract_start, procurement.contract_end)
    if period:
        award["contractPeriod"] = period
    documents = [
        {"id": str(i + 1), "title": doc.title, "url": url}
        for i, doc in enumerate(decision.documents)
        if (url := _document_url(publication, doc, site_url))
    ]
    if documents:
        award["documents"] = documents
    release: dict[str, Any] = {
        "ocid": ocid(publication, decision),
        "id": f"{decision.reference}-{decision.published.isoformat()}",
        "date": timestamp(decision.published),
        "tag": ["award"],
        "initiationType": "tender",
        "language": "en",
        "parties": [{**buyer, "roles": ["buyer", "procuringEntity"]}]
        + [{**s, "roles": ["supplier"]} for s in suppliers],
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "tender": tender,
        "awards": [award],
    }
    if decision.status == "approved":
        contract: dict[str, Any] = {
            "id": decision.reference,
            "awardID": decision.reference,
            "title": decision.title,
        }
        if period:
            contract["period"] = period
        if value:
            contract["value"] = value
        release["tag"].append("contract")
        release["contracts"] = [contract]
    return release


def ocds_package(publication: Publication, site_url: str) -> bytes:
    """The Open Contracting release package (the standard needs one contract at least: none is
    made when `contract_awards` finds none)."""
    awards = contract_awards(publication)
    publisher = publication.settings.publisher
    package: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": GENERATOR,
        "uri": absolute_url(site_url, OCDS),
        "version": "1.1",
        # The newest change to the contents, so the same records give the same file.
        "publishedDate": timestamp(
            max((decision.published for decision in awards), default=publication.today)
        ),
        "publisher": {
            "name": publisher.name,
            **({"uid": publisher.org_id} if publisher.org_id else {}),
        },
        "license": LICENCE_URL,
    }
    if site_url:
        package["publicationPolicy"] = absolute_url(site_url, OPEN_DATA_PAGE)
    package["releases"] = [_release(publication, decision, site_url) for decision in awards]
    return json_bytes(package, items="releases")


# What each key of the file means, for the Open data page.
OCDS_KEYS = (
    ("schema_version", "Version of this file's shape, as in the other JSON files."),
    ("generator.name", "The program that made this file: opcc-transparency."),
    ("generator.version", "Its version; its CHANGELOG says what changed in each."),
    ("uri", "Where this file is published."),
    ("version", "Version of the Open Contracting Data Standard the file follows."),
    ("publishedDate", "Publication date of the newest contract decision, at midnight UTC."),
    ("publisher.name", "The office that publishes the data."),
    ("publisher.uid", "Its org-id.guide identifier."),
    ("license", "Web address of the licence."),
    ("publicationPolicy", "This page."),
    (
        "releases",
        "One release per published decision whose procurement route is not a grant round, whatever "
        "its value; income and decisions noted or endorsed are left out, as they award nothing.",
    ),
    (
        "releases[].ocid",
        "The ocid prefix set in mkdocs.yml and the decision's reference: <prefix>-<reference>.",
    ),
    ("releases[].id", "The reference and the publication date of the decision."),
    ("releases[].date", "Publication date of the decision, at midnight UTC."),
    (
        "releases[].tag",
        "award, and contract where the decision was approved; planning for a decision to go to "
        "market (procurement.stage intention), which has no award.",
    ),
    ("releases[].initiationType", "Always tender."),
    ("releases[].language", "Always en."),
    (
        "releases[].parties[].id",
        "The org-id.guide identifier of the office or the supplier; supplier-<n> for a supplier "
        "without one.",
    ),
    ("releases[].parties[].name", "Name of the office or the supplier (recipients[].name)."),
    ("releases[].parties[].identifier.scheme", "The register of the identifier, like GB-COH."),
    ("releases[].parties[].identifier.id", "The identifier within that register."),
    (
        "releases[].parties[].roles",
        "buyer and procuringEntity for the office; supplier for each recipient.",
    ),
    ("releases[].buyer.id", "The office's identifier."),
    ("releases[].buyer.name", "The office's name."),
    ("releases[].tender.id", "The decision's reference."),
    ("releases[].tender.title", "Title of the decision."),
    (
        "releases[].tender.status",
        "complete where the decision awarded, extended or varied the contract; planned for a "
        "decision to go to market.",
    ),
    (
        "releases[].tender.description",
        "For a planned tender: summary of the decision, as plain text.",
    ),
    (
        "releases[].tender.value.amount",
        "For a planned tender: the decision's amount (financial.amount, or the sum "
        "of its breakdown or its recipients' amounts).",
    ),
    ("releases[].tender.value.currency", "For a planned tender: financial.currency."),
    (
        "releases[].tender.contractPeriod.startDate",
        "For a planned tender: procurement.contract_start.",
    ),
    ("releases[].tender.contractPeriod.endDate", "For a planned tender: procurement.contract_end."),
    (
        "releases[].tender.procurementMethod",
        "procurement.route in the standard's terms: open-tender is open, "
        "restricted-tender is selective, direct-award is direct; left out for "
        "frameworks and other routes.",
    ),
    ("releases[].tender.procurementMethodDetails", "procurement.route in words."),
    ("releases[].tender.numberOfTenderers", "procurement.bids_received."),
    (
        "releases[].tender.submissionMethodDetails",
        "procurement.portal: where the opportunity was advertised.",
    ),
    ("releases[].awards[].id", "The decision's reference."),
    ("releases[].awards[].title", "Title of the decision."),
    ("releases[].awards[].description", "Summary of the decision, as plain text."),
    (
        "releases[].awards[].status",
        "status of the decision: approved is active, rejected unsuccessful, withdrawn cancelled, "
        "deferred pending.",
    ),
    ("releases[].awards[].date", "Date of the decision, at midnight UTC."),
    (
        "releases[].awards[].value.amount",
        "The decision's amount: financial.amount, or the sum of its breakdown or of its "
        "recipients' amounts.",
    ),
    ("releases[].awards[].value.currency", "financial.currency."),
    ("releases[].awards[].suppliers[].id", "As parties[].id."),
    ("releases[].awards[].suppliers[].name", "recipients[].name."),
    (
        "releases[].awards[].contractPeriod.startDate",
        "procurement.contract_start, at midnight UTC.",
    ),
    ("releases[].awards[].contractPeriod.endDate", "procurement.contract_end, at midnight UTC."),
    ("releases[].awards[].documents[].id", "Place of the document in the record, from 1."),
    ("releases[].awards[].documents[].title", "documents[].title."),
    (
        "releases[].awards[].documents[].url",
        "documents[].url, or the address of documents[].file on this site.",
    ),
    ("releases[].contracts[].id", "The decision's reference."),
    ("releases[].contracts[].awardID", "The decision's reference."),
    ("releases[].contracts[].title", "Title of the decision."),
    ("releases[].contracts[].period.startDate", "procurement.contract_start, at midnight UTC."),
    ("releases[].contracts[].period.endDate", "procurement.contract_end, at midnight UTC."),
    ("releases[].contracts[].value.amount", "The decision's amount, as in the award."),
    ("releases[].contracts[].value.currency", "financial.currency."),
)
