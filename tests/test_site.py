"""The built fixture site, read as a visitor and a re-user would: pages, links and publication
rules.

One build (the session `site` fixture) is read by many small tests. A few tests build their own
copy where the input itself must differ (an earlier build date, a broken record, a rebuild).
"""

from __future__ import annotations

import copy
import hashlib
import json
import posixpath
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import conftest
import pytest
from bs4 import BeautifulSoup, Tag
from conftest import CANARIES, FIXTURE_BASE_PATH, FIXTURE_SITE, build_site, copy_site, site_files

# ---------------------------------------------------------------------------
# Reading the built site
# ---------------------------------------------------------------------------


def html_file(site: Path, url: str) -> Path:
    """The file a site-relative URL ('decisions/2020/', 'feed.xml') is served from."""
    path = site / url
    return path / "index.html" if url == "" or url.endswith("/") or path.is_dir() else path


@cache
def _parsed(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(element: Tag) -> str:
    """An element's text as a reader sees it: runs of white space as one space."""
    return " ".join(element.get_text().split())


@pytest.fixture(scope="session")
def page(site):
    def read(url: str) -> Tag:
        path = html_file(site, url)
        assert path.is_file(), f"{url} was not built"
        return _parsed(path)

    return read


def content(doc: Tag) -> Tag:
    return doc.find("article", class_="md-content__inner")


def facts(doc: Tag, heading: str | None = None) -> dict[str, str]:
    """The <dl class="tr-facts"> terms and values of a page (all of them, or the first after a
    heading)."""
    lists = content(doc).find_all("dl", class_="tr-facts")
    if heading is not None:
        lists = [section_after(doc, heading).find("dl", class_="tr-facts")]
    return {
        text_of(div.find("dt")): text_of(div.find("dd"))
        for dl in lists
        for div in dl.find_all("div")
    }


def section_after(doc: Tag, heading_id: str) -> Tag:
    """The elements between the heading with this id and the next heading of its level, as one
    element (copies: the page other tests read is left as it is)."""
    heading = content(doc).find(id=heading_id)
    assert heading is not None, f"no heading #{heading_id}"
    section = BeautifulSoup("", "html.parser")
    for sibling in heading.next_siblings:
        if isinstance(sibling, Tag) and sibling.name == heading.name:
            break
        section.append(copy.copy(sibling))
    return section


def link_target(from_url: str, href: str) -> tuple[str, str]:
    """(site-relative path, fragment) a relative link on the page at from_url points to."""
    parts = urlsplit(href)
    base = FIXTURE_BASE_PATH + from_url
    resolved = posixpath.normpath(
        posixpath.join(
            posixpath.dirname(base) if not base.endswith("/") else base, unquote(parts.path)
        )
    )
    if (
        parts.path.endswith("/")
        or parts.path in ("", ".")
        or resolved + "/" == FIXTURE_BASE_PATH.rstrip("/") + "/"
    ):
        resolved = resolved.rstrip("/") + "/"
    if not parts.path:
        resolved = base
    assert resolved.startswith(FIXTURE_BASE_PATH) or resolved + "/" == FIXTURE_BASE_PATH, (
        f"{href} on {from_url} leaves the sub-path {FIXTURE_BASE_PATH}"
    )
    return resolved[len(FIXTURE_BASE_PATH) :], parts.fragment


def rows(table: Tag) -> list[list[str]]:
    return [
        [text_of(cell) for cell in tr.find_all(["td", "th"])]
        for tr in table.find("tbody").find_all("tr")
    ]


def references(table: Tag) -> list[str]:
    return [row[0] for row in rows(table)]


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def url_of(html_path: str) -> str:
    """The URL a built HTML file is served at."""
    return html_path.removesuffix("index.html") if html_path.endswith("index.html") else html_path


DECISION = "decisions/2020/fix-2020-001/"
XSS = "decisions/2020/fix-2020-002/"
DECISION_PAGE = re.compile(r"(^|/)decisions/\d{4}/[a-z0-9-]+/?$")

# ---------------------------------------------------------------------------
# The decision page
# ---------------------------------------------------------------------------


def test_decision_page_lives_at_its_lower_case_reference(site):
    assert (site / DECISION / "index.html").is_file()
    assert not (site / "decisions/2020/FIX-2020-001").exists()


def test_decision_page_shows_reference_and_title(page):
    doc = page(DECISION)
    assert text_of(doc.find("h1")) == "Grants to three victim services"
    assert "FIX-2020-001" in text_of(content(doc).find("p", class_="tr-kicker"))
    assert text_of(doc.find("title")).startswith("FIX-2020-001: Grants to three victim services")


def test_decision_page_facts(page):
    shown = facts(page(DECISION))
    assert shown["Reference"] == "FIX-2020-001"
    assert shown["Date of decision"] == "1 May 2020"
    assert shown["Signed"] == "2 May 2020"
    assert shown["Published"].startswith("10 May 2020")
    assert shown["Decision maker"] == "Police and Crime Commissioner"
    assert shown["Lead officer"] == "Head of Commissioning"
    assert shown["Status"] == "Approved"
    assert shown["Category"] == "Grants"


def test_decision_page_tags_and_category_link(page):
    doc = content(page(DECISION))
    chips = [text_of(e) for e in doc.find_all(class_="tr-chip")]
    assert "domestic-abuse" in chips and "victims" in chips
    category = [a for a in doc.find_all("a", class_="tr-chip")]
    assert [link_target(DECISION, a["href"])[0] for a in category] == ["decisions/category/grants/"]


def test_decision_page_summary_and_decision_sections(page):
    doc = page(DECISION)
    assert (
        text_of(section_after(doc, "summary"))
        == "Grants to three services supporting victims of domestic abuse."
    )
    assert text_of(section_after(doc, "summary").find("strong")) == "domestic abuse"
    assert text_of(section_after(doc, "decision")) == "The Commissioner approved three grants."


def key_facts(doc: Tag) -> Tag:
    """The box of key facts under a decision's title."""
    box = content(doc).find("div", class_="tr-key-facts")
    assert box is not None, "no key facts box"
    return box


def test_money_is_formatted_with_pound_sign_and_pence(page):
    amount = [
        div
        for div in key_facts(page(DECISION)).find_all("div")
        if text_of(div.find("dt")) == "Amount"
    ]
    assert [text_of(div.find("dd")) for div in amount] == ["£30,000.50"]


def test_funding_stream_links_to_its_row_in_the_funding_table(page):
    stream = key_facts(page(DECISION))
    anchor = [a for a in stream.find_all("a") if text_of(a) == "Victims fund"]
    assert len(anchor) == 1
    target, fragment = link_target(DECISION, anchor[0]["href"])
    assert (target, fragment) == ("funding/streams/", "stream-victims-fund")
    row = page(target).find(id=fragment)
    assert row.name == "tr" and text_of(row.find("th")) == "Victims fund"


def test_recipients_table(page):
    table = section_after(page(DECISION), "money").find("table")
    assert text_of(table.find("caption")) == "Recipients"
    assert rows(table) == [
        ["First Charity", "GB-CHC-1000001", "£10,000.00"],
        ["Second Charity", "GB-CHC-1000002", "£10,000.25"],
        ["Third Charity", "", "£10,000.25"],
    ]


def test_procurement_facts(page):
    assert facts(page(XSS), "procurement") == {
        "Route": "Open tender",
        "Portal": "BlueLight",
        "Bids received": "3",
        "Contract starts": "1 July 2020",
        "Contract ends": "30 June 2022",
    }
    assert facts(page(DECISION), "procurement") == {"Route": "Grant round"}


def test_documents_show_type_and_size_and_the_file_is_built(site, page):
    items = section_after(page(DECISION), "documents").find_all("li")
    notice, report = items
    source = (FIXTURE_SITE / "decisions/files/FIX-2020-001-notice.txt").read_bytes()
    assert text_of(notice) == f"Decision notice (TXT, {len(source)} bytes)"
    target, _ = link_target(DECISION, notice.find("a")["href"])
    assert (site / target).read_bytes() == source
    assert text_of(report) == "Panel report (PDF, external link)"
    assert report.find("a")["href"] == "https://example.org/report.pdf"


def related_references(doc: Tag) -> list[str]:
    return [
        text_of(li).split(":")[0] for li in section_after(doc, "related").find("ul").find_all("li")
    ]


def test_related_decisions_are_linked_both_ways(page):
    # FIX-2020-001 names FIX-2020-002 as related; FIX-2020-002 names nothing but shows it back.
    assert related_references(page(DECISION)) == ["FIX-2020-002"]
    assert related_references(page(XSS)) == ["FIX-2020-001"]
    # The title is the link; the reference stays beside it as text.
    link = section_after(page(XSS), "related").find("a")
    assert link_target(XSS, link["href"]) == (DECISION, "")
    assert text_of(link) == "Grants to three victim services"


def test_superseded_by_is_shown_on_the_older_decision(page):
    older = content(page("decisions/2020/fix-2020-004/"))
    notice = [n for n in older.find_all("div", class_="admonition") if "Superseded" in text_of(n)]
    assert len(notice) == 1 and "superseded by FIX-2020-003" in text_of(notice[0])
    assert (
        link_target("decisions/2020/fix-2020-004/", notice[0].find("a")["href"])[0]
        == "decisions/2020/fix-2020-003/"
    )
    newer = content(page("decisions/2020/fix-2020-003/"))
    assert "replaces FIX-2020-004" in text_of(newer)
    assert not [n for n in newer.find_all("div", class_="admonition") if "Superseded" in text_of(n)]


def test_embargoed_successor_does_not_mark_a_decision_superseded(page):
    # FIX-2021-009 supersedes FIX-2020-001 but is not published yet.
    assert "uperseded" not in text_of(content(page(DECISION)))


def test_exempt_part_shows_title_and_reason_but_not_content(page, site_text, site):
    notice = content(page(DECISION)).find("div", class_="tr-exempt")
    assert text_of(notice.find("p", class_="admonition-title")) == "Applicants' bank details"
    assert "Section 40 FOIA - personal information" in text_of(notice)
    text = site_text[site / DECISION / "index.html"]
    assert "CANARYEXEMPT" not in text and "sort code" not in text and "Example Bank" not in text


def test_edit_button_opens_the_yaml_record(page):
    edit = content(page(DECISION)).find("a", rel="edit")
    assert (
        edit["href"] == "https://github.com/example/site/edit/main/decisions/2020/FIX-2020-001.yaml"
    )
    # It names a file that exists in the repository, not a generated page.
    assert (FIXTURE_SITE / edit["href"].split("/edit/main/", 1)[1]).is_file()


def test_edit_button_of_a_written_page_still_opens_its_markdown(page):
    edit = content(page("toolkit/cycle/analyse/")).find("a", rel="edit")
    assert (
        edit["href"] == "https://github.com/example/site/edit/main/content/toolkit/cycle/analyse.md"
    )


def structured_data(doc: Tag) -> dict:
    scripts = doc.find("head").find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].get_text())


def test_json_ld_describes_a_report_with_a_monetary_grant(page):
    data = structured_data(page(DECISION))
    assert data["@context"] == "https://schema.org"
    assert "Report" in data["@type"]
    assert data["identifier"] == "FIX-2020-001"
    assert (
        data["url"]
        == "https://example.org/our-business/making-decisions/decisions/2020/fix-2020-001/"
    )
    grant = data["funding"]
    assert grant["@type"] == "MonetaryGrant"
    assert grant["amount"] == {"@type": "MonetaryAmount", "value": 30000.5, "currency": "GBP"}
    assert [r["name"] for r in grant["recipient"]] == [
        "First Charity",
        "Second Charity",
        "Third Charity",
    ]


def test_json_ld_of_a_hostile_title_stays_inside_its_script(page):
    data = structured_data(page(XSS))
    assert data["name"] == '<script>alert("title")</script> Contract just over the threshold'


def test_only_decision_pages_carry_json_ld(page):
    assert not page("decisions/2020/").find("head").find_all("script", type="application/ld+json")


# ---------------------------------------------------------------------------
# Registers
# ---------------------------------------------------------------------------


# The columns a register shows first, in this order (later ones may follow).
REGISTER_COLUMNS = ["Reference", "Date", "Title", "Decision maker", "Amount", "Status"]


def register(doc: Tag) -> Tag:
    return content(doc).find("table", class_="tr-register")


def test_year_page_lists_that_years_decisions_newest_first(page):
    assert references(register(page("decisions/2020/"))) == [
        "FIX-2020-004",
        "FIX-2020-003",
        "FIX-2020-002",
        "FIX-2020-001",
    ]
    assert references(register(page("decisions/2021/"))) == ["FIX-2021-001"]


def test_year_page_columns(page):
    table = register(page("decisions/2020/"))
    assert [text_of(th) for th in table.find("thead").find_all("th")][:6] == REGISTER_COLUMNS
    assert rows(table)[-1][:6] == [
        "FIX-2020-001",
        "1 May 2020",
        "Grants to three victim services",
        "Police and Crime Commissioner",
        "£30,000.50",
        "Approved",
    ]
    assert rows(table)[0][5] == "Withdrawn"
    # When it reached the public, beside how long that took.
    assert [text_of(th) for th in table.find("thead").find_all("th")][6:] == ["Published"]
    assert rows(table)[-1][6:] == ["10 May 2020 (9 days)"]


def test_register_cells_are_labelled_for_phones(page):
    for tr in register(page("decisions/2020/")).find("tbody").find_all("tr"):
        assert [td["data-label"] for td in tr.find_all("td")][:6] == REGISTER_COLUMNS


def test_register_rows_link_their_titles_to_decision_pages(page):
    for tr in register(page("decisions/2020/")).find("tbody").find_all("tr"):
        reference, _, title = (text_of(td) for td in tr.find_all("td")[:3])
        (a,) = tr.find_all("a")
        assert text_of(a) == title
        assert (
            link_target("decisions/2020/", a["href"])[0] == f"decisions/2020/{reference.lower()}/"
        )


@pytest.mark.parametrize(
    "category, expected",
    [
        ("contracts", ["FIX-2020-004", "FIX-2020-003", "FIX-2020-002"]),
        ("grants", ["FIX-2020-001"]),
        ("finance", ["FIX-2021-001"]),
    ],
)
def test_category_page_lists_its_decisions(page, category, expected):
    table = register(page(f"decisions/category/{category}/"))
    assert references(table) == expected
    assert [text_of(th) for th in table.find("thead").find_all("th")][:6] == REGISTER_COLUMNS


def test_no_page_for_a_category_without_published_decisions(site):
    assert not (site / "decisions/category/estates").exists()


def test_decisions_index_links_every_year_and_category(page):
    targets = {
        link_target("decisions/", a["href"])[0] for a in content(page("decisions/")).find_all("a")
    }
    assert {
        "decisions/2020/",
        "decisions/2021/",
        "decisions/category/contracts/",
        "decisions/category/grants/",
        "decisions/category/finance/",
    } <= targets


# ---------------------------------------------------------------------------
# Funding
# ---------------------------------------------------------------------------


FUNDING = "funding/streams/"


def funding_table(doc: Tag) -> Tag:
    return content(doc).find("table", class_="tr-funding")


def test_funding_table_rows_and_year_on_year_change(page):
    table = funding_table(page(FUNDING))
    assert [text_of(th) for th in table.find("thead").find_all("th")] == [
        "Funding stream",
        "2019/20",
        "2020/21",
        "Change 2019/20 to 2020/21",
    ]
    assert rows(table) == [
        ["Victims fund", "£100,000.00", "£120,000.00", "+20.0%"],
        ["Safety fund", "£5,000.00", "£20,000.00", "+300.0%"],
        ["Fund with an unknown year", "Not known", "£1,000.00", ""],
    ]


def test_funding_table_totals_row(page):
    total = funding_table(page(FUNDING)).find("tfoot").find("tr")
    assert [text_of(c) for c in total.find_all(["th", "td"])] == [
        "Total",
        "Not known",
        "£141,000.00",
        "",
    ]


def stream_section(doc: Tag, stream: str) -> Tag:
    return section_after(doc, f"decisions-{stream}")


def test_decisions_charged_to_a_stream_with_their_sum_next_to_the_allocation(page):
    victims = stream_section(page(FUNDING), "victims-fund").find("table")
    assert (
        text_of(victims.find("caption"))
        == "Victims fund, 2020/21: £30,000.50 decided against an allocation of £120,000.00"
    )
    assert rows(victims) == [
        ["FIX-2020-001", "1 May 2020", "Grants to three victim services", "£30,000.50"]
    ]


def test_withdrawn_decisions_are_not_charged_to_a_stream(page):
    safety = stream_section(page(FUNDING), "safety-fund").find("table")
    assert references(safety) == ["FIX-2020-002", "FIX-2020-003", "FIX-2021-001"]
    assert "£35,000.01 decided against an allocation of £20,000.00" in text_of(
        safety.find("caption")
    )


def test_overspent_stream_has_a_visible_warning(page):
    doc = page(FUNDING)
    warning = stream_section(doc, "safety-fund").find("div", class_="warning")
    assert "£35,000.01" in text_of(warning) and "£20,000.00" in text_of(warning)
    assert not stream_section(doc, "victims-fund").find_all("div", class_="warning")


def test_overspent_stream_warns_in_the_build_log(fixture_build):
    warnings = [
        line
        for line in fixture_build.stderr.splitlines()
        if "WARNING" in line and "safety-fund" in line
    ]
    assert len(warnings) == 1 and "£35,000.01" in warnings[0] and "£20,000.00" in warnings[0]
    assert "victims-fund" not in fixture_build.stderr


def test_funding_chart_is_inline_svg_with_an_accessible_name(page):
    figure = content(page(FUNDING)).find("figure", class_="tr-chart")
    svg = figure.find("svg")
    assert svg["role"] == "img" and "Funding streams" in svg["aria-label"]
    assert not svg.find_all("script") and not svg.find_all("image")
    # One bar per known figure, as a share of the chart's width; the unknown one is only labelled.
    widths = [float(b["width"].removesuffix("%")) for b in svg.find_all("rect")]
    assert widths == [83.3, 100.0, 4.2, 16.7, 0.8]
    assert "2019/20: not known" in text_of(svg) and "2020/21: £120,000.00" in text_of(svg)
    assert text_of(figure.find("figcaption"))


def test_funding_index_links_each_table(page):
    links = [link_target("funding/", a["href"])[0] for a in content(page("funding/")).find_all("a")]
    assert FUNDING in links


# ---------------------------------------------------------------------------
# Toolkit, home and navigation
# ---------------------------------------------------------------------------


def test_toolkit_index_lists_the_four_stages_with_their_documents(page):
    cycle = content(page("toolkit/")).find("ol", class_="tr-cycle")
    assert [text_of(li.find("h2")) for li in cycle.find_all(recursive=False)] == [
        "Analyse",
        "Plan",
        "Do",
        "Review",
    ]
    analyse = cycle.find("li", id="analyse")
    assert [(text_of(a), link_target("toolkit/", a["href"])[0]) for a in analyse.find_all("a")] == [
        ("Analyse needs", "toolkit/cycle/analyse/")
    ]


def test_toolkit_document_shows_owner_reviews_and_download(site, page):
    doc = page("toolkit/cycle/analyse/")
    assert facts(doc) == {
        "Stage": "Analyse",
        "Owner": "Head of Commissioning",
        "Last reviewed": "10 January 2021",
        "Review due": "10 January 2022",
    }
    download = content(doc).find("p", class_="tr-downloads").find("a")
    target, _ = link_target("toolkit/cycle/analyse/", download["href"])
    assert (site / target).read_bytes() == (
        FIXTURE_SITE / "content/toolkit/cycle/needs-template.csv"
    ).read_bytes()


def test_internal_toolkit_document_and_its_attachment_are_not_built(site):
    built = {p.relative_to(site).as_posix() for p in site.rglob("*")}
    assert not [p for p in built if "internal" in p or "work-plan" in p]


def test_home_shows_latest_decisions_and_funding_headline(page):
    doc = page("")
    assert references(register(doc)) == [
        "FIX-2021-001",
        "FIX-2020-004",
        "FIX-2020-003",
        "FIX-2020-002",
        "FIX-2020-001",
    ]
    headline = section_after(doc, "funding-headline")
    assert text_of(headline) == "Funding streams: £141,000.00 in 2020/21"
    assert link_target("", headline.find("a")["href"])[0] == FUNDING


def nav_links(site: Path, html_path: str) -> list[str]:
    nav = _parsed(site / html_path).find("nav", class_="md-nav--primary")
    return [
        link_target(url_of(html_path), a["href"])[0]
        for a in nav.find_all("a")
        if a.get("href") and not urlsplit(a["href"]).scheme
    ]


def test_nav_holds_sections_and_year_pages(site):
    links = nav_links(site, "index.html")
    assert {
        "",
        "decisions/",
        "decisions/2020/",
        "decisions/2021/",
        "funding/",
        FUNDING,
        "toolkit/",
        "toolkit/cycle/analyse/",
        "how-to-use/",
    } <= set(links)


def test_nav_of_no_page_lists_a_decision_page(site):
    for html_path in html_pages(site):
        if _parsed(site / html_path).find_all("nav", class_="md-nav--primary"):
            listed = [link for link in nav_links(site, html_path) if DECISION_PAGE.search(link)]
            assert not listed, f"{html_path} lists decision pages in its navigation: {listed}"


def test_every_page_navigation_leads_to_the_same_pages(site):
    # Pages outside the navigation share one rendering per folder: a navigation rendered for a
    # 2020 decision must not be reused, with its relative links, on a 2021 decision.
    home = nav_links(site, "index.html")
    for html_path in html_pages(site):
        if _parsed(site / html_path).find_all("nav", class_="md-nav--primary"):
            assert set(nav_links(site, html_path)) == set(home), html_path


def test_shared_navigation_is_what_material_renders_for_each_page(site, tmp_path, monkeypatch):
    # The plugin renders the navigation once per folder for pages outside it; rendered for every
    # page, as Material does, each page must come out byte for byte the same.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.plugin import TransparencyPlugin

    shared = TransparencyPlugin.on_page_context

    def unshared(self, context, **kwargs):
        context = shared(self, context, **kwargs)
        context["transparency_nav_key"] = None
        return context

    monkeypatch.setattr(TransparencyPlugin, "on_page_context", unshared)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", conftest.SOURCE_DATE_EPOCH)
    build(
        load_config(config_file=str(FIXTURE_SITE / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    )
    for html_path in html_pages(site):
        assert (tmp_path / "site" / html_path).read_bytes() == (site / html_path).read_bytes(), (
            html_path
        )


def test_generated_html_and_open_data_are_held_only_while_written(tmp_path, monkeypatch):
    # MkDocs renders every page before it writes any and keeps each page's content until the
    # build ends: holding the generated pages' HTML that long cost gigabytes at 50,000 decisions.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.plugin import TransparencyPlugin

    held: dict[str, int] = {}
    files_held: list[str] = []
    on_env = TransparencyPlugin.on_env

    def between_the_passes(self, env, *, config, files):
        # Every page has been read and none written yet: what each would hold while all are read.
        for uri in self.pages:
            held[uri] = len(files.get_file_from_path(uri).page.content or "")
        # Nor are the open data files held until MkDocs copies its files (MkDocs has no public
        # way to ask whether a file's content is in memory).
        files_held.extend(
            file.src_uri
            for file in files
            if not file.is_documentation_page() and file._content is not None
        )
        return on_env(self, env, config=config, files=files)

    monkeypatch.setattr(TransparencyPlugin, "on_env", between_the_passes)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", conftest.SOURCE_DATE_EPOCH)
    config = load_config(
        config_file=str(FIXTURE_SITE / "mkdocs.yml"), site_dir=str(tmp_path / "site")
    )
    build(config)
    plugin = config.plugins["transparency"]
    decision = "decisions/2020/fix-2020-001/index.md"
    assert decision in held
    assert held == dict.fromkeys(plugin.pages, 0)
    assert files_held == []
    assert all(plugin.files.get_file_from_path(uri).page.content is None for uri in plugin.pages)
    written = _parsed(tmp_path / "site" / "decisions/2020/fix-2020-001/index.html")
    assert written.find(id="summary") is not None


def test_other_plugins_read_a_generated_pages_content_and_contents(tmp_path):
    # The content is made as the page is written: a plugin listed first and reading it then
    # (Material's search) must still find it, with the page's contents list.
    source = copy_site(tmp_path / "source")
    config_file = source / "mkdocs.yml"
    config_file.write_text(
        config_file.read_text().replace("plugins:\n", "plugins:\n  - search\n", 1)
    )
    result = build_site(source, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text())
    entries = {entry["location"]: entry for entry in index["docs"]}
    assert "Summary" in entries["decisions/2020/fix-2020-001/#summary"]["title"]
    assert entries["decisions/2020/fix-2020-001/"]["text"]


def test_nav_check_recognises_decision_pages():
    assert DECISION_PAGE.search("decisions/2020/fix-2020-001/")
    assert not DECISION_PAGE.search("decisions/2020/")


# ---------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------


def local_links(doc: Tag) -> list[str]:
    found = []
    for element in doc.find_all(True):
        for attr in ("href", "src"):
            value = element.get(attr)
            if value is None or element.name == "a" and element.get("rel") == ["edit"]:
                continue
            if urlsplit(value).scheme or value.startswith("//"):
                continue
            found.append(value)
    return found


def broken_links(site: Path) -> list[str]:
    broken = []
    for html_path in html_pages(site):
        url = url_of(html_path)
        for href in local_links(_parsed(site / html_path)):
            target, fragment = link_target(url, href)
            path = html_file(site, target)
            if not path.is_file():
                broken.append(f"{html_path}: {href} -> {target} (no such file)")
            elif fragment and path.suffix == ".html" and not _parsed(path).find_all(id=fragment):
                broken.append(f"{html_path}: {href} -> no id {fragment!r} in {target}")
    return broken


def test_every_internal_link_resolves_under_the_sub_path(site):
    broken = broken_links(site)
    assert not broken, "\n".join(broken)


def test_link_checker_sees_a_broken_link(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<a href="../b/">x</a><a href="../#top">y</a>')
    (tmp_path / "index.html").write_text('<p id="top">home</p>')
    assert broken_links(tmp_path) == ["a/index.html: ../b/ -> b/ (no such file)"]


def test_links_leaving_the_sub_path_are_caught():
    with pytest.raises(AssertionError, match="leaves the sub-path"):
        link_target("decisions/", "../../x/")


# ---------------------------------------------------------------------------
# Publication rules
# ---------------------------------------------------------------------------


def test_no_withheld_string_in_any_built_file(site_text):
    assert len(site_text) > 20
    leaks = [
        (str(path), canary)
        for path, text in site_text.items()
        for canary in CANARIES
        if canary in text
    ]
    assert not leaks


def test_embargoed_decision_is_not_built(site):
    assert not (site / "decisions/2021/fix-2021-009").exists()
    assert not list(site.rglob("*2021-009*"))


def test_hostile_title_shows_as_text_everywhere_it_is_printed(site, page):
    raw = (site / XSS / "index.html").read_text(encoding="utf-8")
    assert '<script>alert("title")' not in raw
    doc = page(XSS)
    shown = '<script>alert("title")</script> Contract just over the threshold'
    assert text_of(doc.find("title")).startswith("FIX-2020-002: " + shown)
    assert text_of(doc.find("h1")) == shown
    assert shown in text_of(
        doc.find("div", class_="md-header__topic", attrs={"data-md-component": "header-topic"})
    )
    for crumbs in doc.find_all("nav", class_="md-path"):
        assert "<script" not in crumbs.get_text() or shown in text_of(crumbs)


def test_hostile_title_is_escaped_in_every_file(site_text):
    for path, text in site_text.items():
        assert '<script>alert("title")' not in text, path


def test_meta_description_is_plain_text(page):
    description = [m for m in page(XSS).find_all("meta") if m.get("name") == "description"][0][
        "content"
    ]
    assert description.startswith("A contract.")
    assert "<" not in description and "onerror" not in description and "alert" not in description


def test_raw_html_in_markdown_is_reduced(page):
    summary = section_after(page(XSS), "summary")
    assert not summary.find_all("img") and not summary.find_all("script")
    hrefs = [a.get("href") for a in summary.find_all("a")]
    assert hrefs == [None, "https://example.org/good"]


def test_no_event_handler_javascript_link_or_record_script_in_any_page(site, site_text):
    for path, text in site_text.items():
        if path.suffix != ".html":
            continue
        assert "onerror" not in text.lower(), path
        assert "javascript:" not in text.lower(), path
        for script in _parsed(path).find_all("script"):
            assert (
                "alert" not in script.get_text() or script.get("type") == "application/ld+json"
            ), path


def file_hashes(site_dir: Path) -> dict[str, str]:
    return {
        p.relative_to(site_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site_dir.rglob("*"))
        if p.is_file()
    }


def test_a_second_build_is_byte_identical(site, tmp_path):
    again = tmp_path / "again"
    result = build_site(FIXTURE_SITE, again)
    assert result.returncode == 0, result.stderr
    first, second = file_hashes(site), file_hashes(again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


@pytest.fixture
def dated_copy(tmp_path):
    """A copy of the fixture site whose build date comes from SOURCE_DATE_EPOCH alone."""
    source = copy_site(tmp_path / "source")
    config = source / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^\s*build_date:.*\n", "", config.read_text()))
    return source


@pytest.mark.parametrize(
    "epoch, day, shown",
    [
        ("1588982400", "2020-05-09", False),  # the day before FIX-2020-001 was published
        ("1589068800", "2020-05-10", True),  # the day it was published
    ],
)
def test_build_date_from_source_date_epoch_embargoes_a_decision(
    dated_copy, tmp_path, monkeypatch, epoch, day, shown
):
    assert "build_date" not in (dated_copy / "mkdocs.yml").read_text()
    monkeypatch.setattr(conftest, "SOURCE_DATE_EPOCH", epoch)
    out = tmp_path / "out"
    result = build_site(dated_copy, out)
    assert result.returncode == 0, result.stderr
    assert (out / DECISION / "index.html").is_file() is shown
    mentioned = [
        p for p, text in site_files(out).items() if "FIX-2020-001" in text or "fix-2020-001" in text
    ]
    assert bool(mentioned) is shown, mentioned


def test_a_validation_error_fails_mkdocs_build_with_the_validators_message(tmp_path):
    source = copy_site(tmp_path / "source")
    record = source / "decisions/2020/FIX-2020-003.yaml"
    record.write_text(record.read_text().replace("date: 2020-06-02", "date: 2020-13-45"))
    built = build_site(source, tmp_path / "out")
    validated = subprocess.run(
        [str(Path(sys.executable).parent / "transparency"), "validate"],
        cwd=source,
        capture_output=True,
        text=True,
    )
    assert built.returncode != 0 and validated.returncode != 0
    message = "decisions/2020/FIX-2020-003.yaml:3:7: error: date: '2020-13-45' is not a valid date"
    errors = [line for line in validated.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(message)
    assert errors[0] in built.stderr
    assert "Traceback" not in built.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_documents_are_published_where_files_dir_says(tmp_path):
    """files_dir decides the documents' address in the site, on the page and in the links check."""
    source = copy_site(tmp_path / "source")
    (source / "decisions/files").rename(source / "documents")
    config = source / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      reference_prefix: FIX\n",
            "      reference_prefix: FIX\n      files_dir: documents\n",
        )
    )
    out = tmp_path / "site"
    result = build_site(source, out)
    assert result.returncode == 0, result.stderr
    assert (out / "documents/FIX-2020-001-notice.txt").read_bytes() == (
        source / "documents/FIX-2020-001-notice.txt"
    ).read_bytes()
    assert not (out / "decisions/files").exists()
    page = BeautifulSoup((out / DECISION / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"] for a in page.select("a[download]")}
    assert "../../../documents/FIX-2020-001-notice.txt" in hrefs
