"""Read YAML into plain values while keeping the line and column of every key and value.

PyYAML's C composer builds the node tree (about ten times faster than the pure-Python one);
we turn nodes into values ourselves so that each value keeps its position, duplicate keys are
caught, and an alias bomb or absurd nesting becomes an error instead of exhausting memory.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

try:
    from yaml import CSafeLoader as _Loader

    _C_LOADER = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    _C_LOADER = False

FieldPath = tuple[str | int, ...]

# Bounds on what one small record may expand to: aliases can multiply a tiny file into
# gigabytes ("billion laughs"), and nesting this deep is never a real record.
MAX_NODES = 20_000
MAX_DEPTH = 40


class Position(NamedTuple):  # a NamedTuple: one is made for every key and value
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of one YAML document stands in its file."""

    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)

    def value(self, path: FieldPath) -> Position:
        """The position of the value at path, or of its nearest ancestor that has one."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, Position(1, 1))

    def key(self, path: FieldPath) -> Position:
        return self.keys.get(path) or self.value(path)


class Problem(NamedTuple):
    """Something wrong with one field of a file; positions come from the file's SourceMap."""

    path: FieldPath
    message: str
    at_key: bool = False  # at the field's name rather than its value (an unknown field)
    warning: bool = False
    kind: str = ""  # see Diagnostic.kind


@dataclass
class YamlProblem:
    position: Position
    message: str
    path: FieldPath = ()


@dataclass
class Parsed:
    data: Any
    source_map: SourceMap
    problems: list[YamlProblem]


class _Budget(Exception):
    pass


_TAG_NAMES = {
    "tag:yaml.org,2002:str": "text",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:timestamp": "a date",
}


_STR_TAG = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _tag(tag: str) -> str:
    """A tag as it is written in the file: !!python/object, not tag:yaml.org,2002:python/object."""
    return (
        "!!" + tag.removeprefix("tag:yaml.org,2002:")
        if tag.startswith("tag:yaml.org,2002:")
        else tag
    )


def _pos(mark: yaml.Mark | None) -> Position:
    if mark is None:
        return Position(1, 1)
    return Position(mark.line + 1, mark.column + 1)


def decode(raw: bytes) -> tuple[str | None, YamlProblem | None]:
    """Text of a file, or where its bytes stop being UTF-8."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        start = exc.start + (
            3 if raw.startswith(codecs.BOM_UTF8) else 0
        )  # utf-8-sig counts after the BOM
        # Lines and columns as YAML counts them, in characters: the text before the bad byte is
        # valid.
        position = _end_position(raw[:start].decode("utf-8-sig", errors="replace"))
        byte = raw[start : start + 1].hex()
        return None, YamlProblem(
            position,
            f"the file is not UTF-8 text (byte 0x{byte}): save it with UTF-8 encoding",
        )


def _yaml_error_message(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or str(exc)).strip()
    if "tab" in problem or "'\\t'" in problem:
        return "a tab character is not allowed in YAML: indent with spaces"
    if "expected a single document" in (exc.context or "") + problem:
        return "the file holds more than one YAML document: remove the extra '---' line"
    if problem.startswith("found duplicate anchor"):
        return "the same anchor name is defined twice"
    if problem.startswith("found undefined alias"):
        return (
            "an alias refers to an anchor that is not defined "
            f"({problem.split('alias', 1)[1].strip()})"
        )
    context = f" {exc.context}" if exc.context else ""
    return f"this is not valid YAML:{context} {problem}".replace("  ", " ")


def _yaml_error(text: str, exc: yaml.MarkedYAMLError) -> YamlProblem:
    """The position and words for a syntax error, for the mistakes staff make most."""
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    if mark is not None:
        line = text.split("\n")[mark.line] if mark.line < text.count("\n") + 1 else ""
        if line[mark.column : mark.column + 1] == "\t":  # libyaml's message does not say 'tab'
            return YamlProblem(
                _pos(mark), "a tab character is not allowed in YAML: indent with spaces"
            )
    if exc.context == "while scanning a simple key" and exc.context_mark is not None:
        # libyaml notices on the next line; the mistake is on the line it started scanning.
        return YamlProblem(
            _pos(exc.context_mark),
            "this line is not a 'field: value' pair: put a space after the ':', or indent the line "
            "if it continues the text above",
        )
    if (
        exc.context == "while scanning a quoted scalar"
        and "end of stream" in problem
        and exc.context_mark is not None
    ):
        return YamlProblem(_pos(exc.context_mark), "the quotes opened here are never closed")
    if problem in ("did not find expected key", "did not find expected '-' indicator"):
        return YamlProblem(
            _pos(mark),
            "this line is not indented like the lines around it: line up fields of the same level "
            "with spaces",
        )
    if problem.startswith("mapping values are not allowed"):
        return YamlProblem(
            _pos(mark),
            "a ': ' inside a value: put the whole value in quotes (or check this line's "
            "indentation)",
        )
    return YamlProblem(_pos(mark), _yaml_error_message(exc))


def parse(text: str) -> Parsed:
    """Parse one YAML document into plain Python values, with positions and problems."""
    source_map = SourceMap()
    problems: list[YamlProblem] = []
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return Parsed(None, source_map, [_yaml_error(text, exc)])
    except yaml.reader.ReaderError as exc:
        # A character YAML forbids, such as a control character pasted from a word processor.
        return Parsed(
            None,
            source_map,
            [
                YamlProblem(
                    _reader_position(text, exc.position),
                    f"this is not valid YAML: character #x{exc.character:04x} is not allowed here "
                    f"({exc.reason})",
                )
            ],
        )
    except yaml.YAMLError as exc:
        return Parsed(
            None,
            source_map,
            [YamlProblem(Position(1, 1), f"this is not valid YAML: {' '.join(str(exc).split())}")],
        )
    except RecursionError:
        return Parsed(
            None, source_map, [YamlProblem(Position(1, 1), "the YAML is nested too deeply")]
        )
    if root is None:
        return Parsed(None, source_map, [])
    builder = _Builder(source_map, problems)
    try:
        data = builder.build(root, (), 0)
    except _Budget as exc:
        return Parsed(None, SourceMap(), [YamlProblem(_pos(root.start_mark), str(exc))])
    return Parsed(data, source_map, problems)


def _reader_position(text: str, offset: int) -> Position:
    """Line and column of a reader error; libyaml counts its offset in UTF-8 bytes."""
    return _end_position(
        text.encode("utf-8")[:offset].decode("utf-8", errors="ignore")
        if _C_LOADER
        else text[:offset]
    )


# The line breaks of YAML (and of libyaml's marks): CRLF, LF, CR, NEL, LS and PS.
_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _end_position(before: str) -> Position:
    """The position just after `before`, counted as YAML counts lines."""
    lines = _BREAKS.split(before)
    return Position(len(lines), len(lines[-1]) + 1)


class _Builder:
    def __init__(self, source_map: SourceMap, problems: list[YamlProblem]):
        self.source_map = source_map
        self.problems = problems
        self.nodes = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: FieldPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Budget(
                f"the file expands to more than {MAX_NODES} values (an alias used too often?): "
                "write the values out instead of using anchors and aliases"
            )
        if depth > MAX_DEPTH:
            raise _Budget(f"the YAML is nested more than {MAX_DEPTH} levels deep")
        self.source_map.values.setdefault(path, _pos(node.start_mark))
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            self.problems.append(
                YamlProblem(
                    _pos(node.start_mark),
                    f"the YAML tag '{_tag(node.tag)}' is not allowed here",
                    path,
                )
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # the one other kind of node YAML composes
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: FieldPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    YamlProblem(
                        _pos(key_node.start_mark),
                        "merge keys ('<<') are not supported: write the fields out",
                        path,
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    YamlProblem(_pos(key_node.start_mark), "a field name must be plain text", path)
                )
                continue
            key = str(key_node.value)
            key_pos = _pos(key_node.start_mark)
            if key in first_seen:
                first = first_seen[key]
                self.problems.append(
                    YamlProblem(
                        key_pos,
                        f"duplicate field '{key}' (first given at line {first.line})",
                        path + (key,),
                    )
                )
                continue
            first_seen[key] = key_pos
            self.source_map.keys[path + (key,)] = key_pos
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: FieldPath) -> Any:
        if node.tag == _STR_TAG:  # most values: no constructor needed
            if not node.value.isprintable() and (bad := _CONTROL.search(node.value)):
                self.problems.append(
                    YamlProblem(_pos(node.start_mark), _control_message(bad.group()), path)
                )
            return node.value
        if (
            node.tag in _NUMBER_TAGS
            and not node.style
            and (surprise := number_surprise(node.value))
        ):
            self.problems.append(YamlProblem(_pos(node.start_mark), surprise, path))
        if node.tag not in _TAG_NAMES:
            self.problems.append(
                YamlProblem(
                    _pos(node.start_mark),
                    f"the YAML tag '{_tag(node.tag)}' is not allowed here",
                    path,
                )
            )
            return node.value
        try:
            value = self.constructor.construct_object(node)
        except (ValueError, yaml.constructor.ConstructorError):
            # A date-shaped value that is no date (2020-13-45) stays text, so validation
            # reports it with its field name like any other invalid date.
            return node.value
        if isinstance(value, dt.date):
            # As ISO text, like a quoted date: the schema checks both alike, the model reads both.
            return value.isoformat()
        return value


# Characters no reader can see and no feed may carry (XML 1.0 forbids them): C0 and C1 controls
# but tab and line feed, DEL, lone surrogates (from "\\ud800" escapes) and the two non-characters.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
# A double can hold 15 significant digits exactly; the open data's JSON numbers are doubles.
MAX_DIGITS = 15


def _control_message(character: str) -> str:
    return (
        f"the text holds the control character U+{ord(character):04X}, which no reader can see and "
        "no feed may carry "
        "(pasted from another program?): delete it"
    )


def number_surprise(text: str) -> str | None:
    """What YAML 1.1 would make of a plain number that is not what staff wrote, and the fix.

    PyYAML follows YAML 1.1, where 012000 is octal (5120), 0x10 hexadecimal, 1:30 sexagesimal
    (90) and -0 zero: each would be published as a number nobody wrote.
    """
    plain = text.replace("_", "")
    sign = plain[:1] if plain[:1] in "+-" else ""
    body = plain[len(sign) :]
    digits = body.replace(".", "").lstrip("0")
    if body.lower().startswith(("0x", "0o", "0b")):
        return (
            f"{text} is read as a number in another base (hexadecimal, octal or binary): write the "
            "number in decimal, or put it in quotes if it is not a number"
        )
    if ":" in body:
        return (
            f"{text} is read as a sexagesimal number (base 60, like a time): put it in quotes if "
            "it is text, or write the number itself"
        )
    whole = body.split(".")[0]
    if len(whole) > 1 and whole.startswith("0") and whole.isdigit():
        fixed = sign + (whole.lstrip("0") or "0") + body[len(whole) :]
        return (
            f"{text} starts with a zero, which YAML reads as an octal number: write {fixed} (or "
            "put it in quotes if it is a code, not a number)"
        )
    if sign == "-" and body and not digits.strip("eE+-"):
        return f"{text} is minus zero: write 0"
    mantissa = (
        digits.lower().split("e")[0].rstrip("0") if "." in body or "e" in body.lower() else digits
    )
    if len(mantissa.lstrip("0")) > MAX_DIGITS:
        return (
            f"{text} has more than {MAX_DIGITS} significant digits, more than a number in the open "
            "data can hold exactly: check the figure"
        )
    return None


def type_name(value: Any) -> str:
    """How a value reads to someone who wrote it in YAML."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    return type(value).__name__
