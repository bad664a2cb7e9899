"""What every JSON file of the open data says about itself: the version of its shape, the
program that made it, the licence and the publisher."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..addresses import LICENCE_NAME, LICENCE_URL
from ..settings import Publisher

# The version of the shapes of the files. Later versions only add keys and columns.
SCHEMA_VERSION = "1.0"
# Which generator made a file, so a re-user can match it to the CHANGELOG.
PACKAGE = "opcc-transparency"
GENERATOR = {"name": PACKAGE, "version": __version__}
# The page that documents the files: their publication policy.
OPEN_DATA_PAGE = "open-data/"


def envelope(publisher: Publisher) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": GENERATOR,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "publisher": {"name": publisher.name, "org_id": publisher.org_id, "url": publisher.url},
    }


# What each key around the decisions means, for the Open data page. The tests check that every
# key the files hold is listed here.
ENVELOPE_KEYS = (
    ("schema_version", "Version of the shape of this file. Later versions only add keys."),
    ("generator.name", "The program that made this file: opcc-transparency."),
    ("generator.version", "Its version; its CHANGELOG says what changed in each."),
    ("licence.name", f"The licence of the data: {LICENCE_NAME}."),
    ("licence.url", "Web address of the licence."),
    ("publisher.name", "The office that publishes the data (publisher.name in mkdocs.yml)."),
    ("publisher.org_id", "Its org-id.guide identifier (publisher.org_id in mkdocs.yml)."),
    ("publisher.url", "Its website."),
    ("decisions", "In data/decisions.json: every published decision, newest first."),
    ("decision", "In each record.json: the one decision."),
)
