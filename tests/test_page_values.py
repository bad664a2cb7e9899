"""Templates receive prepared values and have no side effects: the pages hand them values made
once per build, never a module or the whole publication, and the navigation shared by the
pages outside it is stored by Python, not by the template."""

from __future__ import annotations

import types

from conftest import FIXTURE_SITE
from jinja2 import meta

from generator import load, pages, registers, render
from generator.publication import publish
from generator.settings import read_settings


def _site_pages() -> list[pages.Page]:
    publication = publish(load.load(read_settings(FIXTURE_SITE / "mkdocs.yml")))
    settings = publication.settings
    return pages.site_pages(
        publication,
        registers.derive(publication),
        str(settings.root),
        specified=load.load(settings).specified,
    )


def _names_read(template: str) -> set[str]:
    """The names a template and the templates it imports read from their context."""
    environment = render.environment()
    source = environment.loader.get_source(environment, template)[0]
    names = meta.find_undeclared_variables(environment.parse(source))
    for imported in meta.find_referenced_templates(environment.parse(source)):
        if imported:
            names |= _names_read(imported)
    return names


def test_no_page_is_given_a_module():
    for page in _site_pages():
        modules = [
            key for key, value in page.context.items() if isinstance(value, types.ModuleType)
        ]
        assert not modules, (page.src_uri, modules)


def test_no_generated_page_reads_the_publication_or_the_registers_whole():
    generated = _site_pages()
    assert {page.template for page in generated} >= {
        "decision.html",
        "decisions-index.html",
        "funding-index.html",
        "funding-table.html",
        "toolkit-index.html",
        "register-index.html",
        "register-contracts.html",
        "register-grants.html",
        "register-decisions.html",
        "specified-information.html",
        "open-data.html",
    }
    for template in {page.template for page in generated}:
        assert not {"pub", "publication"} & _names_read(template), template


def test_the_specified_information_page_is_given_where_each_item_is_met():
    page = next(p for p in _site_pages() if p.template == "specified-information.html")
    assert not any(callable(value) for value in page.context.values())


def test_the_shared_navigation_is_rendered_once_per_key():
    rendered = []

    def navigation(folder: str):
        def caller() -> str:
            rendered.append(folder)
            return f"<nav>{folder}</nav>"

        return caller

    once = render.RenderedOnce()
    assert once("decisions/2020", navigation("decisions/2020")) == "<nav>decisions/2020</nav>"
    assert once("decisions/2020", navigation("decisions/2020")) == "<nav>decisions/2020</nav>"
    assert once("decisions/2021", navigation("decisions/2021")) == "<nav>decisions/2021</nav>"
    assert rendered == ["decisions/2020", "decisions/2021"]


def test_a_build_renders_the_navigation_of_the_pages_outside_it_once_per_folder(
    tmp_path, monkeypatch
):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    keys = []
    shared = render.RenderedOnce.__call__

    def counted(self, key, caller):
        def counting_caller():
            keys.append(key)
            return caller()

        return shared(self, key, counting_caller)

    monkeypatch.setattr(render.RenderedOnce, "__call__", counted)
    build(
        load_config(config_file=str(FIXTURE_SITE / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    )
    decision_pages = list((tmp_path / "site/decisions").glob("*/*/index.html"))
    assert len(decision_pages) > len({page.parent.parent for page in decision_pages})
    # One render per folder of decision pages (and of category pages), not one per page.
    assert keys and len(keys) == len(set(keys))
    assert {f"decisions/{page.parent.parent.name}" for page in decision_pages} <= set(keys)
