"""The pages the site generates from the publication: where each lives and how it renders.

Pages are described first (cheap: path, title, what to render) and rendered only when MkDocs
asks for each one, so a build of 10,000 decisions never holds every page's HTML at once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable

from . import charts, render, statutory
from .addresses import (
    LICENCE_NAME,
    LICENCE_URL,
    absolute_url,
    documents_folder,
    page_url,
    relative_url,
)
from .exports import (
    decisions,
    dictionary,
    envelope,
    feeds,
    funding,
    ocds,
    schemas,
    threesixtygiving,
)
from .model import STAGES, Decision, FundingTable, SpecifiedInformation
from .publication import Publication
from .registers import Registers
from .registertable import REGISTERS

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
    # Made when MkDocs reads the page, not when the pages are planned: validation plans them too.
    description: str | Callable[[], str] = ""
    toc: tuple[TocEntry, ...] = ()
    structured_data: Callable[[], dict[str, Any]] | None = None

    @property
    def url(self) -> str:
        return page_url(self.src_uri)

    def front_matter(self) -> str:
        """The Markdown file MkDocs reads for the page: its title and description, nothing else."""
        description = self.description() if callable(self.description) else self.description
        front: dict[str, Any] = {"title": self.title, "description": description}
        if not self.toc:  # a register table needs the width more than a one-line contents list
            front["hide"] = ["toc"]
        return f"---\n{json.dumps(front)}\n---\n"

    def link(self, target: str) -> str:
        return relative_url(target, self.url)

    def html(self, publication: Publication) -> str:
        settings = publication.settings
        return render.render(
            self.template,
            page=self,
            link=self.link,
            documents_folder=documents_folder(settings),
            publication_days=settings.publication_days,
            **self.context,
        )


# Recipients the key facts name; more are in the Money section's table.
KEY_FACTS_RECIPIENTS = 5


def recipients_table(decision: Decision) -> bool:
    """Whether the recipients need a table beyond the key facts: for their identifiers, or
    because the key facts name only the first few."""
    return len(decision.recipients) > KEY_FACTS_RECIPIENTS or any(
        recipient.org_id or recipient.count for recipient in decision.recipients
    )


def decision_sections(decision: Decision, publication: Publication) -> tuple[TocEntry, ...]:
    """The headings a decision page shows, in order: also its table of contents."""
    entries = [TocEntry(2, "summary", "Summary")]
    for key, title in (
        ("decision", "Decision"),
        ("background", "Background"),
        ("options_considered", "Options considered"),
    ):
        if getattr(decision, key):
            entries.append(TocEntry(2, key.replace("_", "-"), title))
    if decision.implications:
        entries.append(TocEntry(2, "implications", "Implications"))
    # The amount, stream and year are key facts at the top: Money holds what they leave out.
    if recipients_table(decision) or (
        decision.financial and (decision.financial.vat or decision.financial.breakdown)
    ):
        entries.append(TocEntry(2, "money", "Money"))
    if decision.procurement and any(
        value is not None for value in vars(decision.procurement).values()
    ):
        entries.append(TocEntry(2, "procurement", "Procurement"))
    if decision.documents:
        entries.append(TocEntry(2, "documents", "Documents"))
    if decision.exempt:
        entries.append(TocEntry(2, "withheld", "Withheld information"))
    if decision.interests_declared:
        entries.append(TocEntry(2, "interests-declared", "Interests declared"))
    if publication.related.get(decision.reference) or decision.related_elsewhere:
        entries.append(TocEntry(2, "related", "Related decisions"))
    return tuple(entries)


def decision_structured_data(
    decision: Decision, publication: Publication, site_url: str
) -> dict[str, Any]:
    """schema.org has no Decision type: a Report, with a MonetaryGrant for the money."""
    publisher = publication.settings.publisher
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["CreativeWork", "Report"],
        "identifier": decision.reference,
        "reportNumber": decision.reference,
        "name": decision.title,
        "dateCreated": decision.date.isoformat(),
        "datePublished": decision.published.isoformat(),
        "description": render.plain_text(decision.summary),
        "author": {"@type": "Person", "jobTitle": decision.decision_maker},
        "publisher": {"@type": "GovernmentOrganization", "name": publisher.name},
        "inLanguage": "en-GB",
        "license": LICENCE_URL,
    }
    if site_url:
        data["url"] = absolute_url(site_url, decision.url)
    if publisher.url:
        data["publisher"]["url"] = publisher.url
    if decision.tags:
        data["keywords"] = ", ".join(decision.tags)
    if decision.amount is not None and not decision.is_income:
        grant: dict[str, Any] = {
            "@type": "MonetaryGrant",
            "amount": {
                "@type": "MonetaryAmount",
                "value": float(decision.amount),
                "currency": decision.currency,
            },
            "funder": {"@type": "GovernmentOrganization", "name": publisher.name},
        }
        if decision.recipients:
            grant["recipient"] = [
                {"@type": "Organization", "name": recipient.name}
                for recipient in decision.recipients
            ]
        data["funding"] = grant
    return data


def decision_page(
    decision: Decision, publication: Publication, docs_dir: str, site_url: str
) -> Page:
    sections = decision_sections(decision, publication)
    return Page(
        src_uri=decision.url + "index.md",
        title=f"{decision.reference}: {decision.title}",
        template="decision.html",
        # The sections the page shows, id to heading: a heading renders only with something
        # under it. The template places each section's content; the headings are made here only.
        context={
            "d": decision,
            "sections": {entry.id: entry.title for entry in sections},
            "key_recipients": decision.recipients[:KEY_FACTS_RECIPIENTS],
            "recipients_table": recipients_table(decision),
            "streams": publication.streams,
            "today": publication.today,
            "superseders": publication.superseded_by.get(decision.reference, []),
            "amenders": publication.amended_by.get(decision.reference, []),
            "earlier": publication.by_reference.get(decision.amends) if decision.amends else None,
            "older": publication.by_reference.get(decision.supersedes)
            if decision.supersedes
            else None,
            "related": publication.related.get(decision.reference, []),
        },
        in_nav=False,
        edit_uri=os.path.relpath(decision.source, docs_dir).replace(os.sep, "/"),
        description=lambda: render.plain_text(decision.summary)[:300],
        toc=sections,
        structured_data=lambda: decision_structured_data(decision, publication, site_url),
    )


def _funding_page(table: FundingTable, publication: Publication) -> Page:
    return Page(
        src_uri=table.url + "index.md",
        title=table.title,
        template="funding-table.html",
        context={
            "table": table,
            "spend": publication.spend,
            "chart": lambda: charts.funding_chart(table),
        },
        description=render.plain_text(table.description)[:300],
        toc=(
            TocEntry(2, "allocations", "Allocations"),
            TocEntry(2, "decisions-by-stream", "Decisions charged to each stream"),
        ),
    )


def register_pages(
    publication: Publication,
    registers: Registers,
    specified: SpecifiedInformation | None,
    docs_dir: str,
) -> list[Page]:
    """The registers the Specified Information Order asks for, and the map of where each item is
    met."""
    pages = [
        Page(
            "registers/index.md",
            "Registers",
            "register-index.html",
            context={
                "registers": [(register, register.summary(registers)) for register in REGISTERS],
            },
            description="Registers of contracts, grants and decisions of significant public "
            "interest, made from the decision records.",
        )
    ]
    pages.extend(
        Page(
            register.src_uri,
            register.title,
            register.template,
            context={"csv_path": register.csv_path, **register.values(publication, registers)},
            description=register.description,
        )
        for register in REGISTERS
    )
    if specified is not None:
        pages.append(
            Page(
                "transparency/specified-information/index.md",
                "Specified information",
                "specified-information.html",
                context={
                    "info": specified,
                    "groups": [
                        (
                            group,
                            [(item, statutory.where_met(item, registers)) for item in group.items],
                        )
                        for group in specified.groups
                    ],
                },
                edit_uri=os.path.relpath(specified.source, docs_dir).replace(os.sep, "/"),
                toc=tuple(
                    TocEntry(2, f"group-{i + 1}", g.title) for i, g in enumerate(specified.groups)
                ),
                description="Where the office publishes each item of information the law requires "
                "of a Police and Crime Commissioner.",
            )
        )
    return pages


def open_data_page(publication: Publication, registers: Registers, site_url: str) -> Page:
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
    settings = publication.settings
    return Page(
        "open-data.md",
        "Open data",
        "open-data.html",
        context={
            "publisher": settings.publisher,
            "decision_count": len(publication.decisions),
            "feed_size": settings.feed_size,
            "dictionary": dictionary.decision_dictionary(),
            "funding_columns": dictionary.funding_columns(),
            "left_out": threesixtygiving.grants_left_out(registers.grants),
            "grant_count": len(threesixtygiving.awarded(registers.grants)),
            "contract_count": len(ocds.contract_awards(publication)),
            "decisions_csv": decisions.DECISIONS_CSV,
            "decisions_json": decisions.DECISIONS_JSON,
            "funding_csv": funding.FUNDING_CSV,
            "grants_360giving": threesixtygiving.GRANTS_360,
            "ocds": ocds.OCDS,
            "register_downloads": [register for register in REGISTERS if register.csv],
            "feed": feeds.FEED,
            "category_feeds": [(c, feeds.category_feed(c)) for c in publication.categories],
            "schema_files": [(name, schemas.schema_file(name)) for name in schemas.SCHEMAS],
            "schema_addresses": {
                name: absolute_url(site_url, schemas.schema_file(name)) for name in schemas.SCHEMAS
            },
            "record_json_example": absolute_url(
                site_url, publication.decisions[0].url + decisions.RECORD_JSON
            )
            if publication.decisions
            else "decisions/<year>/<reference>/record.json",
            "envelope_keys": envelope.ENVELOPE_KEYS,
            "grant_keys": threesixtygiving.GRANT_KEYS,
            "ocds_keys": ocds.OCDS_KEYS,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "schema_version": envelope.SCHEMA_VERSION,
        },
        description="Every published decision and funding table as open data: CSV, JSON, Atom, "
        "360Giving and Open Contracting, under the Open Government Licence.",
        toc=tuple(TocEntry(2, anchor, title) for anchor, title in sections),
    )


def site_pages(
    publication: Publication,
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
            context={
                "publisher_name": publication.settings.publisher.name,
                "latest": publication.latest(),
                "years": [(year, len(publication.in_year(year))) for year in publication.years],
                "categories": [
                    (category, len(publication.in_category(category)))
                    for category in publication.categories
                ],
            },
            description="The latest decisions, and every decision by year and by category.",
        ),
    ]
    for year in publication.years:
        pages.append(
            Page(
                f"decisions/{year}/index.md",
                f"Decisions made in {year}",
                "decisions-list.html",
                context={
                    "decisions": publication.in_year(year),
                    "heading": f"Decisions made in {year}",
                    "year": year,
                    "category": None,
                },
            )
        )
    for category in publication.categories:
        pages.append(
            Page(
                f"decisions/category/{category}/index.md",
                f"{render.label(category)} decisions",
                "decisions-list.html",
                in_nav=False,
                context={
                    "decisions": publication.in_category(category),
                    "heading": f"{render.label(category)} decisions",
                    "year": None,
                    "category": category,
                },
            )
        )
    if decision_pages:
        pages.extend(
            decision_page(decision, publication, docs_dir, site_url)
            for decision in publication.decisions
        )
    pages.append(
        Page(
            "funding/index.md",
            "Funding",
            "funding-index.html",
            context={
                "publisher_name": publication.settings.publisher.name,
                "funding_tables": publication.funding_tables,
                "income": publication.income(),
            },
            description="The funding streams the office commissions from, by financial year.",
        )
    )
    pages.extend(_funding_page(t, publication) for t in publication.funding_tables)
    pages.append(
        Page(
            "toolkit/index.md",
            "Commissioning toolkit",
            "toolkit-index.html",
            context={
                "publisher_name": publication.settings.publisher.name,
                "stages": [
                    (stage, [doc for doc in publication.toolkit if doc.stage == stage])
                    for stage in STAGES
                ],
                "general": [doc for doc in publication.toolkit if doc.stage is None],
                "stage_titles": STAGE_TITLES,
                "stage_summaries": STAGE_SUMMARIES,
            },
            description="How the office commissions services: the four stages of the commissioning "
            "cycle.",
        )
    )
    pages.extend(register_pages(publication, registers, specified, docs_dir))
    pages.append(open_data_page(publication, registers, site_url))
    return pages


def _group(title: str, pages: list[str]) -> str | dict[str, list[str]]:
    """A menu group; a group of one page is a link straight to it, under the page's own title
    (a title given here would rename the page), not a group to open."""
    return pages[0] if len(pages) == 1 else {title: pages}


def nav_children(publication: Publication, section_index: str) -> list[Any] | None:
    """MkDocs nav entries under a section whose index page the plugin generates."""
    if section_index == "decisions/index.md":
        return [section_index] + [{str(y): f"decisions/{y}/index.md"} for y in publication.years]
    if section_index == "registers/index.md":
        return [section_index] + [register.src_uri for register in REGISTERS]
    if section_index == "funding/index.md":
        return [section_index] + [{t.title: t.url + "index.md"} for t in publication.funding_tables]
    if section_index == "toolkit/index.md":
        entries: list[Any] = [section_index]
        for stage in STAGES:
            docs = [t.src_uri for t in publication.toolkit if t.stage == stage]
            if docs:
                entries.append(_group(STAGE_TITLES[stage], docs))
        general = [t.src_uri for t in publication.toolkit if t.stage is None]
        if general:
            entries.append(_group("Across the cycle", general))
        return entries
    return None


def head_json(page: Page) -> str:
    if page.structured_data is None:
        return ""
    return str(render.json_for_script(page.structured_data()))
