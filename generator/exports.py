"""The publication as open data: CSV, JSON, Atom feeds, 360Giving and Open Contracting files.

Every function reads a Publication (so nothing withheld can reach a file) and returns bytes;
`write` puts them in a built site. The output is deterministic: keys in a fixed order, no
clock read, every date from a record or from the publication's build date.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any, Callable, Collection, Iterable, Iterator
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from . import __version__, registercsv, render
from .addresses import LICENCE_NAME, LICENCE_URL, absolute_url, document_path
from .datadictionary import (
    LIST_SEPARATOR,
    Field,
    decision_columns,
    decision_fields,
    funding_columns,
)
from .model import Decision
from .publication import Publication
from .registers import GrantRow, Registers

# The version of the shapes below. Later versions only add keys and columns.
SCHEMA_VERSION = "1.0"
# Which generator made a file, so a re-user can match it to the CHANGELOG.
PACKAGE = "opcc-transparency"
GENERATOR = {"name": PACKAGE, "version": __version__}
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

DECISIONS_CSV = "data/decisions.csv"
DECISIONS_JSON = "data/decisions.json"
FUNDING_CSV = "data/funding.csv"
GRANTS_360 = "data/360giving.json"
OCDS = "data/ocds.json"
FEED = "feed.xml"
SCHEMAS = ("decision", "funding")
RECORD_JSON = "record.json"
OPEN_DATA_PAGE = "open-data/"

# Our routes in the Open Contracting method codelist; framework call-offs and "other" fit
# none of its four values, so they are described in procurementMethodDetails only.
OCDS_METHODS = {"open-tender": "open", "restricted-tender": "selective", "direct-award": "direct"}
OCDS_AWARD_STATUS = {
    "approved": "active",
    "rejected": "unsuccessful",
    "withdrawn": "cancelled",
    "deferred": "pending",
}


def category_feed(category: str) -> str:
    return f"decisions/category/{category}/{FEED}"


def schema_file(name: str) -> str:
    return f"schema/{name}.schema.json"


def _number(amount: Decimal) -> int | float:
    # Amounts carry at most two decimals and fewer than 15 digits, so the float's shortest
    # form is the amount itself: 30000.50 is written 30000.5, never 30000.499999.
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def _json_text(data: Any) -> str:
    # Compact: with indent, json falls back to its pure-Python encoder, several times slower
    # over 10,000 records. Browsers and tools pretty-print JSON themselves.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_jsonable)


def json_bytes(data: Any) -> bytes:
    return (_json_text(data) + "\n").encode("utf-8")


def _timestamp(day: dt.date) -> str:
    """RFC 3339, midnight UTC: records carry dates, feeds and standards want date-times."""
    return f"{day.isoformat()}T00:00:00Z"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# Decision records ------------------------------------------------------------------------


def _public(obj: Any, fields: Iterable[Field]) -> dict[str, Any]:
    """The public keys of a record (or a part of one), in the schema's order, empty ones left out."""
    out: dict[str, Any] = {}
    for f in fields:
        value = getattr(obj, f.path[-1], None)
        if value is None:
            continue
        if f.kind == "object":
            value = _public(value, f.children)
        elif f.kind == "records":
            value = [_public(item, f.children) for item in value]
        elif f.kind in ("list", "mapping"):
            value = type(value)(value)
        if not (isinstance(value, (list, dict)) and not value):
            out[f.path[-1]] = value
    return out


def decision_record(
    d: Decision, embargoed: set[str], site_url: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Every public field of a decision, keyed as in its YAML file, and the page's address.

    References to embargoed decisions are left out: even a reference must not say that a
    decision exists before it is published.
    """
    record = _public(d, decision_fields())
    if "related" in record:
        record["related"] = [
            ref
            if isinstance(ref, str)
            else {k: v for k, v in dataclasses.asdict(ref).items() if v is not None}
            for ref in record["related"]
            if ref not in embargoed
        ]
        if not record["related"]:
            del record["related"]
    for key in ("supersedes", "amends"):
        if record.get(key) in embargoed:
            del record[key]
    for part, public in zip(d.exempt, record.get("exempt", [])):
        if today is not None and part.content and part.is_released(today):
            public["content"] = part.content
    if d.amount is not None:
        record["total"] = d.amount
    record["url"] = absolute_url(site_url, d.url)
    return record


def _cell(value: Any, field: Field | None) -> Any:
    """A field's value as one cell: lists joined, nested records as JSON; csv_cell formats the rest."""
    kind = field.kind if field else "text"
    if value is not None and kind == "list":
        # related: a decision elsewhere is an object, written as JSON text among the references.
        return LIST_SEPARATOR.join(v if isinstance(v, str) else _json_text(v) for v in value)
    if value is not None and kind in ("records", "mapping"):
        return _json_text(value)
    return value


def _lookup(record: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


# Spreadsheets run a cell that starts with one of these as a formula, also after spaces.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet cannot run: one leading apostrophe, which spreadsheets show as text,
    before a formula's first character, and before a text that starts with an apostrophe
    itself, so that removing one leading apostrophe always gives back the exact text."""
    return (
        "'" + text if text.startswith("'") or text.lstrip(" ").startswith(_FORMULA_START) else text
    )


def csv_cell(value: Any) -> str:
    """Every CSV cell the site publishes, in one format: numbers exact and shortest, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return spreadsheet_safe(str(value))


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """The one CSV writer: RFC 4180, UTF-8, CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def decision_records(pub: Publication, site_url: str) -> list[dict[str, Any]]:
    """The public record of every published decision, newest first."""
    embargoed = {e.reference for e in pub.withheld.embargoed}
    return [decision_record(d, embargoed, site_url, pub.today) for d in pub.decisions]


def decisions_csv(records: list[dict[str, Any]]) -> bytes:
    columns = decision_columns()
    return csv_bytes(
        [c.name for c in columns],
        (
            [_cell(_lookup(r, c.field.path if c.field else (c.name,)), c.field) for c in columns]
            for r in records
        ),
    )


def _envelope(pub: Publication) -> dict[str, Any]:
    publisher = pub.settings.publisher
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": GENERATOR,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "publisher": {"name": publisher.name, "org_id": publisher.org_id, "url": publisher.url},
    }


def decisions_json(pub: Publication, records: list[dict[str, Any]]) -> bytes:
    return json_bytes({**_envelope(pub), "decisions": records})


def record_json(pub: Publication, record: dict[str, Any]) -> bytes:
    return json_bytes({**_envelope(pub), "decision": record})


def funding_csv(pub: Publication) -> bytes:
    rows = (
        [table.slug, table.title, row.id, row.name, year, value]
        for table in pub.funding_tables
        for row in table.rows
        for year, value in zip(table.columns, row.values)
    )
    return csv_bytes([c.name for c in funding_columns()], rows)


# Atom ------------------------------------------------------------------------------------


def _feed_order(d: Decision) -> tuple:
    return (d.published, d.date, d.reference)


def _host(pub: Publication, site_url: str) -> str:
    return (
        urlsplit(site_url).hostname or urlsplit(pub.settings.publisher.url).hostname or "localhost"
    )


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def atom_feed(
    pub: Publication, site_url: str, decisions: list[Decision], path: str, page: str, title: str
) -> bytes:
    """An Atom 1.0 feed of the newest published decisions, newest first.

    Entry ids are tag URIs made from the reference, so they stay the same when a record is
    corrected or the site's pages move.
    """
    entries = sorted(decisions, key=_feed_order, reverse=True)[: pub.settings.feed_size]
    host = _host(pub, site_url)
    # The namespace as a plain attribute: ElementTree's default_namespace refuses the
    # unqualified attributes (rel, href) that Atom uses.
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: "en-GB"})
    _sub(
        feed,
        "id",
        absolute_url(site_url, path) if site_url else f"tag:{host},{pub.today.year}:{path}",
    )
    _sub(feed, "title", title)
    _sub(feed, "updated", _timestamp(max((d.published for d in entries), default=pub.today)))
    _sub(_sub(feed, "author"), "name", pub.settings.publisher.name)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=absolute_url(site_url, path))
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute_url(site_url, page))
    _sub(feed, "rights", f"{LICENCE_NAME}: {LICENCE_URL}")
    _sub(feed, "generator", PACKAGE, version=__version__)
    for d in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"tag:{host},{d.date.year}:{d.reference}")
        _sub(entry, "title", f"{d.reference}: {d.title}")
        _sub(entry, "link", rel="alternate", type="text/html", href=absolute_url(site_url, d.url))
        _sub(
            entry,
            "link",
            rel="alternate",
            type="application/json",
            href=absolute_url(site_url, d.url + RECORD_JSON),
        )
        _sub(entry, "published", _timestamp(d.published))
        _sub(entry, "updated", _timestamp(d.published))
        _sub(_sub(entry, "author"), "name", d.decision_maker)
        if d.category:
            _sub(entry, "category", term=d.category, label=render.label(d.category))
        _sub(entry, "summary", render.plain_text(d.summary), type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def feeds(
    pub: Publication, site_url: str, wanted: Callable[[str], bool] = lambda path: True
) -> Iterator[tuple[str, bytes]]:
    """The feed of all decisions and one per category in use (those wanted)."""
    name = pub.settings.publisher.name
    if wanted(FEED):
        yield (
            FEED,
            atom_feed(pub, site_url, pub.decisions, FEED, "decisions/", f"{name}: decisions"),
        )
    for category in pub.categories:
        if not wanted(category_feed(category)):
            continue
        yield (
            category_feed(category),
            atom_feed(
                pub,
                site_url,
                pub.in_category(category),
                category_feed(category),
                f"decisions/category/{category}/",
                f"{name}: {render.label(category).lower()} decisions",
            ),
        )


# 360Giving -------------------------------------------------------------------------------


def grant_left_out(row: GrantRow) -> str | None:
    """Why a row of the grants register cannot be a 360Giving grant, or None if it can."""
    if row.recipient is None:
        return "names no recipient (360Giving requires a recipient organisation)"
    if row.amount is None:
        return f"gives no amount for {row.recipient.name}"
    if row.recipient.count:
        return f"gives {row.recipient.name} as one line for {row.recipient.count} organisations not named one by one (360Giving describes a grant to one named organisation)"
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


def grant_id(pub: Publication, row: GrantRow) -> str:
    return f"{pub.settings.grants_prefix}-{row.decision.reference}-{row.index + 1}"


def _grant(pub: Publication, row: GrantRow, site_url: str) -> dict[str, Any]:
    d, recipient, settings = row.decision, row.recipient, pub.settings
    grant: dict[str, Any] = {
        "id": grant_id(pub, row),
        "title": d.title,
        "description": render.plain_text(d.summary),
        "currency": d.currency,
        "amountAwarded": row.amount,
        "awardDate": d.date,
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
        grant["url"] = absolute_url(site_url, d.url)
    if row.funding_stream in pub.streams:
        grant["grantProgramme"] = [
            {"code": row.funding_stream, "title": pub.streams[row.funding_stream][1].name}
        ]
    start, end = _grant_dates(d)
    if start:
        grant["plannedDates"] = [{"startDate": start, **({"endDate": end} if end else {})}]
    grant["dateModified"] = _timestamp(d.published)
    return grant


def _grant_dates(d: Decision) -> tuple[dt.date | None, dt.date | None]:
    """The period the grant covers; else the contract period of its procurement."""
    if d.period and d.period.start:
        return d.period.start, d.period.end
    if d.procurement and d.procurement.contract_start:
        return d.procurement.contract_start, d.procurement.contract_end
    return None, None


def grants(pub: Publication, rows: list[GrantRow], site_url: str) -> list[dict[str, Any]]:
    """One 360Giving grant per recipient of every awarded grant, from the grants register's rows."""
    return [_grant(pub, row, site_url) for row in rows if grant_left_out(row) is None]


def grants_360(pub: Publication, rows: list[GrantRow], site_url: str) -> bytes | None:
    """The 360Giving grant package; None when there is no grant, as the standard needs one."""
    awarded = grants(pub, rows, site_url)
    if not awarded:
        return None
    publisher = pub.settings.publisher
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
    package["grants"] = awarded
    return json_bytes(package)


# Open Contracting ------------------------------------------------------------------------


def contract_awards(pub: Publication) -> list[Decision]:
    """Every published decision procured other than by grant round, whatever its value: awards,
    extensions and variations, and intentions to go to market as planned tenders."""
    return [d for d in pub.decisions if d.is_procurement]


def _organisation(org_id: str | None, name: str, fallback: str) -> dict[str, Any]:
    party: dict[str, Any] = {"id": org_id or fallback, "name": name}
    if org_id and org_id.count("-") >= 2:
        # org-id.guide identifiers are <list>-<id>, the list code itself holding one hyphen
        # (GB-COH).
        country, register, local = org_id.split("-", 2)
        party["identifier"] = {"scheme": f"{country}-{register}", "id": local}
    return party


def ocid(pub: Publication, d: Decision) -> str:
    return f"{pub.settings.ocid_prefix}-{d.reference}"


def _period(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    return {key: _timestamp(day) for key, day in (("startDate", start), ("endDate", end)) if day}


def _release(pub: Publication, d: Decision, site_url: str) -> dict[str, Any]:
    publisher = pub.settings.publisher
    proc = d.procurement
    buyer = _organisation(publisher.org_id, publisher.name, "buyer")
    suppliers = [
        _organisation(r.org_id, r.name, f"supplier-{i + 1}") for i, r in enumerate(d.recipients)
    ]
    value = {"amount": d.amount, "currency": d.currency} if d.amount is not None else None
    planned = proc.stage == "intention"
    tender: dict[str, Any] = {
        "id": d.reference,
        "title": d.title,
        "status": "planned" if planned else "complete",
        "procurementMethodDetails": render.label(proc.route),
    }
    if proc.route in OCDS_METHODS:
        tender["procurementMethod"] = OCDS_METHODS[proc.route]
    if proc.bids_received is not None:
        tender["numberOfTenderers"] = proc.bids_received
    if proc.portal:
        tender["submissionMethodDetails"] = f"Advertised on {proc.portal}"
    if planned:
        # A decision to go to market: what is planned, and no award that has not been made.
        tender["description"] = render.plain_text(d.summary)
        if value:
            tender["value"] = value
        period = _period(proc.contract_start, proc.contract_end)
        if period:
            tender["contractPeriod"] = period
        return {
            "ocid": ocid(pub, d),
            "id": f"{d.reference}-{d.published.isoformat()}",
            "date": _timestamp(d.published),
            "tag": ["planning"],
            "initiationType": "tender",
            "language": "en",
            "parties": [{**buyer, "roles": ["buyer", "procuringEntity"]}],
            "buyer": {"id": buyer["id"], "name": buyer["name"]},
            "tender": tender,
        }
    award: dict[str, Any] = {
        "id": d.reference,
        "title": d.title,
        "description": render.plain_text(d.summary),
        "status": OCDS_AWARD_STATUS[d.status],
        "date": _timestamp(d.date),
    }
    if value:
        award["value"] = value
    if suppliers:
        award["suppliers"] = [{"id": s["id"], "name": s["name"]} for s in suppliers]
    period = _period(proc.contract_start, proc.contract_end)
    if period:
        award["contractPeriod"] = period
    documents = [
        {
            "id": str(i + 1),
            "title": doc.title,
            "url": doc.url or absolute_url(site_url, document_path(pub.settings, doc.file)),
        }
        for i, doc in enumerate(d.documents)
        if doc.url or doc.file
    ]
    if documents:
        award["documents"] = documents
    release: dict[str, Any] = {
        "ocid": ocid(pub, d),
        "id": f"{d.reference}-{d.published.isoformat()}",
        "date": _timestamp(d.published),
        "tag": ["award"],
        "initiationType": "tender",
        "language": "en",
        "parties": [{**buyer, "roles": ["buyer", "procuringEntity"]}]
        + [{**s, "roles": ["supplier"]} for s in suppliers],
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "tender": tender,
        "awards": [award],
    }
    if d.status == "approved":
        contract: dict[str, Any] = {"id": d.reference, "awardID": d.reference, "title": d.title}
        if period:
            contract["period"] = period
        if value:
            contract["value"] = value
        release["tag"].append("contract")
        release["contracts"] = [contract]
    return release


def ocds_package(pub: Publication, site_url: str) -> bytes | None:
    """The Open Contracting release package; None when there is no contract, as the standard needs one."""
    awards = contract_awards(pub)
    if not awards:
        return None
    publisher = pub.settings.publisher
    package: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generator": GENERATOR,
        "uri": absolute_url(site_url, OCDS),
        "version": "1.1",
        # The newest change to the contents, so the same records give the same file.
        "publishedDate": _timestamp(max((d.published for d in awards), default=pub.today)),
        "publisher": {
            "name": publisher.name,
            **({"uid": publisher.org_id} if publisher.org_id else {}),
        },
        "license": LICENCE_URL,
    }
    if site_url:
        package["publicationPolicy"] = absolute_url(site_url, OPEN_DATA_PAGE)
    package["releases"] = [_release(pub, d, site_url) for d in awards]
    return json_bytes(package)


# The whole set -----------------------------------------------------------------------------


def schema_bytes(name: str) -> bytes:
    return resources.files("generator").joinpath(f"schemas/{name}.schema.json").read_bytes()


def site_exports(
    pub: Publication,
    registers: Registers,
    site_url: str,
    *,
    only: Collection[str] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Every open data file as (path in the site, content), made one at a time; with only, just
    the files at those paths (what the live preview writes again after a save)."""

    def wanted(path: str) -> bool:
        return only is None or path in only

    records = decision_records(pub, site_url)
    if wanted(DECISIONS_CSV):
        yield DECISIONS_CSV, decisions_csv(records)
    if wanted(DECISIONS_JSON):
        yield DECISIONS_JSON, decisions_json(pub, records)
    if wanted(FUNDING_CSV):
        yield FUNDING_CSV, funding_csv(pub)
    if wanted(GRANTS_360) and (grants_file := grants_360(pub, registers.grants, site_url)):
        yield GRANTS_360, grants_file
    if wanted(OCDS) and (ocds_file := ocds_package(pub, site_url)):
        yield OCDS, ocds_file
    yield from feeds(pub, site_url, wanted)
    for name in SCHEMAS:
        if wanted(schema_file(name)):
            yield schema_file(name), schema_bytes(name)
    for d, record in zip(pub.decisions, records):
        if wanted(d.url + RECORD_JSON):
            yield d.url + RECORD_JSON, record_json(pub, record)
    for path, (columns, rows) in registercsv.DOWNLOADS.items():
        if wanted(path):
            yield (
                path,
                csv_bytes(
                    columns, ([row[c] for c in columns] for row in rows(pub, registers, site_url))
                ),
            )


# What each key of the JSON files means, for the Open data page. The tests check that every
# key the files hold is listed here.
ENVELOPE_KEYS = (
    ("schema_version", "Version of the shape of this file. Later versions only add keys."),
    ("generator.name", "The program that made this file: opcc-transparency."),
    ("generator.version", "Its version; its CHANGELOG says what changed in each."),
    ("licence.name", f"The licence of the data: {LICENCE_NAME}."),
    ("licence.url", "Web address of the licence."),
    ("publisher.name", "The office that publishes the data (publisher.name in mkdocs.yml)."),
    ("publisher.org_id", "Its org-id.guide identifier (publisher.org_id in mkdocs.yml)."),
    ("publisher.url", "Its website."),
    ("decisions", "In data/decisions.json: every published decision, newest first."),
    ("decision", "In each record.json: the one decision."),
)
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
