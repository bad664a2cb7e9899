"""Pages as readers see them: written pages render as written, contents lists are whole,
decision pages lead with their key facts, and tables fit the screen.

Read with BeautifulSoup from the built example and fixture sites; measured in Chromium where
only a browser can tell (layout).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import build_site

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("example-pages") / "site"
    result = build_site(REPO_ROOT, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


def _html_pages(site_dir: Path) -> dict[str, BeautifulSoup]:
    return {str(p.relative_to(site_dir)): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted(site_dir.rglob("*.html"))}


@pytest.fixture(scope="module")
def example_pages(example_site) -> dict[str, BeautifulSoup]:
    return _html_pages(example_site)


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
            problems.append(f"{name}: {len(headings)} <h1>: {[h.get_text(strip=True)[:40] for h in headings]}")
        toc = soup.select_one(".md-sidebar--secondary")
        if toc is None or toc.has_attr("hidden"):
            # No contents column: a page with no sections, or one whose tables need the width.
            continue
        listed = {a.get("href") for a in toc.select("a.md-nav__link")}
        for h2 in article.find_all("h2"):
            if f"#{h2.get('id')}" not in listed:
                problems.append(f"{name}: its contents list misses <h2> {h2.get_text(strip=True)!r}")
    return problems


def test_every_page_of_the_example_renders_as_written(example_pages):
    assert "publishing/index.html" in example_pages
    assert _rendering_problems(example_pages) == []


def test_every_page_of_the_fixture_site_renders_as_written(fixture_pages):
    assert _rendering_problems(fixture_pages) == []


def test_the_staff_guide_shows_its_commands_as_code(example_pages):
    guide = example_pages["publishing/index.html"].find("article")
    blocks = [pre.get_text() for pre in guide.find_all("pre")]
    # Fenced inside numbered steps: each command on its own line, the YAML comment code, not a heading.
    assert any("git add" in b and "git commit" in b and b.count("\n") >= 2 for b in blocks), blocks
    assert any("# yaml-language-server:" in b for b in blocks), blocks
    assert not [p for p in guide.find_all("p") if p.get_text(strip=True) in ("yaml", "shell", "bash", "console")]


def test_a_page_with_no_sections_has_no_contents_column(example_pages):
    toc = example_pages["index.html"].select_one(".md-sidebar--secondary")
    assert toc is None or toc.has_attr("hidden")
    assert not example_pages["publishing/index.html"].select_one(".md-sidebar--secondary").has_attr("hidden")
