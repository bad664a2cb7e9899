"""Shared fixtures: a small real site built once per session, read by many small tests."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

pytest_plugins = ["browser", "pytester"]

TESTS = Path(__file__).resolve().parent
# The repository root: the example site, the package and the project files.
REPO = TESTS.parent
FIXTURE_SITE = TESTS / "fixtures" / "site"
# Where the fixture site says it is published: every link must work under it.
FIXTURE_BASE_PATH = "/our-business/making-decisions/"
# Planted in withheld places of the fixture site; none may appear in any built file.
CANARIES = (
    "CANARYEXEMPT",
    "CANARYEMBARGOTITLE",
    "CANARYEMBARGOSUMMARY",
    "FIX-2021-009",
    "fix-2021-009",
    "CANARYINTERNALTITLE",
    "CANARYINTERNALBODY",
    "CANARYINTERNALATTACHMENT",
)
SOURCE_DATE_EPOCH = "1622505600"  # 2021-06-01


def build_site(source: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """Build a site with `mkdocs build` as a user would, reproducibly."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--clean",
            "-f",
            str(source / "mkdocs.yml"),
            "-d",
            str(site_dir),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=source,
    )


def built_in_process(source: Path, site_dir: Path, *, command: str = "build") -> dict[str, str]:
    """Build a site with MkDocs in this process (so that tests may patch the generator), as
    `mkdocs build` would (or `mkdocs serve` does, with command="serve"); the sha256 of each
    built file, by its path inside the site."""
    config = load_config(config_file=str(source / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command=command, dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    return {
        path.relative_to(site_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site_dir.rglob("*"))
        if path.is_file()
    }


def copy_site(destination: Path, source: Path = FIXTURE_SITE) -> Path:
    shutil.copytree(source, destination)
    return destination


def site_files(site_dir: Path) -> dict[Path, str]:
    """Text of every built file, gzip files decompressed, binary files decoded leniently."""
    texts = {}
    for path in sorted(site_dir.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            texts[path] = raw.decode("utf-8", errors="replace")
    return texts


@pytest.fixture
def copied_site(tmp_path, monkeypatch) -> Path:
    """A fresh copy of the fixture site's sources, to build reproducibly in this process."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    return copy_site(tmp_path / "source")


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> subprocess.CompletedProcess:
    site_dir = tmp_path_factory.mktemp("fixture-build") / "site"
    result = build_site(FIXTURE_SITE, site_dir)
    assert result.returncode == 0, result.stderr
    result.site_dir = site_dir
    return result


@pytest.fixture(scope="session")
def site(fixture_build) -> Path:
    """The fixture site, built once."""
    return fixture_build.site_dir


@pytest.fixture(scope="session")
def site_text(site) -> dict[Path, str]:
    return site_files(site)
