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
