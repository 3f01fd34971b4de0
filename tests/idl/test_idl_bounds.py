"""Hostile interface files: every count is bounded as it is read, so a huge file is
refused in one line at the first declaration past a bound, never after quadratic work."""

from __future__ import annotations

import pytest

from levante.idl.language import (
    MAX_ENUMERATORS,
    MAX_FIELDS,
    MAX_INTERFACES,
    MAX_METHODS,
    MAX_SOURCE,
    IdlError,
    compile_idl,
    merge,
)


def error(text: str) -> str:
    with pytest.raises(IdlError) as raised:
        compile_idl(text, "x.idl")
    return raised.value.message


def test_an_enum_is_refused_at_its_first_enumerator_past_the_bound() -> None:
    names = ",".join(f"a{n}" for n in range(100_000))
    message = error(f"enum e {{{names}}} interface i {{ method m(in x: e); }}")
    column = 1 + len("enum e {") + sum(len(f"a{n},") for n in range(MAX_ENUMERATORS))
    assert message == (f"x.idl:1:{column}: error: enumerator 'a{MAX_ENUMERATORS}': more "
                       f"than {MAX_ENUMERATORS} enumerators")


def test_a_file_is_refused_at_its_first_interface_past_the_bound() -> None:
    text = "\n".join(f"interface i{n} {{ method m(); }}" for n in range(20_000))
    assert error(text) == (f"x.idl:{MAX_INTERFACES + 1}:11: error: interface "
                           f"'i{MAX_INTERFACES}': more than {MAX_INTERFACES} interfaces "
                           "in a build")


def test_a_build_is_refused_past_the_bound_across_its_files() -> None:
    half = MAX_INTERFACES // 2 + 1
    first = compile_idl("\n".join(f"interface a{n} {{ method m(); }}" for n in range(half)),
                        "a.idl")
    second = compile_idl("\n".join(f"interface b{n} {{ method m(); }}" for n in range(half)),
                         "b.idl")
    with pytest.raises(IdlError) as raised:
        merge([("a.idl", first), ("b.idl", second)])
    assert raised.value.message == (f"b.idl:1:1: error: more than {MAX_INTERFACES} "
                                    "interfaces in a build")


def test_a_file_past_the_size_bound_is_refused_before_it_is_parsed() -> None:
    text = "interface i { method m(); }\n" + "#" * MAX_SOURCE
    assert error(text) == (f"x.idl:1:1: error: {len(text.encode())} bytes: an interface "
                           f"file holds at most {MAX_SOURCE}")


def test_a_struct_and_an_interface_are_refused_at_their_first_member_past_the_bound() -> None:
    fields = " ".join(f"f{n}: u8;" for n in range(50_000))
    assert f"error: struct 's': more than {MAX_FIELDS} fields" in \
        error(f"struct s {{ {fields} }} interface i {{ method m(); }}")
    methods = " ".join(f"method m{n}();" for n in range(50_000))
    assert f"error: interface 'i': more than {MAX_METHODS} methods" in \
        error(f"interface i {{ {methods} }}")
