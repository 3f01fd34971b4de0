"""Handle slots across the interface language: declared rights reach the checker as the
handle tables' mask, a zero slot is no handle, and the generated C names handles by the
SDK's handle type."""

from __future__ import annotations

from levante.idl.cgen import c_header
from levante.idl.checker import MessageChecker
from levante.idl.language import compile_idl
from levante.idl.wire import encode
from levante.kernel.handles import RIGHTS
from levante.kernel.objects.ipc_endpoint import CheckedMessage, HandleSlot

KEYS = compile_idl("""
    interface keys @ 0x4B {
        method lend(in n: u8, in bell: handle<signal, transfer>, in spare: handle,
                    out back: handle<wait>);
    }
""", "keys.idl")
LEND = KEYS["interfaces"][0]["methods"][0]


def test_each_slot_carries_its_offset_value_and_declared_rights() -> None:
    checked = MessageChecker(KEYS).check(
        encode(0x4B, LEND, {"n": 1, "bell": 0x2101, "spare": 0}), 0x4B)
    assert isinstance(checked, CheckedMessage)
    assert checked.handles == (
        HandleSlot("bell", 17, 0x2101, RIGHTS["SIGNAL"] | RIGHTS["TRANSFER"]),
        HandleSlot("spare", 21, 0, 0))
    assert checked.moves == checked.handles[:1]  # the zero slot carries no handle
    reply = MessageChecker(KEYS).check(encode(0x4B, LEND, {"back": 0x4303}, reply=True),
                                       0x4B, checked)
    assert isinstance(reply, CheckedMessage)
    assert reply.handles == (HandleSlot("back", 16, 0x4303, RIGHTS["WAIT"]),)


def test_the_generated_c_types_handles_as_the_sdk_does() -> None:
    header = c_header(KEYS, "keys", "keys.idl")
    assert "#include <levante/handle.h>" in header
    assert ("keys_lend(levante_ipc_endpoint_t ep, uint8_t n, levante_handle_t bell, "
            "levante_handle_t spare, levante_handle_t *back)") in header
