"""The open data files of the built fixture site, read as a re-user's tools would read them.

Most tests read the session's one build (`site`); the expected values come from the records
themselves (generator.load and publish of the fixture), never from the exporter's own helpers.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib.metadata
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from conftest import CANARIES, FIXTURE_SITE, REPO, build_site
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from generator import exports, load, pages, registers
from generator.model import Decision, Recipient
from generator.publication import publish
from generator.schema import load_schema
from generator.settings import read_settings

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
SITE_URL = "https://example.org/our-business/making-decisions/"
ATOM = "{http://www.w3.org/2005/Atom}"
DATA_FILES = (
    "data/decisions.csv",
    "data/decisions.json",
    "data/funding.csv",
    "data/360giving.json",
    "data/ocds.json",
    "data/contracts.csv",
    "data/grants.csv",
    "feed.xml",
    "schema/decision.schema.json",
    "schema/funding.schema.json",
)


@pytest.fixture(scope="module")
def records():
    return load.load(read_settings(FIXTURE_SITE / "mkdocs.yml"))


@pytest.fixture(scope="module")
def pub(records):
    return publish(records)


def read_json(site: Path, path: str, **options):
    return json.loads((site / path).read_text("utf-8"), **options)


def read_csv(site: Path, path: str) -> list[dict[str, str]]:
    with open(site / path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def export_paths(site: Path) -> list[Path]:
    """Every open data file of a built site: the named files, the feeds and each record.json."""
    paths = [site / p for p in DATA_FILES]
    paths += sorted(site.glob("decisions/category/*/feed.xml")) + sorted(
        site.glob("decisions/*/*/record.json")
    )
    return paths


# ---------------------------------------------------------------------------
# Present, parseable, free of withheld text, reproducible
# ---------------------------------------------------------------------------


def test_every_export_is_built_and_parses(site):
    for path in export_paths(site):
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        if path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".csv":
            assert list(csv.reader(io.StringIO(text, newline="")))
        else:
            ET.fromstring(raw)
    assert len(list(site.glob("decisions/category/*/feed.xml"))) == 3  # grants, contracts, finance


def test_no_withheld_text_in_any_export(site):
    for path in export_paths(site):
        text = path.read_text("utf-8")
        for canary in CANARIES:
            assert canary not in text, f"{canary} in {path.relative_to(site)}"


def test_embargoed_record_has_no_file_and_no_mention(site, pub):
    assert "FIX-2021-009" in {d.reference for d in pub.withheld.embargoed}
    assert not (site / "decisions/2021/fix-2021-009").exists()
    published = read_json(site, "data/decisions.json")["decisions"]
    assert [d["reference"] for d in published] == [d.reference for d in pub.decisions]
    grants_record = next(d for d in published if d["reference"] == "FIX-2020-001")
    # The record relates itself to the embargoed decision; the export keeps only the public one.
    assert grants_record["related"] == ["FIX-2020-002"]


def test_site_files_are_exactly_the_core_output(site, pub):
    """The plugin writes what generator.exports makes, and making it twice gives the same bytes."""

    def made() -> dict[str, bytes]:
        return {
            e.path: e.make() for e in exports.site_exports(pub, registers.derive(pub), SITE_URL)
        }

    first = made()
    assert first == made()
    for path, content in first.items():
        assert (site / path).read_bytes() == content, path
    assert {str(p.relative_to(site)) for p in export_paths(site)} == set(first)


def test_schema_version_in_every_json_export(site):
    for path in export_paths(site):
        if path.suffix == ".json" and path.parent.name != "schema":
            assert (
                read_json(site, str(path.relative_to(site)))["schema_version"]
                == exports.SCHEMA_VERSION
            )


def test_every_json_export_and_feed_names_the_generator_version(site):
    installed = importlib.metadata.version("opcc-transparency")
    jsons = [p for p in export_paths(site) if p.suffix == ".json" and p.parent.name != "schema"]
    assert {"data/decisions.json", "data/ocds.json", "data/360giving.json"} <= {
        str(p.relative_to(site)) for p in jsons
    }
    for path in jsons:
        assert read_json(site, str(path.relative_to(site)))["generator"] == {
            "name": "opcc-transparency",
            "version": installed,
        }
    generator = read_feed(site, "feed.xml").find(f"{ATOM}generator")
    assert (generator.text, generator.get("version")) == ("opcc-transparency", installed)


def test_published_schemas_are_the_validators_own(site):
    for name in ("decision", "funding"):
        assert read_json(site, f"schema/{name}.schema.json") == load_schema(name)


# ---------------------------------------------------------------------------
# Decisions as CSV and JSON
# ---------------------------------------------------------------------------

JSON_COLUMNS = {"implications", "recipients", "documents", "exempt", "financial.breakdown"}
LIST_COLUMNS = {"related", "tags", "other_references", "joint_with"}
DATE_COLUMNS = {
    "date",
    "published",
    "signed",
    "procurement.contract_start",
    "procurement.contract_end",
    "period.start",
    "period.end",
}


def expected_fields(d: Decision, pub) -> dict:
    """The public fields of a record, flattened as the CSV has them, written out by hand."""
    embargoed = {e.reference for e in pub.withheld.embargoed}
    f, p, s, period = d.financial, d.procurement, d.signed_by, d.period
    fields = {
        "reference": d.reference,
        "title": d.title,
        "date": d.date,
        "decision_maker": d.decision_maker,
        "status": d.status,
        "summary": d.summary,
        "published": d.published,
        "category": d.category,
        "decision": d.decision,
        "background": d.background,
        "lead_officer": d.lead_officer,
        "signed": d.signed,
        "options_considered": d.options_considered,
        "interests_declared": d.interests_declared,
        "significant_public_interest": d.significant_public_interest,
        "implications": d.implications or None,
        "financial.amount": f and f.amount,
        "financial.amount_basis": f and f.amount_basis,
        "financial.vat": f and f.vat,
        "financial.direction": f and f.direction,
        "financial.currency": f and f.currency,
        "financial.funding_stream": f and f.funding_stream,
        "financial.financial_year": f and f.financial_year,
        "financial.breakdown": f
        and [
            {
                k: v
                for k, v in (
                    ("amount", b.amount),
                    ("financial_year", b.financial_year),
                    ("funding_stream", b.funding_stream),
                    ("description", b.description),
                )
                if v is not None
            }
            for b in f.breakdown
        ]
        or None,
        "recipients": [
            {
                k: v
                for k, v in (
                    ("name", r.name),
                    ("org_id", r.org_id),
                    ("amount", r.amount),
                    ("count", r.count),
                )
                if v is not None
            }
            for r in d.recipients
        ]
        or None,
        "procurement.route": p and p.route,
        "procurement.portal": p and p.portal,
        "procurement.bids_received": p and p.bids_received,
        "procurement.contract_start": p and p.contract_start,
        "procurement.contract_end": p and p.contract_end,
        "procurement.options": p and p.options,
        "procurement.stage": p and p.stage,
        "documents": [
            {
                k: v
                for k, v in (("title", doc.title), ("file", doc.file), ("url", doc.url))
                if v is not None
            }
            for doc in d.documents
        ]
        or None,
        "related": [r for r in d.related if r not in embargoed] or None,
        "supersedes": d.supersedes if d.supersedes not in embargoed else None,
        "tags": d.tags or None,
        "exempt": [
            {
                k: v
                for k, v in (
                    ("title", e.title),
                    ("reason", e.reason),
                    ("release_on", e.release_on and e.release_on.isoformat()),
                    ("review_on", e.review_on and e.review_on.isoformat()),
                )
                if v is not None
            }
            for e in d.exempt
        ]
        or None,
        "other_references": d.other_references or None,
        "signed_by.name": s and s.name,
        "signed_by.role": s and s.role,
        "delegation": d.delegation,
        "joint_with": d.joint_with or None,
        "period.start": period and period.start,
        "period.end": period and period.end,
        "amends": d.amends if d.amends not in embargoed else None,
        "withheld.reason": d.withheld and d.withheld.reason,
        "total": d.amount,
        "url": SITE_URL + d.url,
    }
    return fields


def parse_cell(column: str, text: str):
    if text == "":
        return None
    # The CSV writer's formula guard: one leading apostrophe, always removable.
    text = text[1:] if text.startswith("'") else text
    if column in JSON_COLUMNS:
        return json.loads(text, parse_float=Decimal)
    if column in LIST_COLUMNS:
        return text.split("; ")
    if column in DATE_COLUMNS:
        return dt.date.fromisoformat(text)
    if column == "significant_public_interest":
        return {"true": True, "false": False}[text]
    if column in ("financial.amount", "total"):
        return Decimal(text)
    if column == "procurement.bids_received":
        return int(text)
    return text


def test_decisions_csv_round_trips_to_the_published_records(site, pub):
    rows = read_csv(site, "data/decisions.csv")
    assert len(rows) == len(pub.decisions)
    for row, d in zip(rows, pub.decisions):
        parsed = {column: parse_cell(column, text) for column, text in row.items()}
        assert parsed == expected_fields(d, pub), d.reference


def test_decisions_csv_is_rfc4180_utf8(site):
    raw = (site / "data/decisions.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
    assert raw.endswith(b"\r\n")
    # Every line break outside a quoted cell is CRLF; the XSS record's summary spans two lines
    # inside one quoted cell and keeps its own line break.
    records = raw.split(b"\r\n")
    assert records[0].startswith(b"reference,title,date,decision_maker,status,summary,published,")
    assert b'"<script>alert(""title"")</script> Contract just over the threshold"' in raw


def flatten(item: dict) -> dict:
    flat = {}
    for key, value in item.items():
        if key in ("financial", "procurement"):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def test_decisions_json_holds_every_public_field(site, pub):
    items = read_json(site, "data/decisions.json", parse_float=Decimal)["decisions"]
    for item, d in zip(items, pub.decisions, strict=True):
        expected = {k: v for k, v in expected_fields(d, pub).items() if v is not None}
        expected = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in expected.items()}
        assert flatten(item) == expected, d.reference


def test_each_decision_object_is_a_valid_record(site):
    """Apart from its page address and total, each object is a record the site itself would
    accept."""
    validator = Draft202012Validator(
        load_schema("decision"), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    for item in read_json(site, "data/decisions.json")["decisions"]:
        # url and total are the keys the exports add to what staff wrote.
        record = {k: v for k, v in item.items() if k not in ("url", "total")}
        assert not list(validator.iter_errors(record)), item["reference"]


@pytest.mark.parametrize(
    "path, key",
    [
        ("data/decisions.json", "decisions"),
        ("data/ocds.json", "releases"),
        ("data/360giving.json", "grants"),
    ],
)
def test_a_json_file_holds_one_item_to_a_line(site, path, key):
    """So a line tool, a diff between two versions, and the guard reading the file in parts take
    it an item at a time."""
    lines = (site / path).read_text("utf-8").split("\n")
    items = read_json(site, path)[key]
    assert len(items) > 1 and lines[-2:] == ["]}", ""]
    assert [json.loads(line.removesuffix(",")) for line in lines[1:-2]] == items
    assert json.loads(lines[0] + "]}") == {**read_json(site, path), key: []}


def test_amounts_are_exact_plain_numbers(site):
    raw = (site / "data/decisions.json").read_text("utf-8")
    assert '"amount":30000.5,' in raw and '"amount":10000.01,' in raw and '"amount":9999.99,' in raw
    assert "£" not in raw
    item = next(
        d
        for d in json.loads(raw, parse_float=Decimal)["decisions"]
        if d["reference"] == "FIX-2020-001"
    )
    assert item["financial"]["amount"] == Decimal("30000.50")
    assert [r["amount"] for r in item["recipients"]] == [
        10000,
        Decimal("10000.25"),
        Decimal("10000.25"),
    ]
    rows = {r["reference"]: r for r in read_csv(site, "data/decisions.csv")}
    assert rows["FIX-2020-001"]["financial.amount"] == "30000.5"
    assert rows["FIX-2020-003"]["financial.amount"] == "10000"


def test_exempt_parts_are_title_and_reason_only(site):
    item = next(
        d
        for d in read_json(site, "data/decisions.json")["decisions"]
        if d["reference"] == "FIX-2020-001"
    )
    assert item["exempt"] == [
        {"title": "Applicants' bank details", "reason": "Section 40 FOIA - personal information"}
    ]


def test_each_decision_has_its_record_json_linked_from_its_page(site, pub):
    items = {d["reference"]: d for d in read_json(site, "data/decisions.json")["decisions"]}
    for d in pub.decisions:
        record = read_json(site, d.url + "record.json")
        assert record["decision"] == items[d.reference]
        assert record["licence"]["url"] == exports.LICENCE_URL
        assert 'href="record.json"' in (site / d.url / "index.html").read_text("utf-8")


def test_funding_csv_is_the_tables_in_long_form(site, pub):
    rows = read_csv(site, "data/funding.csv")
    expected = [
        {
            "table": t.slug,
            "table_title": t.title,
            "stream_id": r.id,
            "stream_name": r.name,
            "financial_year": year,
            "amount": "" if v is None else str(v),
        }
        for t in pub.funding_tables
        for r in t.rows
        for year, v in zip(t.columns, r.values)
    ]
    assert rows == expected
    assert {"stream_id": "unknown-fund", "financial_year": "2019/20", "amount": ""}.items() <= rows[
        4
    ].items()


# ---------------------------------------------------------------------------
# 360Giving and Open Contracting, validated against the standards' own schemas
# ---------------------------------------------------------------------------


def format_checker() -> FormatChecker:
    """jsonschema checks date-time and uri only with extra packages: the two rules, here."""
    checker = FormatChecker()
    checker.checks("date-time")(
        lambda v: (
            not isinstance(v, str)
            or bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", v))
        )
    )
    checker.checks("uri")(
        lambda v: not isinstance(v, str) or bool(urlsplit(v).scheme and urlsplit(v).netloc)
    )
    return checker


def package_validator(package_file: str, item_file: str, items_key: str, cls, spec):
    """A validator for a package schema whose items schema is a local copy, registered under
    the URL the package refers to (and its own id), so nothing is fetched."""
    package = json.loads((SCHEMAS / package_file).read_text("utf-8"))
    item = json.loads((SCHEMAS / item_file).read_text("utf-8"))
    resource = Resource.from_contents(item, default_specification=spec)
    urls = {package["properties"][items_key]["items"]["$ref"], item.get("$id") or item["id"]}
    registry = Registry().with_resources((url, resource) for url in urls)
    return cls(package, registry=registry, format_checker=format_checker())


@pytest.fixture(scope="module")
def giving_validator():
    return package_validator(
        "360giving/360-giving-package-schema.json",
        "360giving/360-giving-schema.json",
        "grants",
        Draft202012Validator,
        DRAFT202012,
    )


@pytest.fixture(scope="module")
def ocds_validator():
    return package_validator(
        "ocds/release-package-schema.json",
        "ocds/release-schema.json",
        "releases",
        Draft4Validator,
        DRAFT4,
    )


def errors(validator, data) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_360giving_validates(site, giving_validator):
    assert errors(giving_validator, read_json(site, "data/360giving.json")) == []


def test_360giving_validator_rejects_a_bad_grant(site, giving_validator):
    """The item schema is really applied: a grant without recipient or with a text amount fails."""
    package = read_json(site, "data/360giving.json")
    del package["grants"][0]["recipientOrganization"]
    package["grants"][1]["amountAwarded"] = "£10,000.25"
    package["grants"][2]["dateModified"] = "2020-05-10"
    found = errors(giving_validator, package)
    assert any(e.startswith("['grants', 0]") for e in found)
    assert any(e.startswith("['grants', 1, 'amountAwarded']") for e in found)
    assert any(e.startswith("['grants', 2, 'dateModified']") for e in found)


def test_360giving_grants_are_the_grants_register_rows(site, pub):
    grants = read_json(site, "data/360giving.json", parse_float=Decimal)["grants"]
    rows = registers.grant_rows(pub)
    assert len(rows) == 3
    assert [(g["recipientOrganization"][0]["name"], g["amountAwarded"]) for g in grants] == [
        (r.recipient.name, r.amount) for r in rows
    ]
    assert sum(g["amountAwarded"] for g in grants) == Decimal("30000.5")
    assert [g["id"] for g in grants] == [
        "360G-fixture-FIX-2020-001-1",
        "360G-fixture-FIX-2020-001-2",
        "360G-fixture-FIX-2020-001-3",
    ]


def test_360giving_organisations(site):
    grants = read_json(site, "data/360giving.json")["grants"]
    assert {json.dumps(g["fundingOrganization"]) for g in grants} == {
        json.dumps(
            [
                {
                    "id": "XE-EXAMPLE-OFFICE",
                    "name": "Example Office of the Police and Crime Commissioner",
                }
            ]
        )
    }
    assert [g["recipientOrganization"][0]["id"] for g in grants] == [
        "GB-CHC-1000001",
        "GB-CHC-1000002",
        "360G-fixture-third-charity",
    ]
    first = grants[0]
    assert (first["currency"], first["awardDate"], first["title"]) == (
        "GBP",
        "2020-05-01",
        "Grants to three victim services",
    )
    assert first["description"] == "Grants to three services supporting victims of domestic abuse."
    assert first["grantProgramme"] == [{"code": "victims-fund", "title": "Victims fund"}]
    assert first["url"] == SITE_URL + "decisions/2020/fix-2020-001/"


def test_grants_360giving_cannot_express_are_left_out_and_named(records, giving_validator):
    """A grant decision naming no recipient, or not approved, is not a 360Giving grant; the
    Open data page says which and why."""
    base = records.decisions[0]
    extra = [
        dataclasses.replace(base, reference="FIX-2020-010", recipients=[], exempt=[], related=[]),
        dataclasses.replace(
            base,
            reference="FIX-2020-011",
            status="rejected",
            exempt=[],
            related=[],
            recipients=[Recipient("Refused Charity", None, Decimal(5))],
        ),
    ]
    pub = publish(dataclasses.replace(records, decisions=records.decisions + extra))
    rows = registers.grant_rows(pub)
    assert len(rows) == 3 + 1 + 1
    package = json.loads(exports.grants_360(pub, rows, SITE_URL))
    assert {g["id"].rsplit("-", 1)[0] for g in package["grants"]} == {"360G-fixture-FIX-2020-001"}
    assert errors(giving_validator, package) == []
    left_out = {(item.decision.reference, item.reason) for item in exports.grants_left_out(rows)}
    assert left_out == {
        ("FIX-2020-010", "names no recipient (360Giving requires a recipient organisation)"),
        ("FIX-2020-011", "was rejected, so nothing was awarded"),
    }
    html = pages.open_data_page(pub, registers.derive(pub), SITE_URL).html(pub)
    assert (
        "FIX-2020-010</a>: names no recipient" in html and "FIX-2020-011</a>: was rejected" in html
    )


def test_ocds_validates(site, ocds_validator):
    assert errors(ocds_validator, read_json(site, "data/ocds.json")) == []


def test_ocds_validator_rejects_a_bad_release(site, ocds_validator):
    package = read_json(site, "data/ocds.json")
    del package["releases"][0]["ocid"]
    package["releases"][1]["awards"][0]["status"] = "approved"
    found = errors(ocds_validator, package)
    assert any(e.startswith("['releases', 0]") and "ocid" in e for e in found)
    assert any(e.startswith("['releases', 1, 'awards', 0, 'status']") for e in found)


def test_ocds_has_every_contract_award_whatever_its_value(site, pub):
    releases = read_json(site, "data/ocds.json", parse_float=Decimal)["releases"]
    # Just over, exactly at and just under the £10,000 threshold: all three are contract awards.
    assert [r["ocid"] for r in releases] == [
        "ocds-fixture-FIX-2020-004",
        "ocds-fixture-FIX-2020-003",
        "ocds-fixture-FIX-2020-002",
    ]
    assert [r["ocid"].removeprefix("ocds-fixture-") for r in releases] == [
        d.reference for d in pub.decisions if d.is_contract
    ]


def test_ocds_release_of_a_tendered_contract(site):
    releases = {
        r["ocid"]: r for r in read_json(site, "data/ocds.json", parse_float=Decimal)["releases"]
    }
    release = releases["ocds-fixture-FIX-2020-002"]
    assert release["tender"]["numberOfTenderers"] == 3
    assert release["tender"]["procurementMethod"] == "open"
    award = release["awards"][0]
    assert award["value"] == {"amount": Decimal("10000.01"), "currency": "GBP"}
    assert award["suppliers"] == [{"id": "GB-COH-05227463", "name": "Supplier Ltd"}]
    assert award["status"] == "active"
    contract = release["contracts"][0]
    assert contract["period"] == {
        "startDate": "2020-07-01T00:00:00Z",
        "endDate": "2022-06-30T00:00:00Z",
    }
    assert contract["awardID"] == award["id"]
    supplier = next(p for p in release["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"] == {"scheme": "GB-COH", "id": "05227463"}
    assert release["buyer"] == {
        "id": "XE-EXAMPLE-OFFICE",
        "name": "Example Office of the Police and Crime Commissioner",
    }
    # A withdrawn decision is a cancelled award with no contract.
    withdrawn = releases["ocds-fixture-FIX-2020-004"]
    assert withdrawn["awards"][0]["status"] == "cancelled" and "contracts" not in withdrawn


# ---------------------------------------------------------------------------
# Atom feeds
# ---------------------------------------------------------------------------

RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def read_feed(site: Path, path: str) -> ET.Element:
    root = ET.fromstring((site / path).read_bytes())
    assert root.tag == f"{ATOM}feed"
    return root


def check_atom(root: ET.Element) -> None:
    """The RFC 4287 rules a feed validator checks first."""
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert RFC3339.fullmatch(root.findtext(f"{ATOM}updated"))
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    ids = [e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    for entry in root.iter(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert RFC3339.fullmatch(entry.findtext(f"{ATOM}updated"))
        alternates = [
            (link.get("type"), link.get("hreflang"))
            for link in entry.findall(f"{ATOM}link[@rel='alternate']")
        ]
        assert alternates and len(alternates) == len(set(alternates))


def local_file(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL), url
    path = site / url.removeprefix(SITE_URL)
    return path / "index.html" if url.endswith("/") else path


def test_feed_is_atom_with_stable_ids_and_absolute_links(site, pub):
    root = read_feed(site, "feed.xml")
    check_atom(root)
    assert root.findtext(f"{ATOM}id") == SITE_URL + "feed.xml"
    entries = root.findall(f"{ATOM}entry")
    newest_first = sorted(
        pub.decisions, key=lambda d: (d.published, d.date, d.reference), reverse=True
    )
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"tag:example.org,{d.year}:{d.reference}" for d in newest_first
    ]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        f"{d.published}T00:00:00Z" for d in newest_first
    ]
    assert root.findtext(f"{ATOM}updated") == "2021-01-15T00:00:00Z"
    for entry, d in zip(entries, newest_first):
        page = entry.find(f"{ATOM}link[@type='text/html']").get("href")
        assert page == SITE_URL + d.url and local_file(site, page).is_file()
        assert local_file(
            site, entry.find(f"{ATOM}link[@type='application/json']").get("href")
        ).is_file()
    for link in root.findall(f"{ATOM}link"):
        assert local_file(site, link.get("href")).is_file()


def test_feed_text_is_never_markup(site):
    root = read_feed(site, "feed.xml")
    entry = next(
        e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}id").endswith("FIX-2020-002")
    )
    assert entry.find(f"{ATOM}summary").get("type") == "text"
    assert entry.findtext(f"{ATOM}summary") == "A contract. a bad link and a good link."
    assert (
        entry.findtext(f"{ATOM}title")
        == 'FIX-2020-002: <script>alert("title")</script> Contract just over the threshold'
    )
    assert b"<script>" not in (site / "feed.xml").read_bytes()


def test_a_feed_per_category(site, pub):
    for category in pub.categories:
        root = read_feed(site, f"decisions/category/{category}/feed.xml")
        check_atom(root)
        refs = [e.findtext(f"{ATOM}id").rsplit(":", 1)[1] for e in root.iter(f"{ATOM}entry")]
        assert sorted(refs) == sorted(d.reference for d in pub.in_category(category))
        assert {c.get("term") for c in root.iter(f"{ATOM}category")} == {category}
        assert "feed.xml" in read_page(site, f"decisions/category/{category}/index.html").links


def test_feed_size_keeps_the_newest(pub):
    small = dataclasses.replace(pub, settings=dataclasses.replace(pub.settings, feed_size=2))
    root = ET.fromstring(
        exports.atom_feed(small, SITE_URL, small.decisions, "feed.xml", "decisions/", "t")
    )
    assert [e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")] == [
        "tag:example.org,2021:FIX-2021-001",
        "tag:example.org,2020:FIX-2020-004",
    ]


def test_every_page_advertises_the_feed(site):
    for page in (
        "index.html",
        "decisions/2020/fix-2020-001/index.html",
        "open-data/index.html",
        "funding/index.html",
    ):
        html = (site / page).read_text("utf-8")
        assert re.search(
            r'<link rel="[^"]*\balternate\b[^"]*" type="application/atom\+xml" '
            r'[^>]*href="[./]*/?feed.xml"',
            html,
        ), page


# ---------------------------------------------------------------------------
# The Open data page and the download links
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class Codes:
    """The texts of <code> elements and the targets of links on a page."""

    codes: set[str]
    links: list[str]


def read_page(site: Path, path: str) -> Codes:
    soup = BeautifulSoup((site / path).read_text("utf-8"), "html.parser")
    return Codes(
        {code.get_text() for code in soup.find_all("code")},
        [a["href"] for a in soup.find_all("a", href=True) if a["href"]],
    )


def key_paths(value, prefix: str = ""):
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            # A mapping of free headings is one documented key, not one key per heading.
            if key != "implications":
                yield from key_paths(child, path)
    elif isinstance(value, list):
        for child in value:
            yield from key_paths(child, prefix + "[]")


def undocumented(paths, documented: set[str]) -> set[str]:
    def known(path):
        return path in documented or any(
            d.startswith((path + ".", path + "[]")) for d in documented
        )

    return {p for p in paths if not known(p)}


def test_open_data_page_documents_every_column_and_key(site):
    page = read_page(site, "open-data/index.html")
    for path in ("data/decisions.csv", "data/funding.csv"):
        header = next(csv.reader(io.StringIO((site / path).read_text("utf-8"))))
        assert set(header) <= page.codes, path
    decision_keys = set()
    for path in ["data/decisions.json"] + [
        str(p.relative_to(site)) for p in site.glob("decisions/*/*/record.json")
    ]:
        for key in key_paths(read_json(site, path)):
            decision_keys.add(re.sub(r"^(decisions\[\]|decision)\.", "", key))
    assert undocumented(decision_keys, page.codes) == set()
    for path in ("data/360giving.json", "data/ocds.json"):
        assert undocumented(set(key_paths(read_json(site, path))), page.codes) == set(), path


def test_open_data_page_links_every_file_and_the_licence(site):
    page = read_page(site, "open-data/index.html")
    targets = {Path(site / "open-data" / link).resolve() for link in page.links if "//" not in link}
    for path in DATA_FILES + ("decisions/category/grants/feed.xml",):
        assert (site / path).resolve() in targets, path
    assert exports.LICENCE_URL in page.links
    html = (site / "open-data/index.html").read_text("utf-8")
    assert "Open Government Licence v3.0" in html
    assert f"# yaml-language-server: $schema={SITE_URL}schema/decision.schema.json" in html
    assert f"# yaml-language-server: $schema={SITE_URL}schema/funding.schema.json" in html


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "decisions/index.html",
        "decisions/2020/index.html",
        "decisions/category/grants/index.html",
    ],
)
def test_whole_dataset_one_click_from_home_and_registers(site, page):
    links = read_page(site, page).links
    folder = (site / page).parent
    for data in ("data/decisions.csv", "data/decisions.json"):
        hits = [link for link in links if link.endswith(data)]
        assert hits, f"{page} has no link to {data}"
        assert (folder / hits[0]).resolve() == (site / data).resolve()


# ---------------------------------------------------------------------------
# The example site
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    site_dir = tmp_path_factory.mktemp("example") / "site"
    result = build_site(REPO, site_dir)
    assert result.returncode == 0, result.stderr
    return result, site_dir


def test_example_site_has_its_open_data_page(example_build, ocds_validator):
    result, site_dir = example_build
    assert "open-data.md" not in result.stderr
    assert (site_dir / "open-data/index.html").is_file()
    assert (site_dir / "data/decisions.csv").is_file()
    assert errors(ocds_validator, read_json(site_dir, "data/ocds.json")) == []
    # Its grant decisions name no recipient: no 360Giving file, and the page says why.
    assert not (site_dir / "data/360giving.json").exists()
    html = (site_dir / "open-data/index.html").read_text("utf-8")
    assert "There is no 360Giving file yet" in html and "names no recipient" in html


# ---------------------------------------------------------------------------
# The Open data page in Chromium
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", ["PHONE", "DESKTOP"])
def test_open_data_page_in_chromium(site, browser, viewport):
    import browser as helpers
    from browser import external_requests, format_violations, load, run_axe, serve, set_viewport

    set_viewport(browser, *getattr(helpers, viewport))
    with serve(site, "/our-business/making-decisions/") as root:
        load(browser, root + "open-data/")
        assert not (violations := run_axe(browser)), format_violations(violations)
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        assert external_requests(browser) == []
        link = browser.find_element("css selector", "a[href$='data/decisions.csv']")
        assert link.is_displayed()
