"""The `transparency` command: `new decision`, and what happens outside a site."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from validation_helpers import (
    diagnostic_lines,
    lines_of,
    load_site,
    make_site,
    run_cli,
    run_process,
)

from generator import newrecord, schema, source


def new_decision(site: Path, *args: str):
    return run_cli("new", "decision", *args, site=site)


def parse_record(path: Path) -> dict:
    text, problem = source.decode(path.read_bytes())
    assert problem is None
    parsed = source.parse(text)
    assert parsed.problems == []
    return parsed.data


def test_new_decision_takes_the_next_free_number_of_its_year(tmp_path):
    site = make_site(tmp_path)
    result = new_decision(site, "--title", "Victims services grant", "--date", "2020-08-01")
    assert result.exit_code == 0, result.output
    path = site / "decisions/2020/OPCC-2020-003.yaml"
    assert result.stdout.splitlines()[0] == f"wrote {path}"
    assert "Traceback" not in result.output
    data = parse_record(path)
    assert data["reference"] == "OPCC-2020-003"
    assert data["title"] == "Victims services grant"
    assert yaml.safe_load(path.read_text("utf-8"))["date"] == dt.date(
        2020, 8, 1
    )  # an unquoted YAML date
    assert data["status"] == "approved"


def test_the_new_record_validates_once_its_summary_is_written(tmp_path):
    site = make_site(tmp_path)
    assert (
        new_decision(site, "--title", "Victims services grant", "--date", "2020-08-01").exit_code
        == 0
    )
    path = site / "decisions/2020/OPCC-2020-003.yaml"
    # Untouched, it cannot be published: the summary is still the template's guidance.
    assert lines_of(load_site(site)) == [
        "decisions/2020/OPCC-2020-003.yaml:13:10: error: summary: still holds the template's "
        "guidance "
        f"'{newrecord.GUIDANCE['summary']}': replace it with the decision's own text"
    ]
    assert run_cli("validate", site=site).exit_code == 1
    path.write_text(
        path.read_text("utf-8").replace(
            newrecord.GUIDANCE["summary"], "A grant for victims' services."
        ),
        "utf-8",
    )
    records = load_site(site)
    assert lines_of(records) == []
    assert "OPCC-2020-003" in {d.reference for d in records.decisions}
    assert run_cli("validate", site=site).exit_code == 0


def test_numbers_continue_after_the_highest_not_into_gaps(tmp_path):
    site = make_site(tmp_path)
    existing = (site / "decisions/2020/OPCC-2020-002.yaml").read_text()
    (site / "decisions/2020/OPCC-2020-007.yaml").write_text(
        existing.replace("OPCC-2020-002", "OPCC-2020-007")
    )
    result = new_decision(site, "--title", "Estates review", "--date", "2020-12-01")
    assert result.exit_code == 0, result.output
    assert (site / "decisions/2020/OPCC-2020-008.yaml").is_file()
    assert not (site / "decisions/2020/OPCC-2020-003.yaml").exists()


def test_a_year_without_records_starts_at_one_in_a_new_folder(tmp_path):
    site = make_site(tmp_path)
    result = new_decision(site, "--title", "Police and Crime Plan 2022", "--date", "2022-01-10")
    assert result.exit_code == 0, result.output
    assert parse_record(site / "decisions/2022/OPCC-2022-001.yaml")["reference"] == "OPCC-2022-001"


def test_each_run_writes_a_new_file_and_never_overwrites(tmp_path):
    site = make_site(tmp_path)
    assert new_decision(site, "--title", "First", "--date", "2021-05-01").exit_code == 0
    first = site / "decisions/2021/OPCC-2021-002.yaml"
    first.write_text(
        first.read_text().replace("Write a short summary of the decision here.", "Edited by staff.")
    )
    before = first.read_bytes()
    assert new_decision(site, "--title", "Second", "--date", "2021-05-01").exit_code == 0
    assert first.read_bytes() == before
    assert parse_record(site / "decisions/2021/OPCC-2021-003.yaml")["title"] == "Second"


def test_an_existing_file_is_never_overwritten_even_if_the_number_collides(tmp_path, monkeypatch):
    """E.g. a lower-case file name the numbering did not see, on a case-insensitive disk."""
    site = make_site(tmp_path)
    target = site / "decisions/2021/OPCC-2021-001.yaml"
    before = target.read_bytes()
    monkeypatch.setattr(
        newrecord, "next_reference", lambda settings, year, prefix=None: "OPCC-2021-001"
    )
    result = new_decision(site, "--title", "Clash", "--date", "2021-05-01")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        f"Error: {target} already exists: it was left as it is"
    ]
    assert target.read_bytes() == before


TITLES = [
    'Contract award: "Project CARA" (perpetrator programme)',
    "Victims' Services: grant #2 – 50% uplift",
    "yes",
    "- a title that starts like a list item",
    "[draft] {placeholder} & *star* | pipe > arrow",
    "C:\\Users\\staff\\decision: a back\\slash",
    "{{ reference }} {% if x %}",
    "Café – Llanelli Ysgol Gymraeg · 北京 · 🙂",
    "null",
    "2020-08-01",
    "  padded title  ",
    "1e3",
    "title: nested: colons: everywhere",
    "# not a comment",
    "Line one\nline two",
    "a line\u2028separator and a paragraph\u2029separator",
]


@pytest.mark.parametrize("title", TITLES)
def test_any_title_is_written_safely_and_read_back_exactly(tmp_path, title):
    site = make_site(tmp_path)
    result = new_decision(site, "--title", title, "--date", "2020-08-01")
    assert result.exit_code == 0, result.output
    path = site / "decisions/2020/OPCC-2020-003.yaml"
    assert parse_record(path)["title"] == title
    # Nothing but the summary the template leaves for staff to write.
    assert [d.field for d in load_site(site).diagnostics] == ["summary"]


def test_a_title_with_a_control_character_is_written_and_reported(tmp_path):
    site = make_site(tmp_path)
    result = new_decision(
        site, "--title", "pasted\x85from a word processor", "--date", "2020-08-01"
    )
    assert result.exit_code == 1
    assert diagnostic_lines(result.output) == [
        "decisions/2020/OPCC-2020-003.yaml:6:8: error: title: the text holds the control character "
        "U+0085, which no reader "
        "can see and no feed may carry (pasted from another program?): delete it"
    ]


def test_a_title_that_breaks_a_rule_is_written_and_reported(tmp_path):
    site = make_site(tmp_path)
    result = new_decision(site, "--title", "x" * 201, "--date", "2020-08-01")
    assert result.exit_code == 1
    assert diagnostic_lines(result.output) == [
        "decisions/2020/OPCC-2020-003.yaml:6:8: error: title: is 201 characters long; at most 200 "
        "are allowed"
    ]
    assert (site / "decisions/2020/OPCC-2020-003.yaml").is_file()


def test_the_template_offers_every_field_of_the_format(tmp_path):
    site = make_site(tmp_path)
    new_decision(site, "--title", "Template", "--date", "2020-08-01")
    text = (site / "decisions/2020/OPCC-2020-003.yaml").read_text(encoding="utf-8")
    for name in schema.load_schema("decision")["properties"]:
        assert re.search(rf"^#? ?{name}:", text, re.M), f"the template does not mention {name}"
    # The categories offered are the site's, not the defaults.
    assert "# One of: commissioning, grants, contracts, governance" in text


def test_the_editor_schema_line_points_at_the_schema(tmp_path):
    site = make_site(tmp_path)
    new_decision(site, "--title", "Template", "--date", "2020-08-01")
    path = site / "decisions/2020/OPCC-2020-003.yaml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(.+)", first)
    assert m, first
    assert (path.parent / m[1]).resolve().name == "decision.schema.json"
    assert (path.parent / m[1]).resolve().is_file()


def test_the_prefix_comes_from_existing_records_when_not_configured(tmp_path):
    site = make_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("      reference_prefix: OPCC\n", ""))
    assert new_decision(site, "--title", "Grant", "--date", "2021-05-01").exit_code == 0
    assert (site / "decisions/2021/OPCC-2021-002.yaml").is_file()


def test_the_prefix_option_wins(tmp_path):
    site = make_site(tmp_path)
    assert (
        new_decision(
            site, "--title", "Joint decision", "--date", "2021-05-01", "--prefix", "JOINT"
        ).exit_code
        == 0
    )
    assert (
        parse_record(site / "decisions/2021/JOINT-2021-001.yaml")["reference"] == "JOINT-2021-001"
    )


def test_no_prefix_anywhere_is_a_one_line_error(tmp_path):
    site = make_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text().replace("      reference_prefix: OPCC\n", ""))
    for record in (site / "decisions").glob("*/*.yaml"):
        record.unlink()
    result = new_decision(site, "--title", "First ever", "--date", "2021-05-01")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: no reference prefix: set reference_prefix in the transparency plugin's options or "
        "pass --prefix"
    ]


def test_without_a_date_the_decision_is_dated_today(tmp_path):
    site = make_site(tmp_path)
    result = new_decision(site, "--title", "Today")
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.splitlines()[0].removeprefix("wrote "))
    parse_record(written)
    assert yaml.safe_load(written.read_text("utf-8"))[
        "date"
    ] == dt.date.today() and written.parent.name == str(dt.date.today().year)


def test_an_impossible_date_is_a_usage_error(tmp_path):
    site = make_site(tmp_path)
    result = new_decision(site, "--title", "Bad date", "--date", "2020-13-45")
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "--date" in result.output
    assert not list((site / "decisions").glob("*/OPCC-*-003.yaml"))


# --- Outside a site ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["validate"], ["new", "decision", "--title", "x", "--date", "2020-08-01"]]
)
def test_a_missing_mkdocs_yml_is_a_one_line_error(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [
        "Error: mkdocs.yml: no such file: run this in the site's folder or give --config"
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_missing_mkdocs_yml_as_a_real_process(tmp_path):
    result = run_process("new", "decision", "--title", "x", "--date", "2020-08-01", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Error: mkdocs.yml: no such file: run this in the site's folder or give --config"
    ]


def test_a_config_option_pointing_nowhere_names_the_file(tmp_path):
    result = run_cli("validate", "--config", str(tmp_path / "elsewhere" / "mkdocs.yml"))
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == f"Error: {tmp_path / 'elsewhere' / 'mkdocs.yml'}: no such file: run this in the site's "
        "folder or give --config"
    )


def test_options_of_the_wrong_kind_are_one_line(tmp_path):
    site = make_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace('build_date: "2021-06-01"', "build_date: 'first of June'")
    )
    result = run_cli("validate", site=site)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        f"{config}:20:19: error: transparency.build_date: 'first of June' is not a date: write it "
        "as YYYY-MM-DD, like 2020-07-17",
        "Error: 1 error(s) in the transparency plugin's options",
    ]


def test_version_and_help(tmp_path):
    assert run_cli("--version").exit_code == 0
    help_text = run_cli("--help").output
    assert "validate" in help_text and "new" in help_text


# --- Dates as staff type them
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "2020-08-01",
        "01/08/2020",
        "1/8/2020",
        "1 August 2020",
        "01 august 2020",
        "1 Aug 2020",
        "1 August, 2020",
    ],
)
def test_dates_as_staff_type_them_are_written_as_iso(tmp_path, typed):
    site = make_site(tmp_path)
    result = new_decision(site, "--title", "Victims services grant", "--date", typed)
    assert result.exit_code == 0, result.output
    path = site / "decisions/2020/OPCC-2020-003.yaml"
    assert "\ndate: 2020-08-01\n" in path.read_text("utf-8")


@pytest.mark.parametrize(
    "typed",
    ["08/01/20", "2020/08/01", "August 1 2020", "1st August 2020", "31/02/2021", "tomorrow"],
)
def test_a_date_that_is_not_one_is_one_friendly_line(tmp_path, typed):
    site = make_site(tmp_path)
    result = new_decision(site, "--title", "Bad date", "--date", typed)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"Error: --date '{typed}' is not a date: write it like 2020-08-01, 01/08/2020 or 1 August "
        "2020 (day first)"
    ]
    assert not (site / "decisions" / "2020" / "OPCC-2020-003.yaml").exists()


def test_the_template_writes_its_guidance_from_the_one_list_the_rule_checks(tmp_path):
    site = make_site(tmp_path)
    assert new_decision(site, "--title", "Guidance", "--date", "2020-08-01").exit_code == 0
    text = (site / "decisions/2020/OPCC-2020-003.yaml").read_text("utf-8")
    for guidance in newrecord.GUIDANCE.values():
        assert guidance in text
    # Every commented text field, uncommented as it stands, is refused.
    uncommented = re.sub(
        r"^# (decision|background|options_considered|implications): >-\n#   (.*)\n",
        r"\1: >-\n  \2\n",
        text,
        flags=re.M,
    )
    uncommented = uncommented.replace(
        "# implications:\n#   financial: >-\n#     ", "implications:\n  financial: >-\n    "
    )
    (site / "decisions/2020/OPCC-2020-003.yaml").write_text(uncommented, "utf-8")
    refused = {d.field for d in load_site(site).diagnostics if d.kind == newrecord.GUIDANCE_KIND}
    assert refused == {
        "summary",
        "decision",
        "background",
        "options_considered",
        "implications.financial",
    }


# --- Options read as the build reads them
# ----------------------------------------------------------


def test_unknown_and_wrongly_typed_options_are_errors_at_their_lines(tmp_path):
    site = make_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      reference_prefix: OPCC\n",
            "      reference_prefix: OPCC\n      contract_threshold: 5000\n      latest: ten\n     "
            " feed_size: [50]\n",
        ),
        "utf-8",
    )
    result = run_cli("validate", site=site)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{config}:17:7: error: transparency.contract_threshold: unknown option "
        "'contract_threshold' (did you mean 'contracts_threshold'?)",
        f"{config}:18:15: error: transparency.latest: expected a whole number, found text 'ten'",
        f"{config}:19:18: error: transparency.feed_size: expected a whole number, "
        "found a list [50]",
        "Error: 3 error(s) in the transparency plugin's options",
    ]
    github = run_cli("validate", "--format", "github", site=site)
    assert (
        f"::error file={config},line=18,col=15::transparency.latest: expected a whole number, "
        "found text 'ten'" in github.output.splitlines()
    )


def set_reference_format(site: Path, form: str) -> None:
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      reference_prefix: OPCC\n",
            f'      reference_prefix: OPCC\n      reference_format: "{form}"\n',
        )
    )


def test_new_decision_in_the_offices_own_reference_format(tmp_path):
    site = make_site(tmp_path)
    set_reference_format(site, "PCD {number}")
    (site / "decisions/2020/pcd-1691.yaml").write_text(
        (site / "decisions/2020/OPCC-2020-001.yaml")
        .read_text()
        .replace("reference: OPCC-2020-001", "reference: PCD 1691")
    )
    result = new_decision(site, "--title", "Victims services grant", "--date", "2021-08-01")
    assert result.exit_code == 0, result.output
    # The numbers run on across years, as PCD numbers do; the file is named by the slug.
    path = site / "decisions/2021/pcd-1692.yaml"
    assert parse_record(path)["reference"] == "PCD 1692"
    # Nothing but the summary the template leaves for staff to write.
    assert [d.field for d in load_site(site).diagnostics] == ["summary"]


def test_a_reference_format_with_year_and_padding(tmp_path):
    site = make_site(tmp_path)
    set_reference_format(site, "Decision {year}/{number:04d}")
    assert new_decision(site, "--title", "First", "--date", "2021-05-01").exit_code == 0
    assert new_decision(site, "--title", "Second", "--date", "2021-05-01").exit_code == 0
    assert (
        parse_record(site / "decisions/2021/decision-2021-0002.yaml")["reference"]
        == "Decision 2021/0002"
    )


def test_a_reference_that_reads_as_a_number_is_written_as_text(tmp_path):
    site = make_site(tmp_path)
    set_reference_format(site, "{number}")
    assert new_decision(site, "--title", "First", "--date", "2021-05-01").exit_code == 0
    assert parse_record(site / "decisions/2021/1.yaml")["reference"] == "1"


def test_a_reference_format_without_a_number_is_a_one_line_error(tmp_path):
    site = make_site(tmp_path)
    set_reference_format(site, "PCD {year}")
    result = new_decision(site, "--title", "First", "--date", "2021-05-01")
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "Error: reference_format 'PCD {year}' has no {number}: add one, like PCD {number}"
    )
