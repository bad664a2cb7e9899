"""The table of registers: every page, link, download and Specified Information check that
names a register reads it from generator/registertable.py, so the built site shows each
register in the table and nothing else, in the table's order."""

from __future__ import annotations

import csv
import io
import posixpath

from bs4 import BeautifulSoup
from conftest import FIXTURE_SITE, copy_site

from generator import exports, pages, registers
from generator import load as loader
from generator.publication import publish
from generator.registertable import BY_SLUG, REGISTERS
from generator.settings import read_settings


def _article(site, page: str) -> BeautifulSoup:
    soup = BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article")
    assert article is not None, page
    return article


def _targets(article, page: str, **attributes) -> list[str]:
    """Where the links of a page go, as paths from the site's root."""
    return [
        posixpath.normpath(posixpath.join(page, a["href"]))
        + ("/" if a["href"].endswith("/") else "")
        for a in article.find_all("a", attrs=attributes)
    ]


def test_the_registers_page_lists_every_register_in_the_table_with_its_download(site):
    article = _article(site, "registers")
    items = article.find("ul", class_="tr-registers").find_all("li")
    assert [item.a.get_text() for item in items] == [register.title for register in REGISTERS]
    links = [_targets(item, "registers")[0] for item in items]
    assert links == [register.url for register in REGISTERS]
    downloads = [_targets(item, "registers", download=True) for item in items]
    assert downloads == [[register.csv_path] if register.csv else [] for register in REGISTERS]


def test_each_register_has_its_page_and_its_csv_has_the_tables_columns(site):
    for register in REGISTERS:
        page = BeautifulSoup(
            (site / register.url / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        assert page.title.get_text().startswith(register.title), register.slug
        assert page.find("meta", attrs={"name": "description"})["content"] == register.description
        if register.csv is None:
            continue
        text = (site / register.csv_path).read_text(encoding="utf-8")
        assert next(csv.reader(io.StringIO(text))) == list(register.csv.columns)
        # The register page offers its own download.
        assert register.csv_path in _targets(
            _article(site, register.url), register.url, download=True
        )


def test_the_navigation_and_the_open_data_page_follow_the_table(site):
    publication = publish(loader.load(read_settings(FIXTURE_SITE / "mkdocs.yml")))
    assert pages.nav_children(publication, "registers/index.md") == ["registers/index.md"] + [
        register.src_uri for register in REGISTERS
    ]
    nav = BeautifulSoup(
        (site / "registers/index.html").read_text(encoding="utf-8"), "html.parser"
    ).find("nav", class_="md-nav--primary")
    in_nav = _targets(nav, "registers")
    assert all(register.url in in_nav for register in REGISTERS)

    files = _article(site, "open-data").find("dl", class_="tr-files")
    downloads = [register.csv_path for register in REGISTERS if register.csv and register.csv_path]
    listed = [path for path in _targets(files, "open-data", download=True) if path in downloads]
    assert listed == downloads
    for register in REGISTERS:
        if register.csv:
            term = files.find("a", string=register.csv_path).find_parent("dt")
            description = term.find_next_sibling("dd")
            assert _targets(description, "open-data")[0] == register.url
            assert register.csv.description in description.get_text()


def test_the_specified_information_page_links_each_derived_item_to_its_register(site):
    records = loader.load(read_settings(FIXTURE_SITE / "mkdocs.yml"))
    derived = registers.derive(publish(records))
    article = _article(site, "transparency/specified-information")
    texts: dict[str, set[str]] = {}
    for a, target in zip(
        article.find_all("a"), _targets(article, "transparency/specified-information")
    ):
        texts.setdefault(target, set()).add(a.get_text())
    items = [item for item in records.specified.items if item.derived and not item.title]
    assert {item.derived for item in items} == {"contracts", "grants", "decisions"}
    for item in items:
        register = BY_SLUG[item.derived]
        assert register.met_by(derived) in texts[register.url], register.slug


def test_a_derived_item_must_name_a_register_of_the_table(tmp_path):
    copy = copy_site(tmp_path / "site")
    path = copy / "content/specified-information.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("derived: contracts\n", "derived: contract\n"), encoding="utf-8")
    line = text[: text.index("derived: contracts")].count("\n") + 1
    column = (
        len(text[: text.index("derived: contracts")].rsplit("\n", 1)[-1]) + len("derived: ") + 1
    )
    errors = [d.text() for d in loader.load(read_settings(copy / "mkdocs.yml")).diagnostics.errors]
    slugs = ", ".join(register.slug for register in REGISTERS)
    assert len(errors) == 1
    assert errors[0].startswith(f"content/specified-information.yaml:{line}:{column}: error: ")
    assert errors[0].endswith(
        f".derived: 'contract' is not one of: {slugs} (did you mean 'contracts'?)"
    )


def test_no_register_download_takes_the_path_of_another_file():
    """data/<slug>.csv: a register named like another export (the decisions register and
    data/decisions.csv) must not replace it."""
    publication = publish(loader.load(read_settings(FIXTURE_SITE / "mkdocs.yml")))
    paths = [
        export.path
        for export in exports.site_exports(publication, registers.derive(publication), "")
    ]
    assert len(paths) == len(set(paths))
