"""The record formats the site publishes, so anyone can check records as the site does."""

from __future__ import annotations

from importlib import resources

SCHEMAS = ("decision", "funding")


def schema_file(name: str) -> str:
    return f"schema/{name}.schema.json"


def schema_bytes(name: str) -> bytes:
    return resources.files("generator").joinpath(f"schemas/{name}.schema.json").read_bytes()
