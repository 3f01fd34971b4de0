"""Fuzz the interface language's compiler (text) and the kernel's IPC message checker
(bytes): the first gives a descriptor or an IdlError, the second a decoded message or a
reason, never an exception; a message the checker passes encodes back to itself."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from levante.idl.checker import MessageChecker
    from levante.idl.language import IdlError, compile_idl
    from levante.idl.wire import encode
    from levante.kernel.objects.ipc_endpoint import CheckedMessage

IDL = """
enum mode { a, b = 9 }
struct point { x: i16; y: u64[2]; on: bool; m: mode; }
interface shape @ 0x51 {
    method put(in p: point, in name: string<6>, in n: i8, in h: handle, out ok: bool);
}
"""
DESCRIPTOR = compile_idl(IDL, "shape.idl")
PUT = DESCRIPTOR["interfaces"][0]["methods"][0]
CHECKER = MessageChecker(DESCRIPTOR)
SEEDS = [
    b"\x00" + encode(0x51, PUT, {"p": {"x": -2, "y": [1, 2], "on": True, "m": "b"},
                                 "name": "abc", "n": -1, "h": 7}),
    b"\x01" + IDL.encode(),
]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    if not data:
        return
    if data[0] & 1:
        try:
            compile_idl(data[1:].decode("utf-8", errors="replace"), "fuzz.idl")
        except IdlError:
            pass
        return
    message = data[1:]
    checked = CHECKER.check(message, 0x51)
    if isinstance(checked, CheckedMessage):
        again = encode(0x51, PUT, dict(checked.fields))
        if again != message:
            raise AssertionError(f"{message.hex()} passed but encodes as {again.hex()}")
    elif not isinstance(checked, str):
        raise AssertionError(f"the checker answered {checked!r}")


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
