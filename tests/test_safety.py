"""Publication safety, tried as an attacker and as a hurried member of staff would.

Each class of failure has tests that fail when its defence is removed: withheld text hidden in
comments, attributes, disguised figures and attached documents; markup in every field staff
write; symbolic links, wrong site folders and oversized records; a publish that a kill, a full
disk or a read-only folder cannot half-do; YAML that silently means something else; formulas in
spreadsheets.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import FIXTURE_SITE, SOURCE_DATE_EPOCH, copy_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_build import assert_refused, previous_site, transparency, tree_hash

from generator import exports, filetext, guard, load, sitedir, textmatch
from generator.publication import publish
from generator.settings import read_settings

RECORD = Path("decisions/2020/FIX-2020-001.yaml")
EXEMPT_WHAT = "the exempt content 'Applicants' bank details' of FIX-2020-001"
PRICE = (
    "The preferred bidder's price was £41,237.50 for the first year of the contract, "
    "paid quarterly."
)


def replace_in(folder: Path, name: str | Path, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}: update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def with_exempt_price(folder: Path) -> None:
    """The fixture's first decision withholds a tender price too."""
    replace_in(
        folder,
        RECORD,
        "exempt:\n",
        f"exempt:\n  - title: Tender price\n    reason: Section 43 FOIA - commercial interests\n"
        f'    content: "{PRICE}"\n',
    )


# ---------------------------------------------------------------------------
# 1. Withheld information never reaches any output
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hidden",
    [
        "<!-- The account of First Charity is CANARYEXEMPT sort code 00-00-00 -->",
        '<span title="The account of First Charity is CANARYEXEMPT sort code 00-00-00"></span>',
        "<x The account of First Charity is CANARYEXEMPT sort code 00-00-00>",
    ],
    ids=["comment", "attribute", "tag-like text"],
)
def test_exempt_text_hidden_from_readers_in_a_written_page_is_still_a_leak(
    tmp_path, monkeypatch, hidden
):
    folder = copy_site(tmp_path / "source")
    replace_in(
        folder,
        "content/how-to-use.md",
        "# How to use this site\n",
        f"# How to use this site\n\n{hidden}\n",
    )
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert f"site/how-to-use/index.html: error: contains {EXEMPT_WHAT}" in output


def test_exempt_text_commented_out_in_a_public_field_is_a_leak_in_the_exports(
    tmp_path, monkeypatch
):
    folder = copy_site(tmp_path / "source")
    replace_in(
        folder,
        RECORD,
        "decision: The Commissioner approved three grants.",
        'decision: "The Commissioner approved three grants. <!-- The account of First Charity is '
        'CANARYEXEMPT sort code 00-00-00 -->"',
    )
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    # The page drops the comment (nh3), the open data keeps the Markdown as written.
    assert f"site/data/decisions.json: error: contains {EXEMPT_WHAT}" in output
    assert "site/decisions/2020/fix-2020-001/index.html: error" not in output


@pytest.mark.parametrize(
    "written", ["41237.50", "£41,237.5", "41,237.50", "41237.5", "GBP 41\u00ad237.50"]
)
def test_a_figure_from_exempt_content_is_found_on_its_own_however_written(
    tmp_path, monkeypatch, written
):
    folder = copy_site(tmp_path / "source")
    with_exempt_price(folder)
    replace_in(
        folder,
        "content/how-to-use.md",
        "# How to use this site\n",
        f"# How to use this site\n\nThe contract costs {written}.\n",
    )
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert (
        "site/how-to-use/index.html: error: contains the figure 41237.5 from the exempt content "
        "'Tender price' of "
        "FIX-2020-001"
    ) in output


def test_years_and_short_numbers_in_exempt_content_are_not_figures_to_look_for():
    assert [
        w
        for w in textmatch.words(PRICE + " In 2021 we paid 500.")
        if textmatch.is_distinctive_figure(w)
    ] == ["41237.5"]


@pytest.mark.parametrize(
    "disguise",
    [
        "The account of First Cha\u00adrity is CANARY\u200bEXEMPT sort code",
        "The account of First Charity is CANA*RY*EXEMPT s_or_t code",
        "The account of First \u202eCharity\u202c is CANARY\u2060EXEMPT sort\u200e code",
        "THE ACCOUNT OF\nFIRST   CHARITY IS canary&#69;xempt SORT CODE",
    ],
    ids=[
        "soft hyphen and zero width",
        "emphasis inside a word",
        "bidirectional controls",
        "case, lines, entity",
    ],
)
def test_disguised_exempt_text_is_found(tmp_path, fixture_publication, disguise):
    page = tmp_path / "page.html"
    page.write_text(f"<p>{disguise}</p>", encoding="utf-8")
    found = guard.scan(tmp_path, guard.secrets(fixture_publication)).leaks
    assert [leak.secret.what for leak in found] == [EXEMPT_WHAT]


@pytest.fixture(scope="module")
def fixture_publication():
    return publish(load.load(read_settings(FIXTURE_SITE / "mkdocs.yml")))


def _docx(text: str) -> bytes:
    # A word split into runs by formatting, as Word writes it.
    body = "".join(
        f"<w:p><w:r><w:t>{paragraph[:5]}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{paragraph[5:]}</w:t></w:r></w:p>"
        for paragraph in text.split("\n")
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml", f'<w:document xmlns:w="w"><w:body>{body}</w:body></w:document>'
        )
    return out.getvalue()


def _odt(text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            f'<office:document-content xmlns:office="o" xmlns:text="t"><office:body><text:p>{text}'
            "</text:p></office:body></office:document-content>",
        )
    return out.getvalue()


def _pdf(text: str) -> bytes:
    """A one-page PDF holding the text, written out by hand (no PDF writer in the dependencies)."""
    # Compressed, as PDF writers do: the text is not in the file's bytes as they are.
    stream = zlib.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> "
        b">> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(
        b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    )
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


LEAKED = "The account of First Charity is CANARYEXEMPT sort code 00-00-00"


@pytest.mark.parametrize(
    "name, data",
    [
        ("notice.pdf", _pdf(LEAKED)),
        ("notice.docx", _docx(LEAKED)),
        ("notice.odt", _odt(LEAKED)),
        ("notice-utf16.txt", LEAKED.encode("utf-16")),
        ("notice-utf16-no-bom.txt", LEAKED.encode("utf-16-le")),
        ("notice-word.txt", (LEAKED + " \u2013 caf\u00e9").encode("cp1252")),
    ],
    ids=["pdf", "docx", "odt", "utf-16", "utf-16 without bom", "windows-1252"],
)
def test_exempt_text_inside_a_published_document_fails_the_build(tmp_path, monkeypatch, name, data):
    folder = copy_site(tmp_path / "source")
    (folder / "decisions" / "files" / name).write_bytes(data)
    replace_in(
        folder,
        RECORD,
        "documents:\n",
        f"documents:\n  - title: Attached notice\n    file: {name}\n",
    )
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert f"site/decisions/files/{name}: error: contains {EXEMPT_WHAT}" in output


def test_the_text_of_office_documents_and_pdfs_is_read():
    assert "CANARYEXEMPT sort code" in filetext.extract(_pdf(LEAKED))
    assert filetext.extract(_docx("Confidential\nSecond paragraph")).split() == [
        "Confidential",
        "Second",
        "paragraph",
    ]
    assert filetext.extract(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR") is None


def test_an_attached_file_the_guard_cannot_read_is_named_in_the_build_output(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    (folder / "decisions" / "files" / "chart.png").write_bytes(
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256))
    )
    replace_in(
        folder, RECORD, "documents:\n", "documents:\n  - title: Chart\n    file: chart.png\n"
    )
    previous_site(folder)
    result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    assert (
        "warning: site/decisions/files/chart.png: the guard cannot read text in this file (an "
        "image, or an encrypted or "
        "damaged document): check by eye that it holds nothing withheld"
    ) in result.output


def test_files_an_internal_document_links_to_and_internal_folders_are_never_copied(
    tmp_path, monkeypatch
):
    folder = copy_site(tmp_path / "source")
    internal = folder / "content" / "toolkit" / "internal"
    (internal / "minutes.txt").write_text("Minutes of the group, not for publication.")
    (internal / "images").mkdir()
    (internal / "images" / "org-chart.svg").write_text("<svg/>")
    # Linked from the internal document, but kept beside public documents.
    (folder / "content" / "toolkit" / "cycle" / "board-paper.txt").write_text(
        "Board paper CANARYBOARD, not for publication."
    )
    replace_in(
        folder,
        "content/toolkit/internal/work-plan.md",
        "must never be published.",
        "must never be published. See [the minutes](minutes.txt) and [the "
        "paper](../cycle/board-paper.txt).",
    )
    # A page outside the toolkit, marked internal: a whole folder of staff notes.
    (folder / "content" / "staff").mkdir()
    (folder / "content" / "staff" / "notes.md").write_text(
        "---\naudience: internal\n---\n# Staff notes\n\nStaff notes "
        "about the CANARYSTAFFPAGE process for the year ahead.\n"
    )
    (folder / "content" / "staff" / "rota.csv").write_text("name,day\nCANARYROTA,Monday\n")
    previous_site(folder)
    result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    built = {p.relative_to(folder / "site").as_posix() for p in (folder / "site").rglob("*")}
    for withheld in (
        "toolkit/internal/minutes.txt",
        "toolkit/internal/images/org-chart.svg",
        "toolkit/internal/internal-budget.csv",
        "toolkit/cycle/board-paper.txt",
        "staff/notes/index.html",
        "staff/rota.csv",
        "staff",
    ):
        assert withheld not in built
    assert all(
        "CANARYSTAFFPAGE" not in text and "CANARYROTA" not in text
        for text in tree_text(folder / "site")
    )


def tree_text(root: Path) -> list[str]:
    texts = []
    for path in root.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            texts.append(
                (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8", "replace")
            )
    return texts


def test_text_of_an_internal_page_outside_the_toolkit_is_guarded(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    note = "The move of the office to Bradford is planned for spring and has not been announced"
    (folder / "content" / "briefing.md").write_text(
        f"---\ntitle: Staff briefing\naudience: internal\n---\n\n{note}.\n"
    )
    replace_in(
        folder,
        "content/how-to-use.md",
        "# How to use this site\n",
        f"# How to use this site\n\n{note}.\n",
    )
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert (
        "site/how-to-use/index.html: error: contains the text of the internal document 'Staff "
        "briefing' (kept in content/briefing.md)" in output
    )


def test_a_public_page_linking_to_a_withheld_file_fails_the_links_check(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    replace_in(
        folder,
        "content/how-to-use.md",
        "# How to use this site\n",
        "# How to use this site\n\nThe [budget](toolkit/internal/internal-budget.csv).\n",
    )
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert re.search(
        r"^site/how-to-use/index\.html:\d+: error: link "
        r"'[./]*toolkit/internal/internal-budget\.csv' \(in content/how-to-use\.md\): "
        r"there is no .*internal-budget\.csv in the built site$",
        output,
        re.M,
    ), output


def test_an_audience_other_than_public_or_internal_is_an_error(tmp_path):
    folder = copy_site(tmp_path / "source")
    (folder / "content" / "plans.md").write_text(
        "---\ntitle: Plans\naudience: Internal only\n---\n# Plans\n"
    )
    lines = [d.text() for d in load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors]
    # The rule is the schema's (schemas/page.schema.json), with its suggestion, as for a toolkit
    # document.
    assert lines == [
        "content/plans.md:3:11: error: audience: 'Internal only' is not one of: public, internal "
        "(did you mean 'internal'?)"
    ]


SHARED = (
    "Record the decisions you make and the reasons for them, so that the group can rely on "
    "them later."
)


@pytest.mark.parametrize(
    "shared, public, expected",
    [
        (SHARED, SHARED, []),
        (
            "A passage the document does not hold at all.",
            SHARED,
            [
                "content/toolkit/internal/work-plan.md:7:5: error: shared_text[0]: is not in this "
                "document's text word for word: "
                "copy the passage exactly, or remove it"
            ],
        ),
        (
            SHARED,
            "",
            [
                "content/toolkit/internal/work-plan.md:7:5: error: shared_text[0]: is in no "
                "published toolkit document, so it "
                "is not public text: remove it from shared_text (the guard must go on looking for "
                "it)"
            ],
        ),
    ],
    ids=["declared and public", "not in the document", "in no public document"],
)
def test_declared_shared_text_is_checked(tmp_path, shared, public, expected):
    folder = copy_site(tmp_path / "source")
    replace_in(
        folder,
        "content/toolkit/internal/work-plan.md",
        "attachments: [internal-budget.csv]\n",
        f"attachments: [internal-budget.csv]\nshared_text:\n  - {shared}\n",
    )
    replace_in(
        folder,
        "content/toolkit/internal/work-plan.md",
        "must never be published.",
        f"must never be published.\n\n{SHARED}",
    )
    replace_in(
        folder,
        "content/toolkit/cycle/analyse.md",
        "Public guidance on analysing needs.",
        f"Public guidance on analysing needs.\n\n{public}",
    )
    lines = [d.text() for d in load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors]
    assert lines == expected


@pytest.mark.parametrize(
    "content, short",
    [
        ("Yes", True),
        ("£500", True),
        ("'-'", True),
        ("£41,237.50", False),
        ("Bank details", False),
    ],
)
def test_exempt_content_too_short_to_guard_is_an_error(tmp_path, content, short):
    folder = copy_site(tmp_path / "source")
    replace_in(
        folder,
        RECORD,
        "    content: >-\n      The account of First Charity is CANARYEXEMPT\n      sort code "
        "00-00-00, held with the\n"
        "      Example Bank & Trust <plc>.\n",
        f'    content: "{content}"\n',
    )
    lines = [d.text() for d in load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors]
    assert lines == (
        [
            f"{RECORD}:37:14: error: exempt[0].content: is too short to withhold safely: a single "
            "word or a number under "
            "four digits appears on pages for other reasons, so the build could not tell a leak "
            "from ordinary text. "
            "Keep the whole sentence or passage it comes from here"
        ]
        if short
        else []
    )


# ---------------------------------------------------------------------------
# 2. No markup from a staff file runs in a reader's browser
# ---------------------------------------------------------------------------

ATTACKS = [
    (
        "mkdocs.yml",
        "  - how-to-use.md\n",
        "  - \"<img src=x onerror=alert('nav')>How\": how-to-use.md\n",
    ),
    (
        "content/toolkit/cycle/analyse.md",
        "title: Analyse needs\n",
        "title: \"<img src=x onerror=alert('toolkit title')>Analyse\"\n"
        "description: \"<script>alert('toolkit description')</script>\"\n",
    ),
    (
        "content/toolkit/cycle/analyse.md",
        "Public guidance on analysing needs.",
        "Public guidance.\n\n<script>alert('toolkit body')</script>\n<img src=x "
        "onerror=alert('body')>\n"
        "<a href=\"javascript:alert('href')\">link</a>",
    ),
    (
        "content/funding/streams.yaml",
        "title: ",
        "title: \"<script>alert('funding title')</script>\" # ",
    ),
    (
        "content/how-to-use.md",
        "",
        "---\ntitle: \"</title><script>alert('page title')</script>\"\n---\n",
    ),
    (
        "decisions/2020/FIX-2020-002.yaml",
        "title: ",
        "title: \"</title><svg onload=alert('decision title')> \" # ",
    ),
    (
        "content/specified-information.yaml",
        "  - title: The Commissioner",
        "  - title: \"<b onmouseover=alert('group')>x</b>\"",
    ),
    # A title taken from a page's first heading, escaped in Markdown so that only striptags would
    # undo it.
    (
        "content/contacts.md",
        None,
        "# &lt;/title&gt;&lt;script&gt;alert('heading title')&lt;/script&gt;Contacts\n\nCall us.\n",
    ),
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    folder = copy_site(tmp_path_factory.mktemp("hostile") / "source")
    for name, old, new in ATTACKS:
        path = folder / name
        if old is None:
            path.write_text(new, encoding="utf-8")
            continue
        text = path.read_text(encoding="utf-8")
        assert old in text, name
        path.write_text(text.replace(old, new, 1) if old else new + text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    return folder / "site"


def test_no_staff_text_runs_as_markup_on_any_page(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        handlers = [
            str(tag)[:80]
            for tag in soup.find_all(True)
            if any(name.startswith("on") for name in tag.attrs)
        ]
        scripts = [
            script.string
            for script in soup.find_all("script")
            if script.string
            and "alert(" in script.string
            and script.get("type") != "application/ld+json"
        ]
        javascript = [
            a["href"]
            for a in soup.find_all("a", href=True)
            if a["href"].lower().startswith("javascript:")
        ]
        assert (handlers, scripts, javascript) == ([], [], []), page
        assert soup.title is not None and "<" not in "".join(
            str(c) for c in soup.title.contents if c.name
        ), page


def test_titles_staff_wrote_read_as_text(hostile_site):
    how = BeautifulSoup(
        (hostile_site / "how-to-use/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert how.title.get_text().startswith("</title><script>alert('page title')</script>")
    toolkit = BeautifulSoup(
        (hostile_site / "toolkit/cycle/analyse/index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    assert (
        toolkit.find("meta", attrs={"name": "description"})["content"]
        == "<script>alert('toolkit description')</script>"
    )
    assert any(
        "<script>alert('funding title')</script>" == a.get_text(strip=True)
        for a in toolkit.select("nav a")
    )


def test_feeds_stay_well_formed_xml_over_hostile_text(hostile_site):
    feeds = [hostile_site / "feed.xml", *hostile_site.glob("decisions/category/*/feed.xml")]
    assert len(feeds) > 1
    for feed in feeds:
        ElementTree.fromstring(feed.read_bytes())


@pytest.mark.parametrize(
    "escape, code",
    [("\\x01", "0001"), ("\\x7f", "007F"), ("\\x9b", "009B"), ("\\r", "000D"), ("\\uFFFE", "FFFE")],
)
def test_a_control_character_in_any_field_is_an_error_with_its_line(tmp_path, escape, code):
    folder = copy_site(tmp_path / "source")
    replace_in(
        folder,
        RECORD,
        "decision: The Commissioner approved three grants.",
        f'decision: "The Commissioner approved{escape} three grants."',
    )
    lines = [d.text() for d in load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors]
    assert lines == [
        f"{RECORD}:11:11: error: decision: the text holds the control character U+{code}, which no "
        "reader can see "
        "and no feed may carry (pasted from another program?): delete it"
    ]


# ---------------------------------------------------------------------------
# 3. The build reads only the repository and cannot destroy it
# ---------------------------------------------------------------------------


def test_a_symbolic_link_out_of_the_repository_is_an_error_and_nothing_is_copied(
    tmp_path, monkeypatch
):
    folder = copy_site(tmp_path / "source")
    secret = tmp_path / "elsewhere" / "passwords.txt"
    secret.parent.mkdir()
    secret.write_text("CANARYOUTSIDE")
    (folder / "content" / "passwords.txt").symlink_to(secret)
    (folder / "decisions" / "files" / "outside").symlink_to(secret.parent, target_is_directory=True)
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert (
        f"content/passwords.txt:1:1: error: is a symbolic link to {secret}, outside the repository"
        in output
    )
    assert (
        f"decisions/files/outside:1:1: error: is a symbolic link to {secret.parent}, outside the "
        "repository" in output
    )


def test_a_symbolic_link_inside_the_repository_is_fine(tmp_path):
    folder = copy_site(tmp_path / "source")
    (folder / "content" / "notice.txt").symlink_to(
        folder / "decisions" / "files" / "FIX-2020-001-notice.txt"
    )
    assert load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors == []


@pytest.mark.parametrize(
    "target, why",
    [
        (".", "it is the repository's folder"),
        ("..", "it holds the repository's folder"),
        (".git", "it is the repository's history (.git)"),
        ("content", "it is the hand-written pages"),
        ("decisions", "it is the decision records"),
        ("content/site", "refusing to publish inside the hand-written pages"),
        (
            "../someone-elses-files",
            "the folder holds files that are not a site built by this generator",
        ),
    ],
)
def test_the_build_refuses_a_site_folder_it_must_not_replace(tmp_path, monkeypatch, target, why):
    folder = copy_site(tmp_path / "source")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "someone-elses-files").mkdir()
    (tmp_path / "someone-elses-files" / "thesis.docx").write_text("years of work")
    before = tree_hash(tmp_path)
    result = transparency(folder, monkeypatch, "build", "--site-dir", target)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert why in result.output and "refusing to publish" in result.output
    assert tree_hash(tmp_path) == before


def test_mkdocs_build_refuses_to_empty_a_source_folder(tmp_path):
    folder = copy_site(tmp_path / "source")
    before = tree_hash(folder)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-f",
            str(folder / "mkdocs.yml"),
            "-d",
            str(folder / "decisions"),
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH),
    )
    assert result.returncode == 1
    assert "refusing to publish here" in result.stderr and "the decision records" in result.stderr
    assert tree_hash(folder) == before


def test_a_hand_written_page_where_the_generator_makes_one_is_an_error(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    (folder / "content" / "open-data.md").write_text("# Our data\n")
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert (
        "content/open-data.md:1:1: error: the generator makes the page at open-data.md itself: "
        "move or rename this hand-written page" in output
    )


def test_a_record_over_the_size_limit_is_an_error(tmp_path):
    folder = copy_site(tmp_path / "source")
    replace_in(
        folder,
        "mkdocs.yml",
        "      reference_prefix: FIX\n",
        "      reference_prefix: FIX\n      record_size_limit: 1000\n",
    )
    lines = [d.text() for d in load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors]
    size = (folder / RECORD).stat().st_size
    assert size > 1000
    assert (
        f"{RECORD}:1:1: error: the file is {size:,} bytes, over the limit of 1,000 "
        "(record_size_limit): split it, or move long "
        "text into a document under decisions/files/" in lines
    )


# ---------------------------------------------------------------------------
# 4. Publishing is atomic and deployable
# ---------------------------------------------------------------------------


def test_the_published_site_has_ordinary_permissions(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    old = os.umask(0o022)
    try:
        result = transparency(folder, monkeypatch, "build")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    site = folder / "site"
    modes = {stat.S_IMODE(p.stat().st_mode) for p in [site, *site.rglob("*")] if p.is_dir()}
    assert modes == {0o755}
    assert {stat.S_IMODE(p.stat().st_mode) for p in site.rglob("*") if p.is_file()} == {0o644}


def test_a_site_folder_that_is_a_symbolic_link_keeps_its_link(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    webroot = tmp_path / "var" / "www" / "decisions"
    webroot.mkdir(parents=True)
    (folder / "site").symlink_to(webroot, target_is_directory=True)
    result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    assert (folder / "site").is_symlink() and (folder / "site").resolve() == webroot
    assert (webroot / "index.html").is_file() and (webroot / sitedir.MARKER).is_file()
    assert sorted(p.name for p in webroot.parent.iterdir()) == ["decisions"]


def test_leftovers_of_a_killed_build_are_removed_by_the_next(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    for name in (".site-new-abc123", ".site-old-def456"):
        (folder / name / "decisions").mkdir(parents=True)
    (folder / ".site-notes").mkdir()  # not a name the build makes
    result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".site")) == [".site-notes"]


def test_the_swap_is_one_exchange(tmp_path, monkeypatch):
    # Not the old site renamed away and the new one renamed in: between those two steps there
    # would be no site at all.
    renames = []
    for name in ("rename", "replace"):
        real = getattr(os, name)
        monkeypatch.setattr(
            os,
            name,
            lambda a, b, *args, real=real, **kw: renames.append(b) or real(a, b, *args, **kw),
        )
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.html").write_text("old")
    build = tmp_path / ".site-new-1"
    build.mkdir()
    (build / "index.html").write_text("new")
    built = build.stat().st_ino
    assert sitedir.replace(build, tmp_path / "site") is None
    assert renames == []
    assert (tmp_path / "site").stat().st_ino == built  # the build itself, not a copy of it
    assert [p.name for p in tmp_path.iterdir()] == ["site"] and (
        tmp_path / "site" / "index.html"
    ).read_text() == "new"


def processes_in(folder: Path) -> list[int]:
    """The processes working in a folder (Linux: /proc/<pid>/cwd)."""
    found = []
    for process in Path("/proc").iterdir():
        try:
            if process.name.isdigit() and Path(os.readlink(process / "cwd")) == folder:
                found.append(int(process.name))
        except OSError:  # ended meanwhile, or not ours to read
            pass
    return found


def test_a_build_killed_at_any_moment_leaves_one_complete_site(tmp_path):
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-c", "from generator.cli import main; main()", "build"]
    folder, edited = copy_site(tmp_path / "source"), copy_site(tmp_path / "edited")
    for source in (folder, edited):
        assert subprocess.run(command, cwd=source, env=env, capture_output=True).returncode == 0
    replace_in(
        edited,
        RECORD,
        "title: Grants to three victim services",
        "title: Grants to three victim services, revised",
    )
    assert subprocess.run(command, cwd=edited, env=env, capture_output=True).returncode == 0
    old, new = tree_hash(folder / "site"), tree_hash(edited / "site")
    assert "index.html" in old and old != new
    (folder / RECORD).write_bytes((edited / RECORD).read_bytes())
    # Killed at moments spread over a build: validating, rendering, checking, swapping.
    for delay in (0.2, 0.6, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0):
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert tree_hash(folder / "site") in (old, new), (
            f"a half-published site after a kill at {delay} s"
        )
    # Nor any of its processes (the guard's, a copy rendering pages) left running or waiting.
    for _ in range(100):
        if not processes_in(folder):
            break
        time.sleep(0.1)
    assert processes_in(folder) == []
    assert subprocess.run(command, cwd=folder, env=env, capture_output=True).returncode == 0
    assert tree_hash(folder / "site") == new
    assert [p.name for p in folder.iterdir() if p.name.startswith(".site-")] == []


# ---------------------------------------------------------------------------
# 5. Values mean what staff wrote
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, message",
    [
        (
            "012000",
            "012000 starts with a zero, which YAML reads as an octal number: write 12000 (or put "
            "it in quotes if it is a code, "
            "not a number)",
        ),
        (
            "0x2EE0",
            "0x2EE0 is read as a number in another base (hexadecimal, octal or binary): write the "
            "number in decimal, or put "
            "it in quotes if it is not a number",
        ),
        (
            "200:00",
            "200:00 is read as a sexagesimal number (base 60, like a time): put it in quotes if it "
            "is text, or write the "
            "number itself",
        ),
        ("-0", "-0 is minus zero: write 0"),
        (
            "1234567890123456.78",
            "1234567890123456.78 has more than 15 significant digits, more than a number in the "
            "open data can "
            "hold exactly: check the figure",
        ),
    ],
)
def test_yaml_1_1_number_surprises_are_errors_with_the_fix(tmp_path, written, message):
    folder = copy_site(tmp_path / "source")
    replace_in(folder, RECORD, "  amount: 30000.50\n", f"  amount: {written}\n")
    lines = [d.text() for d in load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors]
    assert f"{RECORD}:13:11: error: financial.amount: {message}" in lines


def test_a_funding_column_given_twice_is_an_error(tmp_path):
    folder = copy_site(tmp_path / "source")
    text = (folder / "content/funding/streams.yaml").read_text()
    columns = re.search(r"columns: \[(.*)\]", text)
    first = columns[1].split(",")[0]
    replace_in(folder, "content/funding/streams.yaml", columns[0], f"columns: [{first}, {first}]")
    lines = [d.text() for d in load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors]
    assert any(
        re.fullmatch(
            r"content/funding/streams\.yaml:\d+:\d+: error: columns\[1\]: the column "
            rf"'{first.strip(chr(34))}' is given "
            r"twice: each financial year is one column",
            line,
        )
        for line in lines
    ), lines


@pytest.mark.parametrize("name", ["notice#1.txt", "notice?.txt"])
def test_a_file_name_with_a_hash_or_question_mark_is_an_error(tmp_path, name):
    folder = copy_site(tmp_path / "source")
    (folder / "decisions" / "files" / name).write_text("notice")
    replace_in(folder, RECORD, "    file: FIX-2020-001-notice.txt", f'    file: "{name}"')
    lines = [d.text() for d in load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors]
    assert lines == [
        f"{RECORD}:30:11: error: documents[0].file: '{name}': a file name with '?' or '#' cannot "
        "be linked to on the "
        "web: rename the file without them"
    ]


# ---------------------------------------------------------------------------
# 6. Every failure is one line
# ---------------------------------------------------------------------------


def test_an_undecodable_hand_written_page_is_one_line(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    (folder / "content" / "contacts.md").write_bytes(
        "# Contacts\n\nCaf\u00e9 opening hours\n".encode("cp1252")
    )
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert (
        "content/contacts.md:3:4: error: the file is not UTF-8 text (byte 0xe9): save it with "
        "UTF-8 encoding" in output
    )


def test_a_read_only_place_to_publish_is_one_line(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    result = transparency(folder, monkeypatch, "build", "--site-dir", "/proc/site")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"^/proc/site: error: .+$", result.output, re.M), result.output


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB file system: the fixture site does not fit."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    ).returncode:
        if os.environ.get("CI"):
            pytest.fail("cannot mount a small file system to test a full disk: CI runs as root")
        pytest.skip(
            "mounting a small file system needs root: run the tests as root (as CI does) to test a "
            "full disk"
        )
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_one_line_and_leaves_the_site(tmp_path, monkeypatch, small_disk):
    folder = copy_site(tmp_path / "source")
    site = small_disk / "site"
    (site / sitedir.MARKER).parent.mkdir(parents=True)
    (site / sitedir.MARKER).write_text("/* yesterday's */")
    (site / "index.html").write_text("yesterday")
    before = tree_hash(site)
    result = transparency(folder, monkeypatch, "build", "--site-dir", str(site))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"^\S+: .*No space left on device", result.output, re.M), result.output
    assert tree_hash(site) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["site"]


# ---------------------------------------------------------------------------
# 7. Spreadsheets are safe
# ---------------------------------------------------------------------------


def test_every_csv_guards_formulas_the_same_way(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    replace_in(
        folder,
        RECORD,
        "title: Grants to three victim services",
        'title: "=HYPERLINK(\\"http://x\\",\\"click\\")"',
    )
    replace_in(folder, RECORD, "  - name: First Charity", '  - name: "  @SUM(A1)"')
    replace_in(folder, "content/funding/streams.yaml", "title: ", 'title: "+44 stream" # ')
    result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    data = folder / "site" / "data"
    decisions, grants, funding = (
        (data / name).read_text(encoding="utf-8")
        for name in ("decisions.csv", "grants.csv", "funding.csv")
    )
    assert "'=HYPERLINK" in decisions and "'=HYPERLINK" in grants
    assert "'  @SUM(A1)" in grants
    assert "'+44 stream" in funding
    assert '"=HYPERLINK' not in decisions.replace("'=HYPERLINK", "")
    # JSON keeps the exact text.
    assert '"title":"=HYPERLINK(\\"http://x\\",\\"click\\")"' in (
        data / "decisions.json"
    ).read_text(encoding="utf-8")


def test_one_number_format_in_every_csv():
    assert exports.csv_cell(Decimal("20000.50")) == "20000.5"
    assert exports.csv_cell(Decimal("20000.00")) == "20000"


# ---------------------------------------------------------------------------
# Property: withheld text, however disguised, wherever planted, never publishes
# ---------------------------------------------------------------------------

# Withheld texts of the fixture site, each with what the guard names it.
WITHHELD = [
    (
        "The account of First Charity is CANARYEXEMPT sort code 00-00-00, held with the Example "
        "Bank",
        EXEMPT_WHAT,
    ),
    (
        "This internal plan mentions CANARYINTERNALBODY and must never be published",
        "the text of the internal document 'Internal work plan CANARYINTERNALTITLE'",
    ),
    ("41237.50", "the figure 41237.5 from the exempt content 'Tender price' of FIX-2020-001"),
]
FIGURES = ["£41,237.50", "41,237.5", "41237.5", "GBP 41237.50"]
# Public places staff write in, and whether what is written there is published as written
# (Markdown's source, comments included) or only as sanitised HTML.
PLACES = [
    ("decisions/2020/FIX-2020-002.yaml", "summary", True),
    ("decisions/2020/FIX-2020-002.yaml", "background", True),
    ("decisions/2020/FIX-2020-002.yaml", "title", True),
    ("content/funding/streams.yaml", "description", False),
    ("content/toolkit/cycle/analyse.md", None, False),
    ("content/how-to-use.md", None, True),
]
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\ufeff"]


@st.composite
def disguised(draw, text: str, *, source_published: bool) -> str:
    """The text as staff might paste it: recased, rewrapped, salted with invisible characters or
    in-word emphasis, an entity for a letter, hidden in a comment or an attribute."""
    if text == "41237.50":
        return f"The price was {draw(st.sampled_from(FIGURES))} in all."
    words = text.split()
    out = []
    for word in words:
        case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
        word = case(word)
        if len(word) > 3 and word.isalpha() and draw(st.booleans()):
            cut = draw(st.integers(1, len(word) - 1))
            joint = draw(
                st.sampled_from(INVISIBLE + ["*", "**", "&#x" + format(ord(word[cut]), "x") + ";"])
            )
            word = (
                word[:cut]
                + joint
                + (word[cut + 1 :] if joint.startswith("&") else word[cut:])
                + ("*" if joint == "*" else "")
            )
            word = word.replace("*", "", 1) if joint == "*" and word.count("*") != 2 else word
        out.append(word)
    spaced = "".join(w + draw(st.sampled_from([" ", "  ", "\n", " \u200b"])) for w in out).strip()
    if source_published:
        wrapper = draw(st.sampled_from(["{}", "<!-- {} -->", '<span title="{}"></span>', "**{}**"]))
        spaced = wrapper.format(spaced.replace('"', "") if "title" in wrapper else spaced)
    return spaced


def _plant(folder: Path, place: tuple[str, str | None, bool], text: str) -> None:
    name, field, _ = place
    path = folder / name
    if field is None:
        path.write_text(path.read_text(encoding="utf-8") + f"\n\n{text}\n", encoding="utf-8")
        return
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record[field] = " ".join(text.split()) if field == "title" else text
    path.write_text(
        yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=1 << 16), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def planted_base(tmp_path_factory):
    """The fixture site with a tender price withheld too, published once."""
    folder = copy_site(tmp_path_factory.mktemp("planted") / "source")
    with_exempt_price(folder)
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert transparency(folder, monkeypatch, "build").exit_code == 0
    return folder


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_withheld_text_planted_anywhere_in_any_disguise_never_publishes(
    tmp_path_factory, planted_base, data
):
    secret, what = data.draw(st.sampled_from(WITHHELD))
    place = data.draw(st.sampled_from(PLACES))
    text = data.draw(disguised(secret, source_published=place[2]))
    folder = tmp_path_factory.mktemp("plant") / "source"
    shutil.copytree(planted_base, folder, symlinks=True)
    _plant(folder, place, text)
    before = tree_hash(folder / "site")
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 1, (place, text, result.output)
    assert "Traceback" not in result.output
    assert re.search(
        rf"^site/\S+: error: contains {re.escape(what)} \(kept in ", result.output, re.M
    ), (
        place,
        text,
        result.output,
    )
    assert tree_hash(folder / "site") == before


def test_a_written_page_whose_front_matter_is_never_closed_is_an_error(tmp_path):
    # Read as text, its "audience: internal" line would be published as the page's first line.
    folder = copy_site(tmp_path / "source")
    (folder / "content" / "plans.md").write_text(
        "---\naudience: internal\n# Plans\n\nThe move to Bradford.\n"
    )
    lines = [d.text() for d in load.load(read_settings(folder / "mkdocs.yml")).diagnostics.errors]
    assert lines == [
        "content/plans.md:1:1: error: the front matter is not closed: add a '---' line after its "
        "last field"
    ]
