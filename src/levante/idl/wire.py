"""The IPC wire layout: a 16-byte header, then the parameters packed in order.

Little-endian, no padding, no alignment (docs/ipc.md, "Wire layout"):

    offset 0  u32 interface id
    offset 4  u16 method id
    offset 6  u16 flags        bit 0: a reply; every other bit 0
    offset 8  i32 status       0 in every message a thread sends (an error reply is
                               made by the kernel, never carried)
    offset 12 u32 payload length, exactly the bytes after the header

A parameter is: an integer in its size (u8..u64, i8..i64), a bool one byte 0 or 1, an
enum a u32 holding one of its declared values, a handle a u32 slot (0: no handle),
`string<N>` and `bytes<N>` a u16 length L <= N then L bytes (a string: UTF-8 without
NUL), `T[K]` K elements, a struct its fields in order.
"""

from __future__ import annotations

import struct
from typing import Any

from levante.kernel.objects.ipc_endpoint import HEADER_SIZE, MAX_MESSAGE

HEADER = struct.Struct("<IHHiI")
assert HEADER.size == HEADER_SIZE
# The kernel's bounds, re-exported: the language refuses what the kernel would.
__all__ = ["FLAG_REPLY", "HEADER", "HEADER_SIZE", "LENGTH", "MAX_MESSAGE", "encode",
           "encode_value", "header", "max_size"]
FLAG_REPLY = 1
LENGTH = struct.Struct("<H")


def max_size(kind: dict[str, Any]) -> int:
    """The most bytes a value of `kind` takes on the wire."""
    name = kind["kind"]
    if name == "int":
        return int(kind["bits"]) // 8
    if name == "bool":
        return 1
    if name in ("enum", "handle"):
        return 4
    if name in ("string", "bytes"):
        return LENGTH.size + int(kind["max"])
    if name == "array":
        return int(kind["count"]) * max_size(kind["of"])
    return sum(max_size(field) for _, field in kind["fields"])


def header(interface: int, method: int, payload: bytes, reply: bool = False) -> bytes:
    return HEADER.pack(interface, method, FLAG_REPLY if reply else 0, 0, len(payload))


def encode_value(kind: dict[str, Any], value: Any) -> bytes:
    """One value on the wire (Python's side of the layout: tests and tools)."""
    name = kind["kind"]
    if name == "int":
        size = int(kind["bits"]) // 8
        return int(value).to_bytes(size, "little", signed=bool(kind["signed"]))
    if name == "bool":
        return b"\x01" if value else b"\x00"
    if name == "enum":
        number = kind["values"][value] if isinstance(value, str) else int(value)
        return number.to_bytes(4, "little")
    if name == "handle":
        return int(value).to_bytes(4, "little")
    if name in ("string", "bytes"):
        data = value.encode() if isinstance(value, str) else bytes(value)
        return LENGTH.pack(len(data)) + data
    if name == "array":
        return b"".join(encode_value(kind["of"], element) for element in value)
    return b"".join(encode_value(field, value[field_name])
                    for field_name, field in kind["fields"])


def encode(interface: int, method: dict[str, Any], values: dict[str, Any],
           reply: bool = False) -> bytes:
    """A whole message of `method` (its `out` parameters for a reply)."""
    parameters = method["out" if reply else "in"]
    payload = b"".join(encode_value(kind, values[name]) for name, kind in parameters)
    return header(interface, int(method["id"]), payload, reply) + payload
