"""A large site's generated pages are rendered by the build and a forked copy of it, from either
end (generator/sharedpages.py): the site must be the same byte for byte whichever process made
each page, and whether or not the copy lives to make any."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import built_in_process

from generator import pages, sharedpages

_PARENT = os.getpid()


@pytest.fixture
def site(copied_site):
    return copied_site


@pytest.fixture
def alone(site, tmp_path):
    """The site as the build alone renders it: the fixture is far too small to share."""
    assert not sharedpages.SharedPages.wanted(40)
    return built_in_process(site, tmp_path / "alone")


def rendered_here(monkeypatch) -> list[str]:
    """The generated pages this process renders (not those the copy makes), as they are."""
    here: list[str] = []
    render = pages.Page.html

    def counted(self, publication):
        if os.getpid() == _PARENT:
            here.append(self.src_uri)
        return render(self, publication)

    monkeypatch.setattr(pages.Page, "html", counted)
    return here


def shared_pages(monkeypatch) -> list[pages.Page]:
    """The pages a build shares with a copy of itself, as it plans them."""
    planned: list[pages.Page] = []
    share = sharedpages.SharedPages.__init__

    def sharing(self, generated, publication):
        planned.extend(generated)
        share(self, generated, publication)

    monkeypatch.setattr(sharedpages.SharedPages, "__init__", sharing)
    return planned


def test_pages_the_copy_renders_are_the_pages_the_build_would(site, alone, tmp_path, monkeypatch):
    monkeypatch.setattr(sharedpages, "SHARED_ABOVE", 0)
    monkeypatch.setattr(sharedpages.forked, "cores", lambda: 2)
    here, planned = rendered_here(monkeypatch), shared_pages(monkeypatch)
    assert built_in_process(site, tmp_path / "shared") == alone
    # The copy made pages (on this small site, often all of them before the build asks).
    assert len(planned) > 10 and len(here) < len(planned)
    assert not list(Path(tempfile.gettempdir()).glob("transparency-pages-*"))


@pytest.mark.parametrize("failure", ["dies", "raises"])
def test_a_copy_that_fails_leaves_its_pages_to_the_build(
    site, alone, tmp_path, monkeypatch, failure
):
    monkeypatch.setattr(sharedpages, "SHARED_ABOVE", 0)
    monkeypatch.setattr(sharedpages.forked, "cores", lambda: 2)

    def failing(self):
        if failure == "dies":
            os._exit(9)
        raise RuntimeError("a template error in the copy")

    monkeypatch.setattr(sharedpages.SharedPages, "_from_the_end", failing)
    here, planned = rendered_here(monkeypatch), shared_pages(monkeypatch)
    assert built_in_process(site, tmp_path / "shared") == alone
    assert len(planned) > 10 and sorted(here) == sorted(page.src_uri for page in planned)


ORPHANS = """
import os, signal, sys, time
from pathlib import Path
from generator import forked, guard

site = Path(sys.argv[1])
for n in range(8):
    (site / f"page-{n}.html").write_text("<p>nothing withheld</p>", encoding="utf-8")
scanning = guard.Scanning(site, [], processes=2)
scanning.result()  # the pool's processes now wait for more work
copy = forked.Copy.start(lambda: time.sleep(60))
print(*scanning._pool._processes, copy.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_build_killed_leaves_none_of_its_processes_behind(tmp_path):
    """Killed midway (out of memory, a cancelled job), the build takes with it the guard's
    processes, which would otherwise wait for work for ever, and any copy rendering pages."""
    said = tmp_path / "pids"
    with said.open("w") as out:  # a file, not a pipe: processes left behind would hold a pipe
        run = subprocess.run([sys.executable, "-c", ORPHANS, str(tmp_path)], stdout=out)
    assert run.returncode == -signal.SIGKILL
    left = [int(pid) for pid in said.read_text().split()]
    assert len(left) == 3
    for _ in range(100):
        if not [pid for pid in left if Path(f"/proc/{pid}").exists()]:
            break
        time.sleep(0.1)
    alive = [pid for pid in left if Path(f"/proc/{pid}").exists()]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert alive == []
