"""The built fixture site, read as a visitor and a re-user would: pages, links and publication
rules.

One build (the session `site` fixture) is read by many small tests. A few tests build their own
copy where the input itself must differ (an earlier build date, a broken record, a rebuild).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import subprocess
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import conftest
import pytest
from bs4 import BeautifulSoup
from conftest import CANARIES, FIXTURE_BASE_PATH, FIXTURE_SITE, build_site, copy_site, site_files

# ---------------------------------------------------------------------------
# A small DOM, enough to ask "which links, which rows, which text" of a page
# ---------------------------------------------------------------------------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def __getitem__(self, name: str) -> str | None:
        return self.attrs.get(name)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, cls: str | None = None, **attrs: str
    ) -> list[Element]:
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> with class={cls!r} {attrs} on the page"
        return found[0]

    @property
    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text for c in self.children)

    @property
    def text(self) -> str:
        return " ".join(self.raw_text.split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# ---------------------------------------------------------------------------
# Reading the built site
# ---------------------------------------------------------------------------


def html_file(site: Path, url: str) -> Path:
    """The file a site-relative URL ('decisions/2020/', 'feed.xml') is served from."""
    path = site / url
    return path / "index.html" if url == "" or url.endswith("/") or path.is_dir() else path


@cache
def _parsed(path: Path) -> Element:
    return parse(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def page(site):
    def read(url: str) -> Element:
        path = html_file(site, url)
        assert path.is_file(), f"{url} was not built"
        return _parsed(path)

    return read


def content(doc: Element) -> Element:
    return doc.find("article", cls="md-content__inner")


def facts(doc: Element, heading: str | None = None) -> dict[str, str]:
    """The <dl class="tr-facts"> terms and values of a page (all of them, or the first after a
    heading)."""
    lists = content(doc).find_all("dl", cls="tr-facts")
    if heading is not None:
        lists = [section_after(doc, heading).find("dl", cls="tr-facts")]
    return {div.find("dt").text: div.find("dd").text for dl in lists for div in dl.find_all("div")}


def section_after(doc: Element, heading_id: str) -> Element:
    """The elements between the heading with this id and the next heading of its level, as one
    element."""
    article = content(doc)
    siblings = heading = None
    for element in article.iter():
        if element.attrs.get("id") == heading_id:
            heading, siblings = element, element.parent.children
            break
    assert heading is not None, f"no heading #{heading_id}"
    section = Element("#section", {})
    start = siblings.index(heading) + 1
    for child in siblings[start:]:
        if isinstance(child, Element) and child.tag == heading.tag:
            break
        section.children.append(child)
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


def rows(table: Element) -> list[list[str]]:
    return [
        [cell.text for cell in tr.find_all() if cell.tag in ("td", "th")]
        for tr in table.find("tbody").find_all("tr")
    ]


def references(table: Element) -> list[str]:
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
    assert doc.find("h1").text == "Grants to three victim services"
    assert "FIX-2020-001" in content(doc).find("p", cls="tr-kicker").text
    assert doc.find("title").text.startswith("FIX-2020-001: Grants to three victim services")


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
    chips = [e.text for e in doc.find_all(cls="tr-chip")]
    assert "domestic-abuse" in chips and "victims" in chips
    category = [a for a in doc.find_all("a", cls="tr-chip")]
    assert [link_target(DECISION, a["href"])[0] for a in category] == ["decisions/category/grants/"]


def test_decision_page_summary_and_decision_sections(page):
    doc = page(DECISION)
    assert (
        section_after(doc, "summary").text
        == "Grants to three services supporting victims of domestic abuse."
    )
    assert section_after(doc, "summary").find("strong").text == "domestic abuse"
    assert section_after(doc, "decision").text == "The Commissioner approved three grants."


def key_facts(doc: Element) -> Element:
    """The box of key facts under a decision's title."""
    box = content(doc).find("div", cls="tr-key-facts")
    assert box is not None, "no key facts box"
    return box


def test_money_is_formatted_with_pound_sign_and_pence(page):
    amount = [
        div for div in key_facts(page(DECISION)).find_all("div") if div.find("dt").text == "Amount"
    ]
    assert [div.find("dd").text for div in amount] == ["£30,000.50"]


def test_funding_stream_links_to_its_row_in_the_funding_table(page):
    stream = key_facts(page(DECISION))
    anchor = [a for a in stream.find_all("a") if a.text == "Victims fund"]
    assert len(anchor) == 1
    target, fragment = link_target(DECISION, anchor[0]["href"])
    assert (target, fragment) == ("funding/streams/", "stream-victims-fund")
    row = page(target).find(id=fragment)
    assert row.tag == "tr" and row.find("th").text == "Victims fund"


def test_recipients_table(page):
    table = section_after(page(DECISION), "money").find("table")
    assert table.find("caption").text == "Recipients"
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
    assert notice.text == f"Decision notice (TXT, {len(source)} bytes)"
    target, _ = link_target(DECISION, notice.find("a")["href"])
    assert (site / target).read_bytes() == source
    assert report.text == "Panel report (PDF, external link)"
    assert report.find("a")["href"] == "https://example.org/report.pdf"


def related_references(doc: Element) -> list[str]:
    return [li.text.split(":")[0] for li in section_after(doc, "related").find("ul").find_all("li")]


def test_related_decisions_are_linked_both_ways(page):
    # FIX-2020-001 names FIX-2020-002 as related; FIX-2020-002 names nothing but shows it back.
    assert related_references(page(DECISION)) == ["FIX-2020-002"]
    assert related_references(page(XSS)) == ["FIX-2020-001"]
    # The title is the link; the reference stays beside it as text.
    link = section_after(page(XSS), "related").find("a")
    assert link_target(XSS, link["href"]) == (DECISION, "")
    assert link.text == "Grants to three victim services"


def test_superseded_by_is_shown_on_the_older_decision(page):
    older = content(page("decisions/2020/fix-2020-004/"))
    notice = [n for n in older.find_all("div", cls="admonition") if "Superseded" in n.text]
    assert len(notice) == 1 and "superseded by FIX-2020-003" in notice[0].text
    assert (
        link_target("decisions/2020/fix-2020-004/", notice[0].find("a")["href"])[0]
        == "decisions/2020/fix-2020-003/"
    )
    newer = content(page("decisions/2020/fix-2020-003/"))
    assert "replaces FIX-2020-004" in newer.text
    assert not [n for n in newer.find_all("div", cls="admonition") if "Superseded" in n.text]


def test_embargoed_successor_does_not_mark_a_decision_superseded(page):
    # FIX-2021-009 supersedes FIX-2020-001 but is not published yet.
    assert "uperseded" not in content(page(DECISION)).text


def test_exempt_part_shows_title_and_reason_but_not_content(page, site_text, site):
    notice = content(page(DECISION)).find("div", cls="tr-exempt")
    assert notice.find("p", cls="admonition-title").text == "Applicants' bank details"
    assert "Section 40 FOIA - personal information" in notice.text
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


def structured_data(doc: Element) -> dict:
    scripts = doc.find("head").find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].raw_text)


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


def register(doc: Element) -> Element:
    return content(doc).find("table", cls="tr-register")


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
    assert [th.text for th in table.find("thead").find_all("th")][:6] == REGISTER_COLUMNS
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
    assert [th.text for th in table.find("thead").find_all("th")][6:] == ["Published"]
    assert rows(table)[-1][6:] == ["10 May 2020 (9 days)"]


def test_register_cells_are_labelled_for_phones(page):
    for tr in register(page("decisions/2020/")).find("tbody").find_all("tr"):
        assert [td["data-label"] for td in tr.find_all("td")][:6] == REGISTER_COLUMNS


def test_register_rows_link_their_titles_to_decision_pages(page):
    for tr in register(page("decisions/2020/")).find("tbody").find_all("tr"):
        reference, _, title = (td.text for td in tr.find_all("td")[:3])
        (a,) = tr.find_all("a")
        assert a.text == title
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
    assert [th.text for th in table.find("thead").find_all("th")][:6] == REGISTER_COLUMNS


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


def funding_table(doc: Element) -> Element:
    return content(doc).find("table", cls="tr-funding")


def test_funding_table_rows_and_year_on_year_change(page):
    table = funding_table(page(FUNDING))
    assert [th.text for th in table.find("thead").find_all("th")] == [
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
    assert [c.text for c in total.find_all() if c.tag in ("th", "td")] == [
        "Total",
        "Not known",
        "£141,000.00",
        "",
    ]


def stream_section(doc: Element, stream: str) -> Element:
    return section_after(doc, f"decisions-{stream}")


def test_decisions_charged_to_a_stream_with_their_sum_next_to_the_allocation(page):
    victims = stream_section(page(FUNDING), "victims-fund").find("table")
    assert (
        victims.find("caption").text
        == "Victims fund, 2020/21: £30,000.50 decided against an allocation of £120,000.00"
    )
    assert rows(victims) == [
        ["FIX-2020-001", "1 May 2020", "Grants to three victim services", "£30,000.50"]
    ]


def test_withdrawn_decisions_are_not_charged_to_a_stream(page):
    safety = stream_section(page(FUNDING), "safety-fund").find("table")
    assert references(safety) == ["FIX-2020-002", "FIX-2020-003", "FIX-2021-001"]
    assert "£35,000.01 decided against an allocation of £20,000.00" in safety.find("caption").text


def test_overspent_stream_has_a_visible_warning(page):
    doc = page(FUNDING)
    warning = stream_section(doc, "safety-fund").find("div", cls="warning")
    assert "£35,000.01" in warning.text and "£20,000.00" in warning.text
    assert not stream_section(doc, "victims-fund").find_all("div", cls="warning")


def test_overspent_stream_warns_in_the_build_log(fixture_build):
    warnings = [
        line
        for line in fixture_build.stderr.splitlines()
        if "WARNING" in line and "safety-fund" in line
    ]
    assert len(warnings) == 1 and "£35,000.01" in warnings[0] and "£20,000.00" in warnings[0]
    assert "victims-fund" not in fixture_build.stderr


def test_funding_chart_is_inline_svg_with_an_accessible_name(page):
    figure = content(page(FUNDING)).find("figure", cls="tr-chart")
    svg = figure.find("svg")
    assert svg["role"] == "img" and "Funding streams" in svg["aria-label"]
    assert not svg.find_all("script") and not svg.find_all("image")
    # One bar per known figure, as a share of the chart's width; the unknown one is only labelled.
    widths = [float(b["width"].removesuffix("%")) for b in svg.find_all("rect")]
    assert widths == [83.3, 100.0, 4.2, 16.7, 0.8]
    assert "2019/20: not known" in svg.text and "2020/21: £120,000.00" in svg.text
    assert figure.find("figcaption").text


def test_funding_index_links_each_table(page):
    links = [link_target("funding/", a["href"])[0] for a in content(page("funding/")).find_all("a")]
    assert FUNDING in links


# ---------------------------------------------------------------------------
# Toolkit, home and navigation
# ---------------------------------------------------------------------------


def test_toolkit_index_lists_the_four_stages_with_their_documents(page):
    cycle = content(page("toolkit/")).find("ol", cls="tr-cycle")
    assert [li.find("h2").text for li in cycle.children if isinstance(li, Element)] == [
        "Analyse",
        "Plan",
        "Do",
        "Review",
    ]
    analyse = cycle.find("li", id="analyse")
    assert [(a.text, link_target("toolkit/", a["href"])[0]) for a in analyse.find_all("a")] == [
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
    download = content(doc).find("p", cls="tr-downloads").find("a")
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
    assert headline.text == "Funding streams: £141,000.00 in 2020/21"
    assert link_target("", headline.find("a")["href"])[0] == FUNDING


def nav_links(site: Path, html_path: str) -> list[str]:
    nav = _parsed(site / html_path).find("nav", cls="md-nav--primary")
    return [
        link_target(url_of(html_path), a["href"])[0]
        for a in nav.find_all("a")
        if a["href"] and not urlsplit(a["href"]).scheme
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
        if _parsed(site / html_path).find_all("nav", cls="md-nav--primary"):
            listed = [link for link in nav_links(site, html_path) if DECISION_PAGE.search(link)]
            assert not listed, f"{html_path} lists decision pages in its navigation: {listed}"


def test_every_page_navigation_leads_to_the_same_pages(site):
    # Pages outside the navigation share one rendering per folder: a navigation rendered for a
    # 2020 decision must not be reused, with its relative links, on a 2021 decision.
    home = nav_links(site, "index.html")
    for html_path in html_pages(site):
        if _parsed(site / html_path).find_all("nav", cls="md-nav--primary"):
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


def test_nav_check_recognises_decision_pages():
    assert DECISION_PAGE.search("decisions/2020/fix-2020-001/")
    assert not DECISION_PAGE.search("decisions/2020/")


# ---------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------


def local_links(doc: Element) -> list[str]:
    found = []
    for element in doc.iter():
        for attr in ("href", "src"):
            value = element.attrs.get(attr)
            if value is None or element.tag == "a" and element.attrs.get("rel") == "edit":
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
    assert doc.find("title").text.startswith("FIX-2020-002: " + shown)
    assert doc.find("h1").text == shown
    assert (
        shown
        in doc.find("div", cls="md-header__topic", **{"data-md-component": "header-topic"}).text
    )
    for crumbs in doc.find_all("nav", cls="md-path"):
        assert "<script" not in crumbs.raw_text or shown in crumbs.text


def test_hostile_title_is_escaped_in_every_file(site_text):
    for path, text in site_text.items():
        assert '<script>alert("title")' not in text, path


def test_meta_description_is_plain_text(page):
    description = [m for m in page(XSS).find_all("meta") if m["name"] == "description"][0][
        "content"
    ]
    assert description.startswith("A contract.")
    assert "<" not in description and "onerror" not in description and "alert" not in description


def test_raw_html_in_markdown_is_reduced(page):
    summary = section_after(page(XSS), "summary")
    assert not summary.find_all("img") and not summary.find_all("script")
    hrefs = [a["href"] for a in summary.find_all("a")]
    assert hrefs == [None, "https://example.org/good"]


def test_no_event_handler_javascript_link_or_record_script_in_any_page(site, site_text):
    for path, text in site_text.items():
        if path.suffix != ".html":
            continue
        assert "onerror" not in text.lower(), path
        assert "javascript:" not in text.lower(), path
        for script in _parsed(path).find_all("script"):
            assert "alert" not in script.raw_text or script["type"] == "application/ld+json", path


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
