"""Reading `__syscall` prototypes: parameters of every shape, comments and line breaks,
void calls, and the errors a header can cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.errors import BuildError
from levante.sdk.app_syscalls import find_app_syscalls, parse_header


def _header(tmp_path: Path, text: str, name: str = "calls.h") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_prototypes_of_every_shape(tmp_path: Path) -> None:
    calls = parse_header(_header(tmp_path, """
        /* __syscall int commented(int a); */
        __syscall int plain(int a, const char *name);
        __syscall void nothing(void);
        __syscall uint64_t wide(uint32_t a,
                                uint64_t b);  // across lines
        __syscall int callback(void (*fn)(int, void *), int arr[4]);
        #define NOT_A_CALL __syscall
    """))
    assert [call.name for call in calls] == ["plain", "nothing", "wide", "callback"]
    plain, nothing, wide, callback = calls
    assert [p.field(i) for i, p in enumerate(plain.parameters)] == ["int a0",
                                                                   "const char * a1"]
    assert nothing.parameters == () and nothing.returns_nothing
    assert wide.return_type == "uint64_t" and len(wide.parameters) == 2
    assert callback.parameters[0].field(0) == "void (*a0)(int, void *)"
    assert callback.parameters[1].field(1) == "int *a1"  # an array parameter is a pointer


def test_a_parameter_without_a_name_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="give it a name"):
        parse_header(_header(tmp_path, "__syscall int f(int);\n"))


def test_one_name_in_two_headers_is_an_error(tmp_path: Path) -> None:
    _header(tmp_path, "__syscall int twice(int a);\n", "a.h")
    _header(tmp_path, "__syscall int twice(int b);\n", "b.h")
    with pytest.raises(BuildError, match="declared in both"):
        find_app_syscalls([tmp_path])
