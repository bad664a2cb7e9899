"""The publication guard: the last check that nothing withheld reached any file of a built site.

Templates and exports already leave withheld content out; this module does not trust them. It
reads every built file as the public could (gzip undone, tags, entities and JSON escapes
removed) and looks for the words of every withheld text. Both sides are reduced to the same
stream of case-folded words, so a paragraph that Markdown rewrapped, escaped or emphasised
still matches its source. Long texts are matched by every run of WINDOW consecutive words,
so a leak of part of a text is caught too, while a few common words shared with public pages
are not taken for one.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import re
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .publication import Publication
from .render import markdown_to_html

# Eight words in the same order are specific enough that they come from the withheld text,
# and short enough to catch a single sentence copied out of it.
WINDOW = 8
# A title of fewer words ("Victim services") is too common to stand for its record: the
# record's reference still does.
TITLE_WORDS = 3

_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[!/?]?[a-zA-Z][^<>]*>|<!--.*?-->", re.S)
_ATTRIBUTE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\[nrtbf]|\\([\"\\/])")
# Between the text of a page and the values of its attributes, so no match spans the two.
_BREAK = "\x00"


@dataclass(frozen=True)
class Secret:
    """One withheld text, described for the person who has to find and fix the leak."""

    what: str  # "the exempt content 'Bank details' of WYPCC-2020-001"
    source: str  # the file it is kept in
    words: tuple[str, ...] = ()
    # A file that is not text (a spreadsheet, a PDF) is looked for as itself, byte for byte.
    digest: str = ""


@dataclass(frozen=True)
class Leak:
    file: str  # path inside the built site
    secret: Secret

    def message(self) -> str:
        return f"contains {self.secret.what} (kept in {self.secret.source}): it must not be published"


def words(text: str) -> list[str]:
    """Case-folded words of a text, with every kind of punctuation and markup dropped."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WORD.findall(text.casefold())


def _json_unescape(match: re.Match) -> str:
    if match.group(1):
        return chr(int(match.group(1), 16))
    return match.group(2) or " "


def _without_markup(text: str) -> str:
    text = html.unescape(_TAG.sub(" ", text))
    # A feed or a JSON file may carry HTML that was itself escaped once.
    return html.unescape(_TAG.sub(" ", text)) if "<" in text else text


def public_words(raw: bytes) -> list[str]:
    """The words a reader (or a search engine) can get from one built file."""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error):
            pass  # not gzip after all: read the bytes as they are
    text = _JSON_ESCAPE.sub(_json_unescape, raw.decode("utf-8", errors="replace"))
    attributes = " ".join(a or b for a, b in _ATTRIBUTE.findall(text))
    return words(_without_markup(text)) + [_BREAK] + words(_without_markup(attributes))


def _variants(text: str) -> list[tuple[str, ...]]:
    """The words of a Markdown text as written and as rendered: escapes, links and entities differ."""
    rendered = _without_markup(str(markdown_to_html(text)))
    return list(dict.fromkeys(t for t in (tuple(words(text)), tuple(words(rendered))) if t))


def _needles(text: str, minimum: int = 1) -> Iterator[tuple[str, ...]]:
    """What to look for: the whole text when short, else every run of WINDOW words."""
    for variant in _variants(text):
        if len(variant) < minimum:
            continue
        if len(variant) <= WINDOW:
            yield variant
        else:
            yield from (variant[i : i + WINDOW] for i in range(len(variant) - WINDOW + 1))


def _secrets_of(what: str, source: str, text: str, minimum: int = 1) -> Iterator[Secret]:
    for needle in dict.fromkeys(_needles(text, minimum)):
        yield Secret(what, source, needle)


def secrets(publication: Publication, relative: Callable[[Path], str] = str) -> list[Secret]:
    """Everything the guard looks for, from the same Withheld the site was made without.

    `relative` turns a source path into the form reported to staff.
    """
    withheld = publication.withheld
    decisions = {d.reference: d for d in publication.decisions + withheld.embargoed}
    found: list[Secret] = []
    for reference, content in withheld.exempt:
        decision = decisions[reference]
        title = next(part.title for part in decision.exempt if part.content == content)
        found += _secrets_of(f"the exempt content '{title}' of {reference}", relative(decision.source), content)
    for decision in withheld.embargoed:
        where = relative(decision.source)
        until = f"embargoed until {decision.published}"
        found += _secrets_of(f"the reference of {decision.reference}, {until}", where, decision.reference)
        found += _secrets_of(f"the title of {decision.reference}, {until}", where, decision.title, TITLE_WORDS)
        found += _secrets_of(f"the summary of {decision.reference}, {until}", where, decision.summary, TITLE_WORDS)
    for decision, name, text in withheld.whole:
        found += _secrets_of(f"the {name} of {decision.reference}, withheld as a whole", relative(decision.source), text, TITLE_WORDS)
    # Internal documents are often written from the same template as public ones: words they
    # share with a published toolkit document are public already, and are not looked for.
    published = {needle for document in publication.toolkit for needle in _needles(document.body)}
    for document in withheld.internal:
        where = relative(document.source)
        found += _secrets_of(f"the title of the internal document '{document.title}'", where, document.title, TITLE_WORDS)
        what = f"the text of the internal document '{document.title}'"
        found += [secret for secret in _secrets_of(what, where, document.body) if secret.words not in published]
        for name in document.attachments:
            attachment = document.source.parent / name
            data = attachment.read_bytes() if attachment.is_file() else b""
            what = f"the attachment '{name}' of the internal document '{document.title}'"
            if b"\0" in data:
                found.append(Secret(what, where, digest=hashlib.sha256(data).hexdigest()))
            else:
                found += _secrets_of(what, where, data.decode("utf-8", errors="replace"))
    return found


class Guard:
    """Looks for many secrets in many files, doing as little as it can per file.

    Each secret is filed under its longest word, its anchor: long words are rare, so for most
    files few anchors are present at all, and only where an anchor and every other word of
    its secret are present are the positions compared.
    """

    def __init__(self, secrets: Iterable[Secret]):
        # Records copied from one another share texts: each run of words is compared once.
        self._by_anchor: dict[str, dict[tuple[str, ...], list[Secret]]] = defaultdict(lambda: defaultdict(list))
        self._by_digest: dict[str, list[Secret]] = defaultdict(list)
        for secret in secrets:
            if secret.digest:
                self._by_digest[secret.digest].append(secret)
            else:
                anchor = max(secret.words, key=len)
                self._by_anchor[anchor][secret.words].append(secret)

    def find(self, public: list[str], digest: str = "") -> list[Secret]:
        """The secrets in a file, given its words and (to find files withheld whole) its SHA-256."""
        present = set(public)
        found: dict[str, Secret] = {secret.what: secret for secret in self._by_digest.get(digest, ())}
        for anchor in self._by_anchor.keys() & present:
            candidates = [(needle, needle.index(anchor), secrets) for needle, secrets in self._by_anchor[anchor].items()
                          if present.issuperset(needle)]
            for position in _positions(public, anchor) if candidates else ():
                for needle, offset, secrets in candidates:
                    start = position - offset
                    if start >= 0 and tuple(public[start : start + len(needle)]) == needle:
                        found.update((secret.what, secret) for secret in secrets)
        return list(found.values())


def _positions(items: list[str], item: str) -> Iterator[int]:
    position = -1
    while True:
        try:
            position = items.index(item, position + 1)
        except ValueError:
            return
        yield position


def scan(site_dir: Path, secrets: Iterable[Secret]) -> list[Leak]:
    """Every withheld text found in any file of a built site, or in any file's path."""
    guard = Guard(secrets)
    leaks = []
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        name = path.relative_to(site_dir).as_posix()
        raw = path.read_bytes()
        public = words(name) + [_BREAK] + public_words(raw)
        leaks += [Leak(name, secret) for secret in guard.find(public, hashlib.sha256(raw).hexdigest())]
    return leaks
