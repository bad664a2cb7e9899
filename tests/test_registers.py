"""The statutory registers, their CSV downloads, timeliness and the Specified Information page,
read from real builds of the fixture site (and, in Chromium, of the example site)."""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from browser import DESKTOP, PHONE, format_violations, load, run_axe, serve, set_viewport  # noqa: F401
from bs4 import BeautifulSoup, Tag
from conftest import CANARIES, FIXTURE_BASE_PATH, FIXTURE_SITE, REPO, build_site, copy_site

from generator import load as loader
from generator import registers
from generator.publication import publish
from generator.settings import read_settings

DIAGNOSTIC = re.compile(r"^\S+:\d+:\d+: (error|warning): .+$")


@dataclass
class Article:
    """The article of a built page: its tables as lists of rows of cell text, and its links."""

    tables: list[dict[str, list[list[str]]]]
    links: list[str]


def cells(row: Tag) -> list[str]:
    return [" ".join(cell.get_text().split()) for cell in row.find_all(["td", "th"])]


def page(site: Path, url: str) -> Article:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    tables = [
        {
            "head": [cells(tr) for tr in table.select("thead tr")],
            "body": [cells(tr) for tr in table.find_all("tr") if not tr.find_parent("thead")],
        }
        for table in soup.select("article table")
    ]
    return Article(tables, [a["href"] for a in soup.select("article a[href]") if a["href"]])


def column(table: dict, name: str) -> list[str]:
    index = table["head"][0].index(name)
    return [row[index] for row in table["body"]]


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def money(text: str) -> Decimal:
    return Decimal(text.replace("£", "").replace(",", ""))


@pytest.fixture(scope="module")
def publication():
    records = loader.load(read_settings(FIXTURE_SITE / "mkdocs.yml"))
    return publish(records)


# The contracts register ------------------------------------------------------------------


def test_contracts_register_holds_exactly_the_contract_over_the_threshold(site):
    (table,) = page(site, "registers/contracts").tables
    # £10,000.01 is in; exactly £10,000 and £9,999.99 are not, nor the grant round.
    assert column(table, "Reference") == ["FIX-2020-002"]
    assert column(table, "Value") == ["£10,000.01"]
    assert column(table, "Supplier") == ["Supplier Ltd"]
    assert column(table, "Procurement") == ["Open tender, on BlueLight, 3 bids received"]
    assert column(table, "Contract period") == ["1 July 2020 to 30 June 2022"]


def test_contracts_function_uses_the_threshold_strictly(publication):
    assert [d.reference for d in registers.contracts(publication)] == ["FIX-2020-002"]
    assert [d.reference for d in registers.contracts(publication, Decimal("9999.99"))] == [
        "FIX-2020-003",
        "FIX-2020-002",
    ]


def test_contract_title_markup_is_text_on_the_register(site):
    html = (site / "registers/contracts/index.html").read_text(encoding="utf-8")
    assert '&lt;script&gt;alert("title")' in html or "&lt;script&gt;alert(&#34;title&#34;)" in html
    assert '<script>alert("title")' not in html


def test_public_build_does_not_flag_contracts_without_documents(site_text):
    assert not any("No document attached" in text for text in site_text.values())


def test_contract_without_a_document_is_a_build_warning_at_its_record(fixture_build):
    warnings = [
        line for line in fixture_build.stderr.splitlines() if "has no document attached" in line
    ]
    assert len(warnings) == 1
    assert re.search(
        r"decisions/2020/FIX-2020-002\.yaml:\d+:\d+: warning: procurement: a contract over "
        r"£10,000\.00",
        warnings[0],
    )


# The grants register ---------------------------------------------------------------------


def test_grants_register_has_a_row_per_recipient_summing_to_the_decision(site, publication):
    table = page(site, "registers/grants").tables[0]
    assert column(table, "Recipient") == ["First Charity", "Second Charity", "Third Charity"]
    assert column(table, "Organisation identifier") == ["GB-CHC-1000001", "GB-CHC-1000002", ""]
    amounts = [money(a) for a in column(table, "Amount")]
    assert sum(amounts) == publication.by_reference["FIX-2020-001"].amount == Decimal("30000.50")
    assert {cell.split(":")[0] for cell in column(table, "Decision")} == {"FIX-2020-001"}


def test_grants_register_excludes_the_embargoed_grant(site, site_text):
    register = (site / "registers/grants/index.html").read_text(encoding="utf-8")
    assert "FIX-2021-009" not in register and "CANARY" not in register
    assert "FIX-2021-009" not in (site / "data/grants.csv").read_text(encoding="utf-8")


def test_grant_totals_by_financial_year_and_stream(site):
    _, by_year, by_stream = page(site, "registers/grants").tables
    assert by_year["body"] == [["2020/21", "3", "£30,000.50"]]
    assert by_stream["body"] == [["Victims fund", "3", "£30,000.50"]]


def test_recipients_that_do_not_add_up_are_a_validation_warning(tmp_path):
    copy = copy_site(tmp_path / "site")
    record = copy / "decisions/2020/FIX-2020-001.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("    amount: 10000\n", "    amount: 9000\n"),
        encoding="utf-8",
    )
    records = loader.load(read_settings(copy / "mkdocs.yml"))
    texts = [d.text() for d in records.diagnostics.warnings]
    assert any(
        re.match(
            r"decisions/2020/FIX-2020-001\.yaml:\d+:\d+: warning: recipients: the recipients' "
            r"amounts add up to 29000\.50, not the decision's amount 30000\.50?",
            t,
        )
        for t in texts
    ), texts
    # The register still gives each recipient what its record says.
    assert [r.amount for r in registers.grant_rows(publish(records))] == [
        Decimal(9000),
        Decimal("10000.25"),
        Decimal("10000.25"),
    ]


def test_a_shared_grant_with_a_recipient_lacking_an_amount_is_a_warning(tmp_path):
    copy = copy_site(tmp_path / "site")
    record = copy / "decisions/2020/FIX-2020-001.yaml"
    text = record.read_text(encoding="utf-8").replace(
        "  - name: Third Charity\n    amount: 10000.25\n", "  - name: Third Charity\n"
    )
    record.write_text(text, encoding="utf-8")
    records = loader.load(read_settings(copy / "mkdocs.yml"))
    texts = [d.text() for d in records.diagnostics.warnings]
    assert any(
        re.match(
            r"decisions/2020/FIX-2020-001\.yaml:\d+:\d+: warning: recipients\[2\]: a grant to "
            r"several recipients needs each recipient's amount",
            t,
        )
        for t in texts
    ), texts


# CSV downloads ---------------------------------------------------------------------------


def test_contracts_csv_matches_the_register(site):
    rows = read_csv(site / "data/contracts.csv")
    (table,) = page(site, "registers/contracts").tables
    assert [r["reference"] for r in rows] == column(table, "Reference")
    assert [money(f"£{r['value']}") for r in rows] == [money(v) for v in column(table, "Value")]
    assert (
        rows[0]["decision_url"]
        == "https://example.org/our-business/making-decisions/decisions/2020/fix-2020-002/"
    )
    assert rows[0]["route"] == "open-tender" and rows[0]["bids_received"] == "3"


def test_grants_csv_matches_the_register(site):
    rows = read_csv(site / "data/grants.csv")
    table = page(site, "registers/grants").tables[0]
    assert [r["recipient"] for r in rows] == column(table, "Recipient")
    assert [Decimal(r["amount"]) for r in rows] == [money(a) for a in column(table, "Amount")]
    assert {r["funding_stream"] for r in rows} == {"victims-fund"}


def test_grants_register_agrees_with_the_360giving_export(site):
    package = json.loads((site / "data/360giving.json").read_text(encoding="utf-8"))
    exported = sorted(
        (g["recipientOrganization"][0]["name"], Decimal(str(g["amountAwarded"])))
        for g in package["grants"]
    )
    register = sorted(
        (r["recipient"], Decimal(r["amount"]))
        for r in read_csv(site / "data/grants.csv")
        if r["recipient"] and r["amount"] and r["decision_status"] == "approved"
    )
    assert exported == register and len(register) == 3


def test_csv_cells_cannot_become_spreadsheet_formulas(publication):
    from generator.exports import spreadsheet_safe

    for formula in (
        '=HYPERLINK("x")',
        "+1",
        "-1+1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "   =cmd|' /C calc'!A0",
    ):
        assert spreadsheet_safe(formula) == "'" + formula
    assert spreadsheet_safe("'quoted") == "''quoted"
    assert spreadsheet_safe("Supplier Ltd") == "Supplier Ltd"


def test_register_files_are_deterministic(site, tmp_path):
    again = tmp_path / "again"
    assert build_site(FIXTURE_SITE, again).returncode == 0
    for name in (
        "data/contracts.csv",
        "data/grants.csv",
        "registers/contracts/index.html",
        "registers/grants/index.html",
        "transparency/specified-information/index.html",
    ):
        assert (again / name).read_bytes() == (site / name).read_bytes(), name


# Timeliness ------------------------------------------------------------------------------


def test_days_to_publication_in_the_year_register_and_decision_page(site):
    (table,) = page(site, "decisions/2020").tables
    days = dict(zip(column(table, "Reference"), column(table, "Published")))
    assert (
        days["FIX-2020-001"] == "10 May 2020 (9 days)"
        and days["FIX-2020-002"] == "1 June 2020 (same day)"
    )
    assert "(9 days after the decision)" in (
        site / "decisions/2020/fix-2020-001/index.html"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "url, label", [("registers/contracts", "Title"), ("registers/grants", "Decision")]
)
def test_registers_link_each_title_and_show_when_it_was_published(site, url, label):
    soup = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    # The register itself; the grants register's totals follow it.
    rows = soup.select_one("article table.tr-register").select("tbody tr")
    assert rows
    for tr in rows:
        (a,) = tr.select(f'td[data-label="{label}"] a')
        reference = a["href"].rstrip("/").rsplit("/", 1)[-1].upper()
        record = yaml.safe_load(
            (FIXTURE_SITE / "decisions" / reference[4:8] / f"{reference}.yaml").read_text("utf-8")
        )
        # The title is the link; the reference is still there as text.
        assert a.get_text() == record["title"]
        assert reference in tr.get_text()
        published = tr.select_one('td[data-label="Published"] time')
        # A record without a publication date was published the day it was made.
        assert published["datetime"] == record.get("published", record["date"]).isoformat()


def test_significant_public_interest_register(site):
    (table,) = page(site, "registers/decisions").tables
    # FIX-2020-004 is not of significant public interest; FIX-2021-009 is embargoed.
    assert column(table, "Reference") == [
        "FIX-2021-001",
        "FIX-2020-003",
        "FIX-2020-002",
        "FIX-2020-001",
    ]


@pytest.fixture(scope="module")
def staff_build(tmp_path_factory):
    """The fixture as a staff build, with one decision published 40 days after it was made."""
    copy = copy_site(tmp_path_factory.mktemp("staff") / "site")
    config = copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      reference_prefix: FIX\n",
            "      reference_prefix: FIX\n      staff_build: true\n",
        ),
        encoding="utf-8",
    )
    (copy / "decisions/2021/FIX-2021-002.yaml").write_text(
        "reference: FIX-2021-002\ntitle: A decision published late\ndate: 2021-01-20\npublished: "
        "2021-03-01\n"
        "decision_maker: Police and Crime Commissioner\nstatus: approved\nsummary: Published 40 "
        "days after it was made.\n",
        encoding="utf-8",
    )
    result = build_site(copy, copy / "site")
    assert result.returncode == 0, result.stderr
    result.site_dir = copy / "site"
    return result


def test_late_publication_is_reported_in_the_build_log(staff_build, fixture_build):
    late = [line for line in staff_build.stderr.splitlines() if "days after the decision" in line]
    assert len(late) == 1
    assert re.search(
        r"decisions/2021/FIX-2021-002\.yaml:4:1: warning: published: published 40 days after the "
        r"decision, "
        r"more than the 28 days allowed",
        late[0],
    )
    assert "days after the decision, more than" not in fixture_build.stderr


def test_late_publication_is_marked_in_the_registers(staff_build):
    (table,) = page(staff_build.site_dir, "decisions/2021").tables
    days = dict(zip(column(table, "Reference"), column(table, "Published")))
    assert days == {
        "FIX-2021-002": "1 March 2021 (40 days, over 28)",
        "FIX-2021-001": "15 January 2021 (same day)",
    }


def test_staff_build_flags_contracts_without_documents(staff_build):
    (table,) = page(staff_build.site_dir, "registers/contracts").tables
    assert column(table, "Documents") == ["No document attached"]
    assert "For staff: contracts with no document" in (
        staff_build.site_dir / "registers/contracts/index.html"
    ).read_text(encoding="utf-8")


# The Specified Information page ----------------------------------------------------------


def test_specified_information_rows_are_grouped_as_the_map_says(site):
    info = yaml.safe_load(
        (FIXTURE_SITE / "content/specified-information.yaml").read_text(encoding="utf-8")
    )
    tables = page(site, "transparency/specified-information").tables
    assert len(tables) == len(info["groups"])
    for table, group in zip(tables, info["groups"]):
        assert column(table, "What the Order asks for") == [item["item"] for item in group["items"]]
    html = (site / "transparency/specified-information/index.html").read_text(encoding="utf-8")
    assert "Not yet published" in html and "10 of the 11 items are published" in " ".join(
        html.split()
    )


def test_specified_information_links_resolve(site):
    base = "transparency/specified-information/"
    tables = page(site, base)
    links = [href for table_link in [tables.links] for href in table_link]
    internal = [href for href in links if not href.startswith(("http://", "https://", "#"))]
    assert {
        "../../registers/contracts/",
        "../../registers/grants/",
        "../../registers/decisions/",
        "../../funding/streams/#allocations",
        "../../decisions/",
        "../../toolkit/cycle/analyse/",
        "../../how-to-use/",
        "../..",
    } <= set(internal)
    for href in internal:
        target = posixpath.normpath(posixpath.join(base, href.partition("#")[0]))
        path = site / target
        assert (path / "index.html").is_file() or path.is_file(), href
    assert "https://example.org/salary" in links


def test_derived_rows_say_what_the_registers_hold(site):
    html = " ".join(
        (site / "transparency/specified-information/index.html").read_text(encoding="utf-8").split()
    )
    assert "Register of contracts: 1 contract over the threshold" in html
    assert "Register of grants: 3 grants" in html
    assert "Register of decisions: 4 decisions of significant public interest" in html


def test_not_yet_published_row_is_a_build_warning(fixture_build):
    lines = fixture_build.stderr.splitlines()
    assert any(
        re.search(
            r"content/specified-information\.yaml:16:17: warning: groups\[0\]\.items\[2\]\.status: "
            r"not yet published: 1\(e\): A register of interests\.",
            line,
        )
        for line in lines
    ), fixture_build.stderr


def test_the_map_itself_is_not_published(site):
    assert not list(site.rglob("specified-information.yaml"))


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory):
    copy = copy_site(tmp_path_factory.mktemp("broken") / "site")
    path = copy / "content/specified-information.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + (
            "  - title: Pages that are not there\n"
            "    items:\n"
            "      - item: A page nobody wrote.\n"
            "        page: no-such-page/\n"
            "      - item: An internal toolkit document.\n"
            "        page: toolkit/internal/work-plan.md\n"
        ),
        encoding="utf-8",
    )
    result = build_site(copy, copy / "site")
    lines = path.read_text(encoding="utf-8").splitlines()
    result.lines = {
        target: lines.index(f"        page: {target}") + 1
        for target in ("no-such-page/", "toolkit/internal/work-plan.md")
    }
    return result


def test_a_missing_page_fails_the_build_at_its_line(broken_build):
    assert broken_build.returncode != 0
    assert "Traceback" not in broken_build.stderr
    errors = [
        line.split(" -  ", 1)[-1]
        for line in broken_build.stderr.splitlines()
        if ": error: " in line
    ]
    # The internal document is withheld, so it is no page of the site either.
    assert errors == [
        f"content/specified-information.yaml:{broken_build.lines[target]}:15: error: "
        f"groups[5].items[{i}].page: '{target}' is not a page of this site: check the path, or use "
        "url: for a page elsewhere"
        for i, target in enumerate(("no-such-page/", "toolkit/internal/work-plan.md"))
    ]
    assert all(DIAGNOSTIC.match(e) for e in errors)


def test_a_row_must_say_exactly_one_place(tmp_path):
    copy = copy_site(tmp_path / "site")
    path = copy / "content/specified-information.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "        url: https://example.org/salary\n",
        "        url: https://example.org/salary\n        status: not-yet-published\n",
    )
    path.write_text(text, encoding="utf-8")
    errors = [d.text() for d in loader.load(read_settings(copy / "mkdocs.yml")).diagnostics.errors]
    assert errors == [
        "content/specified-information.yaml:11:9: error: groups[0].items[1]: give exactly one of "
        "'page', 'url', 'status' or 'derived'"
    ]


def test_registers_and_map_hold_no_withheld_text(site):
    for name in (
        "registers/index.html",
        "registers/contracts/index.html",
        "registers/grants/index.html",
        "registers/decisions/index.html",
        "transparency/specified-information/index.html",
        "data/contracts.csv",
        "data/grants.csv",
    ):
        text = (site / name).read_text(encoding="utf-8")
        assert not [c for c in CANARIES if c in text], name


# In Chromium, on the example site ----------------------------------------------------------

PAGES = (
    "registers/",
    "registers/contracts/",
    "registers/grants/",
    "registers/decisions/",
    "transparency/specified-information/",
)


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    site_dir = tmp_path_factory.mktemp("example") / "site"
    result = build_site(REPO, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_example_registers_are_accessible_and_fit(browser, example_site, viewport):
    set_viewport(browser, *viewport)
    with serve(example_site, FIXTURE_BASE_PATH) as base:
        for url in PAGES:
            violations = run_axe(browser, base + url)
            assert not violations, f"{url} at {viewport}: {format_violations(violations)}"
            widths = browser.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert widths[0] <= widths[1], f"{url} overflows at {viewport}: {widths}"


def _grant_amounts(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('table[data-sortable] tbody tr'))"
        ".map(r => r.cells[2].getAttribute('data-sort'))"
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_sorting_by_a_column_works_by_keyboard(browser, example_site, viewport):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    set_viewport(browser, *viewport)
    with serve(example_site, FIXTURE_BASE_PATH) as base:
        load(browser, base + "registers/grants/")
        before = _grant_amounts(browser)
        assert len(before) == 4
        for _ in range(80):
            ActionChains(browser).send_keys(Keys.TAB).perform()
            if (
                browser.execute_script("return document.activeElement.textContent.trim()")
                == "Amount"
            ):
                break
        else:
            pytest.fail("no sort button for Amount in the tab order")
        assert browser.execute_script("return document.activeElement.tagName") == "BUTTON"
        assert browser.execute_script(
            "const r = document.activeElement.getBoundingClientRect(); return r.width > 0 && "
            "r.height >= 24"
        )
        header = "return document.activeElement.closest('th').getAttribute('aria-sort')"
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        assert browser.execute_script(header) == "ascending"
        assert _grant_amounts(browser) == sorted(before, key=Decimal)
        ActionChains(browser).send_keys(Keys.SPACE).perform()
        assert browser.execute_script(header) == "descending"
        assert _grant_amounts(browser) == sorted(before, key=Decimal, reverse=True)
        # Only the sorted column claims an order.
        assert (
            browser.execute_script("return document.querySelectorAll('th[aria-sort]').length") == 1
        )


def test_registers_work_without_javascript(example_site):
    html = (example_site / "registers/grants/index.html").read_text(encoding="utf-8")
    # Without the script the headers are plain headers and the rows are in date order.
    assert "<button" not in html.split("<article", 1)[1].split("</article>", 1)[0]
    assert 'aria-sort="descending">Date</th>' in html


def test_a_build_works_out_the_grant_rows_once(tmp_path, monkeypatch):
    """The register pages, the Specified Information page, the CSV downloads, the 360Giving file
    and the build's warnings all read the registers one build derived."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    calls = []
    grant_rows = registers.grant_rows
    monkeypatch.setattr(registers, "grant_rows", lambda pub: calls.append(pub) or grant_rows(pub))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1622505600")
    build(
        load_config(config_file=str(FIXTURE_SITE / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    )
    assert (tmp_path / "site/data/360giving.json").is_file() and (
        tmp_path / "site/registers/grants/index.html"
    ).is_file()
    assert len(calls) == 1
