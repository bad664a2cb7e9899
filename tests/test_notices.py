"""Decision notices written the way real offices publish them (tests/fixtures/notices).

The 23 notices are modelled on those of the offices issue 13 names (references with spaces,
slashes and dashes, "up to" amounts, money over years and streams, delegated and joint
decisions, reports noted, decisions endorsed, tender intentions, extensions, variations,
income, groups of recipients, withheld decisions). They are realistic, not quotations. The
site is built once, with `mkdocs build` as CI does, and read as the public would read it.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import build_site, site_files
from test_exports import errors, giving_validator, ocds_validator  # noqa: F401 (fixtures)

from generator import guard
from generator.load import load
from generator.publication import publish
from generator.settings import read_settings

NOTICES = Path(__file__).parent / "fixtures" / "notices"
WITHHELD_CANARIES = (
    "CANARYWHOLETITLE",
    "CANARYWHOLESUMMARY",
    "CANARYWHOLERECIPIENT",
    "CANARYWHOLEEXEMPT",
    "CANARYPRICING",
)


@pytest.fixture(scope="module")
def records():
    return load(read_settings(NOTICES / "mkdocs.yml"))


@pytest.fixture(scope="module")
def pub(records):
    return publish(records)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("notices") / "site"
    result = build_site(NOTICES, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text("utf-8"), "html.parser")


def facts(soup: BeautifulSoup) -> dict[str, str]:
    """The first list of facts (term: value) of a page, as its reader sees them."""
    return {
        dt.get_text(" ", strip=True): dd.get_text(" ", strip=True)
        for dl in soup.select("dl.tr-facts")
        for dt, dd in zip(dl.find_all("dt"), dl.find_all("dd"))
    }


def read_csv(site: Path, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((site / path).read_text("utf-8"), newline="")))


def test_every_notice_validates_without_a_problem(records):
    assert len(records.decisions) >= 20
    assert [d.text() for d in records.diagnostics] == []


def test_each_reference_names_its_page(built, pub):
    for d in pub.decisions:
        soup = page(built, d.url)
        kicker = d.reference if d.reference.startswith("Decision") else f"Decision {d.reference}"
        assert soup.select_one(".tr-kicker").get_text(" ", strip=True) == kicker
    assert (built / "decisions/2024/decision-2024-25-0008/index.html").is_file()
    assert (built / "decisions/2014/57-2014/index.html").is_file()


def test_amounts_are_worded_as_the_notice_states_them(built):
    assert facts(page(built, "decisions/2024/2024-22"))["Amount"] == "up to £29,250,000.00"
    assert facts(page(built, "decisions/2017/exe0037-17"))["Amount"] == "about £45,000.00"
    assert facts(page(built, "decisions/2016/dmpcd-2016-101"))["Amount"] == "£12,000.00 a year"
    assert facts(page(built, "decisions/2014/57-2014"))["VAT"] == "Included"
    assert facts(page(built, "decisions/2024/pcd-1700"))["Income"] == "£2,750,000.00"


def test_who_decided_and_on_what_authority(built):
    mopac = facts(page(built, "decisions/2015/dmpcd-2015-44"))
    assert mopac["Signed by"] == "Example Deputy Mayor, Deputy Mayor for Policing and Crime"
    assert (
        facts(page(built, "decisions/2016/dmpcd-2016-101"))["Delegated authority"]
        == "Scheme of consent and delegation, para 4.2: Chief Finance Officer"
    )
    assert (
        facts(page(built, "decisions/2024/2024-24"))["Jointly with"]
        == "County Community Safety Partnership; Chief Constable"
    )
    assert (
        facts(page(built, "decisions/2015/dmpcd-2015-45"))["Also referred to as"]
        == "DMPCD/2015/45; PCD 2015-45"
    )
    assert (
        facts(page(built, "decisions/2024/pcd-1700"))["Period"] == "1 April 2024 to 31 March 2025"
    )


def test_a_total_given_only_per_recipient_is_their_sum_everywhere(built):
    """The grants decision with no financial.amount that used to crash the build."""
    assert facts(page(built, "decisions/2024/pcd-1691"))["Amount"] == "£305,000.00"
    assert facts(page(built, "decisions/2024/pcd-1692"))["Amount"] == "£525,000.00"
    rows = {
        r["reference"]: r
        for r in json.loads((built / "data/decisions.json").read_text("utf-8"))["decisions"]
    }
    assert "amount" not in rows["PCD 1692"].get("financial", {})
    listing = page(built, "decisions/2024")
    cells = {
        tr.select_one('td[data-label="Reference"]').get_text(): tr.select_one(
            'td[data-label="Amount"]'
        ).get_text(strip=True)
        for tr in listing.select("tbody tr")
    }
    assert cells["PCD 1692"] == "£525,000.00"


def test_the_breakdown_is_shown_and_charged_to_each_stream_and_year(built):
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in page(built, "decisions/2024/decision-2024-25-0008").select("table tbody tr")
    ][:3]
    assert rows == [
        ["First year, Community Safety Fund", "2024/25", "Community Safety Fund", "£100,000.00"],
        ["Second year, Community Safety Fund", "2025/26", "Community Safety Fund", "£100,000.00"],
        [
            "Violence Reduction Unit contribution",
            "2024/25",
            "Violence Reduction Unit",
            "£100,000.00",
        ],
    ]
    funding = page(built, "funding/streams")
    captions = {c.get_text(" ", strip=True) for c in funding.find_all("caption")}
    # 0008's first part and PCD 1702 (up to £5,000); its second part counts in 2025/26.
    assert (
        "Community Safety Fund, 2024/25: £105,000.00 decided against an allocation of £5,181,702.00"
        in captions
    )
    assert (
        "Community Safety Fund, 2025/26: £100,000.00 decided against an allocation of £5,200,000.00"
        in captions
    )
    # 0008's third part and 0009's first; income (PCD 1700) is never spending.
    assert (
        "Violence Reduction Unit, 2024/25: £130,000.00 decided against an allocation of "
        "£1,000,000.00" in captions
    )
    assert (
        "Victims and Witnesses funding via the Ministry of Justice, 2024/25: £314,500.00 decided "
        "against an allocation of £2,750,000.00" in captions
    )


def test_income_has_its_own_listing_and_no_register(built):
    income = page(built, "funding")
    listed = [
        td.get_text() for td in income.select('#income ~ div table td[data-label="Reference"]')
    ]
    assert listed == ["2024/30", "PCD 1700"]
    assert [a.get_text() for a in income.select("#income ~ div table a")] == [
        "Bid to the Safer Streets Fund",
        "Ministry of Justice victims' services grant received",
    ]
    contracts = {r["reference"] for r in read_csv(built, "data/contracts.csv")}
    grants = {r["reference"] for r in read_csv(built, "data/grants.csv")}
    assert not {"2024/30", "PCD 1700"} & (contracts | grants)


def test_the_contracts_register_lists_awards_extensions_and_variations_only(built):
    rows = {r["reference"]: r for r in read_csv(built, "data/contracts.csv")}
    assert set(rows) == {
        "DMPCD 2015 12",
        "DMPCD 2015 44",
        "DMPCD 2016 101",
        "57 – 2014",
        "EXE0037/17",
        "2024/32",
        "2024/33",
        "Decision 2024/25 – 0008",
    }
    assert (rows["DMPCD 2015 44"]["stage"], rows["DMPCD 2015 44"]["value"]) == (
        "extension",
        "1200000",
    )
    assert (rows["2024/33"]["stage"], rows["2024/33"]["value"]) == ("variation", "50000")
    assert (rows["EXE0037/17"]["amount_basis"], rows["EXE0037/17"]["value"]) == (
        "estimate",
        "45000",
    )
    assert rows["Decision 2024/25 – 0008"]["value"] == "300000"
    html = page(built, "registers/contracts").get_text(" ", strip=True)
    # A tender not yet run is not a contract awarded; the notice withheld is not listed at all.
    assert "2024/22" not in html and "29,250,000" not in html and "2024/31" not in html


def test_the_grants_register_shows_groups_and_true_totals(built):
    rows = read_csv(built, "data/grants.csv")
    group = next(r for r in rows if r["recipient"] == "Community safety partnerships")
    assert (group["recipient_count"], group["amount"]) == ("10", "500000")
    assert {r["reference"] for r in rows} == {
        "PCD 1691",
        "PCD 1692",
        "PCD 1702",
        "2024/34",
        "Decision 2024/25 – 0009",
    }
    register = page(built, "registers/grants")
    assert "Community safety partnerships (10 organisations)" in register.get_text(" ", strip=True)
    by_year = register.select("table.tr-totals")[0]
    totals = {
        tr.find("td").get_text(strip=True): tr.select("td")[2].get_text(" ", strip=True)
        for tr in by_year.select("tbody tr")
    }
    # The rejected application (2024/34) adds nothing.
    assert totals == {
        "2024/25": "£310,000.00",
        "2024/25, 2025/26": "£50,000.00",
        "Not stated": "£525,000.00",
    }


def test_360giving_validates_and_leaves_out_groups_income_and_what_awards_nothing(
    built, giving_validator
):
    package = json.loads((built / "data/360giving.json").read_text("utf-8"))
    assert errors(giving_validator, package) == []
    awarded = {
        (g["recipientOrganization"][0]["name"], g["amountAwarded"]) for g in package["grants"]
    }
    assert awarded == {
        ("Example Victim Support", 150000),
        ("Example Rape Crisis Centre", 95000),
        ("Example Domestic Abuse Service", 60000),
        ("Example County Youth Service", 25000),
        ("Example Stalking Advocacy CIC", 5000),
        ("Example Street Pastors", 50000),
    }
    pcd_1691 = next(
        g
        for g in package["grants"]
        if g["recipientOrganization"][0]["name"] == "Example Victim Support"
    )
    assert pcd_1691["plannedDates"] == [{"startDate": "2024-04-01", "endDate": "2025-03-31"}]
    open_data = page(built, "open-data").get_text(" ", strip=True)
    assert "as one line for 10 organisations not named one by one" in open_data


def test_ocds_validates_with_a_planned_tender_and_no_award_for_it(built, ocds_validator):
    package = json.loads((built / "data/ocds.json").read_text("utf-8"))
    assert errors(ocds_validator, package) == []
    releases = {r["tender"]["id"]: r for r in package["releases"]}
    intention = releases["2024/22"]
    assert intention["tag"] == ["planning"] and intention["tender"]["status"] == "planned"
    assert "awards" not in intention and "contracts" not in intention
    assert intention["tender"]["value"] == {"amount": 29250000, "currency": "GBP"}
    assert not {"2024/23", "2024/24", "2024/30", "PCD 1700", "2024/31"} & set(releases)
    assert releases["2024/33"]["awards"][0]["value"]["amount"] == 50000


def test_amends_is_shown_both_ways(built):
    later = page(built, "decisions/2015/dmpcd-2015-44").get_text(" ", strip=True)
    earlier = page(built, "decisions/2015/dmpcd-2015-12").get_text(" ", strip=True)
    assert (
        "This decision varies, extends or uplifts DMPCD 2015 12: Award of the forensic services "
        "contract" in later
    )
    assert (
        "This decision was varied, extended or uplifted by DMPCD 2015 44: Extension of the "
        "forensic services contract" in earlier
    )


def test_a_related_decision_elsewhere_is_linked_by_its_url(built):
    related = page(built, "decisions/2024/pcd-1701").select("#related ~ div li")
    # The title is the link; the reference stays beside it as text.
    links = {li.get_text(" ", strip=True): li.a["href"] for li in related}
    assert (
        links["GMCA 2024/15: Regional serious violence collaboration (published elsewhere)"]
        == "https://www.example.org/other-office/decisions/gmca-2024-15"
    )
    assert [li.a.get_text() for li in related] == [
        "Victims' services grants 2024/25",
        "Regional serious violence collaboration",
    ]


def test_a_decision_withheld_as_a_whole_shows_only_its_notice(built):
    soup = page(built, "decisions/2024/2024-31")
    assert facts(soup)["Reference"] == "2024/31"
    assert facts(soup)["Decision maker"] == "Police and Crime Commissioner"
    assert "Section 24 FOIA - national security" in soup.get_text(" ", strip=True)
    assert "Money" not in [h.get_text() for h in soup.find_all("h2")]
    assert set(facts(soup)) == {
        "Reference",
        "Status",
        "Date of decision",
        "Published",
        "Decision maker",
    }


def test_nothing_withheld_reaches_any_built_file(built):
    for path, text in site_files(built).items():
        for canary in WITHHELD_CANARIES:
            assert canary not in text, f"{canary} in {path}"


def test_an_annex_is_published_from_its_release_date(built):
    text = page(built, "decisions/2024/2024-32").get_text(" ", strip=True)
    assert "RELEASEDANNEXWORD" in text
    assert "To be published on 1 September 2026." in text


def test_the_guard_looks_for_every_text_of_a_decision_withheld_whole(built, pub, tmp_path):
    """Were a template to print the withheld decision's title, the guard would stop the build."""
    assert guard.scan(built, guard.secrets(pub)).leaks == []
    leaked = tmp_path / "site"
    leaked.mkdir()
    (leaked / "page.html").write_text(
        "<p>CANARYWHOLETITLE covert equipment purchase</p><p>CANARYWHOLERECIPIENT Security Systems "
        "Ltd</p>",
        "utf-8",
    )
    found = sorted(leak.secret.what for leak in guard.scan(leaked, guard.secrets(pub)).leaks)
    assert found == [
        "the recipient of 2024/31, withheld as a whole",
        "the title of 2024/31, withheld as a whole",
    ]


def test_money_figures_add_up_in_the_model(pub):
    by_reference = pub.by_reference
    assert by_reference["Decision 2024/25 – 0009"].amount == Decimal(50000)
    assert by_reference["PCD 1692"].amount == Decimal(525000)
    assert not by_reference["2024/30"].is_grant and by_reference["2024/30"].is_income


def test_the_data_dictionary_documents_every_new_key_the_files_hold(built):
    from test_exports import key_paths, read_page, undocumented

    page = read_page(built, "open-data/index.html")
    keys = set()
    for path in ["data/decisions.json"] + [
        str(p.relative_to(built)) for p in built.glob("decisions/*/*/record.json")
    ]:
        data = json.loads((built / path).read_text("utf-8"))
        keys |= {
            k.split(".", 1)[1] if k.startswith(("decisions[].", "decision.")) else k
            for k in key_paths(data)
        }
    for new in (
        "financial.breakdown[].amount",
        "financial.amount_basis",
        "recipients[].count",
        "period.start",
        "signed_by.name",
        "withheld.reason",
        "exempt[].release_on",
        "procurement.stage",
        "related[].url",
    ):
        assert new in keys or any(k.startswith(new) for k in keys), new
    assert undocumented(keys, page.codes) == set()
    for path in ("data/360giving.json", "data/ocds.json"):
        assert (
            undocumented(set(key_paths(json.loads((built / path).read_text("utf-8")))), page.codes)
            == set()
        ), path


NOTICE_PAGES = (
    "decisions/2024/decision-2024-25-0008/",
    "decisions/2024/pcd-1692/",
    "decisions/2024/2024-31/",
    "decisions/2024/2024-32/",
    "decisions/2024/2024-22/",
    "decisions/2015/dmpcd-2015-44/",
    "decisions/2024/pcd-1701/",
    "funding/",
    "funding/streams/",
    "registers/grants/",
    "registers/contracts/",
)


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_notice_pages_are_accessible_and_fit(browser, built, viewport):  # noqa: F811 (fixture)
    from browser import format_violations, run_axe, serve, set_viewport

    set_viewport(browser, *viewport)
    with serve(built, "/decisions-test/") as base:
        for url in NOTICE_PAGES:
            violations = run_axe(browser, base + url)
            assert not violations, f"{url} at {viewport}: {format_violations(violations)}"
            widths = browser.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert widths[0] <= widths[1], f"{url} overflows at {viewport}: {widths}"


def test_each_exported_decision_is_a_valid_record_but_the_withheld_notice(built):
    from generator import schema

    decisions = json.loads((built / "data/decisions.json").read_text("utf-8"))["decisions"]
    for record in decisions:
        data = {k: v for k, v in record.items() if k not in ("url", "total")}
        if record["reference"] == "2024/31":
            assert data == {
                "reference": "2024/31",
                "title": "Withheld decision",
                "date": "2024-08-12",
                "decision_maker": "Police and Crime Commissioner",
                "status": "withheld",
                "summary": "This decision is withheld: Section 24 FOIA - national security",
                "published": "2024-08-12",
                "significant_public_interest": True,
                "withheld": {"reason": "Section 24 FOIA - national security"},
            }
        else:
            assert list(schema.check("decision", data)) == [], record["reference"]


def test_procurement_stage_and_options_on_the_page(built):
    procurement = facts(page(built, "decisions/2024/2024-22"))
    assert procurement["Stage"] == "Intention to go to market"
    assert procurement["Options"] == "Five years with two optional extensions of one year each."
    assert facts(page(built, "decisions/2024/2024-33"))["Stage"] == "Variation"
    noted = page(built, "decisions/2024/2024-23").select_one(".tr-facts").get_text(" ", strip=True)
    assert "Status Noted" in noted


def test_every_decision_export_carries_the_total(built):
    decisions = {
        r["reference"]: r
        for r in json.loads((built / "data/decisions.json").read_text("utf-8"))["decisions"]
    }
    assert decisions["PCD 1692"]["total"] == 525000
    assert decisions["Decision 2024/25 – 0009"]["total"] == 50000
    assert "total" not in decisions["2024/23"]
    rows = {r["reference"]: r for r in read_csv(built, "data/decisions.csv")}
    assert (rows["PCD 1691"]["financial.amount"], rows["PCD 1691"]["total"]) == ("", "305000")
