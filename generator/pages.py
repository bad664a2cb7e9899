"""The pages the site generates from the publication: where each lives and how it renders.

Pages are described first (cheap: path, title, what to render) and rendered only when MkDocs
asks for each one, so a build of 10,000 decisions never holds every page's HTML at once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable

from . import charts, datadictionary, exports, render, statutory
from .addresses import (
    LICENCE_NAME,
    LICENCE_URL,
    absolute_url,
    documents_folder,
    page_url,
    relative_url,
)
from .model import STAGES, Decision, FundingTable, SpecifiedInformation
from .publication import Publication
from .registers import Registers

STAGE_TITLES = {
    "analyse": "Analyse",
    "plan": "Plan",
    "do": "Do",
    "review": "Review",
}
STAGE_SUMMARIES = {
    "analyse": "Understand needs, evidence, the market and the resources available.",
    "plan": "Design services, set outcomes, engage the market and choose how to buy.",
    "do": "Procure, award, mobilise and manage contracts and grants.",
    "review": "Monitor performance and quality, evaluate outcomes and learn.",
}


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    title: str


@dataclass
class Page:
    src_uri: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    in_nav: bool = True
    edit_uri: str | None = None
    description: str = ""
    toc: tuple[TocEntry, ...] = ()
    structured_data: Callable[[], dict[str, Any]] | None = None

    @property
    def url(self) -> str:
        return page_url(self.src_uri)

    def front_matter(self) -> str:
        """The Markdown file MkDocs reads for the page: its title and description, nothing else."""
        front: dict[str, Any] = {"title": self.title, "description": self.description}
        if not self.toc:  # a register table needs the width more than a one-line contents list
            front["hide"] = ["toc"]
        return f"---\n{json.dumps(front)}\n---\n"

    def link(self, target: str) -> str:
        return relative_url(target, self.url)

    def html(self, publication: Publication) -> str:
        return render.render(
            self.template,
            page=self,
            pub=publication,
            link=self.link,
            documents_folder=documents_folder(publication.settings),
            **self.context,
        )


# Recipients the key facts name; more are in the Money section's table.
KEY_FACTS_RECIPIENTS = 5


def recipients_table(d: Decision) -> bool:
    """Whether the recipients need a table beyond the key facts: for their identifiers, or
    because the key facts name only the first few."""
    return len(d.recipients) > KEY_FACTS_RECIPIENTS or any(
        r.org_id or r.count for r in d.recipients
    )


def decision_sections(d: Decision, pub: Publication) -> tuple[TocEntry, ...]:
    """The headings a decision page shows, in order: also its table of contents."""
    entries = [TocEntry(2, "summary", "Summary")]
    for key, title in (
        ("decision", "Decision"),
        ("background", "Background"),
        ("options_considered", "Options considered"),
    ):
        if getattr(d, key):
            entries.append(TocEntry(2, key.replace("_", "-"), title))
    if d.implications:
        entries.append(TocEntry(2, "implications", "Implications"))
    # The amount, stream and year are key facts at the top: Money holds what they leave out.
    if recipients_table(d) or (d.financial and (d.financial.vat or d.financial.breakdown)):
        entries.append(TocEntry(2, "money", "Money"))
    if d.procurement and any(value is not None for value in vars(d.procurement).values()):
        entries.append(TocEntry(2, "procurement", "Procurement"))
    if d.documents:
        entries.append(TocEntry(2, "documents", "Documents"))
    if d.exempt:
        entries.append(TocEntry(2, "withheld", "Withheld information"))
    if d.interests_declared:
        entries.append(TocEntry(2, "interests-declared", "Interests declared"))
    if pub.related.get(d.reference) or d.related_elsewhere:
        entries.append(TocEntry(2, "related", "Related decisions"))
    return tuple(entries)


def decision_structured_data(d: Decision, pub: Publication, site_url: str) -> dict[str, Any]:
    """schema.org has no Decision type: a Report, with a MonetaryGrant for the money."""
    publisher = pub.settings.publisher
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["CreativeWork", "Report"],
        "identifier": d.reference,
        "reportNumber": d.reference,
        "name": d.title,
        "dateCreated": d.date.isoformat(),
        "datePublished": d.published.isoformat(),
        "description": render.plain_text(d.summary),
        "author": {"@type": "Person", "jobTitle": d.decision_maker},
        "publisher": {"@type": "GovernmentOrganization", "name": publisher.name},
        "inLanguage": "en-GB",
        "license": LICENCE_URL,
    }
    if site_url:
        data["url"] = absolute_url(site_url, d.url)
    if publisher.url:
        data["publisher"]["url"] = publisher.url
    if d.tags:
        data["keywords"] = ", ".join(d.tags)
    if d.amount is not None and not d.is_income:
        grant: dict[str, Any] = {
            "@type": "MonetaryGrant",
            "amount": {"@type": "MonetaryAmount", "value": float(d.amount), "currency": d.currency},
            "funder": {"@type": "GovernmentOrganization", "name": publisher.name},
        }
        if d.recipients:
            grant["recipient"] = [{"@type": "Organization", "name": r.name} for r in d.recipients]
        data["funding"] = grant
    return data


def decision_page(d: Decision, pub: Publication, docs_dir: str, site_url: str) -> Page:
    return Page(
        src_uri=d.url + "index.md",
        title=f"{d.reference}: {d.title}",
        template="decision.html",
        # The sections the page shows: a heading renders only with something under it.
        context={
            "d": d,
            "sections": {entry.id for entry in decision_sections(d, pub)},
            "key_recipients": d.recipients[:KEY_FACTS_RECIPIENTS],
            "recipients_table": recipients_table(d),
        },
        in_nav=False,
        edit_uri=os.path.relpath(d.source, docs_dir).replace(os.sep, "/"),
        description=render.plain_text(d.summary)[:300],
        toc=decision_sections(d, pub),
        structured_data=lambda: decision_structured_data(d, pub, site_url),
    )


def _funding_page(table: FundingTable, pub: Publication) -> Page:
    return Page(
        src_uri=table.url + "index.md",
        title=table.title,
        template="funding-table.html",
        context={"table": table, "chart": lambda: charts.funding_chart(table)},
        description=render.plain_text(table.description)[:300],
        toc=(
            TocEntry(2, "allocations", "Allocations"),
            TocEntry(2, "decisions-by-stream", "Decisions charged to each stream"),
        ),
    )


def register_pages(
    registers: Registers, specified: SpecifiedInformation | None, docs_dir: str
) -> list[Page]:
    """The registers the Specified Information Order asks for, and the map of where each item is met."""
    derived = {"registers": registers}
    pages = [
        Page(
            "registers/index.md",
            "Registers",
            "register-index.html",
            context=derived,
            description="Registers of contracts, grants and decisions of significant public interest, made from the decision records.",
        ),
        Page(
            "registers/contracts/index.md",
            "Contracts register",
            "register-contracts.html",
            context=derived,
            description="Contracts worth more than the threshold, from the published decisions, with a CSV download.",
        ),
        # No contents column: the register's eight columns need the width more than its two sections
        # a list.
        Page(
            "registers/grants/index.md",
            "Grants register",
            "register-grants.html",
            context=derived,
            description="Every grant the office has made, one row per recipient, with totals and a CSV download.",
        ),
        Page(
            "registers/decisions/index.md",
            "Decisions of significant public interest",
            "register-decisions.html",
            context=derived,
            description="Every published decision of significant public interest, newest first.",
        ),
    ]
    if specified is not None:
        pages.append(
            Page(
                "transparency/specified-information/index.md",
                "Specified information",
                "specified-information.html",
                context={
                    "info": specified,
                    "where_met": lambda item: statutory.where_met(item, registers),
                },
                edit_uri=os.path.relpath(specified.source, docs_dir).replace(os.sep, "/"),
                toc=tuple(
                    TocEntry(2, f"group-{i + 1}", g.title) for i, g in enumerate(specified.groups)
                ),
                description="Where the office publishes each item of information the law requires of a Police and Crime Commissioner.",
            )
        )
    return pages


def open_data_page(pub: Publication, registers: Registers, site_url: str) -> Page:
    """The page that lists the open data files and documents every column and key."""
    sections = (
        ("licence", "Licence"),
        ("files", "The files"),
        ("feeds", "Feeds"),
        ("decisions-dictionary", "Data dictionary: decisions"),
        ("funding-dictionary", "Data dictionary: funding"),
        ("grants-360giving", "Grants in 360Giving"),
        ("contracts-ocds", "Contracts in Open Contracting"),
        ("record-formats", "Record formats"),
        ("left-out", "What the files leave out"),
        ("changes", "Changes to the files"),
    )
    return Page(
        "open-data.md",
        "Open data",
        "open-data.html",
        context={
            "dictionary": datadictionary.decision_dictionary(),
            "funding_columns": datadictionary.funding_columns(),
            "left_out": exports.grants_left_out(registers.grants),
            "grant_count": len(exports.grants(pub, registers.grants, site_url)),
            "contract_count": len(exports.contract_awards(pub)),
            "decisions_csv": exports.DECISIONS_CSV,
            "decisions_json": exports.DECISIONS_JSON,
            "funding_csv": exports.FUNDING_CSV,
            "grants_360giving": exports.GRANTS_360,
            "ocds": exports.OCDS,
            "feed": exports.FEED,
            "category_feeds": [(c, exports.category_feed(c)) for c in pub.categories],
            "schema_files": [(name, exports.schema_file(name)) for name in exports.SCHEMAS],
            "schema_addresses": {
                name: absolute_url(site_url, exports.schema_file(name)) for name in exports.SCHEMAS
            },
            "record_json_example": absolute_url(
                site_url, pub.decisions[0].url + exports.RECORD_JSON
            )
            if pub.decisions
            else "decisions/<year>/<reference>/record.json",
            "envelope_keys": exports.ENVELOPE_KEYS,
            "grant_keys": exports.GRANT_KEYS,
            "ocds_keys": exports.OCDS_KEYS,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "schema_version": exports.SCHEMA_VERSION,
        },
        description="Every published decision and funding table as open data: CSV, JSON, Atom, 360Giving "
        "and Open Contracting, under the Open Government Licence.",
        toc=tuple(TocEntry(2, anchor, title) for anchor, title in sections),
    )


def site_pages(
    pub: Publication,
    registers: Registers,
    docs_dir: str,
    site_url: str = "",
    specified: SpecifiedInformation | None = None,
    *,
    decision_pages: bool = True,
) -> list[Page]:
    """Every page the publication generates; without decision_pages, the pages that list them."""
    pages: list[Page] = [
        Page(
            "decisions/index.md",
            "Decisions",
            "decisions-index.html",
            description="The latest decisions, and every decision by year and by category.",
        ),
    ]
    for year in pub.years:
        pages.append(
            Page(
                f"decisions/{year}/index.md",
                f"Decisions made in {year}",
                "decisions-list.html",
                context={
                    "decisions": pub.in_year(year),
                    "heading": f"Decisions made in {year}",
                    "year": year,
                    "category": None,
                },
            )
        )
    for category in pub.categories:
        pages.append(
            Page(
                f"decisions/category/{category}/index.md",
                f"{render.label(category)} decisions",
                "decisions-list.html",
                in_nav=False,
                context={
                    "decisions": pub.in_category(category),
                    "heading": f"{render.label(category)} decisions",
                    "year": None,
                    "category": category,
                },
            )
        )
    if decision_pages:
        pages.extend(decision_page(d, pub, docs_dir, site_url) for d in pub.decisions)
    pages.append(
        Page(
            "funding/index.md",
            "Funding",
            "funding-index.html",
            description="The funding streams the office commissions from, by financial year.",
        )
    )
    pages.extend(_funding_page(t, pub) for t in pub.funding_tables)
    pages.append(
        Page(
            "toolkit/index.md",
            "Commissioning toolkit",
            "toolkit-index.html",
            context={
                "stages": STAGES,
                "stage_titles": STAGE_TITLES,
                "stage_summaries": STAGE_SUMMARIES,
            },
            description="How the office commissions services: the four stages of the commissioning cycle.",
        )
    )
    pages.extend(register_pages(registers, specified, docs_dir))
    pages.append(open_data_page(pub, registers, site_url))
    return pages


def _group(title: str, pages: list[str]) -> str | dict[str, list[str]]:
    """A menu group; a group of one page is a link straight to it, under the page's own title
    (a title given here would rename the page), not a group to open."""
    return pages[0] if len(pages) == 1 else {title: pages}


def nav_children(pub: Publication, section_index: str) -> list[Any] | None:
    """MkDocs nav entries under a section whose index page the plugin generates."""
    if section_index == "decisions/index.md":
        return [section_index] + [{str(y): f"decisions/{y}/index.md"} for y in pub.years]
    if section_index == "registers/index.md":
        return [section_index] + [
            f"registers/{name}/index.md" for name in ("contracts", "grants", "decisions")
        ]
    if section_index == "funding/index.md":
        return [section_index] + [{t.title: t.url + "index.md"} for t in pub.funding_tables]
    if section_index == "toolkit/index.md":
        entries: list[Any] = [section_index]
        for stage in STAGES:
            docs = [t.src_uri for t in pub.toolkit if t.stage == stage]
            if docs:
                entries.append(_group(STAGE_TITLES[stage], docs))
        general = [t.src_uri for t in pub.toolkit if t.stage is None]
        if general:
            entries.append(_group("Across the cycle", general))
        return entries
    return None


def head_json(page: Page) -> str:
    if page.structured_data is None:
        return ""
    return str(render.json_for_script(page.structured_data()))
