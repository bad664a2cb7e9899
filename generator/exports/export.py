"""An open data file of the site, listed before it is made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Export:
    """Where an open data file goes, and how to make it. Listing the files costs nothing; making
    them is most of the open data's cost, done where and when the caller says (by a copy of the
    build on another core, or not at all for a check that needs only their paths)."""

    path: str
    make: Callable[[], bytes]
