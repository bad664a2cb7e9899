"""The publication guard's matcher: every withheld text found in one pass over each file, as whole
words in order, however many texts there are (generator/guard.py)."""

from __future__ import annotations

import os

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from generator import guard, textmatch
from generator.textmatch import words


def secret(text: str) -> guard.Secret:
    return guard.Secret(f"the text '{text}'", "decisions/2024/X.yaml", tuple(words(text)))


def found(tmp_path, pages: dict[str, str], secrets: list[guard.Secret]) -> dict[str, list[str]]:
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    leaks: dict[str, list[str]] = {}
    for leak in guard.scan(tmp_path, secrets).leaks:
        leaks.setdefault(leak.file, []).append(leak.secret.what)
    return {name: sorted(whats) for name, whats in leaks.items()}


def test_a_withheld_text_is_found_as_whole_words_in_order_only(tmp_path):
    pages = {
        "inside-longer-words.html": "<p>The pretender evaluation scoresheet is public.</p>",
        "out-of-order.html": "<p>Evaluation tender scores.</p>",
        "whole-words.html": "<p>So the tender evaluation scores were kept.</p>",
        "across-lines-and-tags.html": (
            "<p>The tender</p>\n<p><em>evaluation</em> <!-- -->scores</p>"
        ),
    }
    leaks = found(tmp_path, pages, [secret("tender evaluation scores")])
    assert leaks == {
        "whole-words.html": ["the text 'tender evaluation scores'"],
        "across-lines-and-tags.html": ["the text 'tender evaluation scores'"],
    }


def test_every_one_of_many_withheld_texts_is_found_in_one_pass(tmp_path):
    secrets = [secret(f"account number {n} of the charity") for n in range(1000, 1600)]
    page = "<p>Account number 1007 of the charity.</p>\n<p>account number 1599 of the charity</p>"
    leaks = found(
        tmp_path, {"page.html": page, "clean.html": "<p>Account number 1601</p>"}, secrets
    )
    assert leaks == {
        "page.html": [
            "the text 'account number 1007 of the charity'",
            "the text 'account number 1599 of the charity'",
        ]
    }


def test_lines_kept_between_files_give_the_same_leaks_when_dropped(tmp_path, monkeypatch):
    """The words of lines shared by many files are kept for the scan, within a bound."""
    shared = "\n".join(f"<li>Menu entry {n}</li>" for n in range(20))
    pages = {
        f"page-{n}.html": f"{shared}\n<p>Page {n}</p>\n"
        + ("<p>the tender evaluation scores</p>" if n % 3 == 0 else "")
        for n in range(12)
    }
    kept = found(tmp_path, pages, [secret("tender evaluation scores")])
    monkeypatch.setattr(guard, "KEPT_LINES", 3)
    assert found(tmp_path, pages, [secret("tender evaluation scores")]) == kept
    assert sorted(kept) == [f"page-{n}.html" for n in (0, 3, 6, 9)]


@pytest.mark.parametrize("part_bytes", [guard.PART_BYTES, 4])
@pytest.mark.parametrize("digest_only", [True, False])
def test_a_file_withheld_whole_is_found_by_its_bytes(
    tmp_path, monkeypatch, digest_only, part_bytes
):
    import hashlib

    monkeypatch.setattr(guard, "PART_BYTES", part_bytes)
    data = b"\x89PNG not really an image"
    withheld = guard.Secret(
        "the withheld file 'x.png'", "content/x.png", digest=hashlib.sha256(data).hexdigest()
    )
    (tmp_path / "copy.png").write_bytes(data)
    secrets = [withheld] if digest_only else [withheld, secret("tender evaluation scores")]
    assert [leak.file for leak in guard.scan(tmp_path, secrets).leaks] == ["copy.png"]


# Pieces of text that the folded first stage must see through as the exact match does: markup,
# entities, escapes, invisible and combining characters, figures however written, other scripts.
_PIECES = (
    "tender",
    "Evaluation",
    "SCORES",
    "caf\u00e9",
    "Stra\u00dfe",
    "\ufb01ne",
    "\u0418\u0432\u0430\u043d",
    "41,237.50",
    "41237.5",
    "1,2,3",
    "100.00",
    "0.50",
    "31.12.2020",
    "2019-12-24",
    "\uff11\uff12",
    "\u00a3",
    "\u2014",
    " ",
    " ",
    "\n",
    ",",
    ".",
    "*",
    "_",
    "~",
    "ex*emp*t",
    "<em>",
    "</em>",
    "<p>",
    "</p>",
    "<a href='x'>",
    "</a>",
    "<!--",
    "-->",
    "&amp;",
    "&#69;",
    "&lt;b&gt;",
    "\\u0045",
    "\\n",
    '"',
    "\u00ad",
    "\u200b",
    "\u0301",
    "e\u200b\u0301",
    "<",
    ">",
    "&",
)


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_PIECES), max_size=40),
    name=st.sampled_from(["page.html", "data/x.json", "Notice 41,237.50.txt"]),
    start=st.integers(0, 60),
    size=st.integers(1, 9),
)
@example(pieces=["tender", "e\u200b\u0301", "tender"], name="page.html", start=0, size=1)
@example(pieces=["Evaluation", " ", "41,237.50", " ", "tender"], name="page.html", start=0, size=3)
def test_the_folded_first_stage_never_rules_out_a_file_holding_a_withheld_text(
    pieces, name, start, size
):
    """Whatever run of words the exact match finds in a file, the first stage lets it through."""
    raw = "".join(pieces).encode("utf-8")
    views = [guard.public_words(name.encode("utf-8")), *guard.public_words(raw).split("\x00")]
    runs = [view.split() for view in views]
    held = [run[start : start + size] for run in runs if run[start : start + size]]
    assume(held)
    for run in held:
        secret = guard.Secret("the text", "decisions/2024/X.yaml", tuple(run))
        public = guard.spelt([*words(name), "\x00", guard.public_words(raw)])
        assert guard.Guard([secret]).find(public) == [secret]
        assert guard.Guard([secret]).may_hold([name, *guard.readings(raw)]), (run, pieces)


def test_the_first_stage_rules_out_a_file_that_cannot_hold_any_withheld_text():
    """Only files the folded keys cannot rule out are reduced to words."""
    held = guard.Guard([secret("tender evaluation scores"), secret("£41,237.50")])

    def may_hold(held: guard.Guard, page: str) -> bool:
        return held.may_hold(["page.html", *guard.readings(page.encode())])

    assert not may_hold(held, "<p>Tender scores, evaluation: 41,237 and 1.50</p>")
    assert may_hold(held, "<p>The tender<em>evaluation</em>scores</p>")
    assert may_hold(held, "<td>41,237.500</td>")
    # A key too short to rule anything out: every file is read word by word.
    assert may_hold(guard.Guard([secret("\u0418\u0432\u0430\u043d")]), "nothing")


@pytest.mark.parametrize("processes", [2, 3])
def test_a_scan_split_between_processes_finds_what_one_process_finds(tmp_path, processes):
    secrets = [secret("tender evaluation scores"), secret("£41,237.50")]
    for n in range(10):
        folder = tmp_path / ("a-b" if n % 2 else "a") / str(n)
        folder.mkdir(parents=True)
        leaked = [
            "",
            "the tender evaluation scores",
            "£41,237.50",
            "41237.5 tender evaluation scores",
        ]
        (folder / "page.html").write_text(f"<p>Page {n} {leaked[n % 4]}</p>", encoding="utf-8")
        (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    attached = [f"a/{n}/image.png" for n in range(0, 10, 2)]
    alone = guard.scan(tmp_path, secrets, attached)
    with guard.Scanning(tmp_path, secrets, attached, processes=processes) as scanning:
        split = scanning.result()
    assert len(alone.leaks) == 9 and len(alone.unread) == 5
    assert split == alone


def test_a_site_scanned_in_two_folds_finds_what_one_scan_finds_in_the_same_order(tmp_path):
    """`transparency build` scans the site but the search index while Pagefind finishes it,
    then the index: together, the same leaks in the same order as one scan of the whole."""
    secrets = [secret("tender evaluation scores")]
    leak = "<p>the tender evaluation scores</p>"
    for name in ("a.html", "pagefind.html", "pagefind/x.js", "pagefind/z/y.json", "pagefinder/a",
                 "q/pagefind/b.html", "z.html", "PAGEFIND/c"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(leak, encoding="utf-8")
    rest = guard.files(tmp_path, leaving="pagefind")
    index = guard.files(tmp_path, within="pagefind")
    assert index == ["pagefind/x.js", "pagefind/z/y.json"]
    assert sorted(rest + index) == sorted(guard.files(tmp_path)) and not set(rest) & set(index)
    whole = guard.scan(tmp_path, secrets)
    with guard.Scanning(tmp_path, secrets, names=rest, processes=2, giving_way=True) as first:
        with guard.Scanning(tmp_path, secrets, names=index, processes=2) as second:
            assert guard.joined(first.result(), second.result()) == whole
    assert [leak.file for leak in whole.leaks] == guard.files(tmp_path)
    assert guard.files(tmp_path, within="no-index") == []


_PARENT = os.getpid()
_SCAN = guard._scan


def _dying_scan(*work):
    """guard._scan, except in a process of the pool, which dies as one killed for memory."""
    if os.getpid() != _PARENT:
        os._exit(9)
    return _SCAN(*work)


def test_a_part_whose_process_dies_is_scanned_here(tmp_path, monkeypatch):
    secrets = [secret("tender evaluation scores")]
    for n in range(6):
        leak = "the tender evaluation scores" if n % 2 else "nothing"
        (tmp_path / f"page-{n}.html").write_text(f"<p>{leak}</p>", encoding="utf-8")
    alone = guard.scan(tmp_path, secrets)
    monkeypatch.setattr(guard, "_scan", _dying_scan)
    with guard.Scanning(tmp_path, secrets, processes=2) as scanning:
        assert scanning.result() == alone
    assert len(alone.leaks) == 3


# Lines of built files, and the markup, entities and escapes that can run over a line break.
_LINE_PIECES = (
    *_PIECES,
    "\n",
    "\n",
    "\n",
    '{"title":"',
    '"},\n',
    "<a\nhref='x'>",
    "<!-- a\n-->",
    "&lt;em&gt;",
    "&lt;/em&gt;",
    "&lt;b\n",
    "&lt;",
    "&lt;!--",
    "--&gt;",
    "&gt;",
)


def _leaks_in(folder, secrets) -> set[tuple[str, str]]:
    return {(leak.file, leak.secret.what) for leak in guard.scan(folder, secrets).leaks}


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(_LINE_PIECES), max_size=60),
    part_bytes=st.integers(1, 40),
    size=st.integers(1, 9),
)
@example(pieces=["tender", "&lt;b\n", "Evaluation", "&gt;", "SCORES"], part_bytes=8, size=2)
@example(pieces=["tender", "<a\nhref='x'>", "SCORES", "\n", "tender"], part_bytes=5, size=3)
@example(
    pieces=["&lt;", "tender", "&lt;em&gt;", "\n", "Evaluation", "&gt;", "SCORES"],
    part_bytes=3,
    size=2,
)
@example(pieces=["<!--", ">", "\n", "tender", "<p>", "SCORES", "-->"], part_bytes=3, size=2)
def test_a_file_read_in_parts_gives_the_leaks_of_the_whole_file(pieces, part_bytes, size):
    """Cut into parts at line breaks, a file is read as it is whole: every run of words of it
    (as the whole file reads, or as its lines read apart) is found in the same files."""
    import tempfile
    from pathlib import Path
    from unittest import mock

    def runs(text: str) -> set[tuple[str, ...]]:
        split = text.split()
        return {tuple(split[at : at + size]) for at in range(len(split))}

    raw = "".join(pieces).encode("utf-8")
    held = set().union(*map(runs, guard.public_words(raw).split("\x00")))
    # Runs of the words of each line alone too: what a file cut wrongly would be read as.
    lines = set().union(*(runs(" ".join(words(line))) for line in raw.decode().split("\n")))
    secrets = [guard.Secret(f"the text {list(run)}", "X.yaml", run) for run in held | lines]
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "page.html").write_bytes(raw)
        (Path(folder) / "data.json").write_bytes(raw.replace(b"<", b"\\u003c"))
        whole = _leaks_in(Path(folder), secrets)
        with mock.patch.object(guard, "PART_BYTES", part_bytes):
            assert _leaks_in(Path(folder), secrets) == whole
            # Each part reads as its share of the whole file: as a reader sees it, and as written.
            parts = list(guard._file_readings(Path(folder) / "page.html", None))
        readings = guard.readings(raw) or [""]
        assert "".join(part[0] for part in parts) == readings[0]
        assert "".join(part[-1] for part in parts) == readings[-1]
    assert {what for file, what in whole if file == "page.html"} >= {
        f"the text {list(run)}" for run in held
    }


@pytest.mark.parametrize(
    "encoded",
    [
        "caf\u00e9 tender evaluation scores\n".encode("cp1252"),
        "line\ntender evaluation scores\n".encode("utf-16-le"),
        "x\n" * 8 + "tender evaluation scores\n\x00",
    ],
    ids=["windows-1252", "utf-16 without a byte order mark", "a NUL byte"],
)
def test_a_large_file_that_is_not_utf8_is_read_whole(tmp_path, monkeypatch, encoded):
    raw = encoded if isinstance(encoded, bytes) else encoded.encode("utf-8")
    (tmp_path / "notes.txt").write_bytes(raw)
    whole = guard.scan(tmp_path, [secret("tender evaluation scores")])
    monkeypatch.setattr(guard, "PART_BYTES", 4)
    assert guard.scan(tmp_path, [secret("tender evaluation scores")]) == whole


def test_a_large_file_is_read_in_parts_that_end_where_no_markup_is_open(tmp_path, monkeypatch):
    """A leak of a multi-line tag's words ex<em\n>empt is found however the file is cut; and a
    file is never held whole."""
    monkeypatch.setattr(guard, "PART_BYTES", 64)
    line = "<p>Nothing withheld on this line of the register.</p>\n"
    page = line * 40 + "<p>The tender ex<em\n>empt</em> scores</p>\n" + line * 40
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    parts = list(guard._file_readings(tmp_path / "page.html", None))
    assert len(parts) > 40
    assert max(len(part[0]) for part in parts) < 200
    leaks = guard.scan(tmp_path, [secret("tender exempt scores")]).leaks
    assert [leak.file for leak in leaks] == ["page.html"]


def test_the_characters_whose_case_folding_holds_ascii_are_all_listed():
    """A text without any of them is folded without case folding, which is the same."""
    import sys

    found = {
        chr(code)
        for code in range(128, sys.maxunicode + 1)
        if not 0xD800 <= code < 0xE000 and not chr(code).casefold().encode("ascii", "ignore") == b""
    }
    assert found == set(textmatch.FOLDS_TO_ASCII)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_PIECES, *textmatch.FOLDS_TO_ASCII, "\u00e9", "\u2019", "\u00a3"])
    ).map("".join)
)
def test_folding_is_the_case_folded_ascii_of_the_normalised_text(text):
    import unicodedata

    normalised = unicodedata.normalize("NFKC", textmatch._INVISIBLE.sub("", text)).casefold()
    assert textmatch.folded(text) == "".join(c for c in normalised if c.isascii() and c.isalnum())


def test_a_lone_less_than_sign_leaves_a_file_to_be_read_in_parts(tmp_path, monkeypatch):
    """ "amounts < £10,000" in a staff text opens no tag: the file is still cut, and a leak after
    it found."""
    monkeypatch.setattr(guard, "PART_BYTES", 64)
    line = "Nothing withheld on this line of the register.\n"
    data = "Amounts < 10,000 are grants.\n" + line * 40 + "The tender evaluation scores\n"
    (tmp_path / "data.csv").write_text(data, encoding="utf-8")
    assert len(list(guard._file_readings(tmp_path / "data.csv", None))) > 20
    leaks = guard.scan(tmp_path, [secret("tender evaluation scores")]).leaks
    assert [leak.file for leak in leaks] == ["data.csv"]


def test_a_file_whose_markup_never_closes_is_read_whole(tmp_path, monkeypatch):
    """ "see <b" and no ">" after it: each part would be read again with the next, the whole file
    over and over as it grows; past a bound the file is read whole, and a leak still found."""
    monkeypatch.setattr(guard, "PART_BYTES", 64)
    monkeypatch.setattr(guard, "CARRIED_CHARACTERS", 256)
    line = "Nothing withheld on this line of the register.\n"
    data = "See <b\n" + line * 40 + "The tender evaluation scores\n"
    (tmp_path / "data.csv").write_text(data, encoding="utf-8")
    with pytest.raises(guard._NotInParts):
        list(guard._file_readings(tmp_path / "data.csv", None))
    leaks = guard.scan(tmp_path, [secret("tender evaluation scores")]).leaks
    assert [leak.file for leak in leaks] == ["data.csv"]
