"""`transparency init`: a new office's site, built, validated and checked as its own CI would."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import REPO, SOURCE_DATE_EPOCH

from generator import __version__, newsite
from generator.cli import main

# The generator of this test run, used by the new site's Makefile instead of installing the
# version it pins (which a package registry has only once released).
GENERATOR_BIN = str(Path(sys.executable).parent)
OFFICE = [
    "--name",
    "Police and Crime Commissioner for Testshire",
    "--website",
    "https://www.testshire-pcc.gov.uk/",
    "--email",
    "info@testshire-pcc.gov.uk",
    "--phone",
    "01234 567890",
    "--org-id",
    "GB-GOR-PC000999",
    "--prefix",
    "TSPCC",
]


def init(folder: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["init", str(folder), *args], input=input)


def make(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env=dict(
            os.environ, GENERATOR_BIN=GENERATOR_BIN, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, **env
        ),
    )


def workflow_runs(folder: Path, name: str) -> list[str]:
    workflow = yaml.safe_load((folder / ".github/workflows" / name).read_text())
    return [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def run_steps(folder: Path, runs: list[str]) -> None:
    """Each `run:` of a workflow, in order, in bash as GitHub Actions runs it."""
    for run in runs:
        done = subprocess.run(
            ["bash", "-e", "-c", run],
            cwd=folder,
            capture_output=True,
            text=True,
            env=dict(os.environ, CI="true", GENERATOR_BIN=GENERATOR_BIN),
        )
        assert done.returncode == 0, f"{run}:\n{done.stdout}\n{done.stderr}"


def fill_in_new_decision(folder: Path, bin_dir: Path = Path(GENERATOR_BIN)) -> Path:
    """`transparency new decision` as staff run it, then the summary written."""
    done = subprocess.run(
        [
            str(bin_dir / "transparency"),
            "new",
            "decision",
            "--title",
            "Grant to the Testshire helpline",
            "--date",
            "2021-05-04",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    [record] = (folder / "decisions" / "2021").glob("*.yaml")
    text = record.read_text()
    placeholder = "Write a short summary of the decision here."
    assert placeholder in text
    record.write_text(
        text.replace(placeholder, "A grant of £12,000 to Victim Support for its helpline.")
    )
    return record


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("office") / "transparency"
    result = init(folder, *OFFICE)
    assert result.exit_code == 0, result.output
    return folder


def test_writes_a_complete_site_repository(new_site):
    files = {p.relative_to(new_site).as_posix() for p in new_site.rglob("*") if p.is_file()}
    assert files == {
        "mkdocs.yml",
        "requirements.txt",
        "Makefile",
        "README.md",
        ".gitignore",
        ".pre-commit-config.yaml",
        ".github/workflows/check.yml",
        ".github/workflows/deploy.yml",
        "content/index.md",
        "content/how-to-use.md",
        "content/accessibility.md",
        "content/publishing.md",
        "content/specified-information.yaml",
        "content/funding/.gitkeep",
        "content/toolkit/.gitkeep",
        "decisions/files/.gitkeep",
    }
    assert (new_site / "requirements.txt").read_text() == f"opcc-transparency=={__version__}\n"
    config = yaml.safe_load((new_site / "mkdocs.yml").read_text())
    [options] = [
        p["transparency"] for p in config["plugins"] if isinstance(p, dict) and "transparency" in p
    ]
    assert options["publisher"] == {
        "name": "Police and Crime Commissioner for Testshire",
        "org_id": "GB-GOR-PC000999",
        "url": "https://www.testshire-pcc.gov.uk/",
        "email": "info@testshire-pcc.gov.uk",
        "phone": "01234 567890",
    }
    assert options["repository_links"] is False
    assert options["reference_prefix"] == "TSPCC"


def test_accessibility_statement_gives_the_office_contact_details(new_site):
    text = (new_site / "content/accessibility.md").read_text()
    assert "[info@testshire-pcc.gov.uk](mailto:info@testshire-pcc.gov.uk)" in text
    assert "call 01234 567890" in text
    assert "run by the Police and Crime Commissioner for Testshire" in text


def test_readme_and_makefile_have_the_same_two_commands(new_site):
    readme = (new_site / "README.md").read_text()
    setup = readme.split("## Set-up: two commands", 1)[1].split("##", 1)[0]
    commands = [
        line.split("#")[0].strip()
        for line in setup.split("```sh", 1)[1].split("```", 1)[0].splitlines()
        if line.strip()
    ]
    assert commands == ["make site", "make test"]
    makefile = (new_site / "Makefile").read_text()
    assert "\nsite:" in makefile and "\ntest:" in makefile


def test_nothing_of_the_example_office_in_the_scaffold(tmp_path):
    for path, content in newsite.render(
        newsite.Office("Office X", "https://x.example/", "a@x.example", "GB-GOR-PC000999", "XPCC"),
        dt.date(2026, 1, 2),
    ).items():
        text = content.decode("utf-8").lower()
        for name in ("west yorkshire", "westyorkshire", "wypcc"):
            assert name not in text, f"{path} names {name}"


def test_the_example_staff_pages_are_the_scaffold_s():
    # One home for the staff guide and the guide to the site: the example site's copies are
    # the scaffold's, filled in with its own options.
    office = newsite.Office(
        "Police and Crime Commissioner for West Yorkshire",
        "https://www.westyorkshire-pcc.gov.uk/",
        "info@westyorkshire-pcc.gov.uk",
        "XE-EXAMPLE-OPCC",
        "WYPCC",
    )
    files = newsite.render(office, dt.date(2026, 11, 26))
    for page in ("content/publishing.md", "content/how-to-use.md"):
        assert files[Path(page)].decode("utf-8") == (REPO / page).read_text(encoding="utf-8"), page


def test_the_specified_information_map_lists_the_example_s_items(new_site):
    scaffold = yaml.safe_load((new_site / "content/specified-information.yaml").read_text())
    example = yaml.safe_load((REPO / "content/specified-information.yaml").read_text())

    def items(data):
        return [
            (g.get("provision"), i.get("provision"), i["item"])
            for g in data["groups"]
            for i in g["items"]
        ]

    assert items(scaffold) == items(example)


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = init(tmp_path, *OFFICE)
    assert result.exit_code == 1
    assert "the folder is not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_every_wrong_option_reported_at_once(tmp_path):
    result = init(
        tmp_path / "site",
        "--name",
        "X",
        "--website",
        "www.x",
        "--email",
        "x",
        "--org-id",
        "123",
        "--prefix",
        "tspcc",
    )
    assert result.exit_code == 1
    for option in ("--website", "--email", "--org-id", "--prefix"):
        assert f"{option}: " in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


def test_asks_for_what_is_not_given(tmp_path):
    answers = "Police and Crime Commissioner for Testshire\nhttps://www.testshire-pcc.gov.uk/\ninfo@testshire-pcc.gov.uk\nGB-GOR-PC000999\nTSPCC\n"
    result = init(tmp_path / "site", input=answers)
    assert result.exit_code == 0, result.output
    assert "Reference prefix" in result.output
    assert "reference_prefix: TSPCC" in (tmp_path / "site/mkdocs.yml").read_text()


def test_builds_with_no_records_then_with_a_new_decision(new_site):
    built = make(new_site, "site")
    assert built.returncode == 0, built.stderr
    assert "0 decisions" in built.stdout
    home = BeautifulSoup((new_site / "site/index.html").read_text(), "html.parser")
    assert home.h1.get_text(strip=True) == "Decisions, funding and toolkit"
    # The new site's staff guide renders its fenced commands as code, as the example's does.
    guide = BeautifulSoup((new_site / "site/publishing/index.html").read_text(), "html.parser")
    assert "`" * 3 not in guide.article.get_text() and len(guide.find_all("h1")) == 1

    record = fill_in_new_decision(new_site)
    assert record.name == "TSPCC-2021-001.yaml"
    built = make(new_site, "site")
    assert built.returncode == 0, built.stderr
    page = BeautifulSoup(
        (new_site / "site/decisions/2021/tspcc-2021-001/index.html").read_text(), "html.parser"
    )
    assert "Grant to the Testshire helpline" in page.h1.get_text()
    assert "A grant of £12,000 to Victim Support" in page.get_text()

    tested = make(new_site, "test", CI="true")
    assert tested.returncode == 0, tested.stderr


def test_passes_its_own_ci_workflows(tmp_path):
    folder = tmp_path / "site"
    assert init(folder, *OFFICE).exit_code == 0
    for workflow in ("check.yml", "deploy.yml"):
        runs = workflow_runs(folder, workflow)
        assert runs == ["make install", "make test"]
        run_steps(folder, runs)
    assert (folder / "site/index.html").is_file()
    fill_in_new_decision(folder)
    run_steps(folder, workflow_runs(folder, "check.yml"))
    assert (folder / "site/decisions/2021/tspcc-2021-001/index.html").is_file()


def test_a_record_with_an_error_fails_the_new_site_s_ci(tmp_path):
    folder = tmp_path / "site"
    assert init(folder, *OFFICE).exit_code == 0
    record = fill_in_new_decision(folder)
    record.write_text(record.read_text().replace("status: approved", "status: aproved"))
    tested = make(folder, "test", CI="true")
    assert tested.returncode != 0
    assert f"::error file=decisions/2021/{record.name},line=" in tested.stdout


def test_workflows_check_pull_requests_and_publish_main_with_least_permissions(new_site):
    check = yaml.safe_load((new_site / ".github/workflows/check.yml").read_text())
    deploy = yaml.safe_load((new_site / ".github/workflows/deploy.yml").read_text())
    # PyYAML reads the key `on` as True.
    assert "pull_request" in check[True]
    assert deploy[True]["push"]["branches"] == ["main"] and deploy[True]["schedule"]
    assert check["permissions"] == deploy["permissions"] == {"contents": "read"}
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [
        s["uses"]
        for w in (check, deploy)
        for j in w["jobs"].values()
        for s in j["steps"]
        if "uses" in s
    ]
    assert "actions/deploy-pages@v4" in uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", action), action
