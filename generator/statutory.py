"""The office's statutory duties to publish: where each item of the Specified Information Order
is met, and the gaps a build reports (a contract with no document, a decision published late)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import render
from .addresses import page_url
from .diagnostics import Diagnostics
from .model import Decision, SpecifiedInformation, SpecifiedItem
from .publication import Publication
from .registers import Registers
from .registertable import BY_SLUG
from .schema import field_name


def page_address(page: str) -> str:
    """What a `page:` value names: a Markdown source file as is, else a page address ending in
    '/'."""
    path = page.partition("#")[0]
    if path.endswith(".md") or not path or path == "./":
        return path or "./"
    last = path.rsplit("/", 1)[-1]
    return path if "." in last or path.endswith("/") else path + "/"


def missing_pages(info: SpecifiedInformation, addresses: set[str], root: str) -> Diagnostics:
    """An error for every `page:` that is not a source file or page address of the built site."""
    found = Diagnostics()
    for item in info.items:
        if item.page is not None and page_address(item.page) not in addresses:
            where = info.source_map.value(item.position + ("page",))
            found.error(
                os.path.relpath(info.source, root),
                where.line,
                where.column,
                f"'{item.page}' is not a page of this site: check the path, or use url: for a page "
                "elsewhere",
                field_name(item.position + ("page",)),
            )
    return found


def unpublished(info: SpecifiedInformation, root: str) -> Diagnostics:
    """A build warning for every item the office does not publish yet: a duty not yet met."""
    found = Diagnostics()
    for item in info.items:
        if not item.published:
            where = info.source_map.value(item.position + ("status",))
            what = f"{item.provision}: {item.text}" if item.provision else item.text
            found.warning(
                os.path.relpath(info.source, root),
                where.line,
                where.column,
                f"not yet published: {what}",
                field_name(item.position + ("status",)),
                kind="Specified Information not yet published",
            )
    return found


@dataclass(frozen=True)
class Where:
    """Where one item is met, as the Specified Information page shows it."""

    href: str | None  # site-relative for pages of this site, absolute for other sites
    text: str
    external: bool = False


def where_met(item: SpecifiedItem, registers: Registers) -> Where:
    if item.derived is not None:
        register = BY_SLUG[item.derived]
        return Where(register.url, item.title or register.met_by(registers))
    if item.page is not None:
        address = page_address(item.page)
        target = (
            page_url(address) if address.endswith(".md") else ("" if address == "./" else address)
        )
        fragment = item.page.partition("#")[2]
        return Where(target + (f"#{fragment}" if fragment else ""), item.title or "On this site")
    if item.url is not None:
        return Where(item.url, item.title or f"On {urlsplit(item.url).hostname}", external=True)
    return Where(None, "Not yet published")


def build_warnings(
    publication: Publication, registers: Registers, info: SpecifiedInformation | None
) -> Diagnostics:
    """What a build reports without failing: duties not yet met, gaps in the registers, and
    funding streams whose decisions exceed their allocation."""
    found = unpublished(info, str(publication.settings.root)) if info is not None else Diagnostics()
    found.extend(register_warnings(publication, registers))
    for row, spend in publication.overspent_streams():
        table = publication.streams[row.id][0]
        path = ("rows", table.rows.index(row), "id")
        where = table.source_map.value(path)
        found.warning(
            os.path.relpath(table.source, publication.settings.root),
            where.line,
            where.column,
            f"decisions charged to funding stream '{row.id}' in {spend.financial_year} add up to "
            f"{render.money(spend.spent)}, "
            f"more than its allocation of {render.money(spend.allocation)}",
            field_name(path),
            kind="funding stream overspent",
        )
    return found


def register_warnings(publication: Publication, registers: Registers) -> Diagnostics:
    """Gaps in what the registers can show, for the build log; published records only."""
    found = Diagnostics()
    root = str(publication.settings.root)
    limit = render.money(registers.contract_threshold)
    for d in registers.contracts:
        if not d.documents:
            _warn(
                found,
                d,
                root,
                ("procurement",),
                f"a contract over {limit} has no document attached: add the invitation to tender "
                "or the contract to documents",
                "contract without a document",
            )
    for d in registers.without_value:
        _warn(
            found,
            d,
            root,
            ("procurement",),
            "the contract states no value (financial.amount), so the contracts register cannot "
            f"say whether it is over {limit}",
            "contract without a value",
        )
    for d in registers.late:
        _warn(
            found,
            d,
            root,
            ("published",) if "published" in _keys(d) else ("date",),
            f"published {d.days_to_publication} days after the decision, more than the "
            f"{publication.settings.publication_days} days allowed (publication_days)",
            "late publication",
        )
    return found


def _keys(d: Decision) -> set[str | int]:
    return {path[0] for path in d.source_map.keys if len(path) == 1}


def _warn(
    found: Diagnostics, d: Decision, root: str, path: tuple[str, ...], message: str, kind: str
) -> None:
    where = d.source_map.key(path)
    found.warning(
        os.path.relpath(d.source, root), where.line, where.column, message, field_name(path), kind
    )
