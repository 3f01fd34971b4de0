"""The interface language's compiler: descriptors, ids, bounds, one-line errors."""

from __future__ import annotations

import pytest

from levante.idl.language import (
    IdlError,
    compile_idl,
    interface_id_of,
    merge,
)


def error(text: str) -> str:
    with pytest.raises(IdlError) as raised:
        compile_idl(text, "x.idl")
    return raised.value.message


def test_types_methods_and_ids_compile_into_the_descriptor() -> None:
    descriptor = compile_idl("""
        # a comment
        enum mode { a, b = 7, c, }
        struct point { x: i16; y: u64; }
        interface shapes {
            method draw(in at: point, in corners: point[3], in m: mode, in name: string<4>,
                        in blob: bytes<9>, in h: handle<read, transfer>, out done: bool);
            method clear() @ 40;
            method next();
        }
    """, "x.idl")
    interface = descriptor["interfaces"][0]
    assert interface["name"] == "shapes" and interface["id"] == interface_id_of("shapes")
    assert [(method["name"], method["id"]) for method in interface["methods"]] == \
        [("draw", 1), ("clear", 40), ("next", 41)]
    draw = dict(interface["methods"][0]["in"])
    assert draw["m"]["values"] == {"a": 0, "b": 7, "c": 8}
    assert draw["at"]["fields"][1] == ["y", {"kind": "int", "bits": 64, "signed": False}]
    assert draw["corners"]["count"] == 3 and draw["corners"]["of"]["name"] == "point"
    assert draw["name"] == {"kind": "string", "max": 4}
    assert draw["blob"] == {"kind": "bytes", "max": 9}
    assert draw["h"] == {"kind": "handle", "rights": ["read", "transfer"]}
    assert interface["methods"][0]["out"] == [["done", {"kind": "bool"}]]


def test_an_interface_id_is_stable_and_can_be_declared() -> None:
    assert interface_id_of("door") == interface_id_of("door") != interface_id_of("dour")
    assert compile_idl("interface door @ 0x10 { method m(); }", "x")["interfaces"][0]["id"] \
        == 0x10


@pytest.mark.parametrize(("text", "message"), [
    ("interface a { method m(in x: u33); }",
     "x.idl:1:30: error: unknown type 'u33' (declare an enum or struct before its use)"),
    ("interface a { method m(in x: string<0>); }",
     "x.idl:1:37: error: string bound 0: must be 1 to 1024"),
    ("interface a { method m(in x: bytes<1025>); }",
     "x.idl:1:36: error: bytes bound 1025: must be 1 to 1024"),
    ("interface a { method m(in x: u8[0]); }",
     "x.idl:1:33: error: array length 0: must be 1 to 256"),
    ("interface a { method m(in x: string<4>[2]); }",
     "x.idl:1:40: error: an array of string: arrays hold fixed-size values only"),
    ("struct s { t: string<3>; } interface a { method m(); }",
     "x.idl:1:12: error: field 't': a struct holds fixed-size values only (no string, "
     "bytes or handle)"),
    ("interface a { method m(in x: handle<fly>); }",
     "x.idl:1:37: error: unknown handle right 'fly' (one of read, write, signal, wait, "
     "duplicate, transfer)"),
    ("interface a { method m(); method m(); }",
     "x.idl:1:34: error: method 'm' is declared twice"),
    ("interface a { method m() @ 3; method n() @ 3; }",
     "x.idl:1:38: error: method 'n': id 3 is taken"),
    ("interface a { method m(in x: u8, out x: u8); }",
     "x.idl:1:38: error: parameter 'x' is declared twice (in C a bytes parameter NAME is "
     "also NAME_len)"),
    ("interface a { method m(in x: bytes<3>, out x_len: u8); }",
     "x.idl:1:44: error: parameter 'x_len' is declared twice (in C a bytes parameter NAME "
     "is also NAME_len)"),
    ("interface a { method m(in status: u8); }",
     "x.idl:1:27: error: parameter 'status': a reserved name"),
    ("interface malformed { method m(); }",
     "x.idl:1:11: error: interface 'malformed': a reserved name"),
    ("interface a { method m(in x: s); } struct s { a: u8; }",
     "x.idl:1:30: error: unknown type 's' (declare an enum or struct before its use)"),
    ("enum e { a, b = 0 } interface a { method m(); }",
     "x.idl:1:13: error: enumerator 'b': value 0 is taken"),
    ("interface a { }", "x.idl:1:11: error: interface 'a' has no method"),
    ("enum e { a }", "x.idl:1:1: error: no interface is declared"),
    ("interface a { method m(in x: bytes<1024>, in y: bytes<1024>); }",
     "x.idl:1:22: error: method 'm': its in message can exceed 2048 bytes"),
    ("interface a { method m(in x: u8) }", "x.idl:1:34: error: unexpected '}'"),
    ("interface a { method m(in x: u8);", "x.idl:1:33: error: unexpected end of the file"),
    ("interface a @ 0x123456789 { method m(); }",
     "x.idl:1:16: error: unexpected 'x123456789 {'"),
])
def test_a_mistake_is_one_line_naming_its_place(text: str, message: str) -> None:
    assert error(text) == message


def test_structs_nest_at_most_eight_deep() -> None:
    chain = "struct s0 { v: u8; }\n" + "".join(
        f"struct s{level} {{ v: s{level - 1}; }}\n" for level in range(1, 9))
    assert "structs nest more than 8 deep" in error(chain + "interface a { method m(); }")


def test_interfaces_of_one_build_have_distinct_names_and_ids() -> None:
    first = compile_idl("interface a @ 5 { method m(); }", "a.idl")
    second = compile_idl("interface b @ 5 { method m(); }", "b.idl")
    with pytest.raises(IdlError, match="b.idl:1:1: error: interface 'b' clashes with 'a'"):
        merge([("a.idl", first), ("b.idl", second)])
    assert len(merge([("a.idl", first)])["interfaces"]) == 1


def test_a_type_comes_from_one_file_of_a_build() -> None:
    first = compile_idl("enum e { a } interface a { method m(in x: e); }", "a.idl")
    second = compile_idl("enum e { a } interface b { method m(out y: e[2]); }", "b.idl")
    with pytest.raises(IdlError, match="b.idl:1:1: error: type 'e' is also declared in a.idl"):
        merge([("a.idl", first), ("b.idl", second)])
