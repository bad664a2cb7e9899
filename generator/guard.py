"""The publication guard: the last check that nothing withheld reached any file of a built site.

Templates and exports already leave withheld content out; this module does not trust them. It
reads every built file as the public could: gzip undone, JSON escapes undone, PDFs and office
documents opened, and each page read twice, once as a reader sees it (tags dropped, entities
decoded) and once as its source, comments, attributes and unknown tags included, since text a
browser hides is still published. Both sides are reduced to the same words (generator/textmatch),
so a paragraph that Markdown rewrapped, escaped, emphasised or salted with invisible characters
still matches its source. Long texts are matched by every run of WINDOW consecutive words, so a
leak of part of a text is caught too, while a few common words shared with public pages are not
taken for one; shorter texts are matched whole, and figures of four or more digits in exempt
content on their own.

It reads a site in one pass, each file in two stages. First the file is folded, in a few calls
that run in C, to its ASCII letters and digits alone (textmatch.folded): one Aho-Corasick
automaton of the keys of all withheld texts (textmatch.folded_key) rules out every file whose
folding holds none, which is nearly every file. Only a file it cannot rule out is reduced to
words (each distinct line once per build, since the navigation, header and footer of every page
are the same), and a second automaton of every withheld text's words finds all of them in it at
once. A leak is reported from that exact match alone; the first stage only spares the work of it
where a text cannot be (tests/test_guard.py holds this for any text). The cost grows with the
size of the site, not with the number of withheld texts times the files.

A text file larger than PART_BYTES is read a part at a time, cut at line breaks where no markup
is left open, each part matched with the last words of the one before it: its memory stays that
of one part however large the file (the open data files hold every decision, one to a line), and
tests/test_guard.py holds that the parts read, and leak, as the whole file does.
"""

from __future__ import annotations

import hashlib
import html
import multiprocessing
import os
import re
from collections import defaultdict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Mapping, Sequence

import ahocorasick

from . import filetext, forked
from .publication import Publication
from .render import markdown_to_html
from .textmatch import (
    FOLDED_MINIMUM,
    folded,
    folded_key,
    foldings,
    is_distinctive_figure,
    words,
)

# Eight words in the same order are specific enough that they come from the withheld text,
# and short enough to catch a single sentence copied out of it.
WINDOW = 8
# A title of fewer words ("Victim services") is too common to stand for its record: the
# record's reference still does.
TITLE_WORDS = 3

# Tags inside a line of text: a word split by one (ex<em>emp</em>t) reads as one word.
_INLINE_TAGS = (
    "a abbr b bdi bdo cite code data del dfn em i ins kbd mark q s samp small span strong sub sup "
    "time u var wbr"
).split()


def _any_case(names: Sequence[str]) -> str:
    """A pattern matching any of the names in any case, grouped by first letter: the regular
    expression engine then tries one group at each tag, and re.I, which keeps it from jumping
    straight to each "<", is not needed."""
    first: dict[str, list[str]] = defaultdict(list)
    for name in names:
        first[name[0]].append(name[1:])
    return "|".join(
        f"[{letter}{letter.upper()}]"
        + "(?:"
        + "|".join("".join(f"[{c}{c.upper()}]" for c in rest) for rest in rests)
        + ")"
        for letter, rests in first.items()
    )


_INLINE_TAG = re.compile(rf"</?(?:{_any_case(_INLINE_TAGS)})(?:\s[^<>]*)?/?>")
_TAG = re.compile(r"<[!/?]?[a-zA-Z][^<>]*>|<!--.*?-->", re.S)
# The characters after "<" that start one of those tags or comments (_INLINE_TAG's are among them).
_TAG_STARTS = frozenset("!/?abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\[nrtbf]|\\([\"\\/])")
# Between the text of a page and the values of its attributes, so no match spans the two.
_BREAK = "\x00"
# Distinct lines whose words are kept for the rest of the scan: a site's repeated lines (its
# navigation, header and footer) are far fewer; past this many, or this many characters, the kept
# lines are dropped and collected again, so memory stays bounded however large the site.
KEPT_LINES = 1 << 17
KEPT_CHARACTERS = 1 << 24
# A text file larger than this is read a part at a time, each part of about this many bytes and
# cut at a line break, so the guard's memory does not grow with the largest file (decisions.json
# holds every decision: 32 MB at 10,000, and reading a file takes about nine times its size).
PART_BYTES = 1 << 22
# A part whose markup stays open is read again with the next; past this many characters, whole.
CARRIED_CHARACTERS = 4 * PART_BYTES


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
        return (
            f"contains {self.secret.what} (kept in {self.secret.source}): it must not be published"
        )


def _json_unescape(match: re.Match[str]) -> str:
    if match.group(1):
        return chr(int(match.group(1), 16))
    return match.group(2) or " "


def reader_text(text: str) -> str:
    """What a reader sees of HTML: tags dropped, entities decoded, and once more for HTML that
    was itself escaped (a feed's content, a JSON string)."""
    return _shown(text)[0]


def _shown(text: str) -> tuple[str, bool]:
    """reader_text(text), and whether the text leaves no tag or comment open at any step of it:
    only then is the reading of a file cut after this text the reading of the whole file, cut."""
    closed = True
    for _ in range(2):
        if "<" not in text and "&" not in text:
            break
        joined = _INLINE_TAG.sub("", text)
        closed = closed and _closed(text) and _closed(joined)
        text = html.unescape(_TAG.sub(" ", joined))
    return text, closed


def _closed(text: str) -> bool:
    """Whether no tag or comment of a text could run on into text after it: a tag is "<" and
    one of _TAG_STARTS, then more up to ">" with neither "<" nor ">" in between; a comment
    "<!--" up to "-->". A "<" that starts no tag ("amounts < £10,000") leaves nothing open."""
    tag = text.rfind("<")
    while tag >= 0 and text[tag + 1 : tag + 2] not in _TAG_STARTS:
        tag = text.rfind("<", 0, tag)
    comment = text.rfind("<!--")
    return (tag < 0 or text.find(">", tag) >= 0) and (
        comment < 0 or text.find("-->", comment + 4) >= 0
    )


def spelt(words: Iterable[str]) -> str:
    """Words as the guard matches them: one string, a space either side of every word, so a
    withheld text is found only as whole words in the same order."""
    return " " + " ".join(words) + " "


class _Lines:
    """The words of a file's lines, each distinct line reduced to words once."""

    def __init__(self) -> None:
        self.kept: dict[str, str] = {}
        self.characters = 0

    def words(self, text: str) -> str:
        """words(text), space-separated: no word spans a line break, so a line at a time."""
        lines = text.split("\n")
        kept = self.kept
        for line in set(lines).difference(kept):
            kept[line] = " ".join(words(line))
            self.characters += len(line)
        found = " ".join(filter(None, map(kept.__getitem__, lines)))
        if len(kept) > KEPT_LINES or self.characters > KEPT_CHARACTERS:
            kept.clear()
            self.characters = 0
        return found


def readings(raw: bytes) -> list[str]:
    """The text of one built file as the public can read it: for markup, as a reader sees it and
    as written (comments, attribute values and tag-like text kept); none for a file whose text
    cannot be read."""
    text = filetext.extract(raw)
    return [] if text is None else _readings(text)[0]


def _readings(text: str) -> tuple[list[str], bool]:
    """readings() of a file's text, and whether it leaves no markup open (_shown)."""
    text = _JSON_ESCAPE.sub(_json_unescape, text)
    shown, closed = _shown(text)
    if shown == text:  # no markup: the source is what a reader sees
        return [text], closed
    return [shown, html.unescape(text)], closed


class _NotInParts(Exception):
    """A file read a part at a time turned out not to be UTF-8 text, or not to be cut where no
    markup is open: it is read whole."""


def _pieces(file: BinaryIO) -> Iterator[bytes]:
    """A file's bytes, about PART_BYTES at a time, each piece ending at a line break (the last at
    the file's end). A line break's byte is never part of another UTF-8 character."""
    held: list[bytes] = []
    while block := file.read(PART_BYTES):
        cut = block.rfind(b"\n") + 1
        if cut:
            yield b"".join([*held, block[:cut]])
            held = [block[cut:]]
        else:
            held.append(block)
    if rest := b"".join(held):
        yield rest


def _file_readings(
    path: Path, digest: hashlib._Hash | None, *, whole: bool = False
) -> Iterator[list[str]]:
    """The readings of a file (readings()): of a text file larger than PART_BYTES, a part at a
    time, each ending at a line break where no markup is left open, so that each part's readings
    are the whole file's, cut there. Every byte read goes into digest (a hashlib object), if any.
    Raises _NotInParts when a file read in parts is not UTF-8 text after all, or cannot be cut."""
    with path.open("rb") as file:
        if (
            whole
            or os.fstat(file.fileno()).st_size <= PART_BYTES
            or not filetext.may_be_utf8(file.read(8))
        ):
            file.seek(0)
            raw = file.read()
            if digest is not None:
                digest.update(raw)
            yield readings(raw)
            return
        file.seek(0)
        carry = ""
        for piece in _pieces(file):
            if digest is not None:
                digest.update(piece)
            try:
                text = carry + piece.decode("utf-8")
            except UnicodeDecodeError:
                raise _NotInParts from None
            if "\0" in text:  # UTF-16 or UTF-32 text without a byte order mark
                raise _NotInParts
            texts, closed = _readings(text)
            if closed:
                yield texts
            elif len(text) > CARRIED_CHARACTERS:
                # Markup left open for ever ("see <b" and no ">" after it): cutting the file
                # would read it again and again as it grows, so it is read whole.
                raise _NotInParts
            carry = "" if closed else text
        if carry:
            yield _readings(carry)[0]


def _tail(text: str, count: int) -> str:
    """The last lines of a text that hold at least `count` of its words (all of it if fewer):
    a run of count + 1 words that goes on into the text after it begins in them."""
    start = len(text)
    held = 0
    while held < count and start > 0:
        line = text.rfind("\n", 0, start - 1) + 1
        held += len(words(text[line:start]))
        start = line
    return text[start:]


def public_words(raw: bytes, lines: _Lines | None = None) -> str:
    """The words a reader (or a search engine, or anyone reading the source) can get from one
    built file, space-separated; empty for a file whose text cannot be read."""
    return _words(readings(raw), lines or _Lines())


def _words(texts: Iterable[str], lines: _Lines) -> str:
    return f" {_BREAK} ".join(lines.words(text) for text in texts)


def _variants(text: str) -> list[tuple[str, ...]]:
    """The words of a Markdown text as written and as rendered: escapes, links and entities
    differ."""
    rendered = reader_text(str(markdown_to_html(text)))
    return list(dict.fromkeys(t for t in (tuple(words(text)), tuple(words(rendered))) if t))


def _windows(
    variant: tuple[str, ...], shared: Sequence[tuple[str, ...]] = ()
) -> Iterator[tuple[str, ...]]:
    """The whole text when short, else every run of WINDOW words; none that lies wholly inside
    the passages a document declares it shares with published ones."""
    covered = [False] * len(variant)
    for passage in shared:
        for start in range(len(variant) - len(passage) + 1):
            if variant[start : start + len(passage)] == passage:
                covered[start : start + len(passage)] = [True] * len(passage)
    size = min(WINDOW, len(variant))
    for start in range(len(variant) - size + 1):
        if not all(covered[start : start + size]):
            yield variant[start : start + size]


def _needles(text: str, minimum: int = 1, shared: Sequence[str] = ()) -> Iterator[tuple[str, ...]]:
    """What to look for: the whole text when short, else every run of WINDOW words."""
    passages = [tuple(words(passage)) for passage in shared]
    for variant in _variants(text):
        if len(variant) >= minimum:
            yield from _windows(variant, [p for p in passages if p])


def _secrets_of(
    what: str, source: str, text: str, minimum: int = 1, shared: Sequence[str] = ()
) -> Iterator[Secret]:
    for needle in dict.fromkeys(_needles(text, minimum, shared)):
        yield Secret(what, source, needle)


def _figures(what: str, source: str, text: str) -> Iterator[Secret]:
    """Prices, sums and account numbers of a withheld text, each matched on its own."""
    for figure in dict.fromkeys(w for w in words(text) if is_distinctive_figure(w)):
        yield Secret(f"the figure {figure} from {what}", source, (figure,))


def _file_secrets(what: str, source: str, path: Path) -> Iterator[Secret]:
    """A withheld file, looked for as itself and, where it carries text, by its words."""
    try:
        data = path.read_bytes()
    except OSError:
        return
    yield Secret(what, source, digest=hashlib.sha256(data).hexdigest())
    text = filetext.extract(data)
    if text:
        # As a reader sees it: an SVG's or a web page's markup is in every page of the site.
        yield from _secrets_of(what, source, reader_text(text), TITLE_WORDS)


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
        what, where = f"the exempt content '{title}' of {reference}", relative(decision.source)
        found += _secrets_of(what, where, content)
        found += _figures(what, where, content)
    for decision in withheld.embargoed:
        where = relative(decision.source)
        until = f"embargoed until {decision.published}"
        found += _secrets_of(
            f"the reference of {decision.reference}, {until}", where, decision.reference
        )
        found += _secrets_of(
            f"the title of {decision.reference}, {until}", where, decision.title, TITLE_WORDS
        )
        found += _secrets_of(
            f"the summary of {decision.reference}, {until}", where, decision.summary, TITLE_WORDS
        )
    for decision, name, text in withheld.whole:
        found += _secrets_of(
            f"the {name} of {decision.reference}, withheld as a whole",
            relative(decision.source),
            text,
            TITLE_WORDS,
        )
    # Text copied from an internal document into a public one is a leak like any other, unless
    # staff declared the passage as shared (shared_text, checked by validation).
    for document in withheld.internal:
        where = relative(document.source)
        found += _secrets_of(
            f"the title of the internal document '{document.title}'",
            where,
            document.title,
            TITLE_WORDS,
        )
        found += _secrets_of(
            f"the text of the internal document '{document.title}'",
            where,
            document.body,
            shared=document.shared_text,
        )
    for uri, (path, why) in withheld.files.items():
        found += _file_secrets(f"the withheld file '{uri}', {why}", relative(path), path)
    return found


class Guard:
    """Looks for every secret in a file in one pass over its words.

    The words of each secret, spelt as the file's are, are the keys of one Aho-Corasick
    automaton, so a file is read once whatever the number of secrets; files withheld whole are
    found by their SHA-256. Before that, the secrets' folded keys rule out the files that cannot
    hold any of them (may_hold).
    """

    def __init__(self, secrets: Iterable[Secret]):
        # Records copied from one another share texts: each run of words is a key once.
        by_words: dict[str, list[Secret]] = defaultdict(list)
        self._by_digest: dict[str, list[Secret]] = defaultdict(list)
        keys: dict[bool, set[str]] = {False: set(), True: set()}
        for secret in secrets:
            if secret.digest:
                self._by_digest[secret.digest].append(secret)
            else:
                by_words[spelt(secret.words)].append(secret)
                key, figure = folded_key(secret.words)
                keys[figure].add(key)
        self._automaton = _automaton(by_words)
        # The most words a secret has: a file read in parts is matched across each cut by
        # carrying this many words less one into the next part.
        self.longest = max((len(key.split()) for key in by_words), default=0)
        # A key too short to rule out anything (a text in a script other than Latin folds to
        # nothing) leaves every file to be read word by word.
        self._read_all = any(len(key) < FOLDED_MINIMUM for key in keys[False] | keys[True])
        self._folded = _automaton(dict.fromkeys(keys[False], True))
        self._figures = _automaton(dict.fromkeys(keys[True], True))

    @property
    def by_digest(self) -> bool:
        """Whether there are files withheld whole, found only by a file's SHA-256."""
        return bool(self._by_digest)

    def may_hold(self, texts: Iterable[str]) -> bool:
        """Whether these texts (a file's name and readings) may hold a secret's words: False only
        when none of them can."""
        if self._automaton is None:
            return False
        if self._read_all:
            return True
        for text in texts:
            # The spaced folding only serves figures withheld on their own.
            joined, spaced = foldings(text) if self._figures is not None else (folded(text), "")
            for automaton, folding in ((self._folded, joined), (self._figures, spaced)):
                if automaton is not None and next(automaton.iter(folding), None) is not None:
                    return True
        return False

    def find(self, public: str) -> list[Secret]:
        """The secrets in a file, given its words as spelt()."""
        found: dict[str, Secret] = {}
        if self._automaton is not None:
            for _, secrets in self._automaton.iter(public):
                found.update((secret.what, secret) for secret in secrets)
        return list(found.values())

    def withheld_whole(self, digest: str) -> list[Secret]:
        """The files withheld whole that a file with this SHA-256 is."""
        return list(self._by_digest.get(digest, ()))


def _automaton(keys: Mapping[str, Any]) -> ahocorasick.Automaton | None:
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, value in keys.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


@dataclass
class Scan:
    leaks: list[Leak] = field(default_factory=list)
    # Attached files whose text the guard cannot read (an image, an encrypted PDF): named, not
    # passed.
    unread: list[str] = field(default_factory=list)


def joined(*scans: Scan) -> Scan:
    """The scans of parts of a site as one scan of it, in the order of the files' paths."""
    return Scan(
        leaks=sorted(
            (leak for scan in scans for leak in scan.leaks), key=lambda leak: _order(leak.file)
        ),
        unread=sorted((name for scan in scans for name in scan.unread), key=_order),
    )


def scan(site_dir: Path, secrets: Iterable[Secret], attached: Iterable[str] = ()) -> Scan:
    """Every withheld text found in any file of a built site, or in any file's path.

    `attached` are the files (inside the site) copied from staff's sources: those whose text
    cannot be read are listed in the result.
    """
    return _scan(site_dir, files(site_dir), list(secrets), set(attached))


class Scanning:
    """scan(), split between one process per core while this one goes on: the build checks
    links meanwhile. result() waits for every part.

    Each part is a share of the files, taken in turn so that every part has its share of pages
    and of data; each keeps its own lines already reduced to words.
    """

    def __init__(
        self,
        site_dir: Path,
        secrets: Iterable[Secret],
        attached: Iterable[str] = (),
        *,
        names: list[str] | None = None,
        processes: int | None = None,
        giving_way: bool = False,
    ):
        """The files named (all the site's by default); with giving_way, the processes yield
        the cores to others (Pagefind finishing the search index) until these are done."""
        names = files(site_dir) if names is None else names
        secrets, attached = list(secrets), set(attached)
        self._work = (site_dir, names, secrets, attached)
        processes = processes or forked.cores()
        self._pool: ProcessPoolExecutor | None = None
        self._parts: list[Future[Scan]] = []
        if processes > 1 and len(names) > processes:
            try:
                # fork: the parts start at once, sharing what this process has loaded.
                self._pool = ProcessPoolExecutor(
                    processes,
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=_started,
                    initargs=(os.getpid(), giving_way),
                )
            except (OSError, NotImplementedError):  # no semaphores here: one process does it all
                self._pool = None
        if self._pool is not None:
            self._parts = [
                self._pool.submit(_scan, site_dir, names[part::processes], secrets, attached)
                for part in range(processes)
            ]

    def result(self) -> Scan:
        if self._pool is None:
            return _scan(*self._work)
        try:
            parts = [part.result() for part in self._parts]
        except BrokenProcessPool:  # a part's process died (killed, out of memory): all here
            return _scan(*self._work)
        # In the files' order, as one process gives them; a file's leaks all come from one part.
        order = {name: number for number, name in enumerate(self._work[1])}
        return Scan(
            leaks=sorted(
                (leak for part in parts for leak in part.leaks), key=lambda leak: order[leak.file]
            ),
            unread=sorted((name for part in parts for name in part.unread), key=order.__getitem__),
        )

    def __enter__(self) -> Scanning:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def _started(parent: int, giving_way: bool) -> None:
    forked.end_with(parent)
    if giving_way:
        os.nice(19)


def files(site_dir: Path, *, within: str | None = None, leaving: str | None = None) -> list[str]:
    """The site's files, in the order of their paths' parts: those in the folder `within` alone,
    or all but those in the folder `leaving` (one still being written)."""
    tops = [site_dir / within] if within else [p for p in site_dir.iterdir() if p.name != leaving]
    paths = sorted(
        path
        for top in tops
        for path in (top.rglob("*") if top.is_dir() else [top])
        if path.is_file()
    )
    return [path.relative_to(site_dir).as_posix() for path in paths]


def _order(name: str) -> list[str]:
    # As paths sort: by their parts.
    return name.split("/")


def _scan(site_dir: Path, names: list[str], secrets: list[Secret], attached: set[str]) -> Scan:
    guard = Guard(secrets)
    lines = _Lines()
    result = Scan()
    for name in names:
        path = site_dir / name
        try:
            found, read = _look(guard, lines, name, path, attached=name in attached)
        except _NotInParts:
            found, read = _look(guard, lines, name, path, attached=name in attached, whole=True)
        if not read:
            result.unread.append(name)
        result.leaks += [Leak(name, secret) for secret in found]
    return result


def _look(
    guard: Guard, lines: _Lines, name: str, path: Path, *, attached: bool, whole: bool = False
) -> tuple[list[Secret], bool]:
    """The secrets in one file, and (for a file attached from staff's sources) whether its text
    could be read: an empty file counts as read.

    A file read in parts is matched as if whole: each part's readings begin with the last lines
    of the part before them that hold the words a secret could start with, so a secret cut in
    two is found too.
    """
    digest = hashlib.sha256() if guard.by_digest else None
    found: dict[str, Secret] = {}
    read = not attached or path.stat().st_size == 0
    before: list[str] = []
    for texts in _file_readings(path, digest, whole=whole):
        if before:
            if len(texts) == 1:
                texts = texts * 2
            if len(before) == 1:
                before = before * 2
            tails = [_tail(text, guard.longest - 1) for text in before]
            texts = list(dict.fromkeys(tail + text for tail, text in zip(tails, texts)))
        if not read:
            read = bool(_words(texts, lines))
        if guard.may_hold([name, *texts]):
            public = spelt([*words(name), _BREAK, _words(texts, lines)])
            found.update((secret.what, secret) for secret in guard.find(public))
        before = texts
    if digest is not None:
        found = {s.what: s for s in guard.withheld_whole(digest.hexdigest())} | found
    return list(found.values()), read
