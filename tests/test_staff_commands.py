"""The commands in the README and the staff guide, run as written from the repository's folder."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from test_build import make_targets

from generator import newrecord

DOCS = [REPO / "README.md", REPO / "content" / "publishing.md"]
# Programs the docs may name besides make: git and the copy commands of other hosts.
OUTSIDE_TOOLS = {"git", "rsync", "ssh", "aws", "rclone"}


def shell_blocks(doc: Path) -> list[str]:
    """The text of every ```sh block, indented ones (inside a list) included."""
    blocks = re.findall(r"^( *)```sh\n(.*?)^\1```", doc.read_text("utf-8"), re.M | re.S)
    return ["\n".join(line[len(indent) :] for line in body.splitlines()) for indent, body in blocks]


def joined(block: str) -> list[str]:
    """Lines with their '\\' continuations joined: one command each."""
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def commands(block: str) -> list[list[str]]:
    """The words of each command of a block, split at &&, ||, ; and |, quotes respected."""
    found = []
    for line in joined(block):
        # A command substitution's value is a word of the command it is in.
        lexer = shlex.shlex(
            re.sub(r"\$\([^)]*\)", "VALUE", line), posix=True, punctuation_chars="&|;"
        )
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        for token in [*lexer, ";"]:
            if token in ("&&", "||", ";", "|"):
                while words and re.match(r"^[A-Za-z_]+=", words[0]):
                    words = words[1:]  # a variable set for the command, or on its own
                if words:
                    found.append(words)
                words = []
            else:
                words.append(token)
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_command_in_the_docs_is_a_make_target_or_an_outside_tool(doc):
    targets = make_targets()
    found = 0
    for block in shell_blocks(doc):
        for words in commands(block):
            found += 1
            if words[0] == "make":
                assert [w for w in words[1:] if "=" not in w and w not in targets] == [], words
            elif words[:2] == ["transparency", "init"]:
                # run where another office installed the package, before its repository exists
                continue
            else:
                assert words[0] in OUTSIDE_TOOLS, (
                    f"{doc.name}: {' '.join(words)}: use a make target"
                )
    assert found


def staff_guide_command(start: str) -> str:
    """The command of the staff guide that starts with these words, exactly as printed there."""
    lines = [
        line for block in shell_blocks(REPO / "content" / "publishing.md") for line in joined(block)
    ]
    (command,) = [line for line in lines if line.startswith(start)]
    return command


@pytest.fixture
def repository(tmp_path):
    """A copy of this repository's site, set up as `make` leaves it (its .venv is this one's)."""
    copy = tmp_path / "repository"
    for name in ("content", "decisions"):
        shutil.copytree(REPO / name, copy / name)
    for name in ("mkdocs.yml", "Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, copy / name)
    # The stamp is newer than pyproject.toml: make must not install anything into the shared .venv.
    (copy / ".venv").mkdir()
    (copy / ".venv" / "bin").symlink_to(Path(sys.executable).parent)
    (copy / ".venv" / ".installed").touch()
    return copy


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
    )


def test_the_staff_guide_from_new_record_to_valid_record(repository):
    new = staff_guide_command("make new ")
    assert shlex.split(new) == ["make", "new", "TITLE=Grant to Victim Support", "DATE=01/07/2021"]
    result = shell(new, repository)
    assert result.returncode == 0, result.stderr
    record = repository / "decisions/2021/WYPCC-2021-001.yaml"
    data = yaml.safe_load(record.read_text("utf-8"))
    assert data["title"] == "Grant to Victim Support" and str(data["date"]) == "2021-07-01"

    # The command it prints, and the one in the file's own comment, work as printed.
    hint = result.stdout.splitlines()[-1]
    assert (
        hint
        == "fill it in, then check it with: make validate FILES=decisions/2021/WYPCC-2021-001.yaml"
    )
    check = hint.split(": ", 1)[1]
    assert f"# Check it, in the repository's folder, with: {check}\n" in record.read_text("utf-8")
    untouched = shell(check, repository)
    assert untouched.returncode != 0
    assert untouched.stderr.splitlines()[0] == (
        "decisions/2021/WYPCC-2021-001.yaml:13:10: error: summary: still holds the template's "
        "guidance "
        f"'{newrecord.GUIDANCE['summary']}': replace it with the decision's own text"
    )

    record.write_text(
        record.read_text("utf-8").replace(
            newrecord.GUIDANCE["summary"], "A grant for the evening helpline."
        ),
        "utf-8",
    )
    validate = staff_guide_command("make validate ")
    assert validate == check
    result = shell(validate, repository)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith("0 error(s), 0 warning(s) in 8 decisions")

    # The staff guide's example message, with the status misspelt.
    record.write_text(
        record.read_text("utf-8").replace("status: approved", "status: aproved"), "utf-8"
    )
    guide = (REPO / "content" / "publishing.md").read_text("utf-8")
    message = shell(validate, repository).stderr.splitlines()[0]
    assert message.startswith(
        "decisions/2021/WYPCC-2021-001.yaml:11:9: error: status: 'aproved' is"
    )
    assert " ".join(message.split()) in " ".join(guide.replace("`", "").split())


def test_validate_takes_paths_from_the_records_folder_too(repository):
    folder = repository / "decisions" / "2020"
    result = shell("../../.venv/bin/transparency validate WYPCC-2020-004.yaml", folder)
    assert result.returncode == 0, result.stderr
    # Only that record's warning, at the path CI and editors use (from the repository's folder).
    assert result.stderr.splitlines()[0].startswith(
        "decisions/2020/WYPCC-2020-004.yaml:74:1: warning: procurement:"
    )
    record = folder / "WYPCC-2020-004.yaml"
    record.write_text(
        record.read_text("utf-8").replace("status: approved", "status: aproved"), "utf-8"
    )
    for cwd, path in (
        (folder, "WYPCC-2020-004.yaml"),
        (repository, "decisions/2020/WYPCC-2020-004.yaml"),
        (repository / "content", "../decisions/2020/WYPCC-2020-004.yaml"),
    ):
        result = shell(
            f"{os.path.relpath(repository / '.venv/bin/transparency', cwd)} validate {path}", cwd
        )
        assert result.returncode == 1, (cwd, result.stderr)
        assert [line for line in result.stderr.splitlines() if ": error: " in line] == [
            "decisions/2020/WYPCC-2020-004.yaml:11:9: error: status: 'aproved' is not one of: "
            "approved, rejected, "
            "deferred, withdrawn, noted, endorsed (did you mean 'approved'?)"
        ], cwd


def test_make_validate_options_from_the_readme(repository):
    strict = shell("make validate OPTIONS=--strict", repository)
    assert (
        strict.returncode != 0 and "0 error(s)" in strict.stderr
    )  # the example content has warnings
    short = shell("make validate", repository)
    verbose = shell("make validate OPTIONS=--verbose", repository)
    assert short.returncode == verbose.returncode == 0
    assert len(verbose.stderr.splitlines()) > len(short.stderr.splitlines())
    assert short.stderr.splitlines()[-1] == verbose.stderr.splitlines()[-1]


def test_make_new_without_a_title_says_how(repository):
    result = shell("make new", repository)
    assert result.returncode != 0
    assert (
        result.stderr.splitlines()[0]
        == 'make new: give the title, like: make new TITLE="Grant to Victim Support" '
        "DATE=01/07/2021"
    )
    assert not (repository / "decisions" / "2021").exists()


def test_make_site_builds_the_example_with_no_warning_from_mkdocs(repository):
    result = shell("make site", repository)
    assert result.returncode == 0, result.stderr
    assert "warning: mkdocs:" not in result.stderr + result.stdout
    assert (repository / "site" / "feed.xml").is_file()


GROUP = re.compile(
    r"^(?P<count>\d+) warnings: (?P<kind>.+), the first at (?P<first>\S+:\d+:\d+) \(make validate "
    r"OPTIONS=--verbose lists them all\)$"
)
HEADER = re.compile(r"^(?P<count>\d+) warnings: (?P<kind>.+)$")
SUMMARY = re.compile(r"^(?P<errors>\d+) error\(s\), (?P<warnings>\d+) warning\(s\) in ")


def test_errors_first_then_warnings_counted_by_kind_then_a_summary(repository):
    record = repository / "decisions/2020/WYPCC-2020-006.yaml"
    record.write_text(
        record.read_text("utf-8").replace("status: approved", "status: aproved"), "utf-8"
    )
    short = shell("make validate", repository).stderr.splitlines()
    verbose = shell("make validate OPTIONS=--verbose", repository).stderr.splitlines()
    short = [line for line in short if not line.startswith("make:")]
    verbose = [line for line in verbose if not line.startswith("make:")]
    assert (
        short[0].startswith("decisions/2020/WYPCC-2020-006.yaml:")
        and ": error: status: 'aproved'" in short[0]
    )
    summary = SUMMARY.match(short[-1])
    assert summary and summary["errors"] == "1" and verbose[-1] == short[-1]
    groups = {m["kind"]: m for line in short[1:-1] if (m := GROUP.match(line))}
    singles = [line for line in short[1:-1] if not GROUP.match(line)]
    assert len(groups) >= 2 and all(": warning: " in line for line in singles)
    assert sum(int(m["count"]) for m in groups.values()) + len(singles) == int(summary["warnings"])
    # --verbose: under a header per kind, every one of them, the first where the short form said.
    assert verbose[0] == short[0]
    for kind, group in groups.items():
        start = verbose.index(f"{group['count']} warnings: {kind}")
        listed = verbose[start + 1 : start + 1 + int(group["count"])]
        assert all(": warning: " in line for line in listed) and listed[0].startswith(
            group["first"] + ": warning: "
        )
    assert all(line in verbose for line in singles)
    assert len([line for line in verbose if ": warning: " in line]) == int(summary["warnings"])
