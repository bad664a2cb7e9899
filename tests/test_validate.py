"""The record formats and their validator, rule by rule (see also tests/broken/ for whole files)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from validation_helpers import (
    NEW_DECISION,
    NEW_DECISION_PATH,
    diagnostic_lines,
    lines_of,
    load_site,
    make_site,
    run_cli,
)

from generator import schema, source
from generator.load import load
from generator.settings import read_settings


def write(site: Path, rel: str, text: str | bytes) -> Path:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def decision_lines(tmp_path: Path, text: str, rel: str = NEW_DECISION_PATH) -> list[str]:
    site = make_site(tmp_path)
    write(site, rel, text)
    return lines_of(load_site(site))


def replace(old: str, new: str, text: str = NEW_DECISION) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def set_build_date(site: Path, day: str | None) -> None:
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"      build_date: .*\n", f'      build_date: "{day}"\n' if day else "", text)
    config.write_text(text, encoding="utf-8")


F = NEW_DECISION_PATH


# --- The example content and the base site --------------------------------------------------


def test_the_example_content_of_the_repository_has_no_errors():
    records = load(read_settings(REPO / "mkdocs.yml"))
    assert [d.text() for d in records.diagnostics.errors] == []
    assert (
        len(records.decisions) >= 7
        and len(records.funding_tables) >= 2
        and len(records.toolkit) >= 10
    )
    # Only overdue reviews may warn, and only because the example content is from 2020.
    assert all(d.field == "review_due" for d in records.diagnostics.warnings)


def test_the_example_content_validates_with_the_command(monkeypatch):
    monkeypatch.chdir(REPO)
    result = run_cli("validate")
    assert result.exit_code == 0, result.output
    assert re.search(r"^0 error\(s\), \d+ warning\(s\) in \d+ decisions", result.stderr, re.M)


def test_a_valid_new_decision_adds_no_diagnostic(tmp_path):
    assert decision_lines(tmp_path, NEW_DECISION) == []


def test_the_model_keeps_the_values_as_written(tmp_path):
    site = make_site(tmp_path)
    records = load_site(site)
    by_reference = {d.reference: d for d in records.decisions}
    contract = by_reference["OPCC-2020-002"]
    assert contract.date == dt.date(2020, 5, 26) and contract.published == dt.date(2020, 6, 2)
    assert (
        contract.financial.amount == Decimal("150000.00") and contract.financial.currency == "GBP"
    )
    assert contract.procurement.bids_received == 3
    assert contract.documents[0].size == len(
        "Decision notice OPCC-2020-002: the Commissioner awarded the contract.\n"
    )
    assert contract.exempt[0].content == "The panel's scores for each bid."
    grant = by_reference["OPCC-2021-001"]
    # published defaults to date; significant_public_interest defaults to true; currency to GBP.
    assert grant.published == grant.date and grant.significant_public_interest is True
    assert grant.financial.currency == "GBP"
    assert by_reference["OPCC-2020-001"].significant_public_interest is False
    table = records.funding_tables[0]
    assert table.rows[2].values == (None, Decimal("3370000"), Decimal("3370000"))
    assert (
        records.toolkit[0].attachments == ["checklist.txt"] and records.toolkit[0].stage == "plan"
    )


def test_money_keeps_its_pence_exactly(tmp_path):
    site = make_site(tmp_path)
    write(
        site,
        F,
        replace(
            "  amount: 45000.00\n  funding",
            "  amount: 174304.93\n  funding",
            replace("    amount: 45000.00\n", "    amount: 174304.93\n"),
        ),
    )
    records = load_site(site)
    assert lines_of(records) == []
    decision = next(d for d in records.decisions if d.reference == "OPCC-2021-002")
    assert decision.amount == Decimal("174304.93")


# --- Decision records: section 2 of the format, field by field -----------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "reference: OPCC-2021-002",
            'reference: "OPCC-2021-002\\n"',
            [
                f"{F}:1:12: error: reference: 'OPCC-2021-002\\n' is not a valid reference: write 1 "
                "to 60 characters on one line, like WYPCC-2020-014 or Decision 2024/25 – 0008"
            ],
        ),
        (
            "reference: OPCC-2021-002",
            "reference: " + "X" * 61,
            [
                f"{F}:1:12: error: reference: '{'X' * 56}...' is not a valid reference: write 1 to "
                "60 characters on one line, like WYPCC-2020-014 or Decision 2024/25 – 0008"
            ],
        ),
        (
            "reference: OPCC-2021-002",
            "reference: OPCC2021002",
            [
                f"{F}:1:12: error: reference: 'OPCC2021002' does not match the file name "
                "OPCC-2021-002.yaml: correct the reference to OPCC-2021-002 (keep the file name)"
            ],
        ),
        (
            "reference: OPCC-2021-002",
            "reference: OPCC 2021/0002",
            [
                f"{F}:1:12: error: reference: 'OPCC 2021/0002' does not match the file name "
                "OPCC-2021-002.yaml: correct the reference to OPCC-2021-002 (keep the file name)"
            ],
        ),
        (
            "reference: OPCC-2021-002",
            'reference: "///"',
            [
                f"{F}:1:12: error: reference: '///' has no letter or digit to name its file and "
                "page by"
            ],
        ),
        (
            "title: Domestic abuse helpline grant",
            'title: ""',
            [f"{F}:2:8: error: title: must not be empty"],
        ),
        (
            "decision_maker: Police and Crime Commissioner",
            'decision_maker: ""',
            [f"{F}:4:17: error: decision_maker: must not be empty"],
        ),
        (
            "status: approved",
            "status:",
            [
                f"{F}:5:8: error: status: an empty value is not one of: approved, rejected, "
                "deferred, withdrawn, noted, endorsed"
            ],
        ),
        (
            "date: 2021-04-12",
            "date: 2021-02-29",
            [
                f"{F}:3:7: error: date: '2021-02-29' is not a valid date: write it as YYYY-MM-DD, "
                "like 2020-07-17"
            ],
        ),
        ("date: 2021-04-12", "date: '2021-04-12'", []),  # a quoted date is a date too
        (
            "category: grants",
            "category: Grants",
            [
                f"{F}:6:11: error: category: 'Grants' is not one of the site's categories: "
                "commissioning, grants, contracts, governance (did you mean 'grants'?)"
            ],
        ),
        ("category: grants\n", "", []),  # category is optional
        ("  funding_stream: moj-victims-witnesses\n", "", []),  # so is every part of financial
        (
            "  amount: 45000.00\n  funding",
            "  amount: -1\n  funding",
            [f"{F}:11:11: error: financial.amount: -1 must be 0 or more"],
        ),
        (
            "  amount: 45000.00\n  funding",
            "  amount: 0\n  funding",
            [
                f"{F}:15:3: warning: recipients: the recipients' amounts add up to 45000.0, not "
                "the decision's amount 0"
            ],
        ),
        (
            "  amount: 45000.00\n  funding",
            "  amount: .nan\n  funding",
            [
                f"{F}:11:11: error: financial.amount: 'NaN' is not an amount of money: write a "
                "number of pounds, like 1500.00"
            ],
        ),
        (
            "  amount: 45000.00\n  funding",
            "  amount: '45000'\n  funding",
            [
                f"{F}:11:11: error: financial.amount: expected a number, found text '45000' (write "
                "the number without '£' or commas, and without quotes)"
            ],
        ),
        (
            "    amount: 45000.00\n",
            "    amount: 45000.001\n",
            [
                f"{F}:15:3: warning: recipients: the recipients' amounts add up to 45000.001, not "
                "the decision's amount 45000.0",
                f"{F}:17:13: error: recipients[0].amount: 45000.001 has more than two decimal "
                "places (pounds and pence)",
            ],
        ),
        ('financial_year: "2021/22"', 'financial_year: "1999/00"', []),  # across the century
        (
            'financial_year: "2021/22"',
            'financial_year: "2021/2022"',
            [
                f"{F}:13:19: error: financial.financial_year: '2021/2022' is not a financial year: "
                "write it like 2020/21"
            ],
        ),
        (
            "  - name: Exampleshire Women's Aid\n",
            '  - name: ""\n',
            [f"{F}:15:11: error: recipients[0].name: must not be empty"],
        ),
        (
            "  - name: Exampleshire Women's Aid\n    org_id",
            "  - org_id",
            [f"{F}:15:5: error: recipients[0].name: this required field is missing"],
        ),
        ("org_id: GB-CHC-1098765", "org_id: GB-COH-05227463", []),
        ("org_id: GB-CHC-1098765", "org_id: GB-SC-SC012345", []),
        (
            "org_id: GB-CHC-1098765",
            "org_id: gb-chc-1098765",
            [
                f"{F}:16:13: error: recipients[0].org_id: 'gb-chc-1098765' is not an org-id.guide "
                "identifier like GB-CHC-1234567 or GB-COH-05227463"
            ],
        ),
        (
            "recipients:\n",
            "recipients: Exampleshire Women's Aid\nx_recipients:\n",
            [
                f"{F}:14:13: error: recipients: expected a list, found text 'Exampleshire Women's "
                "Aid'",
                f"{F}:15:1: error: x_recipients: unknown field 'x_recipients' (did you mean "
                "'recipients'?)",
            ],
        ),
        (
            "financial:\n",
            "financial:\n  vat: 0\n",
            [
                f"{F}:11:8: error: financial.vat: 0 is not one of: excluded, included, "
                "not-applicable"
            ],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_decision_field_rules(tmp_path, old, new, expected):
    assert decision_lines(tmp_path, replace(old, new)) == expected


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("signed: 2021-04-12\n", []),  # signed on the day is fine
        ("published: 2021-05-01\n", []),
        (
            "published: 2021-04-01\n",
            [
                f"{F}:18:12: error: published: a decision cannot be published (2021-04-01) before "
                "it is made (2021-04-12): check both dates"
            ],
        ),
        ("significant_public_interest: false\n", []),
        (
            "significant_public_interest: 'no'\n",
            [
                f"{F}:18:30: error: significant_public_interest: expected true or false, found "
                "text 'no'"
            ],
        ),
        (
            "lead_officer: Head of Commissioning\ndecision: To award the grant.\nbackground: |\n  "
            "Calls rose.\n"
            "options_considered: Not funding the service.\ninterests_declared: None\n",
            [],
        ),
        (
            "implications:\n  financial: Met from the grant.\n  legal: None.\n  value for money: "
            "Good.\n",
            [],
        ),
        (
            "implications:\n  legal: [a, b]\n",
            [f"{F}:19:10: error: implications.legal: expected text, found a list ['a', 'b']"],
        ),
        (
            "implications: None\n",
            [f"{F}:18:15: error: implications: expected a mapping of fields, found text 'None'"],
        ),
        # Valid; the build (and so validate) warns that a contract over the threshold has no
        # document.
        (
            "procurement:\n  route: framework\n  bids_received: 0\n  contract_start: 2021-05-01\n  "
            "contract_end: 2021-05-01\n",
            [
                f"{F}:18:1: warning: procurement: a contract over £10,000.00 has no document "
                "attached: add the invitation to tender or the contract to documents"
            ],
        ),
        (
            "procurement:\n  route: tender\n",
            [
                f"{F}:19:10: error: procurement.route: 'tender' is not one of: open-tender, "
                "restricted-tender, framework, direct-award, grant-round, other (did you mean "
                "'open-tender'?)"
            ],
        ),
        (
            "procurement:\n  bids_received: -2\n",
            [f"{F}:19:18: error: procurement.bids_received: -2 must be 0 or more"],
        ),
        (
            "procurement:\n  bids_received: 2.5\n",
            [
                f"{F}:19:18: error: procurement.bids_received: expected a whole number, found a "
                "number 2.5"
            ],
        ),
        (
            "procurement:\n  contract_start: 2021-13-01\n",
            [
                f"{F}:19:19: error: procurement.contract_start: '2021-13-01' is not a valid date: "
                "write it as YYYY-MM-DD, like 2020-07-17"
            ],
        ),
        (
            "documents:\n  - title: Notice\n    url: http://www.example.org/notice.pdf\n  - title: "
            "Page\n    url: https://www.example.org/a?b=c\n",
            [],
        ),
        (
            "documents:\n  - title: Notice\n    url: https://www.example.org/a notice.pdf\n",
            [
                f"{F}:20:10: error: documents[0].url: 'https://www.example.org/a notice.pdf' is "
                "not a web address: it must start with https:// or http://"
            ],
        ),
        (
            "documents:\n  - file: OPCC-2020-002-decision-notice.txt\n",
            [f"{F}:19:5: error: documents[0].title: this required field is missing"],
        ),
        (
            "documents:\n  - title: Notice\n    file: /etc/passwd\n",
            [f"{F}:20:11: error: documents[0].file: '/etc/passwd' is outside decisions/files/"],
        ),
        (
            "related: OPCC-2021-001\n",
            [f"{F}:18:10: error: related: expected a list, found text 'OPCC-2021-001'"],
        ),
        ("related: [OPCC-2020-001, OPCC-2020-002, OPCC-2021-001]\n", []),
        ("supersedes: OPCC-2021-001\n", []),
        (
            "supersedes: [OPCC-2021-001]\n",
            [f"{F}:18:13: error: supersedes: expected text, found a list ['OPCC-2021-001']"],
        ),
        ("tags: [domestic-abuse, victims, covid-19]\n", []),
        (
            "tags: [domestic_abuse]\n",
            [
                f"{F}:18:8: error: tags[0]: 'domestic_abuse' is not a tag: use lower-case words "
                "joined by hyphens, like domestic-abuse"
            ],
        ),
        (
            "tags: [-victims]\n",
            [
                f"{F}:18:8: error: tags[0]: '-victims' is not a tag: use lower-case words joined "
                "by hyphens, like domestic-abuse"
            ],
        ),
        (
            "exempt:\n  - title: Scores\n    reason: Section 43 FOIA - commercial interests\n",
            [],
        ),  # content is optional
        (
            "exempt:\n  - reason: Section 40 FOIA - personal information\n",
            [f"{F}:19:5: error: exempt[0].title: this required field is missing"],
        ),
        (
            'exempt:\n  - title: Scores\n    reason: ""\n',
            [f"{F}:20:13: error: exempt[0].reason: must not be empty"],
        ),
        (
            "exempt:\n  - title: Scores\n    reason: s43\n    published: false\n",
            [f"{F}:21:5: error: exempt[0].published: unknown field 'published'"],
        ),
    ],
    ids=lambda v: v.split(":")[0] if isinstance(v, str) else None,
)
def test_optional_decision_fields(tmp_path, extra, expected):
    assert decision_lines(tmp_path, NEW_DECISION + extra) == expected


def test_every_required_field_is_reported_when_missing(tmp_path):
    required = ["reference", "title", "date", "decision_maker", "status", "summary"]
    assert schema.load_schema("decision")["required"] == required
    text = "category: grants\n"
    assert decision_lines(tmp_path, text) == [
        f"{F}:1:1: error: {name}: this required field is missing" for name in sorted(required)
    ]


def test_all_problems_of_a_file_are_reported_at_once(tmp_path):
    text = replace(
        "status: approved",
        "status: aproved",
        replace(
            "date: 2021-04-12",
            "date: 2021-04-31",
            replace("title: Domestic abuse helpline grant", "title: yes"),
        ),
    )
    text += "significant_public_interest: maybe\ntags: [Victims]\nsumary: x\n"
    lines = decision_lines(tmp_path, text)
    assert [line.split(": ")[2] for line in lines] == [
        "title",
        "date",
        "status",
        "significant_public_interest",
        "tags[0]",
        "sumary",
    ]


def test_an_unknown_field_is_reported_at_its_name_with_a_suggestion(tmp_path):
    lines = decision_lines(
        tmp_path, NEW_DECISION + "  lead_oficer: Head of Commissioning\n".strip() + "\n"
    )
    assert lines == [
        f"{F}:18:1: error: lead_oficer: unknown field 'lead_oficer' (did you mean 'lead_officer'?)"
    ]


def test_rules_across_files_are_skipped_for_files_with_errors_of_their_own(tmp_path):
    """A record with a typo is still a record: others relating to it get no second error."""
    site = make_site(tmp_path)
    write(
        site,
        "decisions/2021/OPCC-2021-001.yaml",
        (site / "decisions/2021/OPCC-2021-001.yaml")
        .read_text()
        .replace("status: approved", "status: aproved"),
    )
    write(site, F, NEW_DECISION + "related: [OPCC-2021-001]\nsupersedes: OPCC-2021-001\n")
    assert lines_of(load_site(site)) == [
        "decisions/2021/OPCC-2021-001.yaml:5:9: error: status: 'aproved' is not one of: approved, "
        "rejected, deferred, withdrawn, noted, endorsed (did you mean 'approved'?)"
    ]


def test_files_next_to_decisions_are_not_records(tmp_path):
    site = make_site(tmp_path)
    write(site, "decisions/files/evaluation-data.yaml", "scores: [1, 2, 3]\n")
    write(site, "decisions/files/notes.yml", "a: 1\n")
    assert lines_of(load_site(site)) == []


def test_a_funding_table_saved_as_yml_is_reported(tmp_path):
    site = make_site(tmp_path)
    write(site, "content/funding/covid.yml", "title: x\n")
    assert lines_of(load_site(site)) == [
        "content/funding/covid.yml:1:1: error: the file name must end in .yaml (lower case): "
        "rename it to covid.yaml"
    ]


@pytest.mark.parametrize(
    "name",
    [
        "a\x00b.pdf",
        "x" * 300 + ".pdf",
        "../" * 40 + "etc/passwd",
        "sub/../../2020/OPCC-2020-001.yaml",
    ],
)
def test_document_file_names_that_cannot_be_files_are_errors_not_crashes(tmp_path, name):
    text = NEW_DECISION + "documents:\n  - title: Notice\n    file: " + json.dumps(name) + "\n"
    lines = decision_lines(tmp_path, text)
    assert len(lines) == 1 and lines[0].startswith(f"{F}:20:11: error: documents[0].file: ")


def test_a_document_file_in_a_sub_folder_of_files_is_fine(tmp_path):
    site = make_site(tmp_path)
    write(site, "decisions/files/2021/grant-letter.pdf", b"%PDF-1.4\n")
    write(
        site,
        F,
        NEW_DECISION + "documents:\n  - title: Grant letter\n    file: 2021/grant-letter.pdf\n",
    )
    records = load_site(site)
    assert lines_of(records) == []
    decision = next(d for d in records.decisions if d.reference == "OPCC-2021-002")
    assert decision.documents[0].size == 9 and decision.documents[0].file_type == "PDF"


# --- Recipients' amounts and the decision's amount --------------------------------------------


def test_recipients_that_add_up_to_the_amount_give_no_warning(tmp_path):
    site = make_site(tmp_path)
    records = load_site(site)  # OPCC-2021-001: 12000 + 8000 = 20000
    assert lines_of(records) == []


def test_recipients_not_adding_up_to_the_amount_give_a_warning_not_an_error(tmp_path):
    site = make_site(tmp_path)
    path = site / "decisions/2021/OPCC-2021-001.yaml"
    path.write_text(path.read_text().replace("amount: 8000", "amount: 7000"))
    records = load_site(site)
    assert lines_of(records) == [
        "decisions/2021/OPCC-2021-001.yaml:13:3: warning: recipients: the recipients' amounts add "
        "up to 19000, not the decision's amount 20000"
    ]
    assert not records.diagnostics.errors
    result = run_cli("validate", site=site)
    assert result.exit_code == 0
    assert run_cli("validate", "--strict", site=site).exit_code == 1


def test_recipients_without_amounts_are_not_added_up(tmp_path):
    text = (
        replace("category: grants", "category: contracts", NEW_DECISION)
        + "  - name: Exampleshire Council\n"
    )
    assert decision_lines(tmp_path, text) == []


# --- Funding tables (section 3) ----------------------------------------------------------------

TABLE = (
    'title: COVID-19\nunit: GBP\ncolumns: ["2019/20", "2020/21"]\nrows:\n  - id: covid-victims\n   '
    " name: Victims services\n    values: [null, 1004380]\n"
)
T = "content/funding/covid.yaml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: COVID-19\n", "", [f"{T}:1:1: error: title: this required field is missing"]),
        ("title: COVID-19\n", "title: COVID-19\ndescription: |\n  Emergency funding.\n", []),
        ("unit: GBP", "unit: EUR", [f"{T}:2:7: error: unit: 'EUR' is not one of: GBP"]),
        (
            'columns: ["2019/20", "2020/21"]',
            "columns: []",
            [f"{T}:3:10: error: columns: needs at least 1 item"],
        ),
        (
            "values: [null, 1004380]",
            "values: [null, -5]",
            [f"{T}:7:20: error: rows[0].values[1]: -5 must be 0 or more"],
        ),
        ("values: [null, 1004380]", "values: [0, 0.5]", []),
        (
            "    name: Victims services\n",
            "    name: Victims services\n    note: x\n",
            [f"{T}:7:5: error: rows[0].note: unknown field 'note'"],
        ),
        (
            "  - id: covid-victims\n",
            "  - id: covid_victims\n",
            [
                f"{T}:5:9: error: rows[0].id: 'covid_victims' is not a valid id: use lower-case "
                "words joined by hyphens"
            ],
        ),
        (
            "    name: Victims services\n",
            "",
            [f"{T}:5:5: error: rows[0].name: this required field is missing"],
        ),
        (
            "rows:\n  - id: covid-victims\n    name: Victims services\n    values: [null, "
            "1004380]\n",
            "rows: []\n",
            [f"{T}:4:7: error: rows: needs at least 1 item"],
        ),
    ],
    ids=lambda v: v.split("\n")[0][:30] if isinstance(v, str) else None,
)
def test_funding_table_rules(tmp_path, old, new, expected):
    site = make_site(tmp_path)
    write(site, T, replace(old, new, TABLE))
    assert lines_of(load_site(site)) == expected


def test_a_decision_may_use_a_stream_of_any_table(tmp_path):
    site = make_site(tmp_path)
    write(site, T, TABLE)
    write(
        site, F, replace("funding_stream: moj-victims-witnesses", "funding_stream: covid-victims")
    )
    assert lines_of(load_site(site)) == []


# --- Toolkit documents (section 3) ---------------------------------------------------------------

DOC = (
    "---\ntitle: Managing risk\nstage: do\naudience: internal\nowner: Head of "
    "Commissioning\nreviewed: 2021-01-01\nreview_due: 2021-09-30\n---\n\n# Managing risk\n"
)
D = "content/toolkit/guidance/managing-risk.md"


def toolkit_lines(
    tmp_path: Path, text: str | bytes, build_date: str | None = "2021-06-01"
) -> list[str]:
    site = make_site(tmp_path)
    set_build_date(site, build_date)
    write(site, D, text)
    return lines_of(load_site(site))


@pytest.mark.parametrize("stage", ["analyse", "plan", "do", "review"])
def test_the_four_stages_of_the_cycle(tmp_path, stage):
    assert toolkit_lines(tmp_path, DOC.replace("stage: do", f"stage: {stage}")) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("stage: do\n", "", []),  # stage, audience, owner, dates are optional
        ("audience: internal", "audience: public", []),
        (
            "owner: Head of Commissioning\n",
            "description: Risks and how to manage them.\nhide: [navigation]\n",
            [],
        ),
        (
            "reviewed: 2021-01-01",
            "reviewed: 1 January 2021",
            [
                f"{D}:6:11: error: reviewed: '1 January 2021' is not a valid date: write it as "
                "YYYY-MM-DD, like 2020-07-17"
            ],
        ),
        ("title: Managing risk", "title: ''", [f"{D}:2:8: error: title: must not be empty"]),
        (
            "title: Managing risk",
            "title: Managing risk\nattachments: register.xlsx",
            [f"{D}:3:14: error: attachments: expected a list, found text 'register.xlsx'"],
        ),
        ("---\ntitle", "---\n\n\ntitle", []),
    ],
    ids=lambda v: v.split("\n")[0][:30] if isinstance(v, str) else None,
)
def test_toolkit_front_matter_rules(tmp_path, old, new, expected):
    assert toolkit_lines(tmp_path, replace(old, new, DOC)) == expected


def test_toolkit_positions_are_the_lines_of_the_file(tmp_path):
    """Front matter lines are counted from the top of the file, blank lines and CRLF included."""
    text = DOC.replace("stage: do", "stage: doing")
    expected = [f"{D}:3:8: error: stage: 'doing' is not one of: analyse, plan, do, review"]
    assert toolkit_lines(tmp_path, text) == expected
    assert toolkit_lines(tmp_path / "crlf", text.replace("\n", "\r\n").encode()) == expected
    assert toolkit_lines(tmp_path / "blank", text.replace("---\n", "---\n\n\n", 1)) == [
        expected[0].replace(":3:8:", ":5:8:")
    ]
    assert toolkit_lines(tmp_path / "bom", b"\xef\xbb\xbf" + text.encode()) == expected


def test_the_body_of_a_toolkit_document_is_kept(tmp_path):
    site = make_site(tmp_path)
    write(site, D, DOC + "\n---\n\nA horizontal rule above is body, not front matter.\n")
    records = load_site(site)
    assert lines_of(records) == []
    document = next(t for t in records.toolkit if t.title == "Managing risk")
    assert "# Managing risk" in document.body and "horizontal rule" in document.body
    assert document.is_internal and document.src_uri == "toolkit/guidance/managing-risk.md"


def test_empty_front_matter_says_so(tmp_path):
    assert toolkit_lines(tmp_path, "---\n---\n# Risk\n") == [
        f"{D}:1:1: error: the front matter is empty: expected front matter (a mapping of fields)"
    ]


def test_a_past_review_date_is_a_warning_and_a_future_one_nothing(tmp_path):
    assert toolkit_lines(tmp_path / "future", DOC, build_date="2021-09-30") == []
    assert toolkit_lines(tmp_path / "past", DOC, build_date="2021-10-01") == [
        f"{D}:7:13: warning: review_due: the review was due on 2021-09-30"
    ]


def test_without_a_build_date_the_review_is_judged_on_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(dt.datetime(2022, 1, 1, tzinfo=dt.timezone.utc).timestamp()))
    )
    assert toolkit_lines(tmp_path, DOC, build_date=None) == [
        f"{D}:7:13: warning: review_due: the review was due on 2021-09-30"
    ]
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(dt.datetime(2021, 7, 1, tzinfo=dt.timezone.utc).timestamp()))
    )
    assert toolkit_lines(tmp_path / "b", DOC, build_date=None) == []


def test_warnings_pass_unless_strict(tmp_path):
    site = make_site(tmp_path)
    set_build_date(
        site, "2023-01-01"
    )  # the base toolkit document's review (2022-03-31) is now overdue
    result = run_cli("validate", site=site)
    assert result.exit_code == 0
    assert diagnostic_lines(result.stderr) == [
        "content/toolkit/plan/plan.md:7:13: warning: review_due: the review was due on 2022-03-31"
    ]
    assert (
        result.stderr.splitlines()[-1]
        == "0 error(s), 1 warning(s) in 3 decisions, 1 funding tables, 1 toolkit documents"
    )
    strict = run_cli("validate", "--strict", site=site)
    assert strict.exit_code == 1
    assert diagnostic_lines(strict.stderr) == diagnostic_lines(result.stderr)


# --- The command: output forms and PATHS ------------------------------------------------------


def broken_site(tmp_path: Path) -> Path:
    """The base site with one error in a decision and one in the toolkit."""
    site = make_site(tmp_path)
    write(site, F, replace("status: approved", "status: aproved"))
    write(site, D, DOC.replace("stage: do", "stage: done"))
    return site


ERRORS = [
    f"{D}:3:8: error: stage: 'done' is not one of: analyse, plan, do, review (did you mean 'do'?)",
    f"{F}:5:9: error: status: 'aproved' is not one of: approved, rejected, deferred, withdrawn, "
    "noted, endorsed (did you mean 'approved'?)",
]


def test_text_format_goes_to_standard_error_with_a_count(tmp_path):
    result = run_cli("validate", site=broken_site(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == ERRORS + [
        "2 error(s), 0 warning(s) in 3 decisions, 1 funding tables, 1 toolkit documents"
    ]


def test_github_format_prints_workflow_annotations_on_standard_output(tmp_path):
    result = run_cli("validate", "--format", "github", site=broken_site(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::error file={D},line=3,col=8::stage: 'done' is not one of: analyse, plan, do, review "
        "(did you mean 'do'?)",
        f"::error file={F},line=5,col=9::status: 'aproved' is not one of: approved, rejected, "
        "deferred, withdrawn, noted, endorsed (did you mean 'approved'?)",
    ]
    assert result.stderr == ""


def test_github_format_escapes_what_workflow_commands_treat_specially(tmp_path):
    site = make_site(tmp_path)
    write(site, F, replace("category: grants", "category: 100%"))
    result = run_cli("validate", "--format", "github", site=site)
    assert result.stdout.splitlines() == [
        f"::error file={F},line=6,col=11::category: '100%25' is not one of the site's categories: "
        "commissioning, grants, contracts, governance"
    ]


def test_github_format_marks_warnings_as_warnings(tmp_path):
    site = make_site(tmp_path)
    set_build_date(site, "2023-01-01")
    result = run_cli("validate", "--format", "github", site=site)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "::warning file=content/toolkit/plan/plan.md,line=7,col=13::review_due: the review was due "
        "on 2022-03-31"
    ]
    assert run_cli("validate", "--format", "github", "--strict", site=site).exit_code == 1


def test_validating_given_paths_reports_only_their_problems(tmp_path, monkeypatch):
    site = broken_site(tmp_path)
    monkeypatch.chdir(site)
    assert run_cli("validate", F).stderr.splitlines()[:-1] == [ERRORS[1]]
    assert run_cli("validate", F).exit_code == 1
    assert run_cli("validate", D).stderr.splitlines()[:-1] == [ERRORS[0]]
    assert run_cli("validate", "decisions").stderr.splitlines()[:-1] == [ERRORS[1]]
    assert run_cli("validate", "decisions/").stderr.splitlines()[:-1] == [ERRORS[1]]
    assert run_cli("validate", "content", F).stderr.splitlines()[:-1] == ERRORS
    clean = run_cli(
        "validate", "decisions/2020/OPCC-2020-001.yaml", "content/funding/funding-streams.yaml"
    )
    assert clean.exit_code == 0 and diagnostic_lines(clean.stderr) == []


def test_validating_the_whole_folder_by_name_reports_everything(tmp_path, monkeypatch):
    site = broken_site(tmp_path)
    monkeypatch.chdir(site)
    for everything in (".", "./", str(site)):
        result = run_cli("validate", everything)
        assert result.exit_code == 1, everything
        assert diagnostic_lines(result.stderr) == ERRORS, everything


def test_a_given_path_is_still_checked_against_the_whole_repository(tmp_path, monkeypatch):
    """Cross-file rules see every record even when one file is given."""
    site = make_site(tmp_path)
    write(site, F, NEW_DECISION + "related: [OPCC-2020-001, OPCC-2020-099]\n")
    monkeypatch.chdir(site)
    result = run_cli("validate", F)
    assert diagnostic_lines(result.stderr) == [
        f"{F}:18:26: error: related[1]: no decision has the reference 'OPCC-2020-099'"
    ]


def test_a_path_that_does_not_exist_is_a_usage_error(tmp_path, monkeypatch):
    site = make_site(tmp_path)
    monkeypatch.chdir(site)
    result = run_cli("validate", "decisions/2021/OPCC-2021-099.yaml")
    assert (
        result.exit_code == 2
        and "does not exist" in result.output
        and "Traceback" not in result.output
    )


def test_a_broken_mkdocs_yml_is_one_line_not_a_traceback(tmp_path):
    site = make_site(tmp_path)
    (site / "mkdocs.yml").write_text("site_name: [unclosed\n")
    result = run_cli("validate", site=site)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and "cannot read it" in result.output


def test_settings_come_from_the_plugin_options(tmp_path):
    settings = read_settings(make_site(tmp_path) / "mkdocs.yml")
    assert settings.categories == ("commissioning", "grants", "contracts", "governance")
    assert settings.reference_prefix == "OPCC" and settings.build_date == dt.date(2021, 6, 1)
    assert settings.publisher.name == "Police and Crime Commissioner for Exampleshire"


# --- The YAML layer: positions, budgets, encodings ----------------------------------------------


def test_positions_of_keys_and_values():
    parsed = source.parse("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert parsed.source_map.key(("b",)) == source.Position(2, 1)
    assert parsed.source_map.value(("b", 1, "c")) == source.Position(4, 9)
    assert parsed.source_map.key(("b", 1, "c")) == source.Position(4, 6)
    # A path with no value of its own (a missing field) falls back to its nearest ancestor.
    assert parsed.source_map.value(("b", 1, "missing")) == source.Position(4, 5)


def test_dates_and_datetimes_become_iso_text_and_a_bad_date_stays_text():
    # Unquoted and quoted dates read the same, so the schema and the model treat them alike.
    assert source.parse("d: 2020-13-45").data == {"d": "2020-13-45"}
    assert (
        source.parse("d: 2020-07-17").data
        == source.parse("d: '2020-07-17'").data
        == {"d": "2020-07-17"}
    )
    assert source.parse("d: 2020-07-17 10:30:00").data == {"d": "2020-07-17T10:30:00"}


def test_nesting_beyond_the_budget_is_an_error():
    deep = "a: " + "[" * (source.MAX_DEPTH + 2) + "]" * (source.MAX_DEPTH + 2)
    parsed = source.parse(deep)
    assert parsed.data is None
    assert (
        parsed.problems[0].message == f"the YAML is nested more than {source.MAX_DEPTH} levels deep"
    )
    assert source.parse("a: " + "[" * 10 + "]" * 10).problems == []


def test_a_recursive_alias_is_an_error_not_a_hang():
    parsed = source.parse("a: &x [1, *x]\n")
    assert parsed.data is None and "levels deep" in parsed.problems[0].message


def test_a_long_list_within_the_budget_is_fine():
    parsed = source.parse("tags:\n" + "".join(f"  - t{i}\n" for i in range(5000)))
    assert parsed.problems == [] and len(parsed.data["tags"]) == 5000


def test_a_few_aliases_are_fine_when_they_expand_to_little():
    parsed = source.parse("x: &name Exampleshire Women's Aid\ny: *name\n")
    assert parsed.problems == [] and parsed.data == {
        "x": "Exampleshire Women's Aid",
        "y": "Exampleshire Women's Aid",
    }


def test_alias_bomb_is_refused_within_the_budget(monkeypatch):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(8)
    )
    built = 0
    build = source._Builder.build

    def counted(self, node, path, depth):
        nonlocal built
        built += 1
        return build(self, node, path, depth)

    monkeypatch.setattr(source._Builder, "build", counted)
    parsed = source.parse(bomb)
    # 10**9 values if expanded: the parse stops at the budget instead of doing that work.
    assert built == source.MAX_NODES + 1
    assert parsed.data is None and "expands to more than" in parsed.problems[0].message


@pytest.mark.parametrize(
    ("raw", "position", "byte"),
    [
        (b"title: caf\xe9\n", (1, 11), "e9"),
        (b"a: b\ntitle: Caf\xc3\xa9 \xa3\n", (2, 13), "a3"),  # columns count characters, not bytes
        (b"\xef\xbb\xbftitle: \x93x\x94\n", (1, 8), "93"),  # after a byte-order mark
        ("title: x\n".encode("utf-16"), (1, 1), "ff"),
    ],
)
def test_non_utf8_bytes_are_located(raw, position, byte):
    text, problem = source.decode(raw)
    assert text is None
    assert (problem.position.line, problem.position.column) == position
    assert (
        problem.message
        == f"the file is not UTF-8 text (byte 0x{byte}): save it with UTF-8 encoding"
    )


def test_a_byte_order_mark_is_accepted(tmp_path):
    assert decision_lines(tmp_path, "\ufeff" + NEW_DECISION) == []


def test_control_characters_are_located_on_one_line():
    parsed = source.parse("a: b\nc: caf\u00e9 \x07x\n")
    (problem,) = parsed.problems
    assert problem.position == source.Position(2, 9)
    assert "\n" not in problem.message and "#x0007" in problem.message


def test_diagnostics_are_sorted_and_never_repeated(tmp_path):
    site = make_site(tmp_path)
    write(site, "decisions/2021/OPCC-2021-009.yaml", "")
    write(site, F, replace("status: approved", "status: aproved"))
    lines = lines_of(load_site(site))
    assert lines == sorted(set(lines), key=lines.index) and len(lines) == 2
    assert lines[0].startswith(F) and lines[1].startswith("decisions/2021/OPCC-2021-009.yaml")


# --- The schemas themselves ---------------------------------------------------------------------


@pytest.mark.parametrize("name", schema.SCHEMAS)
def test_every_schema_is_a_valid_json_schema_that_forbids_unknown_fields(name):
    from jsonschema import Draft202012Validator

    document = schema.load_schema(name)
    Draft202012Validator.check_schema(document)
    assert document["additionalProperties"] is False

    def objects(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    for node in objects(document):
        assert node.get("additionalProperties") is False, node.get("description")


def test_every_decision_field_is_described_for_editors():
    properties = schema.load_schema("decision")["properties"]
    assert all(spec.get("description") for spec in properties.values())


def test_the_reference_pattern_is_the_one_staff_were_promised():
    """Any office's own scheme: 1 to 60 characters on one line, spaces, slashes and dashes
    included."""
    pattern = re.compile(schema.load_schema("decision")["properties"]["reference"]["pattern"])
    for good in (
        "WYPCC-2020-014",
        "OPCC-2021-001",
        "A-1",
        "NYPFCC-2019-A12",
        "DMPCD 2015 44",
        "PCD 1691",
        "2024/22",
        "Decision 2024/25 – 0008",
        "57 – 2014",
        "EXE0037/17",
        "X" * 60,
    ):
        assert pattern.match(good), good
    for bad in ("", "X" * 61, "WYPCC-2020-014\n", "WYPCC\t2020", "A\x85B"):
        assert not pattern.match(bad), bad


def test_the_c_loader_is_used_when_present():
    if getattr(yaml, "__with_libyaml__", False):
        assert source._Loader is yaml.CSafeLoader


# --- The benchmark corpus ------------------------------------------------------------------------


def test_the_benchmark_corpus_validates_cleanly_and_is_deterministic(tmp_path):
    """benchmarks/corpus.py must keep writing a site every rule accepts, the same for the same
    seed."""
    from benchmarks.corpus import write_corpus

    def snapshot(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    write_corpus(tmp_path / "a", 120, seed=3)
    records = load(read_settings(tmp_path / "a" / "mkdocs.yml"))
    assert [d.text() for d in records.diagnostics] == []
    assert len(records.decisions) == 120
    assert {d.category for d in records.decisions} >= {"grants", "contracts", "commissioning"}
    assert {d.year for d in records.decisions} <= set(range(2016, 2026))
    write_corpus(tmp_path / "b", 120, seed=3)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


@pytest.mark.parametrize(
    "day",
    [
        "2020-02-29",
        "2020-02-30",
        "2021-02-29",
        "20200203",
        "2020-1-03",
        "２０２０-01-01",
        "2020-01-01 ",
    ],
)
def test_the_compiled_validator_judges_dates_as_jsonschema_does(day):
    record = {
        "reference": "A-1",
        "title": "t",
        "date": day,
        "decision_maker": "x",
        "status": "approved",
        "summary": "s",
    }
    assert schema.is_valid("decision", record) == (
        not list(schema._validator("decision").iter_errors(record))
    )


# --- Format versions ----------------------------------------------------------------------------

NEWER = (
    "is not a format version this generator reads (it reads 1): leave the field out, or update the "
    "generator"
)


def test_every_record_format_reads_version_1_or_no_version(tmp_path):
    # Records written before schema_version existed have none: they are version 1.
    assert decision_lines(tmp_path / "d", NEW_DECISION) == []
    assert decision_lines(tmp_path / "d1", "schema_version: 1\n" + NEW_DECISION) == []
    site = make_site(tmp_path / "t")
    write(site, T, "schema_version: 1\n" + TABLE)
    assert lines_of(load_site(site)) == []
    assert toolkit_lines(tmp_path / "k", DOC.replace("---\n", "---\nschema_version: 1\n", 1)) == []


def test_a_newer_format_version_is_an_error_naming_the_field(tmp_path):
    assert decision_lines(tmp_path / "d", NEW_DECISION + "schema_version: 2\n") == [
        f"{F}:18:17: error: schema_version: 2 {NEWER}"
    ]
    assert decision_lines(tmp_path / "q", NEW_DECISION + "schema_version: '1'\n") == [
        f"{F}:18:17: error: schema_version: expected a whole number, found text '1' (write the "
        "number without '£' or commas, and without quotes)"
    ]
    assert decision_lines(tmp_path / "b", NEW_DECISION + "schema_version: true\n") == [
        f"{F}:18:17: error: schema_version: expected a whole number, found true/false true"
    ]
    assert toolkit_lines(tmp_path / "k", DOC.replace("---\n", "---\nschema_version: 3\n", 1)) == [
        f"{D}:2:17: error: schema_version: 3 {NEWER}"
    ]


def test_the_format_version_is_not_a_field_of_the_open_data(tmp_path):
    from generator.exports.dictionary import decision_columns, decision_fields

    assert "schema_version" not in {f.name for f in decision_fields()} | {
        c.name for c in decision_columns()
    }


# --- Decision records as offices write them (issue 13) --------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('other_references: [OPCC/2021/2, "PCD 2"]\n', []),
        (
            'other_references: [""]\n',
            [
                f"{F}:18:20: error: other_references[0]: '' is not a valid reference: write 1 to "
                "60 characters on one line"
            ],
        ),
        ("signed_by:\n  name: Jane Example\n  role: Police and Crime Commissioner\n", []),
        (
            "signed_by:\n  role: Police and Crime Commissioner\n",
            [f"{F}:19:3: error: signed_by.name: this required field is missing"],
        ),
        ('delegation: "Scheme of delegation, para 4.2: Chief Finance Officer"\n', []),
        ("joint_with: [Chief Constable]\n", []),
        (
            "joint_with: Chief Constable\n",
            [f"{F}:18:13: error: joint_with: expected a list, found text 'Chief Constable'"],
        ),
        ("period:\n  start: 2021-04-01\n  end: 2022-03-31\n", []),
        (
            "period:\n  start: 2021-04-01\n  end: 2021-03-31\n",
            [
                f"{F}:20:8: error: period.end: the period ends (2021-03-31) before it starts "
                "(2021-04-01)"
            ],
        ),
        ("amends: OPCC-2021-001\n", []),
        (
            "amends: OPCC-2021-099\n",
            [f"{F}:18:9: error: amends: no decision has the reference 'OPCC-2021-099'"],
        ),
        ("amends: OPCC-2021-002\n", [f"{F}:18:9: error: amends: a decision cannot amend itself"]),
        (
            "related:\n  - OPCC-2021-001\n  - reference: PCD 1691\n    title: Joint decision\n    "
            "url: https://www.example.org/pcd-1691\n",
            [],
        ),
        (
            "related:\n  - reference: PCD 1691\n    title: Joint decision\n",
            [f"{F}:19:5: error: related[0].url: this required field is missing"],
        ),
        (
            "related:\n  - reference: PCD 1691\n    url: javascript:alert(1)\n",
            [
                f"{F}:20:10: error: related[0].url: 'javascript:alert(1)' is not a web address: it "
                "must start with https:// or http://"
            ],
        ),
        (
            "exempt:\n  - title: Annex\n    reason: Section 43 FOIA - commercial interests\n    "
            "release_on: 2022-01-01\n    review_on: 2021-05-01\n",
            [
                f"{F}:22:16: warning: exempt[0].review_on: the review of 'Annex' was due on "
                "2021-05-01: check whether it is still exempt"
            ],
        ),
        (
            "exempt:\n  - title: Annex\n    reason: Section 43 FOIA - commercial interests\n    "
            "review_on: 2021-07-01\n",
            [],
        ),
        ("withheld:\n  reason: Section 24 FOIA - national security\n", []),
        ('withheld:\n  reason: ""\n', [f"{F}:19:11: error: withheld.reason: must not be empty"]),
        (
            "withheld: true\n",
            [f"{F}:18:11: error: withheld: expected a mapping of fields, found true/false true"],
        ),
        (
            "procurement:\n  stage: intention\n  route: open-tender\n  options: Two optional "
            "extensions of a year\n",
            [],
        ),
        (
            "procurement:\n  stage: tender\n",
            [
                f"{F}:19:10: error: procurement.stage: 'tender' is not one of: intention, award, "
                "extension, variation"
            ],
        ),
    ],
    ids=lambda v: v.split(":")[0] if isinstance(v, str) else None,
)
def test_fields_of_real_notices(tmp_path, extra, expected):
    assert decision_lines(tmp_path, NEW_DECISION + extra) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  amount: 45000.00\n",
            "  amount: 45000.00\n  amount_basis: maximum\n  vat: excluded\n  direction: spend\n",
            [],
        ),
        (
            "  amount: 45000.00\n",
            "  amount: 45000.00\n  amount_basis: up-to\n",
            [
                f"{F}:12:17: error: financial.amount_basis: 'up-to' is not one of: exact, maximum, "
                "estimate, annual"
            ],
        ),
        (
            "  amount: 45000.00\n",
            "  amount: 45000.00\n  direction: in\n",
            [f"{F}:12:14: error: financial.direction: 'in' is not one of: spend, income"],
        ),
        (
            '  financial_year: "2021/22"\n',
            '  financial_year: "2021/22"\n  breakdown:\n    - amount: 30000\n      financial_year: '
            '"2021/22"\n'
            '    - amount: 15000\n      financial_year: "2022/23"\n      funding_stream: '
            "moj-victims-witnesses\n",
            [],
        ),
        # The parts must add up to an exact amount: the message names the line of each.
        (
            '  financial_year: "2021/22"\n',
            '  financial_year: "2021/22"\n  breakdown:\n    - amount: 30000\n    - amount: 10000\n',
            [
                f"{F}:11:11: error: financial.amount: the amount 45000.00 is not the sum of the "
                "breakdown (line 15), which adds up to 40000.00: correct one or the other"
            ],
        ),
        # "Up to" an amount: the parts decided so far may be less.
        (
            "  amount: 45000.00\n",
            "  amount: 45000.00\n  amount_basis: maximum\n  breakdown:\n    - amount: 30000\n",
            [],
        ),
        (
            '  financial_year: "2021/22"\n',
            '  financial_year: "2021/22"\n  breakdown:\n    - amount: 45000.00\n      '
            "funding_stream: no-such-fund\n"
            '      financial_year: "2021/23"\n',
            [
                f"{F}:16:23: error: financial.breakdown[0].funding_stream: 'no-such-fund' is not "
                "the id of any funding stream in the funding tables",
                f"{F}:17:23: error: financial.breakdown[0].financial_year: '2021/23' is not a "
                "financial year: the second part must be the year after the first, like 2021/22",
            ],
        ),
        (
            "    org_id: GB-CHC-1098765\n    amount: 45000.00\n",
            "    org_id: GB-CHC-1098765\n    amount: 45000.00\n    count: 1\n",
            [f"{F}:18:12: error: recipients[0].count: 1 must be 2 or more"],
        ),
        (
            "    org_id: GB-CHC-1098765\n    amount: 45000.00\n",
            "    org_id: GB-CHC-1098765\n    amount: 45000.00\n    count: 12\n",
            [],
        ),
        ("status: approved", "status: noted", []),
        ("status: approved", "status: endorsed", []),
    ],
)
def test_money_as_notices_state_it(tmp_path, old, new, expected):
    assert decision_lines(tmp_path, replace(old, new)) == expected


@pytest.mark.parametrize(
    ("reference", "file_name"),
    [
        ("DMPCD 2015 44", "dmpcd-2015-44"),
        ("PCD 1691", "pcd-1691"),
        ("2024/22", "2024-22"),
        ("Decision 2024/25 – 0008", "decision-2024-25-0008"),
        ("57 – 2014", "57-2014"),
        ("EXE0037/17", "exe0037-17"),
        ("Décision 2021 № 2", "decision-2021-no-2"),
        ("OPCC-2021-002", "OPCC-2021-002"),
        ("OPCC-2021-002", "opcc-2021-002"),
    ],
)
def test_real_reference_schemes_name_their_files_by_slug(tmp_path, reference, file_name):
    text = replace("reference: OPCC-2021-002", f'reference: "{reference}"')
    assert decision_lines(tmp_path, text, f"decisions/2021/{file_name}.yaml") == []


def test_the_slug_is_ascii_lower_case_with_one_hyphen_per_run():
    from generator.model import slugify

    assert slugify("Decision 2024/25 – 0008") == "decision-2024-25-0008"
    assert slugify("  --Ünïcode  ref//  ") == "unicode-ref"
    assert slugify("///") == ""


def test_two_references_with_the_same_slug_name_both_files(tmp_path):
    site = make_site(tmp_path)
    write(
        site,
        "decisions/2021/pcd-1691.yaml",
        replace("reference: OPCC-2021-002", "reference: PCD 1691"),
    )
    write(
        site,
        "decisions/2021/PCD-1691.yaml",
        replace("reference: OPCC-2021-002", "reference: PCD/1691"),
    )
    assert lines_of(load_site(site)) == [
        "decisions/2021/pcd-1691.yaml:1:12: error: reference: 'PCD 1691' gives the same file and "
        "page name (pcd-1691) as "
        "'PCD/1691' in decisions/2021/PCD-1691.yaml: the references of "
        "decisions/2021/pcd-1691.yaml and "
        "decisions/2021/PCD-1691.yaml must differ in letters or digits"
    ]


def test_the_office_may_enforce_its_own_reference_pattern(tmp_path):
    site = make_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      reference_prefix: OPCC\n",
            "      reference_prefix: OPCC\n      reference_pattern: '^OPCC-[0-9]{4}-[0-9]{3}$'\n",
        )
    )
    write(
        site,
        "decisions/2021/opcc-2021-2.yaml",
        replace("reference: OPCC-2021-002", "reference: opcc 2021 2"),
    )
    assert lines_of(load_site(site)) == [
        "decisions/2021/opcc-2021-2.yaml:1:12: error: reference: 'opcc 2021 2' does not follow the "
        "office's reference "
        "pattern ^OPCC-[0-9]{4}-[0-9]{3}$ (reference_pattern in mkdocs.yml)"
    ]


def test_a_reference_pattern_that_is_not_a_regular_expression_is_one_error(tmp_path):
    site = make_site(tmp_path)
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      reference_prefix: OPCC\n",
            "      reference_prefix: OPCC\n      reference_pattern: '^OPCC-[0-9'\n",
        )
    )
    lines = lines_of(load_site(site))
    assert len(lines) == 1 and lines[0].startswith(
        "mkdocs.yml:1:1: error: reference_pattern '^OPCC-[0-9' is not a regular expression"
    )


def test_the_example_sets_west_yorkshires_reference_pattern():
    settings = read_settings(REPO / "mkdocs.yml")
    assert settings.reference_pattern
    assert re.fullmatch(settings.reference_pattern, "WYPCC-2020-014")
    assert not re.fullmatch(settings.reference_pattern, "PCD 1691")


def test_the_total_of_a_decision_comes_from_its_parts_where_no_amount_is_given(tmp_path):
    site = make_site(tmp_path)
    write(
        site,
        F,
        replace(
            "  amount: 45000.00\n", "  breakdown:\n    - amount: 30000\n    - amount: 15000.50\n"
        ),
    )
    decision = next(d for d in load_site(site).decisions if d.reference == "OPCC-2021-002")
    assert decision.amount == Decimal("45000.50")
    write(
        site,
        F,
        replace(
            "  amount: 45000.00\n  funding_stream: moj-victims-witnesses\n  financial_year: "
            '"2021/22"\n',
            "  currency: GBP\n",
        ),
    )
    decision = next(d for d in load_site(site).decisions if d.reference == "OPCC-2021-002")
    assert decision.amount == Decimal("45000.00")  # the recipients' amounts
