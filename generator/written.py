"""What the generator adds to the pages staff write: a toolkit document's details (stage, owner,
review dates, downloads), the office's contacts, and the home page's lists of decisions,
funding and open data."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import escape

from . import render
from .addresses import page_url, relative_url
from .pages import STAGE_TITLES
from .publication import Publication


@dataclass(frozen=True)
class WrittenPage:
    """A written page's HTML as published, and the headings added to it for its contents list."""

    html: str
    # An h1 (id "title") holding the page's title, added to a toolkit document that has none.
    title_heading: bool = False
    # A "Contact the office" section (id "contact") added at the end.
    contact: bool = False


def complete(
    publication: Publication,
    src_uri: str,
    html: str,
    *,
    title: str,
    has_contents: bool,
    asks_for_contact: bool,
    is_homepage: bool,
) -> WrittenPage:
    """A written page's HTML (as Markdown made it) with what the generator adds to it.

    `has_contents` says whether the page's own headings make a contents list."""
    document = next((doc for doc in publication.toolkit if doc.src_uri == src_uri), None)
    if document is not None:
        details = render.render(
            "toolkit-meta.html",
            doc=document,
            today=publication.today,
            stage_title=STAGE_TITLES.get(document.stage or "", "Across the cycle"),
            link=lambda target: relative_url(target, page_url(src_uri)),
        )
        body = render.sanitise(html)
        # Material would print the title itself, without an id and out of the contents list,
        # and take its skip link from that list: such a page had no skip link.
        add_heading = "<h1" not in body and not has_contents
        heading = f'<h1 id="title">{escape(title)}</h1>' if add_heading else ""
        # The title first, then the document's details: after its own h1, if it has one.
        title_end = body.find("</h1>")
        end = title_end + len("</h1>") if title_end >= 0 and not add_heading else 0
        return WrittenPage(
            f'<div data-pagefind-body data-pagefind-filter="type:Toolkit">{heading}'
            f"{body[:end]}{details}{body[end:]}</div>",
            title_heading=add_heading,
        )
    if asks_for_contact:
        html += render.render("contact.html", office=publication.settings.publisher)
    if is_homepage:
        html += render.render(
            "home.html",
            latest=publication.latest(),
            funding_tables=publication.funding_tables,
            publication_days=publication.settings.publication_days,
            link=lambda target: relative_url(target, ""),
        )
    return WrittenPage(html, contact=asks_for_contact)
