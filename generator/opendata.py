"""The open data files written into the built site: by a forked copy of the build, on another
core, while the build goes on to render the pages; by the build itself for a small site, when
serving, or should the copy fail.

Making them is a tenth of a large build (every decision's text six times over, and a folder and
file per decision), and no page needs them: only the links check and the guard, which run once
the pages are written, read them. The files are the same whichever process writes them.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import forked
from .exports import Export

# Fewer files than this (about one a decision) are written sooner than a copy of the build is made.
FORKED_ABOVE = 200
# How long the build waits, once its pages are written, for a copy still writing; past it, the
# copy is stopped and the build writes them all itself.
WAIT_LIMIT = 600.0


def write(site_dir: str, export: Export) -> Path:
    target = Path(site_dir, export.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(export.make())
    return target


class OpenDataFiles:
    def __init__(self, site_dir: str, exports: list[Export], *, forking: bool):
        """Start writing `exports` into site_dir: in a copy of this process when `forking` and
        there are enough decisions' files to be worth one, else here and now."""
        self._site_dir = site_dir
        self._exports = exports
        self._copy = (
            forked.Copy.start(self._write_giving_way)
            if forking and len(exports) > FORKED_ABOVE and forked.cores() > 1
            else None
        )
        if self._copy is None:
            self._write()

    def finish(self) -> None:
        """Return once every file is written, waiting for the copy, or writing them here when it
        failed, died or took too long."""
        copy, self._copy = self._copy, None
        if copy is not None and not copy.wait(WAIT_LIMIT):
            self._write()

    def close(self) -> None:
        """Stop the copy, if it is still writing (the build failed)."""
        copy, self._copy = self._copy, None
        if copy is not None:
            copy.stop()

    def _write(self) -> None:
        for export in self._exports:
            write(self._site_dir, export)

    def _write_giving_way(self) -> None:
        # The build renders pages and Pagefind indexes them meanwhile: both are waited for,
        # this is not until they are done.
        os.nice(19)
        self._write()
