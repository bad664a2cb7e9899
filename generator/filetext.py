"""The text inside a file, for the publication guard: what a reader who opens it can read.

Plain text in any Unicode encoding (and Windows-1252, what Word's "plain text" often is), PDF
through pypdf, and the zipped XML of office documents (DOCX, XLSX, PPTX, ODT, ODS, ODP).
Anything else, an image above all, has no text the guard can read: extract() says so with
None, and the build names such files instead of passing them in silence.
"""

from __future__ import annotations

import codecs
import gzip
import html
import io
import logging
import re
import zipfile
import zlib

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GZIP, _PDF, _ZIP = b"\x1f\x8b", b"%PDF-", b"PK\x03\x04"
_XML_TAG = re.compile(rb"<[^>]*>")
# Tags that end a paragraph, cell or line, or stand for a space: elsewhere a tag joins what is
# either side of it, since formatting splits one word into several runs.
_SPACING_TAG = re.compile(
    rb"</(w:p|text:p|text:h|a:p|si|c|v|t)>|<(w:tab|w:br|w:cr|text:s|text:tab|text:line-break|a:br)\b"
)
# Members of office documents that hold what a reader sees (not styles, settings or themes).
_OFFICE_TEXT = re.compile(
    r"^(word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml|xl/sharedStrings\.xml"
    r"|xl/worksheets/sheet\d+\.xml|ppt/(slides|notesSlides)/\w+\.xml|content\.xml|docProps/core\.xml)$"
)


def extract(data: bytes) -> str | None:
    """The readable text of a file's bytes, or None when the guard cannot read it."""
    if data.startswith(_GZIP):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return None
    if data.startswith(_PDF):
        return _pdf(data)
    if data.startswith(_ZIP):
        return _office(data)
    return _plain(data)


def may_be_utf8(start: bytes) -> bool:
    """Whether a file that begins with these bytes is read as UTF-8 text if it is UTF-8 throughout
    and holds no NUL byte: it is not compressed, a PDF, an office document, or text with a byte
    order mark. Such a file can be read a line at a time."""
    return not start.startswith((_GZIP, _PDF, _ZIP, *(bom for bom, _ in _BOMS)))


def _plain(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if b"\0" in data:
        # UTF-16 or UTF-32 without a byte order mark: ASCII text leaves every other byte zero.
        for encoding, zeros in (
            ("utf-32-le", data[1::4]),
            ("utf-32-be", data[:-1:4]),
            ("utf-16-le", data[1::2]),
            ("utf-16-be", data[::2]),
        ):
            if zeros and zeros.count(0) > 0.9 * len(zeros):
                try:
                    return data.decode(encoding)
                except UnicodeDecodeError:
                    continue
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _pdf(data: bytes) -> str | None:
    from pypdf import PdfReader  # imported here: most builds publish no PDF
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return None
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, zlib.error):
        return None


def _office(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if _OFFICE_TEXT.match(info.filename)]
            if not members:
                return None
            parts = [
                _XML_TAG.sub(
                    lambda m: b" " if _SPACING_TAG.match(m.group()) else b"", archive.read(info)
                )
                for info in members
            ]
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, zlib.error, NotImplementedError):
        return None
    return html.unescape(b"\n".join(parts).decode("utf-8", errors="replace"))
