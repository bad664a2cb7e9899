"""`transparency build`: the publication guard, the links check and the atomic replace of site/.

The fixture site is published once per session with `transparency build`; the failure cases
each build a small copy with one thing broken on purpose (a leak in a record, a template that
prints exempt content, a dead link) and check that the build refuses, says where, and leaves
the site that was there before byte for byte as it was.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import re
import shlex
import time
import tomllib
from pathlib import Path

import jinja2
import pytest
import yaml
from click.testing import CliRunner
from conftest import CANARIES, FIXTURE_SITE, REPO, SOURCE_DATE_EPOCH, build_site, copy_site

from generator import guard, links, load, render, sitedir
from generator.cli import main
from generator.model import ExemptPart
from generator.publication import publish
from generator.settings import read_settings

SUMMARY = re.compile(
    r"^built site: \d+ records \(\d+ decisions, \d+ funding tables, \d+ toolkit documents(; \d+ "
    r"withheld)?\), "
    r"\d+ pages, \d+ files, \d+\.\d MB in \d+\.\d s$",
    re.M,
)


def transparency(folder: Path, monkeypatch, *args: str):
    """Run the command in a site's folder, as staff and CI do."""
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def tree_hash(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def previous_site(folder: Path) -> dict[str, str]:
    """A site/ as a previous build left it; its hashes, to compare after a failed build."""
    (folder / "site" / "decisions").mkdir(parents=True)
    (folder / "site" / "index.html").write_text("<p>the site as it was published yesterday</p>")
    (folder / "site" / sitedir.MARKER).parent.mkdir(parents=True)
    (folder / "site" / sitedir.MARKER).write_text("/* yesterday's */")
    (folder / "site" / "decisions" / "records.csv").write_bytes(b"reference\r\nFIX-2020-001\r\n")
    return tree_hash(folder / "site")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".site-"))


def assert_refused(result, folder: Path, before: dict[str, str]) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "the published site was not changed" in result.output
    assert tree_hash(folder / "site") == before
    assert leftovers(folder) == []
    return result.output


# ---------------------------------------------------------------------------
# A successful build, once per session
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The fixture site published with `transparency build` over a stale site/."""
    folder = copy_site(tmp_path_factory.mktemp("published") / "site-source")
    (folder / "site" / sitedir.MARKER).parent.mkdir(parents=True)
    (folder / "site" / sitedir.MARKER).write_text("/* from an older build */")
    (folder / "site" / "stale.html").write_text("from an older build")
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    result.folder = folder
    return result


def test_success_replaces_site_and_leaves_no_temporary_folder(published):
    site = published.folder / "site"
    assert (site / "index.html").is_file()
    assert (site / "decisions" / "2020" / "fix-2020-001" / "index.html").is_file()
    assert not (site / "stale.html").exists()
    assert leftovers(published.folder) == []


def test_success_prints_counted_steps_and_a_one_line_summary(published):
    steps = re.findall(r"^\[(\d)/5\] (?!done)", published.output, re.M)
    assert steps == ["1", "2", "3", "4", "5"]
    assert re.findall(r"^\[(\d)/5\] done in \d+\.\d s$", published.output, re.M) == steps
    assert SUMMARY.search(published.output), published.output
    assert "5 decisions" in SUMMARY.search(published.output).group(0)


def test_published_site_holds_no_canary(published):
    for path, text in tree_text(published.folder / "site").items():
        for canary in CANARIES:
            assert canary not in text, f"{canary} in {path}"


def tree_text(root: Path) -> dict[str, str]:
    texts = {}
    for path in root.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            texts[path.relative_to(root).as_posix()] = (
                gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
            ).decode("utf-8", "replace")
    return texts


# ---------------------------------------------------------------------------
# The guard refuses a build that would publish withheld text
# ---------------------------------------------------------------------------

LEAKED_SUMMARY = """summary: |
  Grants to three services. The account of
  First Charity is CANARYEXEMPT sort code
  00-00-00, held with the Example Bank &
  Trust <plc>.
"""


def test_exempt_text_copied_into_a_summary_fails_the_build_and_keeps_site(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    record = folder / "decisions" / "2020" / "FIX-2020-001.yaml"
    text = record.read_text()
    record.write_text(re.sub(r"^summary: .*\n", LEAKED_SUMMARY, text, flags=re.M))
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert (
        "site/decisions/2020/fix-2020-001/index.html: error: contains the exempt content "
        "'Applicants' bank details' of FIX-2020-001 (kept in decisions/2020/FIX-2020-001.yaml)"
    ) in output


@pytest.fixture
def leaky_templates(tmp_path, monkeypatch):
    """The package's templates, with decision.html printing what it must only name."""
    templates = tmp_path / "templates"
    templates.mkdir()
    for template in (REPO / "generator" / "templates").iterdir():
        (templates / template.name).write_bytes(template.read_bytes())
    page = templates / "decision.html"
    shown = "<p>Withheld: {{ part.reason }}</p>"
    assert shown in page.read_text(), (
        "decision.html no longer shows the reason: update this test's leak"
    )
    page.write_text(page.read_text().replace(shown, shown + "\n  <p>{{ part.content }}</p>"))
    leaky = render.environment().overlay(loader=jinja2.FileSystemLoader(templates))
    monkeypatch.setattr(render, "environment", lambda: leaky)


def test_a_template_that_prints_exempt_content_fails_the_build(
    tmp_path, monkeypatch, leaky_templates
):
    folder = copy_site(tmp_path / "source")
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert (
        "site/decisions/2020/fix-2020-001/index.html: error: contains the exempt content "
        "'Applicants' bank details'" in output
    )


@pytest.fixture(scope="module")
def fixture_publication():
    return publish(load.load(read_settings(FIXTURE_SITE / "mkdocs.yml")))


def scan(tmp_path: Path, publication, files: dict[str, bytes]) -> dict[str, set[str]]:
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    found: dict[str, set[str]] = {}
    for leak in guard.scan(tmp_path, guard.secrets(publication)).leaks:
        found.setdefault(leak.file, set()).add(leak.secret.what)
    return found


EXEMPT = "the exempt content 'Applicants' bank details' of FIX-2020-001"


def test_guard_matches_exempt_text_however_it_was_escaped_or_wrapped(tmp_path, fixture_publication):
    fragment = json.dumps(
        {
            "content": "The account of First Charity is CANARYEXEMPT\nsort code 00-00-00, held"
            " with the Example Bank & Trust <plc>."
        }
    ).replace("&", "\\u0026")
    found = scan(
        tmp_path,
        fixture_publication,
        {
            "page.html": b"<p>The account of <em>First\n   Charity</em> is canaryexempt</p><p>sort "
            b"code 00&#8209;00-00,"
            b" held with the Example Bank &amp; Trust &lt;plc&gt;.</p>",
            "pagefind/fragment/en_1.pf_fragment": gzip.compress(
                b"pagefind_dcd" + fragment.encode()
            ),
            "meta.html": b'<meta name="description" content="Sort code 00-00-00, held with the '
            b'Example Bank &amp; Trust &lt;plc&gt;. More">',
            "feed.xml": b"<description>&lt;p&gt;First Charity is CANARYEXEMPT sort code "
            b"00-00-00&lt;/p&gt;</description>",
        },
    )
    assert set(found) == {
        "page.html",
        "pagefind/fragment/en_1.pf_fragment",
        "meta.html",
        "feed.xml",
    }
    assert all(EXEMPT in what for what in found.values())


def test_guard_names_embargoed_and_internal_records_and_their_addresses(
    tmp_path, fixture_publication
):
    found = scan(
        tmp_path,
        fixture_publication,
        {
            "decisions/2021/fix-2021-009/index.html": b"<p>nothing else</p>",
            "title.html": b"<h1>Embargoed decision CANARYEMBARGOTITLE</h1>",
            "toolkit.html": b"<p>This internal plan mentions CANARYINTERNALBODY and must never be "
            b"published.</p>",
            "budget.csv": b"line,amount\nCANARYINTERNALATTACHMENT,1\n",
        },
    )
    assert found["decisions/2021/fix-2021-009/index.html"] == {
        "the reference of FIX-2021-009, embargoed until 2099-01-01"
    }
    assert "the title of FIX-2021-009, embargoed until 2099-01-01" in found["title.html"]
    assert found["toolkit.html"] == {
        "the text of the internal document 'Internal work plan CANARYINTERNALTITLE'"
    }
    assert found["budget.csv"] == {
        "the withheld file 'toolkit/internal/internal-budget.csv', an attachment of the internal "
        "document "
        "'Internal work plan CANARYINTERNALTITLE'"
    }


def test_guard_finds_a_binary_internal_attachment_copied_whole(tmp_path):
    source = copy_site(tmp_path / "source")
    budget = bytes(range(256)) * 4
    (source / "content" / "toolkit" / "internal" / "internal-budget.csv").write_bytes(budget)
    publication = publish(load.load(read_settings(source / "mkdocs.yml")))
    found = scan(
        tmp_path / "site",
        publication,
        {"assets/budget.xlsx": budget, "assets/other.bin": budget[1:]},
    )
    assert found == {
        "assets/budget.xlsx": {
            "the withheld file 'toolkit/internal/internal-budget.csv', an attachment of the "
            "internal "
            "document 'Internal work plan CANARYINTERNALTITLE'"
        }
    }


INTERNAL_TEXT = "the text of the internal document 'Internal work plan CANARYINTERNALTITLE'"
TEMPLATE_TEXT = (
    "Record the decisions you make and the reasons for them, so that the group can rely on them "
    "later."
)


def test_guard_finds_internal_text_copied_into_a_public_document(tmp_path):
    publication = publish(load.load(read_settings(FIXTURE_SITE / "mkdocs.yml")))
    [internal] = publication.withheld.internal
    internal.body = (
        f"{TEMPLATE_TEXT}\n\nThe Head of Commissioning retires in March 2022; the post will not be "
        "filled.\n"
    )
    publication.toolkit[0].body += f"\n{TEMPLATE_TEXT}\n"
    found = scan(
        tmp_path, publication, {"toolkit/analyse/index.html": f"<p>{TEMPLATE_TEXT}</p>".encode()}
    )
    assert found == {"toolkit/analyse/index.html": {INTERNAL_TEXT}}


def test_guard_ignores_only_the_text_an_internal_document_declares_it_shares(tmp_path):
    publication = publish(load.load(read_settings(FIXTURE_SITE / "mkdocs.yml")))
    [internal] = publication.withheld.internal
    internal.body = (
        f"{TEMPLATE_TEXT}\n\nThe Head of Commissioning retires in March 2022; the post will not be "
        "filled.\n"
    )
    internal.shared_text = [TEMPLATE_TEXT]
    publication.toolkit[0].body += f"\n{TEMPLATE_TEXT}\n"
    found = scan(
        tmp_path,
        publication,
        {
            "toolkit/analyse/index.html": f"<p>{TEMPLATE_TEXT}</p>".encode(),
            "leak.html": b"<p>The Head of Commissioning retires in March 2022.</p>",
        },
    )
    assert found == {"leak.html": {INTERNAL_TEXT}}


def test_guard_catches_part_of_a_long_text_but_not_common_words(tmp_path):
    publication = publish(load.load(read_settings(FIXTURE_SITE / "mkdocs.yml")))
    long_text = (
        "The preferred bidder offered the lowest price of the three by a clear margin. "
        "Their bank guarantee is held by an insurer in Leeds under policy 7781-A."
    )
    decision = next(d for d in publication.decisions if d.exempt)
    decision.exempt.append(ExemptPart("Guarantee", "Section 43 FOIA", long_text))
    publication.withheld.exempt.append((decision.reference, long_text))
    found = scan(
        tmp_path,
        publication,
        {
            "partial.html": b"<p>We note: their bank guarantee is held by an insurer in Leeds.</p>",
            "common.html": b"<p>The preferred bidder offered a price. The bank is held in "
            b"Leeds.</p>",
        },
    )
    assert found == {"partial.html": {f"the exempt content 'Guarantee' of {decision.reference}"}}


# ---------------------------------------------------------------------------
# The links check
# ---------------------------------------------------------------------------


def test_a_dead_link_and_a_missing_anchor_in_a_written_page_fail_the_build(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    (folder / "content" / "contacts.md").write_text(
        "# Contacts\n\nSee [the old page](no-such-page.md) and [how to use "
        "it](how-to-use.md#no-such-heading).\n"
    )
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert re.search(
        r"^site/contacts/index\.html:\d+: error: link 'no-such-page\.md' \(in "
        r"content/contacts\.md\): "
        r"there is no contacts/no-such-page\.md in the built site$",
        output,
        re.M,
    ), output
    assert re.search(
        r"^site/contacts/index\.html:\d+: error: link '\.\./how-to-use/#no-such-heading' \(in "
        r"content/contacts\.md\): "
        r"how-to-use/ has no heading or element with the id 'no-such-heading'$",
        output,
        re.M,
    ), output


def slow_search_index(monkeypatch, then=None) -> list[bool]:
    """Pagefind taking a second to finish the index, as on a large site; whether the build's
    folder was still there each time it finished. `then` runs on the written index."""
    from generator import search

    existed: list[bool] = []
    real = search.build_index

    def slow(site_dir, *args, **kwargs):
        time.sleep(1)
        try:
            index = real(site_dir, *args, **kwargs)
            if then is not None:
                then(Path(site_dir) / search.BUNDLE)
            return index
        finally:
            existed.append(Path(site_dir).is_dir())

    monkeypatch.setattr(search, "build_index", slow)
    return existed


@pytest.mark.parametrize("strict", [False, True], ids=["the links check", "MkDocs, strict"])
def test_a_build_failing_after_its_pages_waits_for_the_search_index_before_removing_its_folder(
    tmp_path, monkeypatch, strict
):
    """`transparency build` checks links while Pagefind finishes the index: when the links
    check fails, or MkDocs itself once the pages are written (strict, on a warning), the index is
    still waited for, not written into a folder being removed (or left behind)."""
    folder = copy_site(tmp_path / "source")
    (folder / "content" / "contacts.md").write_text("# Contacts\n\n[Old](no-such-page.md)\n")
    before = previous_site(folder)
    existed = slow_search_index(monkeypatch)
    command = ["build", "--strict"] if strict else ["build"]
    output = assert_refused(transparency(folder, monkeypatch, *command), folder, before)
    stopped_by = "mkdocs.yml: mkdocs: Aborted" if strict else "there is no contacts/no-such-page.md"
    assert stopped_by in output
    assert existed == [True]


@pytest.mark.parametrize("parted", [False, True], ids=["one index", "in parts"])
def test_the_guard_reads_the_search_index_written_after_it_started(tmp_path, monkeypatch, parted):
    """The guard starts on the rest of the site while Pagefind finishes the index (or, for an
    index in parts, once it is finished), and reads the index once it is written."""
    folder = copy_site(tmp_path / "source")
    if parted:
        config = folder / "mkdocs.yml"
        config.write_text(
            config.read_text().replace(
                "      reference_prefix: FIX\n",
                "      reference_prefix: FIX\n"
                "      search_parts_above: 4\n      search_part_size: 1\n",
            )
        )
    before = previous_site(folder)

    def leaked(index: Path) -> None:
        fragment = json.dumps(
            {
                "content": "The account of First Charity is CANARYEXEMPT sort code 00-00-00, "
                "held with the Example Bank & Trust <plc>."
            }
        )
        (index / "fragment" / "en_leak.pf_fragment").write_bytes(
            gzip.compress(b"pagefind_dcd" + fragment.encode())
        )

    existed = slow_search_index(monkeypatch, then=leaked)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert re.search(
        rf"^site/pagefind/fragment/en_leak\.pf_fragment: error: .*{re.escape(EXEMPT)}", output, re.M
    ), output
    assert existed == [True]


def built(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def problems(
    root: Path, publication, site_url="https://example.org/our-business/making-decisions/"
) -> dict[str, str]:
    return {b.link: b.problem for b in links.check(root, publication, site_url)}


def test_links_resolve_under_the_sites_sub_path(tmp_path, fixture_publication):
    fixture_publication = publish_without_documents(fixture_publication)
    root = built(
        tmp_path,
        {
            "index.html": '<a href="a/">a</a> <a href="a/#top">top</a> <a href="#here">here</a> '
            '<span id="here"></span>'
            ' <a href="/our-business/making-decisions/a/">root-relative</a>'
            ' <a href="https://example.org/our-business/making-decisions/a/index.html">absolute</a>'
            ' <a href="https://example.org/contact/">office site</a> <a href="https://elsewhere.example/">other</a>'
            ' <a href="mailto:office@example.org">mail</a> <link href="style.css?v=2">',
            "a/index.html": '<h2 id="top">Top</h2><a href="..">up</a> <a '
            'href="../style.css">css</a>',
            "style.css": "",
        },
    )
    assert problems(root, fixture_publication) == {}


def test_links_that_leave_the_site_or_miss_are_named(tmp_path, fixture_publication):
    fixture_publication = publish_without_documents(fixture_publication)
    root = built(
        tmp_path,
        {
            "index.html": '<a href="/contact/">c</a> <a href="../../x/">up</a> <a '
            'href="a">folder</a>'
            ' <a href=\'missing.pdf\'>pdf</a> <a href="a/#gone">gone</a> <a href="#nowhere">x</a>',
            "a/index.html": "<h2 id='top'>Top</h2>",
        },
    )
    found = problems(root, fixture_publication)
    assert found == {
        "/contact/": "points outside the site's address /our-business/making-decisions/: write a "
        "full https:// address to link to another part of the website",
        "../../x/": "points outside the site's address /our-business/making-decisions/: write a "
        "full https:// address to link to another part of the website",
        "a": "'a' is a folder: end the link with '/'",
        "missing.pdf": "there is no missing.pdf in the built site",
        "a/#gone": "a/ has no heading or element with the id 'gone'",
        "#nowhere": "the home page has no heading or element with the id 'nowhere'",
    }


def publish_without_documents(publication):
    """The fixture's publication minus its listed documents, for trees that hold no files."""
    stripped = copy.copy(publication)
    stripped.decisions = [d for d in publication.decisions if not d.documents]
    return stripped


def test_a_document_listed_in_a_record_must_be_in_the_build(tmp_path, fixture_publication):
    root = built(tmp_path, {"index.html": "<p>no files</p>"})
    missing = [b for b in links.check(root, fixture_publication, "") if b.line == 0]
    assert [(b.file, b.link) for b in missing] == [
        ("decisions/2020/fix-2020-001/index.html", "FIX-2020-001-notice.txt")
    ]
    assert missing[0].problem == "the document is listed in the record but is not in the built site"


# ---------------------------------------------------------------------------
# Replacing site/
# ---------------------------------------------------------------------------


def test_replace_site_swaps_the_folders_and_deletes_the_old_one(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.html").write_text("old")
    (tmp_path / ".new").mkdir()
    (tmp_path / ".new" / "index.html").write_text("new")
    sitedir.replace(tmp_path / ".new", tmp_path / "site")
    assert tree_hash(tmp_path / "site") == {"index.html": hashlib.sha256(b"new").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_replace_site_puts_the_old_site_back_when_the_new_cannot_be_moved_in(tmp_path):
    before = previous_site(tmp_path)
    with pytest.raises(OSError):
        sitedir.replace(tmp_path / "never-built", tmp_path / "site")
    assert tree_hash(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# ---------------------------------------------------------------------------
# Input problems: a clear list, never a traceback
# ---------------------------------------------------------------------------


def test_an_invalid_record_stops_the_build_at_validation(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    record = folder / "decisions" / "2020" / "FIX-2020-002.yaml"
    record.write_text(record.read_text().replace("status: approved", "status: aproved"))
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert "decisions/2020/FIX-2020-002.yaml:" in output and "'aproved' is not one of" in output
    assert "[2/5]" not in output


def test_a_broken_mkdocs_yml_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    config = folder / "mkdocs.yml"
    config.write_text(config.read_text().replace("name: material", "name: no-such-theme"))
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    assert re.search(r"^mkdocs\.yml: mkdocs: .*no-such-theme", output, re.M), output


@pytest.mark.parametrize(
    ("option", "problem"),
    [
        (
            "contract_threshold: 5000",
            "unknown option 'contract_threshold' (did you mean 'contracts_threshold'?)",
        ),
        ("latest: ten", "expected a whole number, found text 'ten'"),
    ],
)
def test_an_unknown_or_wrongly_typed_option_stops_both_builds(
    tmp_path, monkeypatch, option, problem
):
    folder = copy_site(tmp_path / "source")
    config = folder / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("  - transparency:\n", f"  - transparency:\n      {option}\n", 1)
    )
    before = previous_site(folder)
    output = assert_refused(transparency(folder, monkeypatch, "build"), folder, before)
    name = option.split(":")[0]
    assert re.search(
        rf"^mkdocs\.yml:\d+:\d+: error: transparency\.{name}: {re.escape(problem)}$", output, re.M
    ), output
    result = build_site(folder, tmp_path / "mkdocs-build")
    assert result.returncode == 1
    assert f"option '{name}': {problem}" in result.stderr


def test_validate_reports_the_builds_warnings_for_ci(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    result = CliRunner().invoke(main, ["validate", "--format", "github"])
    annotations = result.stdout.splitlines()
    # Each kind statutory.build_warnings gives for the fixture site, as an annotation at its line.
    for start in (
        "::warning file=content/specified-information.yaml,",
        "::warning file=decisions/2020/FIX-2020-002.yaml,",
        "::warning file=content/funding/streams.yaml,",
    ):
        assert any(a.startswith(start) for a in annotations), (start, annotations)
    assert any("has no document attached" in a for a in annotations)
    assert any("more than its allocation" in a for a in annotations)


# ---------------------------------------------------------------------------
# CI workflows and pre-commit hooks point at things that exist
# ---------------------------------------------------------------------------

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text()
    variables = dict(re.findall(r"^([A-Z_]+)\s*[:?]?=\s*(.*)$", text, re.M))

    def expand(value: str) -> str:
        while m := re.search(r"\$\(([A-Z_]+)\)", value):
            value = value.replace(m.group(0), variables[m.group(1)])
        return value

    targets = set()
    for names in re.findall(r"^([^\s#=:][^=:]*?):(?!=)", text, re.M):
        targets |= {expand(name) for name in names.split()}
    return targets


def commands(run: str) -> list[list[str]]:
    found = []
    for line in run.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line.split(" #")[0]):
            words = shlex.split(part)
            while words and re.match(r"^[A-Z_]+=", words[0]):
                words = words[1:]  # an environment variable set for the command
            if words:
                found.append(words)
    return found


def missing_command(words: list[str]) -> str | None:
    """Why a command a workflow or hook runs is not one of this repository's, if it is not."""
    program = words[0]
    if program == "make":
        unknown = [t for t in words[1:] if not t.startswith("-") and t not in make_targets()]
        return f"make has no target {unknown}" if unknown else None
    if Path(program).name == "transparency":
        if program not in ("transparency", ".venv/bin/transparency"):
            return f"{program}: not where make installs the command"
        scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
        if "transparency" not in scripts or len(words) < 2 or words[1] not in main.commands:
            return f"transparency has no subcommand {words[1:2]}"
        return None
    script = REPO / program
    if program.startswith(".") and script.is_file() and script.stat().st_mode & 0o111:
        return None
    return (
        f"'{program}' is not a make target, a transparency subcommand or a script of this "
        "repository"
    )


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_parses_and_runs_only_this_repositorys_commands(workflow):
    data = yaml.safe_load(workflow.read_text())
    assert data["jobs"], workflow
    runs = [
        step["run"]
        for job in data["jobs"].values()
        for step in job.get("steps", [])
        if "run" in step
    ]
    assert runs
    for run in runs:
        for words in commands(run):
            assert missing_command(words) is None, (
                f"{workflow.name}: {' '.join(words)}: {missing_command(words)}"
            )
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", step["uses"]), (
                    step["uses"]
                )


def test_workflows_check_pull_requests_and_deploy_main_with_least_permissions():
    check = yaml.safe_load((REPO / ".github/workflows/check.yml").read_text())
    deploy = yaml.safe_load((REPO / ".github/workflows/deploy.yml").read_text())
    # PyYAML reads the key `on` as True.
    assert "pull_request" in check[True]
    assert deploy[True]["push"]["branches"] == ["main"]
    assert check["permissions"] == deploy["permissions"] == {"contents": "read"}
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["concurrency"]["group"]
    runs = [
        s.get("run", "")
        for job in (check, deploy)
        for j in job["jobs"].values()
        for s in j["steps"]
    ]
    assert sum(".venv/bin/transparency build" in r for r in runs) == 2
    assert any("validate --format github" in r for r in runs) and any(r == ".ci/run" for r in runs)
    assert (REPO / ".ci/run").read_text().count("make test") == 1


def test_pre_commit_hook_runs_transparency_validate_on_records():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    offered = {hook["id"]: hook for hook in hooks}["transparency-validate"]
    assert offered["language"] == "python" and offered["pass_filenames"] is True
    [local] = [repo for repo in config["repos"] if repo["repo"] == "local"]
    used = {hook["id"]: hook for hook in local["hooks"]}["transparency-validate"]
    for hook in (offered, used):
        words = shlex.split(hook["entry"])
        assert words[1] == "validate" and missing_command(words) is None, hook["entry"]
        pattern = re.compile(hook["files"])
        for path in (
            "decisions/2020/WYPCC-2020-001.yaml",
            "content/funding/streams.yaml",
            "content/toolkit/cycle/plan.md",
        ):
            assert pattern.search(path), path
        for path in (
            "generator/cli.py",
            "mkdocs.yml",
            "decisions/README.txt",
            "tests/fixtures/site/decisions/2020/FIX-2020-001.yaml",
        ):
            assert not pattern.search(path), path
    assert used["files"] == offered["files"]


def test_the_build_loads_and_validates_the_records_once(tmp_path, monkeypatch):
    folder = copy_site(tmp_path / "source")
    calls = []
    real = load.load
    monkeypatch.setattr(
        load, "load", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs)
    )
    result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    assert len(calls) == 1


def test_the_build_publishes_the_records_and_derives_the_registers_once(tmp_path, monkeypatch):
    from generator import check

    folder = copy_site(tmp_path / "source")
    calls = []
    real = check.prepare
    monkeypatch.setattr(check, "prepare", lambda records: calls.append(records) or real(records))
    result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 0, result.output
    assert len(calls) == 1


@pytest.mark.parametrize(
    "service",
    ["exit 3", "head -c 40 > /dev/null; printf 'bm90IGpzb24=,'; sleep 5"],
    ids=["stops at once", "answers nonsense"],
)
def test_pagefind_failing_is_one_line_and_leaves_the_site(tmp_path, monkeypatch, service):
    """Pagefind's service indexes the pages as the build writes them: if it stops or talks
    nonsense, the build says so in one line and publishes nothing."""
    from generator import search

    folder = copy_site(tmp_path / "source")
    before = previous_site(folder)
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!/bin/sh\n{service}\n")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "get_executable", lambda: fake)
    result = transparency(folder, monkeypatch, "build")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert re.search(r"^.*error: Pagefind could not index the site: \S.*$", result.output, re.M)
    assert tree_hash(folder / "site") == before


@pytest.mark.parametrize("enabled", [True, False])
def test_records_are_loaded_without_the_collector_which_is_left_as_it_was(monkeypatch, enabled):
    """The collector would walk every record made so far again and again while they are loaded
    (a quarter of the load's time at 10,000 records); none of them is garbage."""
    import gc

    seen = []
    check = load.validate.check_records
    monkeypatch.setattr(
        load.validate,
        "check_records",
        lambda records: seen.append(gc.isenabled()) or check(records),
    )
    (gc.enable if enabled else gc.disable)()
    try:
        records = load.load(read_settings(FIXTURE_SITE / "mkdocs.yml"))
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen == [False] and records.decisions and not records.diagnostics.errors


def test_generated_pages_outside_the_navigation_are_not_converted_from_markdown(
    tmp_path, monkeypatch
):
    """Their source is front matter alone: MkDocs would set up a Markdown converter with every
    extension for each decision page, to convert nothing."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.structure.pages import Page

    converted: list[str] = []
    render = Page.render
    monkeypatch.setattr(
        Page,
        "render",
        lambda page, *args: converted.append(page.file.src_uri) or render(page, *args),
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    site = copy_site(tmp_path / "source")
    config = load_config(config_file=str(site / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    decision_pages = [
        path for path in converted if re.fullmatch(r"decisions/\d{4}/[^/]+/index\.md", path)
    ]
    assert "index.md" in converted and "decisions/2020/index.md" in converted
    assert decision_pages == [], decision_pages
    assert (tmp_path / "site/decisions/2020/fix-2020-001/index.html").is_file()
