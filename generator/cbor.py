"""Just enough CBOR (RFC 8949) to reorder Pagefind's index files: integers, strings, arrays, maps.

Values are encoded in the shortest form, as Pagefind writes them, so a file that is decoded and
encoded again comes back byte for byte.
"""

from __future__ import annotations

from typing import Any

_UINT, _NEGINT, _BYTES, _TEXT, _ARRAY, _MAP, _SIMPLE = 0, 1, 2, 3, 4, 5, 7
_SIMPLE_VALUES = {20: False, 21: True, 22: None}
_SIMPLE_CODES = {False: 20, True: 21, None: 22}


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | extra]) + length.to_bytes(size, "big")
    raise ValueError(f"CBOR: {length} is too large")


def encode(value: Any) -> bytes:
    if value is False or value is True or value is None:
        return bytes([_SIMPLE << 5 | _SIMPLE_CODES[value]])
    if isinstance(value, int):
        return _head(_UINT, value) if value >= 0 else _head(_NEGINT, -1 - value)
    if isinstance(value, bytes):
        return _head(_BYTES, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(_TEXT, len(raw)) + raw
    if isinstance(value, list):
        return _head(_ARRAY, len(value)) + b"".join(encode(item) for item in value)
    if isinstance(value, dict):
        return _head(_MAP, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise TypeError(f"CBOR: cannot encode {type(value).__name__}")


def decode(data: bytes) -> Any:
    value, end = _decode(data, 0)
    if end != len(data):
        raise ValueError(f"CBOR: {len(data) - end} bytes left over")
    return value


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        length = info
    elif info <= 27:
        size = 1 << (info - 24)
        length = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise ValueError(f"CBOR: unsupported item {data[at - 1]:#x} at byte {at - 1}")
    if major == _UINT:
        return length, at
    if major == _NEGINT:
        return -1 - length, at
    if major in (_BYTES, _TEXT):
        raw = data[at:at + length]
        return (raw if major == _BYTES else raw.decode("utf-8")), at + length
    if major == _ARRAY:
        items = []
        for _ in range(length):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == _MAP:
        mapping = {}
        for _ in range(length):
            key, at = _decode(data, at)
            mapping[key], at = _decode(data, at)
        return mapping, at
    if major == _SIMPLE and length in _SIMPLE_VALUES:
        return _SIMPLE_VALUES[length], at
    raise ValueError(f"CBOR: unsupported item of major type {major} at byte {at}")
