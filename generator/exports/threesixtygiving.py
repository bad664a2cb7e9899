"""The grants as open data in the 360Giving Data Standard: data/360giving.json, one grant per
named recipient of each approved grant decision, from the grants register's rows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .. import render
from ..addresses import LICENCE_URL, absolute_url
from ..model import Decision
from ..publication import Publication
from ..registers import GrantRow
from .envelope import GENERATOR, OPEN_DATA_PAGE, SCHEMA_VERSION
from .tabular import json_bytes, timestamp

GRANTS_360 = "data/360giving.json"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def grant_left_out(row: GrantRow) -> str | None:
    """Why a row of the grants register cannot be a 360Giving grant, or None if it can."""
    if row.recipient is None:
        return "names no recipient (360Giving requires a recipient organisation)"
    if row.amount is None:
        return f"gives no amount for {row.recipient.name}"
    if row.recipient.count:
        return (
            f"gives {row.recipient.name} as one line for {row.recipient.count} organisations not "
            "named one by one (360Giving describes a grant to one named organisation)"
        )
    if row.decision.status != "approved":
        return f"was {row.decision.status}, so nothing was awarded"
    return None


@dataclass(frozen=True)
class LeftOut:
    decision: Decision
    reason: str


def grants_left_out(rows: list[GrantRow]) -> list[LeftOut]:
    """The grant decisions, or some of their recipients, that 360Giving cannot express, and why."""
    left_out: dict[tuple[str, str], LeftOut] = {}
    for row in rows:
        reason = grant_left_out(row)
        if reason:
            left_out.setdefault((row.decision.reference, reason), LeftOut(row.decision, reason))
    return list(left_out.values())


def grant_id(publication: Publication, row: GrantRow) -> str:
    return f"{publication.settings.grants_prefix}-{row.decision.reference}-{row.index + 1}"


def _grant(publication: Publication, row: GrantRow, site_url: str) -> dict[str, Any]:
    decision, recipient, settings = row.decision, row.recipient, publication.settings
    # grants() keeps only rows with a recipient (grant_left_out).
    assert recipient is not None
    grant: dict[str, Any] = {
        "id": grant_id(publication, row),
        "title": decision.title,
        "description": render.plain_text(decision.summary),
        "currency": decision.currency,
        "amountAwarded": row.amount,
        "awardDate": decision.date,
        "recipientOrganization": [
            {
                # Without an org-id.guide identifier, 360Giving asks for one made from our prefix.
                "id": recipient.org_id or f"{settings.grants_prefix}-{_slug(recipient.name)}",
                "name": recipient.name,
            }
        ],
        "fundingOrganization": [{"id": settings.publisher.org_id, "name": settings.publisher.name}],
    }
    if site_url:
        grant["url"] = absolute_url(site_url, decision.url)
    if row.funding_stream in publication.streams:
        grant["grantProgramme"] = [
            {"code": row.funding_stream, "title": publication.streams[row.funding_stream][1].name}
        ]
    start, end = _grant_dates(decision)
    if start:
        grant["plannedDates"] = [{"startDate": start, **({"endDate": end} if end else {})}]
    grant["dateModified"] = timestamp(decision.published)
    return grant


def _grant_dates(decision: Decision) -> tuple[dt.date | None, dt.date | None]:
    """The period the grant covers; else the contract period of its procurement."""
    if decision.period and decision.period.start:
        return decision.period.start, decision.period.end
    if decision.procurement and decision.procurement.contract_start:
        return decision.procurement.contract_start, decision.procurement.contract_end
    return None, None


def awarded(rows: list[GrantRow]) -> list[GrantRow]:
    """The rows of the grants register that are 360Giving grants: one per recipient of every
    awarded grant."""
    return [row for row in rows if grant_left_out(row) is None]


def grants_360(publication: Publication, rows: list[GrantRow], site_url: str) -> bytes:
    """The 360Giving grant package (the standard needs one grant at least: none is made when
    `awarded` finds none)."""
    made = [_grant(publication, row, site_url) for row in awarded(rows)]
    publisher = publication.settings.publisher
    package: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": GENERATOR,
        "version": "1.4",
        "title": f"{publisher.name}: grants",
        "license": LICENCE_URL,
        "publisher": {
            "name": publisher.name,
            **({"identifier": publisher.org_id} if publisher.org_id else {}),
            **({"website": publisher.url} if publisher.url else {}),
        },
    }
    if site_url:
        package.update(
            downloadURL=absolute_url(site_url, GRANTS_360),
            accessURL=absolute_url(site_url, OPEN_DATA_PAGE),
        )
    package["grants"] = made
    return json_bytes(package, items="grants")


# What each key of the file means, for the Open data page.
GRANT_KEYS = (
    ("schema_version", "Version of this file's shape, as in the other JSON files."),
    ("generator.name", "The program that made this file: opcc-transparency."),
    ("generator.version", "Its version; its CHANGELOG says what changed in each."),
    ("version", "Version of the 360Giving Data Standard the file follows."),
    ("title", "Title of the file."),
    ("license", "Web address of the licence."),
    ("publisher.name", "The office that publishes the data."),
    ("publisher.identifier", "Its org-id.guide identifier."),
    ("publisher.website", "Its website."),
    ("downloadURL", "Where this file is published."),
    ("accessURL", "This page."),
    ("grants", "One grant per named recipient of each approved grant decision."),
    (
        "grants[].id",
        "The grants prefix set in mkdocs.yml, the decision's reference and the recipient's place "
        "in "
        "the record, from 1: <prefix>-<reference>-<n>.",
    ),
    ("grants[].title", "Title of the decision."),
    ("grants[].description", "Summary of the decision, as plain text."),
    ("grants[].currency", "financial.currency of the decision."),
    (
        "grants[].amountAwarded",
        "The recipient's amount (recipients[].amount), or the decision's amount where it names one "
        "recipient only.",
    ),
    ("grants[].awardDate", "Date of the decision."),
    (
        "grants[].recipientOrganization[].id",
        "recipients[].org_id; where the record gives none, the grants prefix "
        "and the recipient's name in lower case joined by hyphens.",
    ),
    ("grants[].recipientOrganization[].name", "recipients[].name."),
    ("grants[].fundingOrganization[].id", "The office's org-id.guide identifier."),
    ("grants[].fundingOrganization[].name", "The office's name."),
    ("grants[].url", "The decision's page on this site."),
    ("grants[].grantProgramme[].code", "financial.funding_stream: the funding stream's id."),
    ("grants[].grantProgramme[].title", "The funding stream's name, from the funding tables."),
    (
        "grants[].plannedDates[].startDate",
        "period.start, else procurement.contract_start, where the record gives it.",
    ),
    (
        "grants[].plannedDates[].endDate",
        "period.end, else procurement.contract_end, where the record gives it.",
    ),
    ("grants[].dateModified", "The decision's publication date, at midnight UTC."),
)
