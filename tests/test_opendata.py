"""A large site's open data files are written by a forked copy of the build while the build
renders its pages (generator/opendata.py): the site must be the same byte for byte whichever
process wrote them, and whether or not the copy lives to write any."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import built_in_process

from generator import exports, opendata, registers
from generator.load import load
from generator.publication import publish
from generator.settings import read_settings

_PARENT = os.getpid()


@pytest.fixture
def alone(copied_site, tmp_path):
    """The site as the build alone writes it: the fixture has far too few files for a copy."""
    listed = exports.site_exports(*_published(copied_site), "")
    assert len(listed) < opendata.FORKED_ABOVE
    return built_in_process(copied_site, tmp_path / "alone")


def _published(site: Path) -> tuple:
    publication = publish(load(read_settings(site / "mkdocs.yml")))
    return publication, registers.derive(publication)


@pytest.fixture
def writers(tmp_path, monkeypatch) -> Path:
    """A file saying which process wrote each open data file, a line each ("pid path")."""
    said = tmp_path / "writers"
    write = opendata.write

    def recorded(site_dir, export, *into):
        with said.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {export.path}\n")
        return write(site_dir, export, *into)

    monkeypatch.setattr(opendata, "write", recorded)
    return said


def written_by(said: Path) -> dict[str, set[str]]:
    by: dict[str, set[str]] = {"build": set(), "copy": set()}
    for line in said.read_text(encoding="utf-8").splitlines():
        pid, path = line.split(" ", 1)
        by["build" if int(pid) == _PARENT else "copy"].add(path)
    return by


def forking(monkeypatch) -> None:
    monkeypatch.setattr(opendata, "FORKED_ABOVE", 0)
    monkeypatch.setattr(opendata.forked, "cores", lambda: 2)


def test_files_the_copy_writes_are_the_files_the_build_would(
    copied_site, alone, writers, tmp_path, monkeypatch
):
    forking(monkeypatch)
    assert built_in_process(copied_site, tmp_path / "forked") == alone
    by = written_by(writers)
    assert by["build"] == set()
    assert by["copy"] == {
        export.path for export in exports.site_exports(*_published(copied_site), "")
    }
    assert {"data/decisions.json", "data/decisions.csv", "feed.xml"} <= by["copy"]


@pytest.mark.parametrize("failure", ["dies", "raises", "hangs"])
def test_a_copy_that_fails_leaves_its_files_to_the_build(
    copied_site, alone, writers, tmp_path, monkeypatch, failure
):
    forking(monkeypatch)
    monkeypatch.setattr(opendata, "WAIT_LIMIT", 2.0)
    write = opendata.write

    def failing(site_dir, export, *into):
        if os.getpid() != _PARENT and export.path == "data/decisions.json":
            # Halfway: the files before it are written, this one is half written.
            Path(site_dir, export.path).parent.mkdir(parents=True, exist_ok=True)
            Path(site_dir, export.path).write_bytes(b'{"decisions": [')
            if failure == "dies":
                os._exit(9)
            if failure == "hangs":
                time.sleep(600)
            raise OSError("No space left on device")
        return write(site_dir, export, *into)

    monkeypatch.setattr(opendata, "write", failing)
    assert built_in_process(copied_site, tmp_path / "forked") == alone


def test_a_served_site_has_them_written_by_the_server_itself(
    copied_site, alone, writers, tmp_path, monkeypatch
):
    """A server's threads and a forked copy do not mix: under `mkdocs serve`, no copy."""
    forking(monkeypatch)
    served = built_in_process(copied_site, tmp_path / "served", command="serve")
    assert {path: served[path] for path in alone if path.startswith("data/")} == {
        path: digest for path, digest in alone.items() if path.startswith("data/")
    }
    by = written_by(writers)
    assert by["copy"] == set() and "data/decisions.json" in by["build"]


def test_the_build_writes_them_itself_when_it_may_not_fork(tmp_path, monkeypatch):
    forking(monkeypatch)
    pids: list[int] = []
    listed = [
        exports.Export(f"data/{n}.csv", lambda: pids.append(os.getpid()) or b"x") for n in range(3)
    ]
    opendata.OpenDataFiles(str(tmp_path), listed, forking=False).finish()
    assert pids == [_PARENT] * 3
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["0.csv", "1.csv", "2.csv"]


def test_a_failed_build_stops_the_copy(tmp_path, monkeypatch):
    forking(monkeypatch)
    started = tmp_path / "started"

    def slow() -> bytes:
        started.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(600)
        return b""

    files = opendata.OpenDataFiles(
        str(tmp_path), [exports.Export("data/x.csv", slow)], forking=True
    )
    for _ in range(100):
        if started.exists() and started.read_text(encoding="utf-8"):
            break
        time.sleep(0.05)
    pid = int(started.read_text(encoding="utf-8"))
    files.close()
    assert not Path(f"/proc/{pid}").exists()
    assert not (tmp_path / "data" / "x.csv").exists()


def test_listing_the_open_data_files_makes_none(copied_site, monkeypatch):
    """The build lists them as it plans the site, and `transparency validate` checks a
    Specified Information `page:` against them: neither makes them."""

    def made(*args, **kwargs):
        raise AssertionError("an open data file was made")

    for name in ("decision_records", "funding_csv", "grants_360", "ocds_package", "schema_bytes"):
        monkeypatch.setattr(exports, name, made)
    monkeypatch.setattr(exports.feeds, "atom_feed", made)
    monkeypatch.setattr(exports.registers, "csv_table", made)
    listed = exports.site_exports(*_published(copied_site), "https://example.org/")
    paths = [export.path for export in listed]
    assert len(paths) == len(set(paths))
    assert {"data/decisions.json", "data/360giving.json", "data/ocds.json", "feed.xml"} <= set(
        paths
    )
    with pytest.raises(AssertionError, match="made"):
        next(e for e in listed if e.path == "data/decisions.json").make()
