"""Pages as readers see them: written pages render as written, contents lists are whole,
decision pages lead with their key facts, and tables fit the screen.

Read with BeautifulSoup from the built example and fixture sites; measured in Chromium where
only a browser can tell (layout).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import DESKTOP, PHONE, browser, load, serve, set_viewport  # noqa: F401 - `browser` is a fixture
from bs4 import BeautifulSoup
from conftest import FIXTURE_BASE_PATH, REPO, build_site, copy_site
from hypothesis import given, settings
from hypothesis import strategies as st

NOTICES = Path(__file__).parent / "fixtures" / "notices"
# Where the example's and the notices' mkdocs.yml publish them.
EXAMPLE_BASE_PATH = "/our-business/making-decisions/"
NOTICES_BASE_PATH = "/decisions-test/"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("example-pages") / "site"
    result = build_site(REPO, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


def _html_pages(site_dir: Path) -> dict[str, BeautifulSoup]:
    return {
        str(p.relative_to(site_dir)): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
        for p in sorted(site_dir.rglob("*.html"))
    }


@pytest.fixture(scope="module")
def example_pages(example_site) -> dict[str, BeautifulSoup]:
    return _html_pages(example_site)


@pytest.fixture(scope="module")
def notices_site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("notices-pages") / "site"
    result = build_site(NOTICES, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


@pytest.fixture(scope="module")
def notices_pages(notices_site) -> dict[str, BeautifulSoup]:
    return _html_pages(notices_site)


@pytest.fixture(scope="module")
def fixture_pages(site) -> dict[str, BeautifulSoup]:
    return _html_pages(site)


def _rendering_problems(pages: dict[str, BeautifulSoup]) -> list[str]:
    problems = []
    for name, soup in pages.items():
        article = soup.find("article")
        if article is None:  # the 404 page of a broken build, redirects
            continue
        if "```" in article.get_text():
            problems.append(f"{name}: a literal ``` (a fence Markdown did not read)")
        headings = soup.find_all("h1")
        if len(headings) > 1:
            problems.append(
                f"{name}: {len(headings)} <h1>: {[h.get_text(strip=True)[:40] for h in headings]}"
            )
        toc = soup.select_one(".md-sidebar--secondary")
        if toc is None or toc.has_attr("hidden"):
            # No contents column: a page with no sections, or one whose tables need the width.
            continue
        listed = {a.get("href") for a in toc.select("a.md-nav__link")}
        for h2 in article.find_all("h2"):
            if f"#{h2.get('id')}" not in listed:
                problems.append(
                    f"{name}: its contents list misses <h2> {h2.get_text(strip=True)!r}"
                )
    return problems


def test_every_page_of_the_example_renders_as_written(example_pages):
    assert "publishing/index.html" in example_pages
    assert _rendering_problems(example_pages) == []


def test_every_page_of_the_fixture_site_renders_as_written(fixture_pages):
    assert _rendering_problems(fixture_pages) == []


def test_the_staff_guide_shows_its_commands_as_code(example_pages):
    guide = example_pages["publishing/index.html"].find("article")
    blocks = [pre.get_text() for pre in guide.find_all("pre")]
    # Fenced inside numbered steps: each command on its own line, the YAML comment code, not a
    # heading.
    assert any("git add" in b and "git commit" in b and b.count("\n") >= 2 for b in blocks), blocks
    assert any("# yaml-language-server:" in b for b in blocks), blocks
    assert not [
        p
        for p in guide.find_all("p")
        if p.get_text(strip=True) in ("yaml", "shell", "bash", "console")
    ]


def test_a_page_with_no_sections_has_no_contents_column(example_pages):
    toc = example_pages["index.html"].select_one(".md-sidebar--secondary")
    assert toc is None or toc.has_attr("hidden")
    assert (
        not example_pages["publishing/index.html"]
        .select_one(".md-sidebar--secondary")
        .has_attr("hidden")
    )


# The decision page's key facts -------------------------------------------------------------


def key_facts(soup: BeautifulSoup) -> dict[str, BeautifulSoup]:
    box = soup.find("article").select_one(".tr-key-facts")
    assert box is not None, "no key facts box"
    return {div.dt.get_text(strip=True): div.dd for div in box.select("dl.tr-facts > div")}


def test_key_facts_come_straight_after_the_title(fixture_pages):
    article = fixture_pages["decisions/2020/fix-2020-001/index.html"].find("article")
    h1 = article.find("h1")
    assert h1.find_next(["div", "dl", "h2", "p"], class_=lambda c: c != "tr-kicker")["class"] == [
        "tr-key-facts"
    ]


def test_key_facts_say_how_much_to_whom_from_which_stream_and_what_is_withheld(fixture_pages):
    soup = fixture_pages["decisions/2020/fix-2020-001/index.html"]
    shown = key_facts(soup)
    assert [k for k in shown] == [
        "Status",
        "Date of decision",
        "Decision maker",
        "Amount",
        "Recipients",
        "Funding stream",
        "Financial year",
        "Withheld",
    ]
    assert shown["Amount"].get_text() == "£30,000.50"
    assert [s.get_text() for s in shown["Recipients"].select(".tr-party")] == [
        "First Charity: £10,000.00",
        "Second Charity: £10,000.25",
        "Third Charity: £10,000.25",
    ]
    assert shown["Funding stream"].a.get_text() == "Victims fund"
    flag = shown["Withheld"].a
    assert flag.get_text() == "1 part withheld" and flag["href"] == "#withheld"
    assert soup.find(id="withheld").name == "h2"


def test_a_contract_with_no_value_says_so(example_pages):
    shown = key_facts(example_pages["decisions/2020/wypcc-2020-004/index.html"])
    assert shown["Amount"].get_text() == "Not stated"


@pytest.mark.parametrize(
    "basis, words", [("maximum", "up to £"), ("estimate", "about £"), ("annual", " a year")]
)
def test_key_facts_give_the_amount_s_basis(notices_pages, basis, words):
    found = [
        name
        for name, soup in notices_pages.items()
        if soup.find("article")
        and soup.select_one(".tr-key-facts")
        and words in key_facts(soup).get("Amount", soup.new_tag("dd")).get_text()
    ]
    assert found, f"no decision page states an amount {words!r}"


def test_no_empty_section_or_facts_box(fixture_pages, example_pages, notices_pages):
    empty = []
    for name, soup in {**fixture_pages, **example_pages, **notices_pages}.items():
        for dl in soup.select("article dl.tr-facts"):
            if not dl.find("dd"):
                empty.append(f"{name}: an empty list of facts")
        for h2 in soup.select("article h2"):
            following = h2.find_next_sibling()
            if following is None or following.name == "h2":
                empty.append(f"{name}: nothing under {h2.get_text(strip=True)!r}")
    assert empty == []


# In Chromium --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site, example_site, notices_site):
    with (
        serve(site, FIXTURE_BASE_PATH) as fixture,
        serve(example_site, EXAMPLE_BASE_PATH) as example,
        serve(notices_site, NOTICES_BASE_PATH) as notices,
    ):
        yield {"fixture": fixture, "example": example, "notices": notices}


@pytest.mark.parametrize(
    "which, path",
    [("fixture", "decisions/2020/fix-2020-001/"), ("example", "decisions/2020/wypcc-2020-003/")],
)
def test_title_and_key_facts_fit_in_a_phone_s_first_screen_and_a_half(browser, served, which, path):
    set_viewport(browser, *PHONE)
    load(browser, served[which] + path)
    bottom = browser.execute_script(
        "return document.querySelector('.tr-key-facts').getBoundingClientRect().bottom + scrollY"
    )
    assert bottom <= 1.5 * PHONE[1], (
        f"the key facts end {bottom:.0f} px down, on a screen {PHONE[1]} px tall"
    )


# Every page type with a table, on the site where its tables are widest.
TABLE_PAGES = [
    ("example", ""),
    ("example", "decisions/"),
    ("example", "registers/grants/"),
    ("fixture", "decisions/2020/"),
    ("fixture", "decisions/category/contracts/"),
    ("fixture", "decisions/2020/fix-2020-001/"),
    ("fixture", "funding/streams/"),
    ("fixture", "registers/contracts/"),
    ("fixture", "registers/grants/"),
    ("fixture", "registers/decisions/"),
    ("fixture", "transparency/specified-information/"),
    ("notices", "decisions/"),
    ("notices", "registers/contracts/"),
    ("notices", "registers/grants/"),
    ("notices", "funding/"),
]

# Each table that needs sideways scrolling or runs past the article, and each word (a run of
# letters and digits) a table's cell breaks across two lines.
_TABLES_THAT_DO_NOT_FIT = """
const article = document.querySelector('article').getBoundingClientRect();
const found = [];
for (const table of document.querySelectorAll('article table')) {
  if (!table.getClientRects().length) continue;
  const name = table.caption
    ? table.caption.textContent.trim()
    : table.rows[0].textContent.trim().slice(0, 40);
  const box = table.closest('.tr-table-wrap, .md-typeset__scrollwrap') || table.parentElement;
  const overflows = table.getBoundingClientRect().right > article.right + 1;
  if (box.scrollWidth > box.clientWidth + 1 || overflows)
    found.push(`${name}: ${table.scrollWidth} px wide in ${box.clientWidth} px`);
  const texts = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    for (const word of node.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      const lines = new Set(rects.map(r => Math.round(r.top)));
      if (lines.size > 1) found.push(`${name}: '${word[0]}' broken across lines`);
    }
  }
}
return found;
"""

# Cells of register and funding tables shown otherwise than as labelled lines of a card.
_CELLS_NOT_CARDS = """
return [...document.querySelectorAll('article table.tr-register td, article table.tr-funding td')]
  .filter(td => td.getClientRects().length)
  .filter(td => getComputedStyle(td).display !== 'block'
    || !getComputedStyle(td, '::before').content.includes(td.dataset.label))
  .map(td => td.textContent.trim().slice(0, 40));
"""


@pytest.mark.parametrize(
    "which, path", TABLE_PAGES, ids=[f"{w}:{p or 'home'}" for w, p in TABLE_PAGES]
)
def test_tables_fit_a_desktop_without_breaking_words(browser, served, which, path):
    set_viewport(browser, *DESKTOP)
    load(browser, served[which] + path)
    assert browser.execute_script("return document.querySelectorAll('article table').length") > 0
    assert browser.execute_script(_TABLES_THAT_DO_NOT_FIT) == []


@pytest.mark.parametrize(
    "which, path", TABLE_PAGES, ids=[f"{w}:{p or 'home'}" for w, p in TABLE_PAGES]
)
def test_tables_are_labelled_cards_on_a_phone(browser, served, which, path):
    set_viewport(browser, *PHONE)
    load(browser, served[which] + path)
    assert browser.execute_script(_TABLES_THAT_DO_NOT_FIT) == []
    assert browser.execute_script(_CELLS_NOT_CARDS) == []


def test_the_fit_check_sees_a_table_too_wide_and_a_word_broken(browser, served):
    set_viewport(browser, *DESKTOP)
    load(browser, served["fixture"] + "registers/grants/")
    browser.execute_script(
        "const td = document.querySelector('article table.tr-register td');"
        "td.closest('table').style.minWidth = '3000px';"
        "td.style.cssText = 'width: 2em; max-width: 2em; word-break: break-all'; td.textContent = "
        "'Reduction';"
    )
    found = browser.execute_script(_TABLES_THAT_DO_NOT_FIT)
    assert any("px wide" in f for f in found) and any("'Reduction' broken" in f for f in found), (
        found
    )


# The frame: the office, not the repository ---------------------------------------------------


def test_public_pages_have_no_repository_link_or_edit_button(example_pages):
    for name, soup in example_pages.items():
        assert soup.select(".md-source, a[rel=edit], .md-content__button") == [], name
        # The example's repository_url, a placeholder, is linked from nowhere.
        assert not [
            a["href"] for a in soup.find_all("a", href=True) if "example-opcc" in a["href"]
        ], name


def test_an_option_turns_the_repository_link_and_edit_button_on(fixture_pages):
    soup = fixture_pages["decisions/2020/fix-2020-001/index.html"]
    assert soup.select_one(".md-source")["href"] == "https://github.com/example/site"
    assert soup.select_one("a[rel=edit]")


def test_every_page_s_footer_names_the_office_with_its_website_email_and_phone(
    fixture_pages, example_pages
):
    for name, soup in fixture_pages.items():
        office = soup.select_one("footer address.tr-office")
        assert office is not None, name
        links = {a.get_text(strip=True): a["href"] for a in office.find_all("a")}
        assert links == {
            "Example Office of the Police and Crime Commissioner": "https://example.org/",
            "contact@example.org": "mailto:contact@example.org",
            "0113 000 0000": "tel:01130000000",
        }, name
    office = example_pages["404.html"].select_one("footer address.tr-office")
    assert (
        office.a["href"] == "https://www.westyorkshire-pcc.gov.uk/"
        and "Email" not in office.get_text()
    )


def test_the_accessibility_statement_says_how_to_contact_the_office(example_pages):
    page = example_pages["accessibility/index.html"]
    contact = page.find("h2", id="contact")
    assert contact.get_text() == "Contact the office"
    assert [a["href"] for a in contact.find_next_sibling("ul").find_all("a")] == [
        "https://www.westyorkshire-pcc.gov.uk/"
    ]
    assert "details on its main website" not in page.article.get_text()
    assert page.article.find("a", href="#contact")


def test_the_office_s_options_never_run_as_markup(tmp_path):
    source = copy_site(tmp_path / "source")
    config = source / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "name: Example Office of the Police and Crime Commissioner",
        "name: '<script>alert(1)</script> Office'",
    )
    text = text.replace(
        "email: contact@example.org", "email: '\"><img src=x onerror=alert(2)>@example.org'"
    )
    text = text.replace(
        "        url: https://example.org/\n", "        url: 'javascript:alert(3)'\n"
    )
    config.write_text(text, encoding="utf-8")
    result = build_site(source, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "site/index.html").read_text(encoding="utf-8"), "html.parser")
    office = soup.select_one("footer address.tr-office")
    assert office.find("script") is None and office.find("img") is None
    assert "<script>alert(1)</script> Office" in office.get_text()
    assert not [a for a in office.find_all("a") if a["href"].startswith("javascript:")]


# Smaller things readers met ------------------------------------------------------------------


def test_the_not_found_page_has_a_real_title_and_no_double_slashes(example_pages):
    page = example_pages["404.html"]
    assert page.title.get_text() == "Page not found - Commissioning decisions"
    addresses = [
        tag.get(attr)
        for tag in page.find_all(["a", "link", "script", "img"])
        for attr in ("href", "src")
        if tag.get(attr)
    ]
    assert addresses and not [a for a in addresses if "//" in a.split("://", 1)[-1]]


def test_the_latest_option_drives_the_home_page_s_list(example_pages, example_site):
    rows = example_pages["index.html"].select("article table.tr-register tbody tr")
    # The example sets no `latest`: its default, 10, and it has fewer decisions than that.
    assert len(rows) == len(list((REPO / "decisions").glob("*/*.yaml"))) == 7


def test_the_search_order_says_what_it_does_without_words(example_pages):
    options = [
        o.get_text(strip=True) for o in example_pages["index.html"].select("#tr-search-sort option")
    ]
    assert options[0] == "Best match (newest first with no search words)"


@pytest.mark.parametrize("site_pages", ["fixture_pages", "example_pages"])
def test_a_toolkit_document_shows_its_title_before_its_details(request, site_pages):
    # The example's documents have their own "# Title"; the fixture's has none.
    article = request.getfixturevalue(site_pages)["toolkit/cycle/analyse/index.html"].find(
        "article"
    )
    h1, details = article.find("h1"), article.select_one(".tr-doc-meta")
    assert h1 is not None and details is not None
    assert details in h1.find_all_next()


def test_tags_are_words_not_buttons(fixture_pages):
    tags = fixture_pages["decisions/2020/fix-2020-001/index.html"].select_one(".tr-tag-list")
    assert tags.get_text().startswith("Tags: ") and not tags.find(["a", "button"])


def test_a_lone_recipient_with_nothing_more_to_say_gets_no_table(example_pages):
    page = example_pages["decisions/2020/wypcc-2020-004/index.html"]
    assert key_facts(page)["Supplier"].get_text() == "Restorative Solutions CIC"
    assert page.find(id="money") is None and not page.select("article table")


# Printed --------------------------------------------------------------------------------------


def printed_text(driver) -> list[str]:
    """The text of each A4 page Chromium prints the current page to."""
    import base64
    import io

    from pypdf import PdfReader

    pdf = driver.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True}
    )
    reader = PdfReader(io.BytesIO(base64.b64decode(pdf["data"])))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_a_decision_prints_as_a_notice(browser, served):
    url = served["fixture"] + "decisions/2020/fix-2020-001/"
    set_viewport(browser, *DESKTOP)
    load(browser, url)
    pages = printed_text(browser)
    text = " ".join(pages)
    for expected in (
        "Grants to three victim services",
        "Status Approved",
        "Amount £30,000.50",
        "First Charity: £10,000.00",
        "1 part withheld",
        "Summary",
        "Grants to three services supporting victims of domestic abuse.",
        "Withheld information",
        "Applicants' bank details",
    ):
        assert expected in text, expected
    # No navigation, search, skip link or footer links.
    for furniture in (
        "Skip to content",
        "Search",
        "Grants register",
        "Contracts register",
        "This record as JSON",
        "contact@example.org",
        "Edit this page",
    ):
        assert furniture not in text, furniture
    # Every sheet carries the address it was printed from and the date, in its margin.
    today = browser.execute_script(
        "return new Date().toLocaleDateString('en-GB', {day: 'numeric', month: 'long', year: "
        "'numeric'})"
    )
    for number, page in enumerate(pages, start=1):
        assert url in page.replace(" ", ""), page[-200:]
        assert f"Printed {today}, page {number} of {len(pages)}" in page, page[-200:]


# Every label of a chart ends inside the chart, or runs past it by no more than a rounding.
_CHART_LABELS_CUT_OFF = """
return [...document.querySelectorAll('article .tr-chart svg')].flatMap(svg => {
  const edge = svg.getBoundingClientRect().right + 0.5;
  return [...svg.querySelectorAll('text')]
    .filter(text => text.getBoundingClientRect().right > edge)
    .map(text => text.textContent);
});
"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chart_labels_are_never_cut_off(browser, served, width):
    set_viewport(browser, *width)
    load(browser, served["example"] + "funding/covid-19-emergency-funding/")
    assert (
        browser.execute_script(
            "return document.querySelectorAll('article .tr-chart svg text').length"
        )
        > 0
    )
    assert browser.execute_script(_CHART_LABELS_CUT_OFF) == []
    # A shortened name is whole in its title.
    names = browser.execute_script(
        "return [...document.querySelectorAll('article .tr-chart text.tr-chart-group "
        "title')].map(t => t.textContent)"
    )
    assert (
        "COVID-19 extraordinary Ministry of Justice funding for domestic abuse and sexual violence "
        "support services" in names
    )


def test_a_toolkit_menu_group_of_one_page_links_straight_to_it(example_pages):
    nav = example_pages["toolkit/index.html"].select_one(".md-nav--primary")
    analyse = [
        a for a in nav.select("a.md-nav__link") if a.get_text(strip=True) == "Stage 1: Analyse"
    ]
    assert len(analyse) == 1 and analyse[0]["href"].endswith("cycle/analyse/")
    assert not [
        label
        for label in nav.select("label.md-nav__link")
        if label.get_text(strip=True) == "Analyse"
    ]
    assert (
        example_pages["toolkit/cycle/analyse/index.html"].h1.get_text(strip=True)
        == "Stage 1: Analyse"
    )


def test_a_decision_pages_headings_are_its_contents_list_in_order(example_pages):
    """The sections of a decision page and its contents list come from one list: every <h2>,
    its words and its place, is the contents list's entry."""
    decisions = {
        name: soup
        for name, soup in example_pages.items()
        if name.startswith("decisions/20") and name.count("/") == 3 and "category" not in name
    }
    assert len(decisions) > 5
    for name, soup in decisions.items():
        headings = [
            (f"#{h2['id']}", h2.get_text(strip=True)) for h2 in soup.find("article").find_all("h2")
        ]
        toc = soup.select_one(".md-sidebar--secondary")
        listed = [
            (a["href"], a.get_text(strip=True))
            for a in toc.select("a.md-nav__link")
            if a["href"] != "#title"
        ]
        assert headings == listed, name
        assert ("#summary", "Summary") in headings


_SEGMENTS = st.sampled_from(["decisions", "2020", "x-2020-001", "a b", "é", "", ".", ".."])
_SITE_PATHS = st.builds(
    lambda parts, slash: "/".join(parts) + slash,
    st.lists(_SEGMENTS, max_size=5),
    st.sampled_from(["", "/"]),
)


@settings(max_examples=500, deadline=None)
@given(target=_SITE_PATHS, page=_SITE_PATHS, fragment=st.sampled_from(["", "#money"]))
def test_relative_links_agree_with_posix_relpath(target, page, fragment):
    """Links between pages are worked out without posixpath.relpath, for speed: they must lead
    where relpath's would, whatever the path ('.', '..', empty parts)."""
    import posixpath

    from generator.addresses import relative_url

    base = page if page.endswith("/") or not page else posixpath.dirname(page) + "/"
    expected = posixpath.relpath("/" + target, "/" + base)
    if target.endswith("/") and not expected.endswith("/"):
        expected += "/"
    assert relative_url(target + fragment, page) == expected + fragment
