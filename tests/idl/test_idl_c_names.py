"""Names that would break the generated C are refused by the interface compiler, at
their line: C's reserved and library names, capitals-only names (macros), and two
declarations whose generated C names meet, within a file or across a build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from levante.idl.cgen import c_header
from levante.idl.language import IdlError, compile_idl, merge


def error(text: str) -> str:
    with pytest.raises(IdlError) as raised:
        compile_idl(text, "x.idl")
    return raised.value.message


@pytest.mark.parametrize(("text", "message"), [
    ("interface i { method m(in _Bool: u8); }",
     "x.idl:1:27: error: parameter '_Bool': a reserved name"),
    ("interface i { method m(in uint8_t: u8); }",
     "x.idl:1:27: error: parameter 'uint8_t': a reserved name"),
    ("interface i { method m(in errno: u8); }",
     "x.idl:1:27: error: parameter 'errno': a reserved name"),
    ("interface i { method m(in memset: u8); }",
     "x.idl:1:27: error: parameter 'memset': a reserved name"),
    ("interface i { method m(in k_timeout: u8); }",
     "x.idl:1:27: error: parameter 'k_timeout': a reserved name"),
    ("interface i { method m(in EINVAL: u8); }",
     "x.idl:1:27: error: parameter 'EINVAL': a name in capitals only is left to C's "
     "macros"),
    ("enum e { a, A } interface i { method m(in x: e); }",
     "x.idl:1:13: error: enumerator 'A': a name in capitals only is left to C's macros"),
])
def test_a_name_the_c_cannot_hold_is_refused(text: str, message: str) -> None:
    assert error(text) == message


@pytest.mark.parametrize(("text", "message"), [
    ("enum a_b { c } enum a { b_c } interface i { method m(in x: a_b, in y: a); }",
     "x.idl:1:25: error: enumerator a.b_c: its C name 'A_B_C' is taken by enumerator a_b.c"),
    ("enum Ab { c } enum aB { c } interface i { method m(); }",
     "x.idl:1:25: error: enumerator aB.c: its C name 'AB_C' is taken by enumerator Ab.c"),
    ("interface a_b { method c(); } interface a { method b_c(); }",
     "x.idl:1:52: error: method a.b_c: its C name 'a_b_c' is taken by method a_b.c"),
    ("interface i { method dispatch(); }",
     "x.idl:1:22: error: method i.dispatch: its C name 'i_dispatch' is taken by "
     "interface 'i'"),
    ("interface i { method serve_once(); }",
     "x.idl:1:22: error: method i.serve_once: its C name 'i_serve_once' is taken by "
     "interface 'i'"),
    ("interface i { method m(); method m_timeout(); }",
     "x.idl:1:34: error: method i.m_timeout: its C name 'i_m_timeout' is taken by "
     "method i.m"),
    ("struct i_ops { a: u8; } interface i { method m(); }",
     "x.idl:1:35: error: interface 'i': its C name 'i_ops' is taken by struct 'i_ops'"),
    ("enum i_interface { id } interface i { method m(); }",
     "x.idl:1:35: error: interface 'i': its C name 'I_INTERFACE_ID' is taken by "
     "enumerator i_interface.id"),
    ("interface Ab { method m(); } interface aB { method m(); }",
     "x.idl:1:40: error: interface 'aB': its C name 'AB_INTERFACE_ID' is taken by "
     "interface 'Ab'"),
    ("interface i { method m(in i_m: u8); }",
     "x.idl:1:27: error: parameter 'i_m': the C name of method i.m too"),
    ("interface i { method m(); method n(in i_dispatch: u8); }",
     "x.idl:1:39: error: parameter 'i_dispatch': the C name of interface 'i' too"),
])
def test_declarations_whose_c_names_meet_are_refused_at_the_second(text: str,
                                                                   message: str) -> None:
    assert error(text) == message


def test_c_names_are_unique_across_the_files_of_a_build() -> None:
    first = compile_idl("interface a_b { method c(); }", "a.idl")
    second = compile_idl("interface a { method b_c(); }", "b.idl")
    with pytest.raises(IdlError) as raised:
        merge([("a.idl", first), ("b.idl", second)])
    assert raised.value.message == ("b.idl:1:1: error: method a.b_c: its C name 'a_b_c' "
                                    "is taken by method a_b.c of a.idl")
    third = compile_idl("interface b { method m(in a_b_c: u8); }", "c.idl")
    with pytest.raises(IdlError) as raised:
        merge([("a.idl", first), ("c.idl", third)])
    assert raised.value.message == ("c.idl:1:1: error: parameter 'a_b_c': the C name of "
                                    "method a_b.c of a.idl too")


def test_the_generated_names_are_the_claimed_ones() -> None:
    """What the compiler claims is what the header declares (cgen spells them with
    cnames)."""
    descriptor = compile_idl("enum Mode { On } interface Door { method Open(in m: Mode); }",
                             "door.idl")
    header = c_header(descriptor, "door", "door.idl")
    for name in ("MODE_ON = 0u", "#define DOOR_INTERFACE_ID", "LEVANTE_IDL_ID_Door",
                 "#define DOOR_OPEN_METHOD", "Door_Open_timeout(", "Door_Open(",
                 "Door_dispatch(", "Door_serve_once(", "struct Door_ops"):
        assert name in header


def test_the_cli_refuses_a_clash_in_one_line(tmp_path: Path) -> None:
    source = tmp_path / "clash.idl"
    source.write_text("interface i {\n    method m();\n    method m_timeout();\n}\n")
    result = subprocess.run([sys.executable, "-m", "levante.cli", "idl", "check",
                             str(source)], capture_output=True, text=True, check=False,
                            timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"levante: error: {source}:3:12: error: method i.m_timeout: its C name 'i_m_timeout' is "
        "taken by method i.m"]
