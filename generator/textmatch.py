"""Text as the publication guard compares it: the words a reader would recognise.

Withheld text and built files are both reduced to the same stream of words, so a leak matches
its source however it was rewrapped, escaped, emphasised or disguised: case, punctuation and
markup are dropped; characters a reader cannot see (soft hyphens, zero-width and bidirectional
controls) are removed; emphasis inside a word (ex*emp*t) is undone; and a figure is one word
however it is written (£41,237.50, 41237.50 and 41,237.5 are all 41237.5).

Reducing a whole site to words costs seconds of Python; folding it costs a few calls that run in
C. A folding keeps only a text's ASCII letters and digits, lower case (folded); the folding of a
text holding certain words in order always holds their key (folded_key), so a file whose folding
lacks the key cannot hold the words, and need not be reduced to words at all.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence

# Soft hyphen, Mongolian vowel separator, zero-width space/non-joiner/joiner, the bidirectional
# marks, embeddings and isolates, word joiner, invisible operators and the byte order mark.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# A figure (with thousands separators only in threes, so "1,2,3" stays three numbers), or a word,
# held together across emphasis markers: Markdown renders "ex*emp*t" as ex<em>emp</em>t.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+(?:[*_~]+[^\W\d_]+)*")
_MARKERS = re.compile(r"[*_~,]")
# Every ASCII character that is neither a letter nor a digit.
_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
# Every byte that is not a letter or digit to a space, so words stay apart in a spaced folding.
_SPACES = bytes(c if chr(c).isalnum() else 32 for c in range(256))
# Every character whose case folding holds an ASCII character (tests/test_guard.py derives them
# from the whole of Unicode).
FOLDS_TO_ASCII = (
    "\u00df\u0130\u0149\u017f\u01f0\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u212a"
    "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"
)
# Figures with this many digits are specific enough to stand for the text they came from.
FIGURE_DIGITS = 4
# A folded key shorter than this is found in too many files by chance to rule any out.
FOLDED_MINIMUM = 4


def _canonical(token: str) -> str:
    """A token with emphasis markers and thousands separators removed, and a figure's decimals
    without trailing zeros."""
    token = _MARKERS.sub("", token)
    if "." in token:
        token = token.rstrip("0").rstrip(".")
    return token


def words(text: str) -> list[str]:
    """The words and figures of a text, as the guard compares them."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    # Most tokens are plain letters or digits: only the others need a second look.
    return [
        token if token.isalnum() else _canonical(token) for token in _TOKEN.findall(text.casefold())
    ]


def is_distinctive_figure(word: str) -> bool:
    """A figure of four or more digits that is not a year: a price, a sum, an account number.

    Years (1900 to 2099) are left out: they are in every record, and would stand for nothing.
    """
    digits = word.replace(".", "")
    if len(digits) < FIGURE_DIGITS or not digits.isdigit():
        return False
    return not ("." not in word and len(word) == 4 and 1900 <= int(word) <= 2099)


def _ascii(text: str) -> bytes:
    """The text as words() normalises it, then with every character that is not ASCII dropped."""
    if text.isascii():
        return text.encode("ascii").lower()
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    if any(character in text for character in FOLDS_TO_ASCII):
        return text.casefold().encode("ascii", "ignore")
    # Case folding goes a character at a time: without those, it lowers the ASCII letters and
    # gives none from the other characters, which are dropped. Twice as fast on a page.
    return text.encode("ascii", "ignore").lower()


def folded(text: str) -> str:
    """The ASCII letters and digits of a text after words()' normalising, with nothing between
    them: "The £41,237.50 fee" is "the4123750fee"."""
    return _ascii(text).translate(None, _NOT_ALNUM).decode("ascii")


def foldings(text: str) -> tuple[str, str]:
    """folded(text), and the same with every other character a space, except the separators of a
    figure, which are dropped: "The £41,237.50 fee" is "the4123750fee" and "the  4123750 fee"."""
    data = _ascii(text)
    return (
        data.translate(None, _NOT_ALNUM).decode("ascii"),
        data.translate(_SPACES, b",.").decode("ascii"),
    )


def folded_key(text_words: Sequence[str]) -> tuple[str, bool]:
    """What the folding of any text holding these words (as words() gives them) in this order
    must hold, and whether it is one figure, to be looked for in the spaced folding instead.

    The folding of a text is the folding of its words run together, except that a figure's
    trailing zeros (41,237.50 is the word 41237.5) stay in it: so the words are cut after each
    figure, and the key is the longest run of them folded. A figure on its own is looked for in
    the spaced folding (foldings()), where it cannot run into the digits of the words either
    side.
    """
    runs: list[list[str]] = [[]]
    for word in text_words:
        runs[-1].append(word)
        if word[:1].isdecimal():
            runs.append([])
    keys = [(folded("".join(run)), len(run) == 1 and run[0][:1].isdecimal()) for run in runs]
    return max(keys, key=lambda key: len(key[0]))
