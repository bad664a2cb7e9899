"""The publication guard's matcher: every withheld text found in one pass over each file, as whole
words in order, however many texts there are (generator/guard.py)."""

from __future__ import annotations

import pytest

from generator import guard
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


@pytest.mark.parametrize("digest_only", [True, False])
def test_a_file_withheld_whole_is_found_by_its_bytes(tmp_path, digest_only):
    import hashlib

    data = b"\x89PNG not really an image"
    withheld = guard.Secret(
        "the withheld file 'x.png'", "content/x.png", digest=hashlib.sha256(data).hexdigest()
    )
    (tmp_path / "copy.png").write_bytes(data)
    secrets = [withheld] if digest_only else [withheld, secret("tender evaluation scores")]
    assert [leak.file for leak in guard.scan(tmp_path, secrets).leaks] == ["copy.png"]
