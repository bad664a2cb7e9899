"""The package as users get it: the sdist and the wheel built from it, installed in a new
virtual environment outside the checkout, building the example site and a new office's site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, SOURCE_DATE_EPOCH
from test_init import OFFICE, fill_in_new_decision, workflow_runs

VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
# What a checkout holds besides the source: never part of a release.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "site",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".bench",
)
EXAMPLE_SITE = ("mkdocs.yml", "content", "decisions")


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env=dict(os.environ, **env)
    )
    assert done.returncode == 0, (
        f"{' '.join(map(str, args))}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("package")


@pytest.fixture(scope="module")
def dist(work) -> Path:
    """The sdist, and the wheel built from the sdist (python -m build), as a release makes them."""
    source = work / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    run([sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(source)], cwd=work)
    return work / "dist"


@pytest.fixture(scope="module")
def installed(work, dist) -> Path:
    """The bin folder of a new virtual environment with the wheel installed."""
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=work)
    [wheel] = dist.glob("*.whl")
    run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=work)
    return venv / "bin"


def package_files() -> set[str]:
    return {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "generator").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_wheel_holds_every_file_of_the_package(dist):
    [wheel] = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("generator/")}
    assert shipped == package_files()


def test_sdist_holds_every_file_of_the_package(dist):
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert package_files() <= names
    assert {"pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md"} <= names


def test_installed_version(installed):
    done = run([str(installed / "transparency"), "--version"], cwd=installed)
    assert done.stdout == f"transparency, version {VERSION}\n"


def test_installed_wheel_builds_the_example_site_as_the_checkout_does(work, installed):
    trees = {}
    for name, bin_dir in (("wheel", installed), ("editable", Path(sys.executable).parent)):
        site = work / f"example-{name}"
        site.mkdir()
        for part in EXAMPLE_SITE:
            (shutil.copytree if (REPO / part).is_dir() else shutil.copy)(REPO / part, site / part)
        run([str(bin_dir / "transparency"), "build"], cwd=site, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
        built = site / "site"
        trees[name] = {
            p.relative_to(built).as_posix(): p.read_bytes()
            for p in sorted(built.rglob("*"))
            if p.is_file()
        }
    wheel, editable = trees["wheel"], trees["editable"]
    assert sorted(wheel) == sorted(editable)
    assert [path for path in editable if wheel[path] != editable[path]] == []
    assert "404.html" in wheel


def test_a_new_office_s_site_from_the_installed_generator_passes_its_own_ci(work, dist, installed):
    folder = work / "office"
    run([str(installed / "transparency"), "init", str(folder), *OFFICE], cwd=work)
    # `make install` installs the pinned version from the package index: here, the wheel.
    find_links = " ".join(filter(None, [str(dist), os.environ.get("PIP_FIND_LINKS", "")]))
    for workflow in ("check.yml", "deploy.yml"):
        for step in workflow_runs(folder, workflow):
            run(["bash", "-e", "-c", step], cwd=folder, CI="true", PIP_FIND_LINKS=find_links)
    assert (folder / ".venv/bin/transparency").is_file()
    assert run([str(folder / ".venv/bin/transparency"), "--version"], cwd=folder).stdout.endswith(
        f" {VERSION}\n"
    )
    fill_in_new_decision(folder, folder / ".venv/bin")
    run(["make", "site"], cwd=folder)
    assert (folder / "site/decisions/2021/tspcc-2021-001/index.html").is_file()
