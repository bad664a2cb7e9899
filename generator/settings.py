"""The site's options, as a plain value the core reads: nothing here names one office.

The MkDocs plugin declares the same options (generator/config.py) with these defaults; the
command line reads them from mkdocs.yml without importing MkDocs, so `transparency validate`
needs no site build.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CATEGORIES = ("commissioning", "grants", "contracts", "finance", "governance", "estates", "policy")


@dataclass(frozen=True)
class Publisher:
    name: str = "Office of the Police and Crime Commissioner"
    org_id: str = ""
    url: str = ""


@dataclass(frozen=True)
class Settings:
    root: Path = Path(".")
    docs_dir: str = "content"
    decisions_dir: str = "decisions"
    funding_dir: str = "content/funding"
    toolkit_dir: str = "content/toolkit"
    # Staff's map of the Specified Information Order to where each item is published.
    specified_information: str = "content/specified-information.yaml"
    files_dir: str = "decisions/files"
    publisher: Publisher = field(default_factory=Publisher)
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    reference_prefix: str = ""
    # A regular expression every reference must match: the office's house style, if it wants one enforced.
    reference_pattern: str = ""
    # How `transparency new decision` writes a reference: {prefix}, {year} and {number}.
    reference_format: str = "{prefix}-{year}-{number:03d}"
    build_date: dt.date | None = None
    latest: int = 10
    feed_size: int = 50
    grants_prefix: str = "360G-example"
    ocid_prefix: str = "ocds-example"
    contracts_threshold: float = 10_000
    publication_days: int = 28
    search: bool = True
    # A build for staff: registers flag gaps (a contract with no document) the public build omits.
    staff_build: bool = False

    def path(self, name: str) -> Path:
        """One of the *_dir options as an absolute path."""
        return (self.root / getattr(self, name)).resolve()

    @property
    def today(self) -> dt.date:
        """The build date: the option, else SOURCE_DATE_EPOCH, else today, so builds reproduce."""
        if self.build_date is not None:
            return self.build_date
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.strip().isdigit():
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        return dt.date.today()

    @classmethod
    def from_options(cls, options: dict[str, Any], root: Path, docs_dir: str = "content") -> "Settings":
        known = {f.name for f in fields(cls)} - {"root", "docs_dir"}
        values: dict[str, Any] = {k: v for k, v in options.items() if k in known and v is not None}
        if isinstance(values.get("publisher"), dict):
            publisher_keys = {f.name for f in fields(Publisher)}
            values["publisher"] = Publisher(**{k: v for k, v in values["publisher"].items() if k in publisher_keys})
        if "categories" in values:
            values["categories"] = tuple(values["categories"])
        if isinstance(values.get("build_date"), str):
            values["build_date"] = dt.date.fromisoformat(values["build_date"])
        return cls(root=root, docs_dir=docs_dir, **values)


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose !!python/name and !ENV tags only MkDocs itself resolves."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_settings(config_file: Path) -> Settings:
    """Settings from the `transparency` plugin entry of an mkdocs.yml."""
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    options: dict[str, Any] = {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "transparency" in plugin:
            options = plugin["transparency"] or {}
    return Settings.from_options(options, config_file.parent.resolve(), config.get("docs_dir", "docs"))
