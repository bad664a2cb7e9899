"""Atom feeds of the newest published decisions: one of all decisions, one per category."""

from __future__ import annotations

import datetime as dt
from functools import partial
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from .. import __version__, render
from ..addresses import LICENCE_NAME, LICENCE_URL, absolute_url
from ..model import Decision
from ..publication import Publication
from .decisions import RECORD_JSON
from .envelope import PACKAGE
from .export import Export
from .tabular import timestamp

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED = "feed.xml"


def category_feed(category: str) -> str:
    return f"decisions/category/{category}/{FEED}"


def _feed_order(decision: Decision) -> tuple[dt.date, dt.date, str]:
    return (decision.published, decision.date, decision.reference)


def _host(publication: Publication, site_url: str) -> str:
    return (
        urlsplit(site_url).hostname
        or urlsplit(publication.settings.publisher.url).hostname
        or "localhost"
    )


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def atom_feed(
    publication: Publication,
    site_url: str,
    decisions: list[Decision],
    path: str,
    page: str,
    title: str,
) -> bytes:
    """An Atom 1.0 feed of the newest published decisions, newest first.

    Entry ids are tag URIs made from the reference, so they stay the same when a record is
    corrected or the site's pages move.
    """
    settings = publication.settings
    entries = sorted(decisions, key=_feed_order, reverse=True)[: settings.feed_size]
    host = _host(publication, site_url)
    # The namespace as a plain attribute: ElementTree's default_namespace refuses the
    # unqualified attributes (rel, href) that Atom uses.
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: "en-GB"})
    _sub(
        feed,
        "id",
        absolute_url(site_url, path) if site_url else f"tag:{host},{publication.today.year}:{path}",
    )
    _sub(feed, "title", title)
    _sub(feed, "updated", timestamp(max((d.published for d in entries), default=publication.today)))
    _sub(_sub(feed, "author"), "name", settings.publisher.name)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=absolute_url(site_url, path))
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute_url(site_url, page))
    _sub(feed, "rights", f"{LICENCE_NAME}: {LICENCE_URL}")
    _sub(feed, "generator", PACKAGE, version=__version__)
    for decision in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"tag:{host},{decision.date.year}:{decision.reference}")
        _sub(entry, "title", f"{decision.reference}: {decision.title}")
        _sub(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=absolute_url(site_url, decision.url),
        )
        _sub(
            entry,
            "link",
            rel="alternate",
            type="application/json",
            href=absolute_url(site_url, decision.url + RECORD_JSON),
        )
        _sub(entry, "published", timestamp(decision.published))
        _sub(entry, "updated", timestamp(decision.published))
        _sub(_sub(entry, "author"), "name", decision.decision_maker)
        if decision.category:
            _sub(entry, "category", term=decision.category, label=render.label(decision.category))
        _sub(entry, "summary", render.plain_text(decision.summary), type="text")
    ET.indent(feed)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def feed_files(publication: Publication, site_url: str) -> list[Export]:
    """The feed of all decisions and one per category in use."""
    name = publication.settings.publisher.name
    feeds = [
        Export(
            FEED,
            partial(
                atom_feed,
                publication,
                site_url,
                publication.decisions,
                FEED,
                "decisions/",
                f"{name}: decisions",
            ),
        )
    ]
    feeds += [
        Export(
            category_feed(category),
            partial(
                atom_feed,
                publication,
                site_url,
                publication.in_category(category),
                category_feed(category),
                f"decisions/category/{category}/",
                f"{name}: {render.label(category).lower()} decisions",
            ),
        )
        for category in publication.categories
    ]
    return feeds
