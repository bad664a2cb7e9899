"""The open data files written into the built site: by a forked copy of the build, on another
core, while the build goes on to render the pages; by the build itself for a small site, when
serving, or should the copy fail. The live preview writes the files a saved record is in the
same way, while it renders the pages it is in.

Making them is a tenth of a large build (every decision's text six times over, and a folder and
file per decision), and no page needs them: only the links check and the guard, which run once
the pages are written, read them. The files are the same whichever process writes them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from . import forked
from .exports import Export

# A site with fewer decisions than this has its files written sooner than a copy of the build
# (or of the server) is made.
FORKED_ABOVE = 200
# How long the build waits by default, once its pages are written, for a copy still writing; past
# it, the copy is stopped and the build writes them all itself.
WAIT_LIMIT = 600.0


def _written(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def write(site_dir: str, export: Export, into: Callable[[Path, bytes], None] = _written) -> None:
    into(Path(site_dir, export.path), export.make())


class OpenDataFiles:
    def __init__(
        self,
        site_dir: str,
        exports: list[Export],
        *,
        forking: bool,
        giving_way: bool = True,
        into: Callable[[Path, bytes], None] = _written,
        wait_limit: float | None = None,
    ):
        """Start writing `exports` into site_dir (each by `into`): in a copy of this process
        when `forking` and it has another core, else here and now. The copy gives way to the
        build's other work unless told not to."""
        self._site_dir = site_dir
        self._exports = exports
        self._giving_way = giving_way
        self._into = into
        self._wait_limit = WAIT_LIMIT if wait_limit is None else wait_limit
        self._copy = (
            forked.Copy.start(self._write_in_copy) if forking and forked.cores() > 1 else None
        )
        if self._copy is None:
            self._write()

    def finish(self) -> None:
        """Return once every file is written, waiting for the copy, or writing them here when it
        failed, died or took too long."""
        copy, self._copy = self._copy, None
        if copy is not None and not copy.wait(self._wait_limit):
            self._write()

    def close(self) -> None:
        """Stop the copy, if it is still writing (the build failed)."""
        copy, self._copy = self._copy, None
        if copy is not None:
            copy.stop()

    def _write(self) -> None:
        for export in self._exports:
            write(self._site_dir, export, self._into)

    def _write_in_copy(self) -> None:
        if self._giving_way:
            # The build renders pages and Pagefind indexes them meanwhile: both are waited
            # for, this is not until they are done.
            os.nice(19)
        self._write()
