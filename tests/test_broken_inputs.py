"""The corpus of broken inputs: each a real mistake, with the exact lines the validator must print.

Every case under tests/broken/ is laid over a copy of the valid base site and checked twice:
through the loader (generator.load.load) and through the `transparency validate` command.
"""

from __future__ import annotations

import pytest
from validation_helpers import (
    BROKEN,
    DIAGNOSTIC,
    SUMMARY,
    assert_position_exists,
    case_names,
    diagnostic_lines,
    expected_lines,
    lines_of,
    load_site,
    make_site,
    run_cli,
    run_process,
)

CASES = case_names()


def test_the_corpus_is_large_enough_and_complete():
    assert len(CASES) >= 35
    for case in CASES:
        assert (BROKEN / case / "expected.txt").is_file(), f"{case} has no expected.txt"
        assert any(p.name != "expected.txt" for p in (BROKEN / case).rglob("*") if p.is_file()), (
            f"{case} changes no file"
        )
        expected = expected_lines(case)
        assert expected, f"{case}: expected.txt lists no diagnostic"
        for line in expected:
            assert DIAGNOSTIC.match(line), f"{case}: not a diagnostic line: {line!r}"
        assert any(": error: " in line for line in expected), (
            f"{case}: a broken input must give at least one error"
        )


def test_the_base_site_is_valid(tmp_path):
    site = make_site(tmp_path)
    records = load_site(site)
    assert lines_of(records) == []
    assert (
        len(records.decisions) == 3
        and len(records.funding_tables) == 1
        and len(records.toolkit) == 1
    )
    result = run_cli("validate", site=site)
    assert result.exit_code == 0, result.output
    assert (
        result.stderr.strip()
        == "0 error(s), 0 warning(s) in 3 decisions, 1 funding tables, 1 toolkit documents"
    )


@pytest.mark.parametrize("case", CASES)
def test_loader_reports_exactly_the_expected_lines(case, tmp_path):
    site = make_site(tmp_path, case)
    records = load_site(site)
    assert lines_of(records) == expected_lines(case)
    assert records.diagnostics.errors
    for line in expected_lines(case):
        assert_position_exists(site, line)


@pytest.mark.parametrize("case", CASES)
def test_command_prints_exactly_the_expected_lines_and_fails(case, tmp_path):
    site = make_site(tmp_path, case)
    result = run_cli("validate", site=site)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    # Errors first, then warnings.
    expected = expected_lines(case)
    assert diagnostic_lines(result.stderr) == [line for line in expected if ": error: " in line] + [
        line for line in expected if ": warning: " in line
    ]
    # Every line of output is a diagnostic or the closing count: nothing else leaks out.
    other = [line for line in result.output.splitlines() if not DIAGNOSTIC.match(line)]
    assert len(other) == 1 and SUMMARY.match(other[0]), other
    counts = SUMMARY.match(other[0])
    assert int(counts["errors"]) == sum(": error: " in line for line in expected)
    assert int(counts["warnings"]) == sum(": warning: " in line for line in expected)


@pytest.mark.parametrize("case", CASES)
def test_github_annotations_match_the_expected_lines(case, tmp_path):
    site = make_site(tmp_path, case)
    result = run_cli("validate", "--format", "github", site=site)
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == len(expected_lines(case))
    for annotation, line in zip(annotations, expected_lines(case)):
        m = DIAGNOSTIC.match(line)
        rest = m["rest"].replace("%", "%25")
        assert (
            annotation
            == f"::{m['severity']} file={m['path']},line={m['line']},col={m['column']}::{rest}"
        )


# A few cases also run as a real process, as CI and pre-commit run the command: the bytes a
# terminal sees (non-UTF-8 input, control characters, '£' in messages) must not break output.
PROCESS_CASES = [
    "non-utf8-windows-1252",
    "vertical-tab-pasted-from-word",
    "alias-bomb",
    "amount-pound-sign-and-commas",
    "toolkit-front-matter-not-closed",
    "windows-line-endings-with-typo",
]


@pytest.mark.parametrize("case", PROCESS_CASES)
def test_command_as_a_process(case, tmp_path):
    site = make_site(tmp_path, case)
    result = run_process("validate", cwd=site)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1, result.stderr
    assert diagnostic_lines(result.stderr) == expected_lines(case)


def test_each_file_alone_reports_only_its_own_lines(tmp_path):
    """`transparency validate PATH` for the file a case changed reports that case's lines."""
    site = make_site(tmp_path, "duplicate-reference-copied-file")
    result = run_cli("validate", str(site / "decisions/2021/OPCC-2021-002.yaml"), site=site)
    assert result.exit_code == 1
    assert diagnostic_lines(result.stderr) == expected_lines("duplicate-reference-copied-file")
    untouched = run_cli("validate", str(site / "decisions/2021/OPCC-2021-001.yaml"), site=site)
    assert untouched.exit_code == 0, untouched.output
    assert diagnostic_lines(untouched.stderr) == []
