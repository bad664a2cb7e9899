"""`transparency init`: a new office's site repository, written from the scaffold in the package.

The scaffold (generator/scaffold/) is the one copy of what a new site starts with. Files ending
in .j2 are Jinja templates filled in with the office's details; a leading `dot-` in a name
stands for the `.` that package data cannot carry (.github, .gitignore).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Iterator

import jinja2

from . import __version__
from .schema import load_schema

_TEMPLATE = ".j2"
_DOT = "dot-"
_PREFIX = re.compile(r"^[A-Z][A-Z0-9]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEBSITE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


def _org_id_pattern() -> re.Pattern[str]:
    # The same identifier form a record's recipients[].org_id must have.
    recipient = load_schema("decision")["properties"]["recipients"]["items"]["properties"]["org_id"]
    return re.compile(recipient["pattern"])


@dataclass(frozen=True)
class Office:
    """What a new site needs to know about the office that publishes it."""

    name: str
    website: str
    email: str
    org_id: str
    prefix: str
    phone: str = ""


class NewSiteError(Exception):
    """The site cannot be written; the message says why, in one line each."""


def problems(office: Office) -> list[str]:
    """What is wrong with the office's details, every problem at once."""
    found = []
    if not office.name.strip():
        found.append(
            "--name: give the office's name, like 'Police and Crime Commissioner for Avon and "
            "Somerset'"
        )
    if not _WEBSITE.match(office.website):
        found.append(f"--website: {office.website!r} is not a web address starting https://")
    if not _EMAIL.match(office.email):
        found.append(f"--email: {office.email!r} is not an email address")
    if not _org_id_pattern().match(office.org_id):
        found.append(
            f"--org-id: {office.org_id!r} is not an org-id.guide identifier like GB-GOR-PC000123"
        )
    if not _PREFIX.match(office.prefix):
        found.append(
            f"--prefix: {office.prefix!r} is not a reference prefix: capital letters and digits, "
            "like AVSPCC"
        )
    return found


def _scaffold_files(
    folder: Traversable, relative: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            yield from _scaffold_files(entry, relative + (entry.name,))
        else:
            yield relative + (entry.name,), entry


def _target(parts: tuple[str, ...]) -> Path:
    names = ["." + p[len(_DOT) :] if p.startswith(_DOT) else p for p in parts]
    if names[-1].endswith(_TEMPLATE):
        names[-1] = names[-1][: -len(_TEMPLATE)]
    return Path(*names)


def _environment() -> jinja2.Environment:
    # Not HTML: the templates are Markdown, YAML and text, each filled in as written.
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    # A JSON string is a YAML string too: quotes and colons in a name cannot break mkdocs.yml.
    env.filters["yaml"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env


def render(office: Office, today: dt.date) -> dict[Path, bytes]:
    """Every file of a new site, by its path in the site's folder."""
    env = _environment()
    values = {**asdict(office), "version": __version__, "today": f"{today.day} {today:%B %Y}"}
    files = {}
    for parts, entry in _scaffold_files(resources.files("generator").joinpath("scaffold")):
        content = entry.read_bytes()
        if parts[-1].endswith(_TEMPLATE):
            content = env.from_string(content.decode("utf-8")).render(values).encode("utf-8")
        files[_target(parts)] = content
    return files


def write_site(folder: Path, office: Office, today: dt.date) -> list[Path]:
    """Write a new site into an empty (or new) folder; the files written."""
    found = problems(office)
    if folder.exists() and not folder.is_dir():
        found.append(f"{folder}: is a file, not a folder")
    elif folder.is_dir() and any(folder.iterdir()):
        found.append(
            f"{folder}: the folder is not empty: give a new or empty folder, so nothing is "
            "overwritten"
        )
    if found:
        raise NewSiteError("\n".join(found))
    written = []
    for path, content in render(office, today).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written.append(target)
    return written
