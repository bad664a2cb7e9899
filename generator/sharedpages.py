"""The generated pages' HTML, made by the build and a forked copy of it from either end.

MkDocs asks for the pages one at a time, in order, on one core. A copy of the build (forked once
every page is planned, so it has everything loaded) renders them from the last, each into a file;
the build takes a page from its file when the copy has made it, and renders it itself when not.
Where the two meet, the copy stops. A page is the same whichever process rendered it; a copy that
fails or dies only leaves more pages to the build.
"""

from __future__ import annotations

import mmap
import os
import shutil
import struct
import tempfile
from pathlib import Path

from . import forked
from .pages import Page
from .publication import Publication

# Fewer generated pages than this are rendered sooner than a copy of the build is made.
SHARED_ABOVE = 200

_POSITION = struct.Struct("q")


class SharedPages:
    def __init__(self, pages: list[Page], publication: Publication):
        """`pages` in the order the build will ask for them."""
        self._pages = pages
        self._publication = publication
        self._number = {page.src_uri: number for number, page in enumerate(pages)}
        self._folder = Path(tempfile.mkdtemp(prefix="transparency-pages-"))
        # Shared with the copy: the furthest page the build has asked for.
        self._asked = mmap.mmap(-1, _POSITION.size)
        self._asked[:] = _POSITION.pack(-1)
        self._copy = forked.Copy.start(self._from_the_end)

    @staticmethod
    def wanted(pages: int) -> bool:
        return pages > SHARED_ABOVE and forked.cores() > 1

    def html(self, page: Page) -> str:
        number = self._number.get(page.src_uri)
        if number is not None:
            if number > _POSITION.unpack(self._asked)[0]:
                self._asked[:] = _POSITION.pack(number)
            made = self._folder / f"{number}.html"
            try:
                html = made.read_text(encoding="utf-8")
            except FileNotFoundError:  # not made (yet): the copy stops short of it
                pass
            else:
                made.unlink()
                return html
        return page.html(self._publication)

    def close(self) -> None:
        if self._copy is not None:
            self._copy.stop()
        self._asked.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _from_the_end(self) -> None:
        # Pagefind's service indexes the pages the build writes on the same other core; the
        # build waits for it when it falls behind, but not for this copy, which gives way.
        os.nice(19)
        for number in range(len(self._pages) - 1, -1, -1):
            if number <= _POSITION.unpack(self._asked)[0]:
                return
            html = self._pages[number].html(self._publication)
            making = self._folder / f"{number}.part"
            making.write_text(html, encoding="utf-8")
            making.rename(self._folder / f"{number}.html")
