"""Search: the Pagefind index the build writes, and the header search in headless Chromium.

The fixture site is served under its sub-path; searches are opened by link (?q=...), typed,
filtered and sorted as a visitor would, and the results are read off the page.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import (  # noqa: F401 - `browser` is a fixture
    DESKTOP,
    PHONE,
    browser,
    format_violations,
    keyboard_tab_sequence,
    load,
    run_axe,
    serve,
    set_viewport,
)
from conftest import CANARIES, FIXTURE_BASE_PATH, build_site, copy_site, site_files
from hypothesis import given, settings
from hypothesis import strategies as st
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from generator import search, searchfacets

# The pages the fixture publishes that search covers: decisions, the funding table, public toolkit.
INDEXED = {
    "/decisions/2020/fix-2020-001/",
    "/decisions/2020/fix-2020-002/",
    "/decisions/2020/fix-2020-003/",
    "/decisions/2020/fix-2020-004/",
    "/decisions/2021/fix-2021-001/",
    "/funding/streams/",
    "/toolkit/cycle/analyse/",
}


@pytest.fixture(scope="module")
def index_text(site) -> dict[Path, str]:
    """Every file of the index, Pagefind's gzip chunks decompressed."""
    return site_files(site / "pagefind")


@pytest.fixture(scope="module")
def fragments(index_text) -> dict[str, dict]:
    """Pagefind's stored page records (the JSON after its signature), by URL."""
    records = [
        json.loads(text.removeprefix("pagefind_dcd"))
        for path, text in index_text.items()
        if path.suffix == ".pf_fragment"
    ]
    return {record["url"]: record for record in records}


# --- The index files --------------------------------------------------------------------------


def test_index_holds_decisions_funding_and_public_toolkit_only(site, fragments):
    assert set(fragments) == INDEXED
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == len(INDEXED)


@pytest.mark.parametrize("canary", CANARIES)
def test_no_withheld_text_in_the_index(index_text, canary):
    # The decompressed index really holds page text, so a planted string would be found.
    assert any("Grants to three victim services" in text for text in index_text.values())
    assert not [path.name for path, text in index_text.items() if canary in text]


def test_decision_record_has_facets_sort_and_result_details(fragments):
    record = fragments["/decisions/2020/fix-2020-001/"]
    assert record["filters"] == {
        "type": ["Decisions"],
        "year": ["2020"],
        "category": ["Grants"],
        "status": ["Approved"],
        "decision-maker": ["Police and Crime Commissioner"],
        "funding-stream": ["Victims fund"],
    }
    assert record["meta"] == {
        "title": "Grants to three victim services",
        "reference": "FIX-2020-001",
        "date": "1 May 2020",
        "amount": "£30,000.50",
    }
    # Terms and values are separate words; links to other decisions are not this page's text.
    assert "Category Grants." in record["content"]
    assert "All grants decisions" not in record["content"]
    assert "This record as JSON" not in record["content"]


def test_funding_and_toolkit_records(fragments):
    funding = fragments["/funding/streams/"]
    assert (
        funding["filters"] == {"type": ["Funding"]}
        and funding["meta"]["title"] == "Funding streams"
    )
    # Decision titles listed under each stream belong to the decisions' own pages.
    assert "Contract exactly at the threshold" not in funding["content"]
    toolkit = fragments["/toolkit/cycle/analyse/"]
    assert (
        toolkit["filters"] == {"type": ["Toolkit"]} and toolkit["meta"]["title"] == "Analyse needs"
    )
    assert "Public guidance on analysing needs." in toolkit["content"]


def test_only_the_bundle_the_site_uses(site):
    names = {path.name for path in (site / "pagefind").iterdir()}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind"} <= names
    assert not names & set(search.UNUSED_FILES)


def test_index_is_reproducible(site, tmp_path):
    """The same pages give the same bytes; a built site indexed again gives the same index."""
    copies = [tmp_path / "one", tmp_path / "two"]
    for copy in copies:
        shutil.copytree(site, copy)
        figures = search.build_index(copy)
    first = site_bytes(copies[0] / "pagefind")
    assert site_bytes(copies[1] / "pagefind") == first
    assert figures == search.SearchIndex(
        pages=len(INDEXED), files=len(first), bytes=sum(map(len, first.values()))
    )
    assert described(copies[0] / "pagefind") == described(site / "pagefind")


def described(folder: Path) -> dict[str, object]:
    """What an index holds, whatever order Pagefind numbered its pages in: each word's pages
    (by address) and positions, each facet value's pages, each sort's order of pages, and the
    pages' records."""
    entry = json.loads((folder / "pagefind-entry.json").read_text())
    meta = search._read(folder / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    fragments = {path.name: path.read_bytes() for path in sorted((folder / "fragment").iterdir())}
    urls = [
        json.loads(search._unpacked(folder / "fragment" / f"{page[0]}.pf_fragment"))["url"]
        for page in meta[1]
    ]
    words = {}
    for chunk in sorted((folder / "index").iterdir()):
        for word, pages, *_ in search._read(chunk)[0]:
            # Each page's number is given as the difference from the one before.
            numbers = itertools.accumulate(page[0] for page in pages)
            words[word] = sorted(
                (urls[number], json.dumps(page[1:])) for number, page in zip(numbers, pages)
            )
    facets = {}
    for _, name in meta[3]:
        facet, values = search._read(folder / "filter" / f"{name}.pf_filter")
        facets[facet] = {value: sorted(urls[p] for p in pages) for value, pages in values}
    sorts = {key: [urls[p] for p in pages] for key, pages in meta[4]}
    return {"words": words, "facets": facets, "sorts": sorts, "fragments": fragments}


def test_the_index_is_pagefinds_own_index_of_the_whole_pages(site, tmp_path):
    """Pagefind is given each page from its first indexed element on (the header and navigation
    are the same on every page), by its service as the build writes it: the index must hold what
    Pagefind's own command makes of the whole built pages."""
    import subprocess
    import sys

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    shutil.rmtree(copy / "pagefind")
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(copy), "--output-path",
         str(copy / "pagefind"), "--force-language", "en", "--silent"],
        check=True,
    )  # fmt: skip
    own = described(copy / "pagefind")
    assert described(site / "pagefind") == own
    assert own["words"] and own["facets"] and own["sorts"]


def read_listing(folder: Path) -> list[dict]:
    """facets.json and its rows files read back, as search.js reads them: each page in order,
    its row and the values it has of each facet."""
    listing = json.loads((folder / searchfacets.FACETS_FILE).read_text())
    rows = [
        row for name in listing["rows"]["files"] for row in json.loads((folder / name).read_text())
    ]
    pages = [{"row": dict(zip(listing["rows"]["fields"], row)), "filters": {}} for row in rows]
    assert len(pages) == listing["pages"]
    for name, facet in listing["facets"].items():
        width, alphabet = facet["width"], searchfacets.ALPHABET
        numbers = []
        for code, run in re.findall(rf"(\D{{{width}}})(\d*)", facet["column"]):
            number = sum(alphabet.index(c) * len(alphabet) ** n for n, c in enumerate(code))
            numbers += [number] * int(run or 1)
        assert len(numbers) == len(pages)
        for at, number in enumerate(numbers):
            if number:
                pages[at]["filters"][name] = [facet["values"][number - 1]]
        for at, number in facet["more"]:
            pages[at]["filters"][name].append(facet["values"][number - 1])
    return pages


_PAGE_PIECES = (
    "<html><body>",
    "<nav>",
    "</nav>",
    "<article data-pagefind-body>",
    "<div\ndata-pagefind-body=''>",
    "<p data-pagefind-ignore>",
    "<span data-pagefind-meta='title'>",
    "data-pagefind-body",
    " data-pagefind-body ",
    "<data-pagefind-body>",
    "<a title='>' data-pagefind-body>",
    "<",
    ">",
    "text",
    "\n",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PAGE_PIECES), max_size=25))
def test_pagefind_is_given_a_page_from_its_first_indexed_element(pieces):
    """As the definition says: from the first tag with data-pagefind-body on, the whole page if
    an attribute of Pagefind's but data-pagefind-ignore comes before it, nothing without one."""
    html = "".join(pieces)
    body = re.search(r"<[a-zA-Z][^<>]*\sdata-pagefind-body[\s>=/]", html)
    if body is None:
        expected = None
    elif re.search(r"data-pagefind-(?!ignore)", html[: body.start()]):
        expected = html
    else:
        expected = "<!doctype html><html><body>" + html[body.start() :]
    assert search._indexed_part(html) == expected


def test_facets_file_lists_every_page_newest_first_with_its_facets(site, fragments):
    pages = read_listing(site / "pagefind")
    # The same pages, facets and result details as Pagefind's own records of them.
    for page in pages:
        record = fragments["/" + page["row"]["url"]]
        assert page["filters"] == record["filters"]
        assert page["row"] == {"url": page["row"]["url"]} | {
            field: record["meta"].get(field, "") for field in searchfacets.ROW_FIELDS
        }
    assert {"/" + page["row"]["url"] for page in pages} == INDEXED
    # Decisions newest first, then the pages without a date.
    assert [page["row"]["reference"] for page in pages] == [
        "FIX-2021-001",
        "FIX-2020-004",
        "FIX-2020-003",
        "FIX-2020-002",
        "FIX-2020-001",
        "",
        "",
    ]
    assert [page["row"]["url"] for page in pages[-2:]] == [
        "funding/streams/",
        "toolkit/cycle/analyse/",
    ]


def test_facet_columns_hold_runs_and_several_values(tmp_path):
    many = [f"Stream {n:03}" for n in range(60)]
    pages = [
        searchfacets.IndexedPage(f"/d/{n}/", {"stream": [many[n % 60]], "type": ["D"]}, {})
        for n in range(120)
    ] + [
        searchfacets.IndexedPage("/d/two/", {"stream": [many[5], many[2]], "type": ["D"]}, {}),
        searchfacets.IndexedPage("/f/", {"type": ["F"]}, {"title": "Funding"}),
    ]
    searchfacets.write(tmp_path, searchfacets.DateOrder(pages, dated=120))
    listing = json.loads((tmp_path / searchfacets.FACETS_FILE).read_text())
    # 61 codes (no value and 60 values) take two letters a page; a run is written once.
    assert listing["facets"]["stream"]["width"] == 2
    assert listing["facets"]["type"]["column"] == "B121C"
    assert listing["dated"] == 120
    read = read_listing(tmp_path)
    assert [page["filters"] for page in read] == [page.filters for page in pages[:-2]] + [
        {"stream": [many[2], many[5]], "type": ["D"]},
        {"type": ["F"]},
    ]
    assert read[-1]["row"] == {
        "url": "f/",
        "title": "Funding",
        "reference": "",
        "date": "",
        "amount": "",
    }


def site_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_no_site_to_index_is_one_line(tmp_path):
    with pytest.raises(search.SearchIndexError) as error:
        search.build_index(tmp_path / "missing")
    assert str(error.value) == f"{tmp_path / 'missing'}: error: no built site to index"


def test_search_option_off_leaves_no_search(tmp_path):
    source = copy_site(tmp_path / "source")
    config = source / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      reference_prefix: FIX\n", "      reference_prefix: FIX\n      search: false\n"
        )
    )
    result = build_site(source, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "site" / "pagefind").exists()
    page = (tmp_path / "site" / "decisions" / "2020" / "fix-2020-001" / "index.html").read_text()
    assert "data-tr-search" not in page and "search.js" not in page


# --- The pages, without a browser -------------------------------------------------------------


def test_every_page_has_the_header_search_hidden_until_scripted(site_text):
    pages = [text for path, text in site_text.items() if path.name == "index.html"]
    assert pages
    for text in pages:
        header = text[text.index('<header class="md-header') : text.index("</header>")]
        assert re.search(
            r'<button type="button" class="md-header__button md-icon tr-search__open"[^>]* hidden>',
            header,
        )
        assert re.search(
            r'<script src="(\.\./)*assets/transparency/search\.js" type="module"></script>', text
        )


def test_registers_link_into_search_with_their_facet(site):
    year = (site / "decisions" / "2020" / "index.html").read_text()
    category = (site / "decisions" / "category" / "grants" / "index.html").read_text()
    assert (
        '<p class="tr-search-link" data-tr-search-link hidden><a href="?q=&amp;year=2020">' in year
    )
    assert '<a href="?q=&amp;category=grants">' in category
    # Without JavaScript the register itself lists every decision of the year.
    assert all(f'href="fix-2020-00{n}/"' in year for n in (1, 2, 3, 4))


# --- In the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site):
    with serve(site, FIXTURE_BASE_PATH) as base:
        yield base


def open_search(driver, url: str) -> list[dict]:
    """Load url and wait for the search's results; each as its link, title and details line."""
    load(driver, url)
    return shown_results(driver)


def shown_results(driver) -> list[dict]:
    summary = driver.find_element(By.CSS_SELECTOR, ".tr-search__summary")
    WebDriverWait(driver, 20).until(lambda d: summary.text)
    return driver.execute_script("""
        return [...document.querySelectorAll('.tr-search__results li')].map(li => ({
          href: li.querySelector('a').getAttribute('href'),
          title: li.querySelector('a').textContent,
          facts: li.querySelector('.tr-search__facts')?.textContent ?? '',
        }))""")


def references(results: list[dict]) -> list[str]:
    return [result["facts"].split(" · ")[0] for result in results]


def test_open_by_link_searches_a_word(browser, served):
    results = open_search(browser, served + "?q=threshold")
    assert browser.find_element(By.ID, "tr-search").get_attribute("open") is not None
    assert browser.find_element(By.ID, "tr-search-q").get_attribute("value") == "threshold"
    assert sorted(references(results)) == ["FIX-2020-002", "FIX-2020-003", "FIX-2020-004"]
    assert (
        browser.find_element(By.CSS_SELECTOR, ".tr-search__summary").text
        == "3 results for “threshold”"
    )
    # The XSS title shows as text, never as markup.
    assert '<script>alert("title")</script> Contract just over the threshold' in [
        r["title"] for r in results
    ]
    assert (
        browser.execute_script(
            "return document.querySelectorAll('.tr-search__results script').length"
        )
        == 0
    )


def test_exact_reference_finds_its_decision_first(browser, served):
    # FIX-2020-004's page names FIX-2020-003 (superseded by it): the decision itself comes first.
    results = open_search(browser, served + "decisions/2020/fix-2020-004/?q=FIX-2020-003")
    assert results[0]["href"] == FIXTURE_BASE_PATH + "decisions/2020/fix-2020-003/"
    assert results[0]["facts"] == "FIX-2020-003 · 2 June 2020 · £10,000.00"


def test_result_links_work_under_the_sub_path(browser, served):
    open_search(browser, served + "toolkit/cycle/analyse/?q=analysing")
    link = browser.find_element(By.CSS_SELECTOR, ".tr-search__results a")
    assert link.text == "Analyse needs"
    link.click()
    WebDriverWait(browser, 10).until(
        lambda d: urlsplit(d.current_url).path == FIXTURE_BASE_PATH + "toolkit/cycle/analyse/"
    )
    assert browser.find_element(By.TAG_NAME, "h1").text == "Analyse needs"
    # Pagefind's files came from the site's own pagefind/ folder, under the sub-path.
    fetched = [request for request in served.log if "pagefind" in request.path]
    assert fetched and all(
        r.path.startswith(FIXTURE_BASE_PATH + "pagefind/") and r.status == 200 for r in fetched
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        # A value given by link matches whatever its case: category=grants chooses "Grants".
        ("?q=&category=grants", ["decisions/2020/fix-2020-001/"]),
        ("?q=&year=2021", ["decisions/2021/fix-2021-001/"]),
        ("?q=contract&status=withdrawn", ["decisions/2020/fix-2020-004/"]),
        (
            "?q=&decision-maker=Chief%20Executive&sort=oldest",
            ["decisions/2020/fix-2020-003/", "decisions/2020/fix-2020-004/"],
        ),
        # Facets without words list decisions newest first, as the registers do.
        (
            "?q=&decision-maker=Chief%20Executive",
            ["decisions/2020/fix-2020-004/", "decisions/2020/fix-2020-003/"],
        ),
        ("?q=&type=funding", ["funding/streams/"]),
    ],
)
def test_facets_by_link(browser, served, query, expected):
    results = open_search(browser, served + query)
    assert [result["href"].removeprefix(FIXTURE_BASE_PATH) for result in results] == expected


def test_word_search_fetches_no_facet_files(served, browser):
    # The facets' files list every page: a search by words does without them until they are opened.
    first = len(served.log)
    open_search(browser, served + "?q=contract")
    fetched = [request.path for request in served.log[first:]]
    assert any(path.endswith(".pf_index") for path in fetched)
    assert not [path for path in fetched if path.endswith(".pf_filter")]


def test_facets_alone_fetch_the_listing_not_pagefind(served, browser):
    # Pagefind's script, wasm and metadata alone are 250 KB at 10,000 decisions, and each of its
    # facet files lists every page: a search without words reads facets.json and its rows.
    first = len(served.log)
    results = open_search(browser, served + "?q=&category=contracts&status=approved")
    assert references(results) == ["FIX-2020-003", "FIX-2020-002"]
    fetched = [request.path.removeprefix(FIXTURE_BASE_PATH) for request in served.log[first:]]
    searched = [path for path in fetched if path.startswith("pagefind/")]
    assert searched[0] == "pagefind/facets.json"
    assert searched[1:] and all(re.fullmatch(r"pagefind/rows/\w+\.json", p) for p in searched[1:])
    # Counts come from the listing too: of the two, one by each decision maker.
    # A chosen facet shows its values without counts.
    category = Select(browser.find_element(By.ID, "tr-search-category"))
    assert [option.text for option in category.options] == [
        "Any category",
        "Contracts",
        "Finance",
        "Grants",
    ]
    maker = Select(browser.find_element(By.ID, "tr-search-decision-maker"))
    assert [option.text for option in maker.options] == [
        "Any decision maker",
        "Chief Executive (1)",
        "Police and Crime Commissioner (1)",
    ]


def test_facet_and_sort_chosen_in_the_dialog(browser, served):
    open_search(browser, served + "?q=contract")
    browser.find_element(By.CSS_SELECTOR, ".tr-search__refine > summary").click()
    status = Select(browser.find_element(By.ID, "tr-search-status"))
    WebDriverWait(browser, 10).until(
        lambda d: len(status.options) == 3 and "(" in status.options[1].text
    )
    # Each value shows how many of the current results it would keep.
    assert [option.text for option in status.options] == [
        "Any status",
        "Approved (2)",
        "Withdrawn (1)",
    ]
    sort = Select(browser.find_element(By.ID, "tr-search-sort"))
    sort.select_by_value("newest")
    WebDriverWait(browser, 10).until(lambda d: "sort=newest" in d.current_url)
    assert references(shown_results(browser)) == ["FIX-2020-004", "FIX-2020-003", "FIX-2020-002"]
    status.select_by_visible_text("Approved (2)")
    WebDriverWait(browser, 10).until(lambda d: "status=Approved" in d.current_url)
    WebDriverWait(browser, 10).until(
        lambda d: references(shown_results(d)) == ["FIX-2020-003", "FIX-2020-002"]
    )
    # The address now holds the whole search, to share or bookmark.
    assert parse_qs(urlsplit(browser.current_url).query) == {
        "q": ["contract"],
        "sort": ["newest"],
        "status": ["Approved"],
    }


def test_register_link_opens_search_with_its_facet(browser, served):
    load(browser, served + "decisions/category/contracts/")
    link = browser.find_element(By.LINK_TEXT, "Search and filter these decisions")
    assert link.is_displayed()
    link.click()
    results = shown_results(browser)
    assert (
        Select(
            browser.find_element(By.ID, "tr-search-category")
        ).first_selected_option.get_attribute("value")
        == "Contracts"
    )
    assert sorted(references(results)) == ["FIX-2020-002", "FIX-2020-003", "FIX-2020-004"]


def test_keyboard_opens_searches_and_closes(browser, served):
    set_viewport(browser, *DESKTOP)
    load(browser, served + "decisions/2020/fix-2020-001/")
    sequence = keyboard_tab_sequence(browser, 3)
    assert (
        sequence[2][:2] == ("button", "Search")
        and sequence[2].focus_visible
        and sequence[2].in_viewport
    )
    active = browser.switch_to.active_element
    active.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "tr-search-q"
    browser.switch_to.active_element.send_keys("charity", Keys.ENTER)
    assert references(shown_results(browser)) == ["FIX-2020-001"]
    assert parse_qs(urlsplit(browser.current_url).query) == {"q": ["charity"]}
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 5).until(
        lambda d: d.find_element(By.ID, "tr-search").get_attribute("open") is None
    )
    # Closed, the search leaves the address and gives focus back to the button.
    assert urlsplit(browser.current_url).query == ""
    assert browser.switch_to.active_element.text == "Search"


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_search_with_results_passes_axe(browser, served, width):
    set_viewport(browser, *width)
    results = open_search(browser, served + "decisions/2021/fix-2021-001/?q=fund")
    assert len(results) >= 2
    assert browser.find_element(By.ID, "tr-search").get_attribute("open") is not None
    # The refine panel open too, its facets counted, so axe sees every control of the dialog.
    browser.find_element(By.CSS_SELECTOR, ".tr-search__refine > summary").click()
    status = Select(browser.find_element(By.ID, "tr-search-status"))
    WebDriverWait(browser, 10).until(
        lambda d: len(status.options) > 1 and "(" in status.options[1].text
    )
    violations = run_axe(browser)
    assert violations == [], format_violations(violations)


# --- An index in parts ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parted(tmp_path_factory) -> Path:
    """The fixture site indexed in parts of at most one decision (whole years): 2021's decision
    with the funding and toolkit pages in the first part, 2020's four decisions in the second."""
    source = copy_site(tmp_path_factory.mktemp("parted") / "source")
    config = source / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      reference_prefix: FIX\n",
            "      reference_prefix: FIX\n      search_parts_above: 4\n      search_part_size: 1\n",
        )
    )
    result = build_site(source, source.parent / "site")
    assert result.returncode == 0, result.stderr
    return source.parent / "site"


def part_urls(folder: Path) -> set[str]:
    texts = site_files(folder)
    return {
        json.loads(text.removeprefix("pagefind_dcd"))["url"]
        for path, text in texts.items()
        if path.suffix == ".pf_fragment" and path.parent.parent == folder
    }


def test_a_site_above_the_part_size_is_indexed_in_parts_of_whole_years(parted, site):
    bundle = parted / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["parts"] == ["part-2"]
    assert part_urls(bundle) == {
        "/decisions/2021/fix-2021-001/",
        "/funding/streams/",
        "/toolkit/cycle/analyse/",
    }
    assert part_urls(bundle / "part-2") == {u for u in INDEXED if u.startswith("/decisions/2020/")}
    # A merged part is searched with the first part's script and wasm.
    merged = json.loads((bundle / "part-2" / "pagefind-entry.json").read_text())
    assert {path.name for path in (bundle / "part-2").iterdir()} == {
        "pagefind-entry.json",
        f"pagefind.{merged['languages']['en']['hash']}.pf_meta",
        "fragment",
        "index",
        "filter",
    }
    # The search by facets alone reads the same listing as from one index.
    assert read_listing(bundle) == read_listing(site / "pagefind")
    # Each part is reproducible, as one index is.
    copy = bundle.parent.parent / "copy"
    shutil.copytree(parted, copy)
    assert search.build_index(copy, parts_above=4, part_size=1).pages == len(INDEXED)
    assert site_bytes(copy / "pagefind") == site_bytes(bundle)


def test_a_site_up_to_parts_above_has_one_index(site, tmp_path):
    copy = shutil.copytree(site, tmp_path / "site")
    search.build_index(copy, parts_above=5, part_size=1)
    assert not (copy / "pagefind" / "part-2").exists()
    assert "parts" not in json.loads((copy / "pagefind" / "pagefind-entry.json").read_text())
    assert described(copy / "pagefind") == described(site / "pagefind")


def test_parts_are_whole_years_newest_first_as_even_as_they_allow(tmp_path):
    for year, count in {"2025": 4, "2024": 1, "2023": 1, "2022": 4, "2021": 7}.items():
        for n in range(count):
            page = tmp_path / "decisions" / year / f"d-{n}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text("<div data-pagefind-body></div>")
    (tmp_path / "decisions" / "2021" / "index.html").write_text("<p>the year's register</p>")
    (tmp_path / "funding" / "a(b)").mkdir(parents=True)
    (tmp_path / "funding" / "a(b)" / "index.html").write_text("<div data-pagefind-body></div>")
    (tmp_path / "registers").mkdir()
    (tmp_path / "registers" / "index.html").write_text("<p>every decision</p>")
    output = tmp_path / "pagefind"
    assert search.parts(tmp_path, output, above=17, size=6) == [search.Part(output)]
    # Packed greedily, 2025 to 2023 (6) then 2022 (4): as even, 2025 and 2024, then 2023 and
    # 2022; 2021, more than 6, is a part of its own. The first part also holds the other pages
    # searched, their paths escaped for Pagefind's glob; the registers are left out.
    assert search.parts(tmp_path, output, above=16, size=6) == [
        search.Part(
            output,
            r"{decisions/2025/*/index.html,decisions/2024/*/index.html,funding/a\(b\)/index.html}",
        ),
        search.Part(output / "part-2", "{decisions/2023/*/index.html,decisions/2022/*/index.html}"),
        search.Part(output / "part-3", "decisions/2021/*/index.html"),
    ]


def search_outcome(driver, url: str) -> dict:
    """What a visitor sees of a search: the summary, the results' links and each facet's
    values with their counts."""
    results = open_search(driver, url)
    return {
        "summary": driver.find_element(By.CSS_SELECTOR, ".tr-search__summary").text,
        "links": [result["href"] for result in results],
        "facets": driver.execute_script("""
            return [...document.querySelectorAll('select[data-tr-facet]')].map(
              select => [...select.options].map(option => option.text))"""),
    }


@pytest.mark.parametrize(
    "query",
    [
        "?q=fund&sort=newest",
        "?q=fund&sort=oldest",
        "?q=contract&sort=newest&status=Approved",
        "?q=victim&sort=oldest&year=2020",
        "?q=&decision-maker=Chief%20Executive",
    ],
)
def test_search_across_parts_finds_and_orders_as_one_index(browser, served, parted, query):
    single = search_outcome(browser, served + query)
    assert single["links"]
    with serve(parted, FIXTURE_BASE_PATH) as base:
        assert search_outcome(browser, base + query) == single
        if query.startswith("?q=&"):
            assert not [r for r in base.log if "pagefind/part-2/" in r.path]
        else:
            assert [r for r in base.log if "pagefind/part-2/" in r.path]


def test_search_by_relevance_across_parts_finds_the_same_pages(browser, served, parted):
    single = search_outcome(browser, served + "?q=fund")
    with serve(parted, FIXTURE_BASE_PATH) as base:
        found = search_outcome(browser, base + "?q=fund")
    assert found["summary"] == single["summary"]
    assert sorted(found["links"]) == sorted(single["links"])
    assert {link.split("/")[-3] for link in found["links"]} >= {"2021", "2020"}
