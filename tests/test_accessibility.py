"""Every page type in headless Chromium, at a phone's and a desktop's width: axe-core finds no
violation, nothing is requested from another host, the first Tab reaches a visible skip link,
and nothing but Material's off-canvas drawer runs past the right edge of a phone's screen.

Both the fixture site and the example content are built and served under their sub-paths.
Set SCREENSHOT_DIR to keep a full-page screenshot of every page at both widths.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from browser import (  # noqa: F401 - `browser` is a fixture
    DESKTOP,
    PHONE,
    browser,
    external_requests,
    format_violations,
    keyboard_tab_sequence,
    load,
    run_axe,
    screenshot,
    serve,
    set_viewport,
)
from conftest import FIXTURE_BASE_PATH, REPO, build_site

SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")

# (site, path, what it shows): every page type, the richest example of each.
PAGES = [
    ("fixture", "", "home"),
    ("fixture", "decisions/", "decisions-index"),
    ("fixture", "decisions/2020/", "register-year"),
    ("fixture", "decisions/category/contracts/", "register-category"),
    # Exempt part, three recipients, documents, related decisions, procurement.
    ("fixture", "decisions/2020/fix-2020-001/", "decision"),
    ("fixture", "decisions/2020/fix-2020-002/", "decision-hostile-markup"),
    ("fixture", "funding/streams/", "funding-table"),
    ("fixture", "funding/", "funding-index"),
    ("fixture", "toolkit/", "toolkit-index"),
    ("fixture", "toolkit/cycle/analyse/", "toolkit-document"),
    ("fixture", "no-such-page/", "not-found"),
    ("example", "", "example-home"),
    ("example", "accessibility/", "accessibility-statement"),
    ("example", "how-to-use/", "how-to-use"),
    ("example", "decisions/2020/wypcc-2020-003/", "example-decision"),
]
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
PAGE_IDS = [name for _, _, name in PAGES]


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("example-build") / "site"
    result = build_site(REPO, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


@pytest.fixture(scope="module")
def sites(site, example_site) -> dict[str, tuple[Path, str]]:
    """Each site's directory and the sub-path of its site_url, where it is served."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    return {
        "fixture": (site, FIXTURE_BASE_PATH),
        "example": (example_site, urlsplit(config["site_url"]).path),
    }


@pytest.fixture(scope="module")
def served(sites):
    with serve(*sites["fixture"]) as fixture, serve(*sites["example"]) as example:
        yield {"fixture": fixture, "example": example}


def open_page(driver, served, which: str, path: str, width: str) -> str:
    url = served[which] + path
    set_viewport(driver, *WIDTHS[width])
    load(driver, url)
    return url


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which, path, name", PAGES, ids=PAGE_IDS)
def test_no_axe_violations(browser, served, which, path, name, width):
    url = open_page(browser, served, which, path, width)
    if SCREENSHOT_DIR:
        screenshot(browser, url, Path(SCREENSHOT_DIR) / f"{name}-{width}.png", *WIDTHS[width])
    violations = run_axe(browser, url)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which, path, name", PAGES, ids=PAGE_IDS)
def test_no_request_to_another_host(browser, sites, which, path, name, width):
    # A fresh host (a new origin) per page, so nothing cached by an earlier page hides a request.
    with serve(*sites[which]) as base:
        set_viewport(browser, *WIDTHS[width])
        load(browser, base + path)
        assert external_requests(browser) == []
        failed = [r for r in base.log if r.status >= 400 and not r.path.endswith("/no-such-page/")]
        assert failed == [], failed
        # Material fetches sitemap.xml for every link[rel=alternate]: megabytes on a large site.
        assert not [r for r in base.log if r.path.endswith("sitemap.xml")], base.log


@pytest.mark.parametrize("which, path, name", PAGES, ids=PAGE_IDS)
def test_first_tab_reaches_a_visible_skip_link(browser, served, which, path, name):
    open_page(browser, served, which, path, "desktop")
    first = keyboard_tab_sequence(browser, 1)[0]
    assert (first.tag, first.text) == ("a", "Skip to content"), first
    assert first.focus_visible and first.indicator and first.in_viewport, first.outline
    target = first.href.removeprefix("#")
    assert first.href.startswith("#") and browser.execute_script(
        "const t = document.getElementById(arguments[0]); return !!t && !!t.closest('main')", target
    )


# Past the right edge of the screen: not inside Material's off-canvas drawer (hidden until opened,
# the page cannot scroll sideways to it), and not inside a box that scrolls sideways and fits.
_OVERFLOWING = """
const edge = document.documentElement.clientWidth + 0.5;
const fits = (el) => el.getBoundingClientRect().right <= edge;
const scrollsAndFits = (el) => {
  for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
    const x = getComputedStyle(box).overflowX;
    if ((x === 'auto' || x === 'scroll') && fits(box)) return true;
  }
  return false;
};
return [...document.body.querySelectorAll('*')]
  .filter(el => !el.closest('.md-sidebar--primary'))
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > edge; })
  .filter(el => !scrollsAndFits(el))
  .map(el => el.tagName.toLowerCase() + '.' + el.className + ': '
    + el.textContent.trim().slice(0, 40));
"""


@pytest.mark.parametrize("which, path, name", PAGES, ids=PAGE_IDS)
def test_nothing_runs_off_a_phone_screen(browser, served, which, path, name):
    open_page(browser, served, which, path, "phone")
    assert browser.execute_script("return innerWidth") == PHONE[0]
    assert browser.execute_script(_OVERFLOWING) == []
    browser.execute_script("window.scrollTo(500, 0)")
    assert browser.execute_script("return window.scrollX") == 0


def test_overflow_check_sees_a_wide_element(browser, served):
    open_page(browser, served, "fixture", "", "phone")
    browser.execute_script(
        "const d = document.createElement('div'); d.style.width = '600px'; d.textContent = 'too "
        "wide';"
        "document.querySelector('article').append(d);"
    )
    assert any("too wide" in line for line in browser.execute_script(_OVERFLOWING))
