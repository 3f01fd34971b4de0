"""The kernel's IPC message checker, made from a build's descriptor (`ipc.json`).

`levante build` compiles every interface into the descriptor; `levante run` installs this
checker from it, so the kernel never reads interface text.  A message is checked whole
before it is delivered: known interface and method, the header's flags and status, the
exact length, every string's bound (UTF-8, no NUL), every enum value, every bool 0 or 1,
the handle slots (their declared rights with them); what it decodes is what the policy judges.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

from levante.idl.language import FORMAT_VERSION, Descriptor
from levante.idl.wire import FLAG_REPLY, HEADER, HEADER_SIZE, LENGTH
from levante.kernel.handles import RIGHTS
from levante.kernel.objects.ipc_endpoint import CheckedMessage, HandleSlot

_INTEGER_FORMATS = {(8, False): "<B", (16, False): "<H", (32, False): "<I", (64, False): "<Q",
                    (8, True): "<b", (16, True): "<h", (32, True): "<i", (64, True): "<q"}


def _rights_mask(names: list[str]) -> int:
    """A `handle<...>`'s declared rights as the handle tables' mask."""
    mask = 0
    for name in names:
        mask |= RIGHTS[name.upper()]
    return mask


class Malformed(Exception):
    """Why a message does not match its method (one phrase)."""


@dataclass(frozen=True)
class _Method:
    interface: str
    name: str
    request: tuple[tuple[str, dict[str, Any]], ...]
    reply: tuple[tuple[str, dict[str, Any]], ...]


class _Reader:
    def __init__(self, data: bytes, offset: int) -> None:
        self.data = data
        self.offset = offset
        self.handles: list[HandleSlot] = []

    def take(self, size: int, what: str) -> bytes:
        end = self.offset + size
        if end > len(self.data):
            raise Malformed(f"{what}: the message ends early")
        chunk = self.data[self.offset:end]
        self.offset = end
        return chunk

    def value(self, name: str, kind: dict[str, Any]) -> object:
        sort = kind["kind"]
        if sort == "int":
            form = _INTEGER_FORMATS[(kind["bits"], kind["signed"])]
            return int(struct.unpack(form, self.take(kind["bits"] // 8, name))[0])
        if sort == "bool":
            byte = self.take(1, name)[0]
            if byte > 1:
                raise Malformed(f"{name}: bool {byte} is neither 0 nor 1")
            return bool(byte)
        if sort == "enum":
            number = int.from_bytes(self.take(4, name), "little")
            for enumerator, value in kind["values"].items():
                if value == number:
                    return enumerator
            raise Malformed(f"{name}: {number} is no value of enum {kind['name']}")
        if sort == "handle":
            # Zero is no handle (no handle value is 0: bit 0 of every one is set); any
            # other value is the sender's to move, judged when the message is delivered.
            at = self.offset
            slot = int.from_bytes(self.take(4, name), "little")
            self.handles.append(HandleSlot(name, at, slot, _rights_mask(kind["rights"])))
            return slot
        if sort in ("string", "bytes"):
            (length,) = LENGTH.unpack(self.take(LENGTH.size, name))
            if length > kind["max"]:
                raise Malformed(f"{name}: length {length} is past its bound {kind['max']}")
            data = self.take(length, name)
            if sort == "bytes":
                return {"length": length}
            if b"\0" in data:
                raise Malformed(f"{name}: the string holds a NUL")
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                raise Malformed(f"{name}: the string is not UTF-8") from None
        if sort == "array":
            return tuple(self.value(f"{name}[{index}]", kind["of"])
                         for index in range(kind["count"]))
        return {field: self.value(f"{name}.{field}", field_kind)
                for field, field_kind in kind["fields"]}


class MessageChecker:
    """Checks messages against the build's interfaces (the kernel's `MessageChecking`)."""

    def __init__(self, descriptor: Descriptor) -> None:
        if descriptor.get("version") != FORMAT_VERSION:
            raise ValueError("a descriptor of another version")
        self.interface_names: dict[int, str] = {}
        self._methods: dict[tuple[int, int], _Method] = {}
        for interface in descriptor["interfaces"]:
            self.interface_names[interface["id"]] = interface["name"]
            for method in interface["methods"]:
                self._methods[(interface["id"], method["id"])] = _Method(
                    interface["name"], method["name"],
                    tuple((name, kind) for name, kind in method["in"]),
                    tuple((name, kind) for name, kind in method["out"]))

    def knows(self, interface: int) -> bool:
        return interface in self.interface_names

    def check(self, message: bytes, interface: int,
              request: CheckedMessage | None = None) -> CheckedMessage | str:
        """The decoded message, or why it is malformed.  `interface` is the endpoint's;
        `request` is the call a reply answers (None: `message` is a request)."""
        try:
            return self._check(message, interface, request)
        except Malformed as error:
            return str(error)

    def _check(self, message: bytes, interface: int,
               request: CheckedMessage | None) -> CheckedMessage:
        if len(message) < HEADER_SIZE:
            raise Malformed(f"{len(message)} bytes is shorter than the {HEADER_SIZE}-byte "
                            "header")
        said_interface, method_id, flags, status, length = HEADER.unpack_from(message)
        if said_interface != interface:
            raise Malformed(f"interface {said_interface:#x} is not the endpoint's "
                            f"{interface:#x}")
        method = self._methods.get((interface, method_id))
        if method is None:
            raise Malformed(f"interface {self.interface_names.get(interface, '?')} has no "
                            f"method {method_id}")
        reply = request is not None
        if flags != (FLAG_REPLY if reply else 0):
            raise Malformed(f"flags {flags:#x} (a {'reply' if reply else 'request'} has "
                            f"{FLAG_REPLY if reply else 0})")
        if status != 0:
            raise Malformed(f"status {status} (0 in every message)")
        if request is not None and request.method_id != method_id:
            raise Malformed(f"a reply of method {method_id} to a call of method "
                            f"{request.method_id}")
        if length != len(message) - HEADER_SIZE:
            raise Malformed(f"payload length {length} but {len(message) - HEADER_SIZE} "
                            "bytes follow the header")
        reader = _Reader(message, HEADER_SIZE)
        fields: dict[str, object] = {}
        for name, kind in (method.reply if reply else method.request):
            fields[name] = reader.value(name, kind)
        if reader.offset != len(message):
            raise Malformed(f"{len(message) - reader.offset} bytes after the last "
                            "parameter")
        return CheckedMessage(method.interface, method.name, method_id, fields,
                              tuple(reader.handles))
