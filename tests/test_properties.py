"""Property-based robustness: mutated valid records never crash the loader.

Each example writes a mutated record (keys dropped or renamed, values of the wrong type,
random Unicode, very long strings, deep nesting, anchors and aliases, alias bombs, random
edits of the text and its bytes) into a real file of a small site and loads the whole site
with generator.load.load. Whatever the input, loading must return, quickly, with either the
record loaded or an error for that file, every diagnostic a single line inside the file, and
no problem blamed on the files that were not touched.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
import tracemalloc
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from validation_helpers import BASE, NEW_DECISION_PATH

from generator import newrecord, schema, source
from generator.load import load
from generator.settings import Settings, read_settings

FAST = settings(
    max_examples=60,
    deadline=None,  # no test asserts on wall-clock time: work is bounded by counting it instead
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
    derandomize=True,  # the same examples on every run: CI must not fail by luck
)

RECORD: dict[str, Any] = {
    "reference": "OPCC-2021-002",
    "title": "Domestic abuse helpline grant",
    "date": dt.date(2021, 4, 12),
    "published": dt.date(2021, 4, 19),
    "signed": dt.date(2021, 4, 12),
    "decision_maker": "Police and Crime Commissioner",
    "status": "approved",
    "category": "grants",
    "lead_officer": "Head of Commissioning",
    "summary": "A grant to keep the domestic abuse helpline open in the evenings.\n",
    "decision": "To award the grant.\n",
    "background": "Calls to the helpline rose during the COVID-19 restrictions.\n\nThe service was "
    "at capacity.\n",
    "options_considered": "Not funding the service.\n",
    "interests_declared": "None",
    "significant_public_interest": True,
    "implications": {"financial": "Met from the grant.\n", "equality": "No adverse impact.\n"},
    "financial": {
        "amount": 45000.0,
        "currency": "GBP",
        "funding_stream": "moj-victims-witnesses",
        "financial_year": "2021/22",
    },
    "recipients": [
        {"name": "Exampleshire Women's Aid", "org_id": "GB-CHC-1098765", "amount": 45000.0}
    ],
    "procurement": {
        "route": "grant-round",
        "bids_received": 4,
        "contract_start": dt.date(2021, 5, 1),
        "contract_end": dt.date(2022, 3, 31),
    },
    "documents": [
        {"title": "Decision notice", "file": "OPCC-2020-002-decision-notice.txt"},
        {"title": "Report", "url": "https://www.example-pcc.gov.uk/report.pdf"},
    ],
    "related": ["OPCC-2021-001"],
    "supersedes": "OPCC-2020-001",
    "tags": ["domestic-abuse", "victims"],
    "exempt": [
        {
            "title": "Bank details",
            "reason": "Section 40 FOIA - personal information",
            "content": "Sort code 00-00-00.\n",
        }
    ],
}

YAML_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")


# --- The site every example writes into ------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("properties") / "site"
    shutil.copytree(BASE, root)
    return root


@pytest.fixture(scope="module")
def site_settings(site) -> Settings:
    return read_settings(site / "mkdocs.yml")


def dump(record: Any) -> str:
    return yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=80)


def check_file(site: Path, site_settings: Settings, rel: str, content: str | bytes) -> None:
    """Write content at rel, load the whole site, and check what came back."""
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    try:
        records = load(site_settings)
    finally:
        path.unlink()
    mine = [d for d in records.diagnostics if d.path == rel]
    others = [d.text() for d in records.diagnostics if d.path != rel]
    assert others == [], "a problem in one file was blamed on another"
    loaded = [
        r
        for r in (*records.decisions, *records.funding_tables, *records.toolkit)
        if r.source == path
    ]
    errors = [d for d in mine if d.severity.value == "error"]
    assert errors or loaded, "neither loaded nor reported"
    assert not (loaded and rel.endswith(".md") and errors), (
        "a toolkit document with errors was loaded"
    )
    raw = content if isinstance(content, bytes) else content.encode("utf-8")
    lines = YAML_BREAKS.split(raw.decode("utf-8", errors="replace"))
    for d in mine:
        text = d.text()
        assert not YAML_BREAKS.search(text) and "Traceback" not in text, text[:200]
        assert 1 <= d.line <= len(lines), text[:200]
        assert 1 <= d.column <= max(len(line) for line in lines) + 1, text[:200]


def test_the_unmutated_record_is_valid(site, site_settings):
    path = site / NEW_DECISION_PATH
    path.write_text(dump(RECORD), encoding="utf-8")
    try:
        records = load(site_settings)
    finally:
        path.unlink()
    assert [d.text() for d in records.diagnostics] == []
    assert "OPCC-2021-002" in {d.reference for d in records.decisions}


# --- Strategies --------------------------------------------------------------------------------

# Any character a UTF-8 file can hold (surrogates cannot be encoded).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**25, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(places=3, allow_nan=False, allow_infinity=False).map(float),
    TEXT,
    st.dates(),
    st.datetimes(),
    st.sampled_from(
        [
            "yes",
            "No",
            "on",
            "~",
            "null",
            "2020-13-45",
            "£1,000",
            "2020/22",
            "javascript:alert(1)",
            "../../mkdocs.yml",
            "a\x00b",
            "",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=8,
)
LONG_TEXT = st.one_of(
    st.integers(1_000, 200_000).map(lambda n: "x" * n),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=500, max_size=3_000),
    st.integers(300, 5_000).map(lambda n: "a" * n + ".pdf"),
)


def paths_of(value: Any, path: tuple = (), inside: frozenset = frozenset()) -> list[tuple]:
    """Paths to the values inside a record (mapping keys and list indices), down to a depth of 30;
    a value shared into itself (a cycle, which YAML writes as a recursive alias) is not entered
    twice."""
    found = [path] if path else []
    if len(path) >= 30 or id(value) in inside:
        return found
    inside |= {id(value)}
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_of(item, path + (key,), inside)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths_of(item, path + (i,), inside)
    return found


def get(record: Any, path: tuple) -> Any:
    for part in path:
        record = record[part]
    return record


def nest(value: Any, depth: int, kind: str) -> Any:
    for _ in range(depth):
        value = [value] if kind == "list" else {"x": value}
    return value


@st.composite
def mutated_records(draw) -> Any:
    record = copy.deepcopy(RECORD)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths_of(record)))
        parent, last = get(record, path[:-1]), path[-1]
        operation = draw(
            st.sampled_from(["drop", "rename", "retype", "retype", "long", "nest", "share"])
        )
        if operation == "drop":
            del parent[last]
        elif operation == "rename" and isinstance(parent, dict):
            name = draw(
                st.one_of(
                    TEXT,
                    st.sampled_from(["sumary", "Title", "amount ", "status\t", "<<", "? x", "- x"]),
                    st.integers(),
                )
            )
            parent[name] = parent.pop(last)
        elif operation == "long":
            parent[last] = draw(LONG_TEXT)
        elif operation == "nest":
            parent[last] = nest(
                parent[last], draw(st.integers(1, 120)), draw(st.sampled_from(["list", "dict"]))
            )
        elif operation == "share":
            # The same object in two places: the YAML dumper writes an anchor and an alias.
            other = draw(st.sampled_from(paths_of(record)))
            if other[: len(path)] != path and path[: len(other)] != other:
                parent[last] = get(record, other)
        else:
            parent[last] = draw(VALUES)
        if not paths_of(record):
            break
    return record


def alias_bomb(fanout: int, depth: int) -> str:
    lines = [
        "reference: OPCC-2021-002",
        "title: Bomb",
        "tags:",
        "  - &a0 [" + ", ".join(["lol"] * fanout) + "]",
    ]
    for level in range(1, depth + 1):
        lines.append(f"  - &a{level} [" + ", ".join([f"*a{level - 1}"] * fanout) + "]")
    return "\n".join(lines) + "\n"


@st.composite
def edited_text(draw) -> bytes:
    """The valid record's text with random edits: characters, bytes, lines, indentation."""
    text = dump(RECORD)
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "indent", "duplicate-line", "control"]))
        if edit == "insert":
            text = (
                text[:at]
                + draw(
                    st.one_of(
                        TEXT,
                        st.sampled_from(
                            [
                                ":",
                                ": ",
                                "- ",
                                "&x ",
                                "*x",
                                "!!python/name:os.system ",
                                '"',
                                "'",
                                "{",
                                "[",
                                "---\n",
                                "\t",
                                "#",
                            ]
                        ),
                    )
                )
                + text[at:]
            )
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif edit == "indent":
            start = text.rfind("\n", 0, at) + 1
            text = text[:start] + draw(st.sampled_from([" ", "  ", "\t", "   "])) + text[start:]
        elif edit == "duplicate-line":
            start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
            end = len(text) if end < 0 else end + 1
            text = text[:end] + text[start:end] + text[end:]
        else:
            text = (
                text[:at]
                + draw(
                    st.sampled_from(
                        [
                            "\x00",
                            "\x07",
                            "\x0b",
                            "\x0c",
                            "\x1b",
                            "\x7f",
                            "\ufeff",
                            "\ufffe",
                            "\x85",
                            "\u2028",
                        ]
                    )
                )
                + text[at:]
            )
    raw = text.encode("utf-8")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return raw


# --- Properties ----------------------------------------------------------------------------------


@FAST
@given(record=mutated_records())
def test_mutated_records_are_loaded_or_reported(site, site_settings, record):
    try:
        text = dump(record)
    except (yaml.YAMLError, RecursionError):
        assume(False)  # not representable as YAML: nothing to test
    check_file(site, site_settings, NEW_DECISION_PATH, text)


@FAST
@given(raw=edited_text())
def test_randomly_edited_text_is_loaded_or_reported(site, site_settings, raw):
    check_file(site, site_settings, NEW_DECISION_PATH, raw)


@settings(FAST, max_examples=25)
@given(fanout=st.integers(2, 30), depth=st.integers(1, 12))
def test_alias_bombs_are_refused_in_bounded_work_and_memory(site, site_settings, fanout, depth):
    text = alias_bomb(fanout, depth)
    tracemalloc.start()
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            built = count_values_built(monkeypatch)
            check_file(site, site_settings, NEW_DECISION_PATH, text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"loading took {peak / 2**20:.0f} MiB"
    # The work, not the time: no file has more values built than the budget allows, however the bomb
    # is shaped.
    assert built.most <= source.MAX_NODES + 1, built.most


class _Counter:
    most = 0


def count_values_built(monkeypatch) -> _Counter:
    """The most values source.parse built for any one file."""
    counter = _Counter()
    build = source._Builder.build

    def counted(self, node, path, depth):
        try:
            return build(self, node, path, depth)
        finally:
            counter.most = max(counter.most, self.nodes)

    monkeypatch.setattr(source._Builder, "build", counted)
    return counter


@settings(FAST, max_examples=20)
@given(
    depth=st.integers(1, 3000),
    style=st.sampled_from(["flow-list", "flow-map", "block-list", "block-map"]),
)
def test_deep_nesting_is_refused_without_recursion_errors(site, site_settings, depth, style):
    if style == "flow-list":
        value = "[" * depth + "1" + "]" * depth
    elif style == "flow-map":
        value = "{a: " * depth + "1" + "}" * depth
    elif style == "block-list":
        value = "\n" + "".join("  " * i + "-\n" for i in range(depth)) + "  " * depth + "1"
    else:
        value = (
            "\n" + "".join("  " * (i + 1) + "a:\n" for i in range(depth)) + "  " * (depth + 1) + "1"
        )
    check_file(site, site_settings, NEW_DECISION_PATH, dump(RECORD) + "tags: " + value + "\n")


@settings(FAST, max_examples=40)
@given(
    front_matter=st.one_of(
        VALUES.map(lambda v: dump({"title": "Risk", "extra": v})),
        st.dictionaries(TEXT, VALUES, max_size=5).map(dump),
        TEXT,
    ),
    closing=st.booleans(),
)
def test_mutated_toolkit_front_matter_is_loaded_or_reported(
    site, site_settings, front_matter, closing
):
    text = "---\n" + front_matter + ("---\n" if closing else "") + "\n# Body\n"
    check_file(site, site_settings, "content/toolkit/guidance/risk.md", text)


@settings(FAST, max_examples=40)
@given(
    row=st.dictionaries(st.sampled_from(["id", "name", "values", "note"]), VALUES, max_size=4),
    columns=st.one_of(st.just(["2019/20", "2020/21"]), st.lists(VALUES, max_size=3)),
)
def test_mutated_funding_tables_are_loaded_or_reported(site, site_settings, row, columns):
    table = {
        "title": "COVID-19",
        "unit": "GBP",
        "columns": columns,
        "rows": [{"id": "covid-victims", "name": "Victims", "values": [None, 1004380]}, row],
    }
    try:
        text = dump(table)
    except (yaml.YAMLError, RecursionError):
        assume(False)
    check_file(site, site_settings, "content/funding/covid.yaml", text)


@settings(FAST, max_examples=60)
@given(title=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=200))
def test_any_title_survives_new_decision(tmp_path_factory, title):
    """`transparency new decision --title ...` writes YAML that reads back as the same title, or,
    for a title holding a control character no feed may carry, is reported on the title's line."""
    root = tmp_path_factory.mktemp("new")
    site_settings = Settings(root=root, reference_prefix="OPCC")
    path = newrecord.write_decision(site_settings, title, dt.date(2021, 5, 1))
    records = load(site_settings)
    reported = [
        d.text() for d in records.diagnostics if d.path == path.relative_to(root).as_posix()
    ]
    control = [c for c in title if unicodedata.category(c) == "Cc" and c not in "\t\n"] + [
        c for c in title if c in "\ufffe\uffff"
    ]
    if control:
        assert records.decisions == []
        assert (
            [line for line in reported if "title:" in line]
            == [
                line
                for line in reported
                if ":6:8: error: title: the text holds the control character U+" in line
            ]
            != []
        ), reported
        return
    (decision,) = records.decisions
    assert decision.title == title
    # Nothing but the summary the template leaves for staff to write.
    assert [
        d.field for d in records.diagnostics if d.path == path.relative_to(root).as_posix()
    ] == ["summary"]


@settings(FAST, max_examples=300)
@given(record=mutated_records())
def test_the_compiled_fast_path_agrees_with_jsonschema(record):
    # schema.check trusts the compiled validator when it accepts a file; it must never accept
    # what jsonschema, the authority on errors, would reject (nor the other way round).
    data = source.parse(dump(record)).data
    assume(isinstance(data, dict))
    assert schema.is_valid("decision", data) == (
        not list(schema._validator("decision").iter_errors(data))
    )
