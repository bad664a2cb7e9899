"""The links check follows a link once per place it leads from (generator/links.py): the same
relative link on pages in different folders leads to different places, and is judged for each."""

from __future__ import annotations

from types import SimpleNamespace

from generator import links

NO_RECORDS = SimpleNamespace(decisions=[])


def write(root, pages: dict[str, str]) -> None:
    for name, body in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body><article>{body}</article></body></html>", encoding="utf-8")


def broken(root) -> list[tuple[str, str]]:
    return [(b.file, b.link) for b in links.check(root, NO_RECORDS, "https://example.org/site/")]


def test_the_same_relative_link_is_judged_from_each_folder(tmp_path):
    write(
        tmp_path,
        {
            "a/one/index.html": '<a href="../two/">sibling</a> <a href="../../b/">up</a>',
            "a/two/index.html": '<a href="../two/#here">self</a> <p id="here"></p>',
            "b/one/index.html": '<a href="../two/">sibling</a> <a href="../../b/">up</a>',
            "b/index.html": '<a href="../a/two/#here">there</a> <a href="../a/two/#gone">gone</a>',
        },
    )
    assert sorted(broken(tmp_path)) == [
        ("b/index.html", "../a/two/#gone"),
        ("b/one/index.html", "../two/"),
    ]


def test_a_link_climbing_out_of_the_site_is_judged_from_its_own_page(tmp_path):
    write(
        tmp_path,
        {
            "index.html": '<a href="../x/">out</a>',
            "x/index.html": '<a href="../x/">fine</a>',
            "x/y/index.html": '<a href="../../x/">fine</a> <a href="../../../x/">out</a>',
        },
    )
    assert sorted(broken(tmp_path)) == [("index.html", "../x/"), ("x/y/index.html", "../../../x/")]


# Pages are read in pieces, each from a line that starts with a tag, and a piece met on an
# earlier page is not read again (generator/links.py, _Pages): the same result as reading each
# page whole, line by line.
THEME = '\n<nav>\n<a href="../../x/">x</a>\n</nav>\n<footer id="end">\n</footer>'


def broken_at(root, sources=None) -> list[tuple[str, int, str, str, str]]:
    found = links.check(root, NO_RECORDS, "https://example.org/site/", sources)
    return [(b.file, b.line, b.link, b.problem, b.source) for b in found]


def test_a_broken_link_in_a_piece_of_html_other_pages_hold_is_named_on_each(tmp_path):
    theme = THEME.replace("../../x/", "../../gone/")
    write(tmp_path, {"x/index.html": "", "d/a/index.html": theme, "d/b/index.html": theme})
    gone = "there is no gone/ in the built site"
    assert broken_at(tmp_path) == [
        ("d/a/index.html", 3, "../../gone/", gone, ""),
        ("d/b/index.html", 3, "../../gone/", gone, ""),
    ]


def test_a_broken_link_on_a_later_page_at_the_same_line_is_named(tmp_path):
    write(
        tmp_path,
        {
            "x/index.html": "",
            "d/a/index.html": THEME + '\n<p><a href="../b/">fine</a></p>',
            "d/b/index.html": THEME + '\n<p><a href="../gone/">gone</a></p>',
        },
    )
    assert broken_at(tmp_path, {"d/b/index.html": "b.md"}) == [
        ("d/b/index.html", 7, "../gone/", "there is no d/gone/ in the built site", "b.md")
    ]


def test_an_anchor_is_looked_for_in_the_page_it_leads_to_whether_read_before_or_after(tmp_path):
    write(
        tmp_path,
        {
            "x/index.html": "",
            "d/a/index.html": THEME + '\n<p><a href="#end">e</a> <a href="../b/#own">b</a></p>'
            '\n<p><a href="../c/#own">c</a></p>',
            "d/b/index.html": THEME + '\n<h2 id="own">Own</h2>\n<p><a href="#end">e</a></p>',
            "d/c/index.html": THEME + '\n<h2 id="other">Other</h2>\n<p><a href="#own">x</a></p>',
        },
    )
    assert [(file, line, link) for file, line, link, *_ in broken_at(tmp_path)] == [
        ("d/a/index.html", 8, "../c/#own"),
        ("d/c/index.html", 8, "#own"),
    ]


def test_a_link_to_its_own_page_is_judged_on_each_page(tmp_path):
    write(
        tmp_path,
        {
            "a/index.html": '\n<h2 id="here">Here</h2>\n<a href="#here">h</a>',
            "b/index.html": '\n<h2 id="there">There</h2>\n<a href="#here">h</a>',
        },
    )
    assert broken_at(tmp_path) == [
        ("b/index.html", 3, "#here", "b/ has no heading or element with the id 'here'", "")
    ]


def test_a_quoted_value_running_on_past_a_line_that_starts_with_a_tag_is_read_whole(tmp_path):
    # A link whose value holds a line break and a "<", and an id that swallows the next tag's id.
    write(
        tmp_path,
        {
            "a/index.html": '<a href="gone\n<b>">x</a>',
            "b/index.html": '<p id="top\n<span id="swallowed">">\n<a href="#swallowed">x</a>',
        },
    )
    assert [(file, line, link) for file, line, link, *_ in broken_at(tmp_path)] == [
        ("a/index.html", 1, "gone\n<b>"),
        ("b/index.html", 3, "#swallowed"),
    ]


def test_pieces_dropped_to_keep_memory_down_give_the_same_result(tmp_path, monkeypatch):
    pages = {f"d/{n}/index.html": THEME + f'\n<a href="../{n}x/">x</a>' for n in "abc"}
    write(tmp_path, {"x/index.html": "", "d/bx/index.html": "", **pages})
    expected = broken_at(tmp_path)
    monkeypatch.setattr(links, "KEPT_PIECES", 0)
    assert broken_at(tmp_path) == expected
    assert [file for file, *_ in expected] == ["d/a/index.html", "d/c/index.html"]


def test_a_link_to_a_folder_above_is_judged_from_each_folder(tmp_path):
    write(
        tmp_path,
        {
            "x/index.html": "",
            "x/a/index.html": '<a href="../">up</a> <a href="../../x/">x</a>',
            "y/a/index.html": '<a href="../">up</a> <a href="../../x/">x</a>',
            "y/b/c/index.html": '<a href="../../">up</a>',
        },
    )
    assert sorted(broken(tmp_path)) == [("y/a/index.html", "../"), ("y/b/c/index.html", "../../")]
