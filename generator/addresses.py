"""Addresses inside the site: where a page or document is published, and links between them.

Every address is a path from the site's root ("decisions/2021/x/"); a link in a page is made
relative to the page, so the site works under whatever sub-path it is published at, and an
open data file states full addresses when the site says where it is published (site_url).
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from .settings import Settings

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def page_url(src_uri: str) -> str:
    """Where MkDocs (with directory URLs) publishes a Markdown file."""
    if src_uri == "index.md" or src_uri.endswith("/index.md"):
        return src_uri.removesuffix("index.md")
    return src_uri.removesuffix(".md") + "/"


def served_address(src_uri: str) -> str:
    """The address MkDocs gives any file of the site, as its File.url: percent-quoted, a
    README.md serving as its folder's index, and the home page as './'."""
    if not src_uri.endswith(".md"):
        return quote(src_uri)
    folder, name = posixpath.split(src_uri)
    if name == "README.md":
        src_uri = posixpath.join(folder, "index.md")
    return quote(page_url(src_uri) or "./")


def page_url_of(built: str) -> str:
    """The address (inside the site) a built HTML file is served at: page_url's inverse."""
    return (
        built.removesuffix("index.html")
        if built == "index.html" or built.endswith("/index.html")
        else built
    )


def relative_url(target: str, page_url: str) -> str:
    """A link from the page at page_url (site-relative, like 'decisions/2020/x/') to target.

    Relative links keep working under whatever sub-path the site is published at.
    """
    path, _, fragment = target.partition("#")
    base = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url) + "/"
    rel = _relative_path(path, base)
    if path.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")


def _relative_path(path: str, base: str) -> str:
    """posixpath.relpath("/" + path, "/" + base), without its cost where neither has a "." or
    ".." part: a register links to thousands of pages."""
    to = [part for part in path.split("/") if part]
    start = [part for part in base.split("/") if part]
    if {".", ".."} & {*to, *start}:
        return posixpath.relpath("/" + path, "/" + base)
    shared = 0
    for a, b in zip(to, start):
        if a != b:
            break
        shared += 1
    return "/".join([".."] * (len(start) - shared) + to[shared:]) or "."


def absolute_url(site_url: str, path: str) -> str:
    """A path from the site's root as a full web address, when the site says where it is
    published."""
    return site_url.rstrip("/") + "/" + path if site_url else path


def documents_folder(settings: Settings) -> str:
    """The folder of the site the documents of decisions are published in: files_dir as staff
    name it ('decisions/files/'), so a document's address reads like where they put it. Parts
    that would climb out of the site ('..', a leading '/') are left out."""
    parts = [
        part
        for part in posixpath.normpath(settings.files_dir.replace("\\", "/")).split("/")
        if part not in ("", ".", "..")
    ]
    return "/".join(parts) + "/"


def document_path(settings: Settings, file_name: str) -> str:
    """Where one document of a decision (its `file`) is published."""
    return documents_folder(settings) + file_name
