"""The formats staff write, as JSON Schemas in the package, and their errors in plain words."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from functools import cache
from importlib import resources
from typing import Any, Iterator

import fastjsonschema
import jsonschema
from jsonschema import Draft202012Validator

from .source import FieldPath, Problem, type_name

SCHEMAS = ("decision", "funding", "toolkit")


@cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        resources.files("generator").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    )
    return schema


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(text: str) -> bool:
    """The test jsonschema's 'date' format applies, so both validators agree."""
    try:
        return bool(_DATE.fullmatch(text) and dt.date.fromisoformat(text))
    except ValueError:
        return False


@cache
def _fast(name: str) -> Any:
    # Compiled to Python code: several times faster than jsonschema on the valid records that
    # are nearly all of a repository. Only a file it rejects goes through jsonschema, whose
    # errors we turn into messages; jsonschema stays the authority on what is wrong.
    return fastjsonschema.compile(load_schema(name), formats={"date": _is_date}, use_default=False)


def is_valid(name: str, instance: Any) -> bool:
    try:
        _fast(name)(instance)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def field_name(path: FieldPath) -> str:
    """financial.amount, recipients[0].name: how staff find a field in their file."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "a mapping of fields",
    "array": "a list",
    "null": "nothing",
}


def _show(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):  # as YAML writes it, not as Python does
        return "true" if value else "false"
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"


def suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check(name: str, data: Any) -> Iterator[Problem]:
    """Yield a Problem (field path, message, whether at the key) for every way data breaks schema
    `name`."""
    if is_valid(name, data):
        return
    for error in _validator(name).iter_errors(data):
        yield from _explain(error)


def _explain(error: jsonschema.ValidationError) -> Iterator[Problem]:
    path: FieldPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    value = error.instance
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(set(value) - set(allowed)):
            yield Problem(
                path + (key,), f"unknown field '{key}'{suggest(key, allowed)}", at_key=True
            )
        return
    if kind == "required":
        missing = error.message.split("'")[1]
        yield Problem(path + (missing,), "this required field is missing")
        return
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS[t] for t in expected)
        hint = ""
        if isinstance(value, bool) and "string" in expected:
            hint = " (put it in quotes: YAML reads yes/no/true/false/on/off as true or false)"
        elif isinstance(value, (int, float)) and "string" in expected:
            hint = " (put it in quotes to make it text)"
        elif isinstance(value, str) and expected in (["number"], ["integer"]):
            hint = " (write the number without '£' or commas, and without quotes)"
        shown = "" if value is None else f" {_show(value)}"
        yield Problem(path, f"expected {words}, found {type_name(value)}{shown}{hint}")
        return
    if kind in ("enum", "const"):
        choices = [
            str(c) for c in (error.validator_value if kind == "enum" else [error.validator_value])
        ]
        yield Problem(
            path,
            f"{_show(value)} is not one of: {', '.join(choices)}{suggest(value, choices)}",
        )
        return
    if kind == "format" and error.validator_value == "date":
        yield Problem(
            path,
            f"{_show(value)} is not a valid date: write it as YYYY-MM-DD, like 2020-07-17",
        )
        return
    if kind == "pattern":
        message = schema.get("x-message", f"does not match {error.validator_value}")
        if "propertyNames" in error.schema_path:
            # A bad key: jsonschema reports the key itself as the instance, at the mapping's path.
            yield Problem(path + (value,), f"{_show(value)} {message}", at_key=True)
        else:
            yield Problem(path, f"{_show(value)} {message}")
        return
    if kind == "minLength":
        yield Problem(path, "must not be empty")
        return
    if kind == "maxLength":
        yield Problem(
            path,
            f"is {len(value)} characters long; at most {error.validator_value} are allowed",
        )
        return
    if kind == "minimum":
        yield Problem(path, f"{_show(value)} must be {error.validator_value} or more")
        return
    if kind == "maximum":
        message = schema.get("x-message", f"must be {error.validator_value} or less")
        yield Problem(path, f"{_show(value)} {message}")
        return
    if kind == "minItems":
        yield Problem(path, f"needs at least {error.validator_value} item")
        return
    yield Problem(path, error.message)
