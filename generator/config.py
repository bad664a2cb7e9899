"""Options of the `transparency` plugin in mkdocs.yml, with their types and defaults.

The defaults come from generator.settings.Settings, the plain value the core reads, so the
two cannot disagree.
"""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .settings import Publisher, Settings

_DEFAULT = Settings()
_PUBLISHER = Publisher()


class PublisherConfig(Config):
    # The office that publishes the site: named here, never in code.
    name = c.Type(str, default=_PUBLISHER.name)
    # org-id.guide identifier of the office, used as funder and buyer in the open data.
    org_id = c.Type(str, default=_PUBLISHER.org_id)
    url = c.Type(str, default=_PUBLISHER.url)


class TransparencyConfig(Config):
    publisher = c.SubConfig(PublisherConfig)
    # Folders, relative to mkdocs.yml.
    decisions_dir = c.Type(str, default=_DEFAULT.decisions_dir)
    funding_dir = c.Type(str, default=_DEFAULT.funding_dir)
    toolkit_dir = c.Type(str, default=_DEFAULT.toolkit_dir)
    specified_information = c.Type(str, default=_DEFAULT.specified_information)
    files_dir = c.Type(str, default=_DEFAULT.files_dir)
    categories = c.ListOfItems(c.Type(str), default=list(_DEFAULT.categories))
    # Prefix of new references (`transparency new decision`), e.g. WYPCC.
    reference_prefix = c.Type(str, default=_DEFAULT.reference_prefix)
    # A regular expression every reference must match, e.g. ^WYPCC-[0-9]{4}-[0-9]{3}$; empty: any reference.
    reference_pattern = c.Type(str, default=_DEFAULT.reference_pattern)
    # How new references are written, e.g. PCD {number}; {prefix}, {year} and {number} are filled in.
    reference_format = c.Type(str, default=_DEFAULT.reference_format)
    # The date embargoes are judged against; else SOURCE_DATE_EPOCH, else today.
    build_date = c.Optional(c.Type(str))
    latest = c.Type(int, default=_DEFAULT.latest)
    feed_size = c.Type(int, default=_DEFAULT.feed_size)
    grants_prefix = c.Type(str, default=_DEFAULT.grants_prefix)
    ocid_prefix = c.Type(str, default=_DEFAULT.ocid_prefix)
    contracts_threshold = c.Type((int, float), default=_DEFAULT.contracts_threshold)
    publication_days = c.Type(int, default=_DEFAULT.publication_days)
    search = c.Type(bool, default=_DEFAULT.search)
    # Show staff the gaps in the registers (e.g. a contract with no document); never for the public site.
    staff_build = c.Type(bool, default=_DEFAULT.staff_build)
