"""The kernel's message checker: every well-formed message passes with its parameters
decoded; every other byte string is refused with a reason, never an exception."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from levante.idl.checker import MessageChecker
from levante.idl.language import compile_idl
from levante.idl.wire import encode
from levante.kernel.handles import RIGHTS
from levante.kernel.objects.ipc_endpoint import CheckedMessage, HandleSlot

ALL_TYPES = compile_idl("""
    enum color { red, green = 5, blue }
    struct pixel { at: i16[2]; c: color; lit: bool; }
    struct frame { first: pixel; count: u64; }
    interface paint @ 0x77 {
        method put(in a: u8, in b: u16, in c: u32, in d: u64, in e: i8, in f: i16, in g: i32,
                   in h: i64, in on: bool, in col: color, in name: string<12>,
                   in raw: bytes<20>, in px: pixel[3], in fr: frame, in hd: handle<transfer>,
                   out n: i32, out label: string<5>);
    }
""", "paint.idl")
PUT = ALL_TYPES["interfaces"][0]["methods"][0]
CHECKER = MessageChecker(ALL_TYPES)


def _values(kind: dict[str, Any]) -> st.SearchStrategy[Any]:
    sort = kind["kind"]
    if sort == "int":
        bits = kind["bits"]
        if kind["signed"]:
            return st.integers(-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
        return st.integers(0, (1 << bits) - 1)
    if sort == "bool":
        return st.booleans()
    if sort == "enum":
        return st.sampled_from(sorted(kind["values"]))
    if sort == "handle":
        return st.integers(0, 0xFFFFFFFF)
    if sort == "string":
        return st.text(st.characters(blacklist_characters="\0", max_codepoint=0x7FF),
                       max_size=kind["max"] // 2)
    if sort == "bytes":
        return st.binary(max_size=kind["max"])
    if sort == "array":
        return st.lists(_values(kind["of"]), min_size=kind["count"], max_size=kind["count"])
    return st.fixed_dictionaries({name: _values(field) for name, field in kind["fields"]})


def _expected(kind: dict[str, Any], value: Any) -> Any:
    sort = kind["kind"]
    if sort == "bytes":
        return {"length": len(value)}
    if sort == "array":
        return tuple(_expected(kind["of"], element) for element in value)
    if sort == "struct":
        return {name: _expected(field, value[name]) for name, field in kind["fields"]}
    return value


REQUESTS = st.fixed_dictionaries({name: _values(kind) for name, kind in PUT["in"]})


@settings(max_examples=150, deadline=None)
@given(REQUESTS)
def test_every_well_formed_request_passes_with_its_parameters_decoded(
        values: dict[str, Any]) -> None:
    message = encode(0x77, PUT, values)
    checked = CHECKER.check(message, 0x77)
    assert isinstance(checked, CheckedMessage), checked
    assert (checked.interface, checked.method, checked.method_id) == ("paint", "put", 1)
    assert dict(checked.fields) == {name: _expected(kind, values[name])
                                    for name, kind in PUT["in"]}
    handle_offset = len(message) - 4
    assert checked.handles == (HandleSlot("hd", handle_offset, values["hd"],
                                          RIGHTS["TRANSFER"]),)
    assert checked.moves == (checked.handles if values["hd"] else ())


@settings(max_examples=300, deadline=None)
@given(REQUESTS, st.data())
def test_a_mutated_request_is_refused_with_a_reason_or_still_well_formed(
        values: dict[str, Any], data: st.DataObject) -> None:
    message = bytearray(encode(0x77, PUT, values))
    position = data.draw(st.integers(0, len(message) - 1))
    message[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(message)))
    for candidate in (bytes(message), bytes(message[:cut])):
        checked = CHECKER.check(candidate, 0x77)
        assert isinstance(checked, (CheckedMessage, str))
        if isinstance(checked, CheckedMessage):  # then it re-encodes to itself
            assert len(candidate) >= 16


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(blob: bytes) -> None:
    assert isinstance(CHECKER.check(blob, 0x77), (CheckedMessage, str))
    assert isinstance(CHECKER.check(blob, 0x77, _request()), (CheckedMessage, str))


def _request() -> CheckedMessage:
    return CheckedMessage("paint", "put", 1, {})


def test_a_reply_must_answer_the_call_with_the_reply_flag() -> None:
    reply = encode(0x77, PUT, {"n": -5, "label": "ok"}, reply=True)
    checked = CHECKER.check(reply, 0x77, _request())
    assert isinstance(checked, CheckedMessage)
    assert dict(checked.fields) == {"n": -5, "label": "ok"}
    assert CHECKER.check(reply, 0x77) == "flags 0x1 (a request has 0)"
    assert CHECKER.check(reply, 0x78, _request()) == \
        "interface 0x77 is not the endpoint's 0x78"
    other = CheckedMessage("paint", "put", 2, {})
    assert CHECKER.check(reply, 0x77, other) == "a reply of method 1 to a call of method 2"
