"""The site's options, as a plain value the core reads: nothing here names one office.

These dataclasses are the one declaration of the `transparency` plugin's options: their names,
types and defaults. The MkDocs plugin's options (generator/config.py) are made from them, and
`check_options` holds both the build and `transparency validate` to them, without importing
MkDocs, so `transparency validate` needs no site build.
"""

from __future__ import annotations

import datetime as dt
import os
import types
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Iterator, get_args, get_origin, get_type_hints

import yaml

from .diagnostics import Diagnostics
from .schema import field_name, suggest
from .source import FieldPath, type_name

DEFAULT_CATEGORIES = (
    "commissioning",
    "grants",
    "contracts",
    "finance",
    "governance",
    "estates",
    "policy",
)


@dataclass(frozen=True)
class Publisher:
    # The office that publishes the site: named here, never in code.
    name: str = "Office of the Police and Crime Commissioner"
    # org-id.guide identifier of the office, used as funder and buyer in the open data.
    org_id: str = ""
    # The office's own website, and how the public contacts it: in every page's footer and on
    # the accessibility statement.
    url: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Settings:
    root: Path = Path(".")
    docs_dir: str = "content"
    # Folders, relative to mkdocs.yml.
    decisions_dir: str = "decisions"
    funding_dir: str = "content/funding"
    toolkit_dir: str = "content/toolkit"
    # Staff's map of the Specified Information Order to where each item is published.
    specified_information: str = "content/specified-information.yaml"
    files_dir: str = "decisions/files"
    publisher: Publisher = field(default_factory=Publisher)
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    # Prefix of new references (`transparency new decision`), e.g. WYPCC.
    reference_prefix: str = ""
    # A regular expression every reference must match: the office's house style, if it wants one
    # enforced.
    reference_pattern: str = ""
    # How `transparency new decision` writes a reference: {prefix}, {year} and {number}.
    reference_format: str = "{prefix}-{year}-{number:03d}"
    # The date embargoes are judged against; else SOURCE_DATE_EPOCH, else today.
    build_date: dt.date | None = None
    latest: int = 10
    feed_size: int = 50
    grants_prefix: str = "360G-example"
    ocid_prefix: str = "ocds-example"
    contracts_threshold: float = 10_000
    publication_days: int = 28
    search: bool = True
    # Pagefind keeps the words of every page it indexes in memory at once (about 230 KB a
    # decision: 2.3 GB at 10,000): a site with more than search_parts_above decisions is indexed
    # in parts, each of whole years and at most search_part_size decisions, that search merges.
    search_parts_above: int = 10_000
    search_part_size: int = 5_000
    # A record larger than this is refused: no real notice is, and one would slow every build.
    record_size_limit: int = 1_000_000
    # A build for staff: registers flag gaps (a contract with no document) the public build omits.
    staff_build: bool = False
    # The repository link in the header and "Edit this page" on every page: for staff, so off
    # on the public site unless turned on.
    repository_links: bool = False

    def path(self, name: str) -> Path:
        """One of the *_dir options as an absolute path."""
        folder: str = getattr(self, name)
        return (self.root / folder).resolve()

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
    def from_options(
        cls, options: dict[str, Any], root: Path, docs_dir: str = "content"
    ) -> "Settings":
        known = {f.name for f in fields(cls)} - {"root", "docs_dir"}
        values: dict[str, Any] = {k: v for k, v in options.items() if k in known and v is not None}
        if isinstance(values.get("publisher"), dict):
            publisher_keys = {f.name for f in fields(Publisher)}
            values["publisher"] = Publisher(
                **{k: v for k, v in values["publisher"].items() if k in publisher_keys}
            )
        if "categories" in values:
            values["categories"] = tuple(values["categories"])
        if isinstance(values.get("build_date"), str):
            values["build_date"] = dt.date.fromisoformat(values["build_date"])
        return cls(root=root, docs_dir=docs_dir, **values)


# Fields of Settings that are not options in mkdocs.yml: where the site is, and MkDocs' own
# docs_dir.
_NOT_OPTIONS = ("root", "docs_dir")


def declared_options(cls: type) -> dict[str, Any]:
    """The options a settings dataclass declares, by name, with their types."""
    hints = get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls) if f.name not in _NOT_OPTIONS}


_EXPECTED = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}


def _found(value: Any) -> str:
    return (
        f"text '{value}'"
        if isinstance(value, str)
        else f"{type_name(value)} {value!r}"
        if value is not None
        else type_name(value)
    )


def _problems(value: Any, kind: Any, path: FieldPath) -> Iterator[tuple[FieldPath, bool, str]]:
    """(path, points at the key, message) for every way value is not of the declared kind."""
    if value is None:  # MkDocs takes the default, as for an option left out
        return
    if isinstance(kind, type) and is_dataclass(kind):
        if not isinstance(value, dict):
            yield (
                path,
                False,
                f"expected options (a mapping of 'name: value' lines), found {_found(value)}",
            )
            return
        known = declared_options(kind)
        for name, item in value.items():
            if name not in known:
                yield (
                    path + (name,),
                    True,
                    f"unknown option '{name}'{suggest(str(name), list(known))}",
                )
            else:
                yield from _problems(item, known[name], path + (name,))
    elif get_origin(kind) in (types.UnionType,):  # X | None: X or nothing
        yield from _problems(value, next(a for a in get_args(kind) if a is not type(None)), path)
    elif get_origin(kind) is tuple:
        if not isinstance(value, list):
            yield path, False, f"expected a list, like [a, b], found {_found(value)}"
            return
        for i, item in enumerate(value):
            yield from _problems(item, get_args(kind)[0], path + (i,))
    elif kind is dt.date:
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                yield (
                    path,
                    False,
                    f"'{value}' is not a date: write it as YYYY-MM-DD, like 2020-07-17",
                )
        elif not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            yield path, False, f"expected a date (YYYY-MM-DD), found {_found(value)}"
    else:
        wanted = (int, float) if kind is float else kind
        if isinstance(value, bool) is not (kind is bool) or not isinstance(value, wanted):
            yield path, False, f"expected {_EXPECTED[kind]}, found {_found(value)}"


def check_options(options: Any) -> list[tuple[FieldPath, bool, str]]:
    """Every way the plugin's options in mkdocs.yml break their declaration, for the build and
    `transparency validate` alike: unknown names and wrong types."""
    return list(_problems(options, Settings, ()))


def option_field(path: FieldPath) -> str:
    """An option as named in messages: transparency.publisher.org_id."""
    return field_name(("transparency",) + path)


class OptionsError(ValueError):
    """The plugin's options break their declaration: every problem, at its line in mkdocs.yml."""

    def __init__(self, diagnostics: Diagnostics):
        super().__init__(f"{len(diagnostics)} error(s) in the transparency plugin's options")
        self.diagnostics = diagnostics


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose !!python/name and !ENV tags only MkDocs itself resolves."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _child(node: yaml.Node | None, part: Any, key: bool = False) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((k if key else v for k, v in node.value if k.value == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


def read_settings(config_file: Path) -> Settings:
    """Settings from the `transparency` plugin entry of an mkdocs.yml; OptionsError if its
    options break their declaration."""
    loader = _TolerantLoader(config_file.read_text(encoding="utf-8"))
    try:
        root = loader.get_single_node()
        config = (loader.construct_document(root) if root is not None else None) or {}
    finally:
        loader.dispose()
    options: Any = {}
    options_node = None
    for i, plugin in enumerate(config.get("plugins") or []):
        if isinstance(plugin, dict) and "transparency" in plugin:
            options = plugin["transparency"] or {}
            options_node = _child(_child(_child(root, "plugins"), i), "transparency")
    problems = check_options(options)
    if problems:
        found = Diagnostics()
        for path, at_key, message in problems:
            node = options_node
            for depth, part in enumerate(path):
                node = _child(node, part, key=at_key and depth == len(path) - 1)
            located = node or options_node or root
            assert located is not None  # options with problems were read from the file's nodes
            mark = located.start_mark
            found.error(config_file, mark.line + 1, mark.column + 1, message, option_field(path))
        raise OptionsError(found)
    return Settings.from_options(
        options, config_file.parent.resolve(), config.get("docs_dir", "docs")
    )
