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

# Soft hyphen, Mongolian vowel separator, zero-width space/non-joiner/joiner, the bidirectional
# marks, embeddings and isolates, word joiner, invisible operators and the byte order mark.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# A figure (with thousands separators only in threes, so "1,2,3" stays three numbers), or a word,
# held together across emphasis markers: Markdown renders "ex*emp*t" as ex<em>emp</em>t.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+(?:[*_~]+[^\W\d_]+)*")
_MARKERS = re.compile(r"[*_~,]")
# Figures with this many digits are specific enough to stand for the text they came from.
FIGURE_DIGITS = 4


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
