"""Every rule the build applies is reachable from `transparency validate`, with the same message:
staff and CI learn of a problem before they build."""

from __future__ import annotations

import copy
import re
from dataclasses import replace

import pytest
from click.testing import CliRunner
from conftest import SOURCE_DATE_EPOCH, build_site, copy_site

from generator import load as loader
from generator import validate as validate_module
from generator.cli import main
from generator.settings import read_settings

# A problem as the plugin logs it in `mkdocs build`: "WARNING -  path:line:col: warning: ...".
LOGGED = re.compile(r"^(?:ERROR|WARNING)\s+-\s+(\S+:\d+:\d+: (?:error|warning): .*)$", re.M)


def validate(folder, monkeypatch) -> list[str]:
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    result = CliRunner().invoke(main, ["validate", "--verbose"], catch_exceptions=False)
    return result.stderr.splitlines()


def build_problems(folder, tmp_path) -> list[str]:
    result = build_site(folder, tmp_path / "built")
    assert "Traceback" not in result.stderr
    return LOGGED.findall(result.stderr)


@pytest.fixture
def missing_page(tmp_path):
    """The fixture site, whose records hold a register warning, with a Specified Information
    `page:` that is no page of the site."""
    folder = copy_site(tmp_path / "site")
    path = folder / "content/specified-information.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  - title: A page that is not there\n"
        "    items:\n"
        "      - item: A page nobody wrote.\n"
        "        page: no-such-page/\n",
        encoding="utf-8",
    )
    return folder


def test_validate_reports_every_problem_the_build_logs(missing_page, tmp_path, monkeypatch):
    logged = build_problems(missing_page, tmp_path)
    reported = validate(missing_page, monkeypatch)
    assert [line for line in logged if line not in reported] == []
    # The kinds this site shows: a record's warning, a register's gap, the statutory map's
    # unmet duty and the page the map names that the site does not have.
    for expected in (
        "has no document attached",
        "not yet published",
        "'no-such-page/' is not a page of this site",
    ):
        assert any(expected in line for line in logged), (expected, logged)


def test_validate_reports_a_register_warning(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "site")
    warnings = [line for line in validate(folder, monkeypatch) if ": warning: " in line]
    assert any(
        line.startswith("decisions/2020/")
        and "a contract over £" in line
        and "has no document attached" in line
        for line in warnings
    ), warnings


def test_validate_reports_a_hand_written_page_where_the_generator_makes_one(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "site")
    (folder / "content/open-data.md").write_text("# Our data\n", encoding="utf-8")
    message = (
        "content/open-data.md:1:1: error: the generator makes the page at open-data.md itself: "
        "move or rename this hand-written page"
    )
    assert message in build_problems(folder, tmp_path)
    assert message in validate(folder, monkeypatch)


def test_a_page_the_generator_makes_or_publishes_satisfies_the_map(tmp_path, monkeypatch):
    """A `page:` may name a generated page, a document or an open data file: validate must not
    call them missing, as the build does not."""
    folder = copy_site(tmp_path / "site")
    path = folder / "content/specified-information.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  - title: Pages the generator makes\n"
        "    items:\n"
        "      - item: The open data.\n"
        "        page: open-data/\n"
        "      - item: The decisions as a spreadsheet.\n"
        "        page: data/decisions.csv\n",
        encoding="utf-8",
    )
    assert not [line for line in validate(folder, monkeypatch) if "not a page of this site" in line]


def test_the_validator_only_reports(tmp_path):
    """The records validate checks are the records it was given: a rule that changed them (as
    document sizes once were set here) would make what is published depend on validation."""
    folder = copy_site(tmp_path / "site")
    records = loader.load(read_settings(folder / "mkdocs.yml"))
    # The sizes the decision pages show are known once the records are loaded.
    sizes = [doc.size for d in records.decisions for doc in d.documents if doc.file]
    assert sizes and all(size for size in sizes)
    for decision in records.decisions:
        decision.documents[:] = [replace(doc, size=None) for doc in decision.documents]
    before = copy.deepcopy((records.decisions, records.partial_decisions, records.toolkit))
    validate_module.check_records(records)
    assert (records.decisions, records.partial_decisions, records.toolkit) == before


def test_a_written_pages_audience_is_checked_by_its_schema(tmp_path):
    """Left empty, the audience of a written page is an error, as for a toolkit document: the
    writer may have meant internal. MkDocs' own front matter fields are allowed."""
    folder = copy_site(tmp_path / "site")
    (folder / "content/plans.md").write_text(
        "---\ntitle: Plans\nhide: [toc]\naudience:\n---\n# Plans\n", encoding="utf-8"
    )
    records = loader.load(read_settings(folder / "mkdocs.yml"))
    assert [d.text() for d in records.diagnostics.errors] == [
        "content/plans.md:4:10: error: audience: an empty value is not one of: public, internal"
    ]
