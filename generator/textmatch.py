"""Text as the publication guard compares it: the words a reader would recognise.

Withheld text and built files are both reduced to the same stream of words, so a leak matches
its source however it was rewrapped, escaped, emphasised or disguised: case, punctuation and
markup are dropped; characters a reader cannot see (soft hyphens, zero-width and bidirectional
controls) are removed; emphasis inside a word (ex*emp*t) is undone; and a figure is one word
however it is written (£41,237.50, 41237.50 and 41,237.5 are all 41237.5).
"""

from __future__ import annotations

import re
import unicodedata

# Soft hyphen, zero-width space/non-joiner/joiner, word joiner, invisible operators, byte order
# mark, Mongolian vowel separator, and the bidirectional marks, embeddings and isolates.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
# Emphasis markers between two letters or digits: Markdown renders "ex*emp*t" as ex<em>emp</em>t.
_INNER_EMPHASIS = re.compile(r"(?<=[^\W_])[*_~]+(?=[^\W_])")
# A figure (with thousands separators only in threes, so "1,2,3" stays three numbers) or a word.
_TOKEN = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)|[^\W\d_]+")
# Figures with this many digits are specific enough to stand for the text they came from.
FIGURE_DIGITS = 4


def normalise(text: str) -> str:
    """Case-folded text with invisible characters and in-word emphasis removed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE))
    return _INNER_EMPHASIS.sub("", text.casefold())


def _figure(text: str) -> str:
    text = text.replace(",", "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def words(text: str) -> list[str]:
    """The words and figures of a text, as the guard compares them."""
    return [_figure(m[1]) if m[1] else m[0] for m in _TOKEN.finditer(normalise(text))]


def is_figure(word: str) -> bool:
    return word[:1].isdigit()


def is_distinctive_figure(word: str) -> bool:
    """A figure of four or more digits that is not a year: a price, a sum, an account number.

    Years (1900 to 2099) are left out: they are in every record, and would stand for nothing.
    """
    digits = word.replace(".", "")
    if len(digits) < FIGURE_DIGITS or not digits.isdigit():
        return False
    return not ("." not in word and len(word) == 4 and 1900 <= int(word) <= 2099)
