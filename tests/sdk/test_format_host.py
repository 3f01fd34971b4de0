"""Host tests for Levante's printk formatting engine (runtime/format.c).

format.c is compiled with the host gcc together with format_driver.c and a
generated list of cases; the driver's output is compared with expectations
computed in Python with the % operator where C and Python agree, and stated
by hand where they differ (%p, "(null)", '#' with o, precision 0 with 0,
unsupported conversions, ...). A second test checks that format.c builds
cleanly for the Cortex-M4 target and needs no library helpers.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SDK = REPO / "src" / "levante" / "sdk"
FORMAT_C = SDK / "runtime" / "format.c"
INCLUDE_DIR = SDK / "include"
DRIVER_C = Path(__file__).with_name("format_driver.c")

HOST_CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2"]
TARGET_CFLAGS = [
    "-mcpu=cortex-m4",
    "-mthumb",
    "-std=c11",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Os",
    "-ffreestanding",
]

CHUNK = 32  # the engine's internal buffer size
SNP_BUF = 64  # size of the driver's pre-filled snprintf buffer
PTR_BITS = struct.calcsize("P") * 8  # host pointer / ptrdiff_t width

LONG_TEXT = "".join(chr(ord("a") + i % 26) for i in range(100))


@dataclass(frozen=True)
class Case:
    """One lv_snprintf call: C format, C argument list, expected output."""

    fmt: str
    cargs: str
    expected: str
    # False for conversions gcc's -Wformat rightly rejects (%q, ...).
    check_format: bool = True
    # None: formatted into a large buffer through every entry point.
    # An int: lv_snprintf into a 64-byte buffer with that size argument.
    # "NULL": lv_snprintf(NULL, 0, ...).
    size: int | str | None = None


_LENGTH_MODIFIER = re.compile(
    r"%([-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+)?)?)(?:hh|ll|[hlzjtL])?([diouxXcs%])"
)


def py(fmt: str, cargs: str, *pyargs: object) -> Case:
    """Expected output from Python's % operator (length modifiers dropped)."""
    return Case(fmt, cargs, _LENGTH_MODIFIER.sub(r"%\1\2", fmt) % pyargs)


def lit(fmt: str, cargs: str, expected: str, *, check_format: bool = True) -> Case:
    """Hand-stated expected output where C and Python differ."""
    return Case(fmt, cargs, expected, check_format=check_format)


def nocheck(case: Case) -> Case:
    """The same call with gcc's format checking silenced at the call site."""
    return Case(case.fmt, case.cargs, case.expected, False, case.size)


def snp(size: int | str, base: Case) -> Case:
    """The same call, through lv_snprintf with a small/zero/NULL buffer."""
    return Case(base.fmt, base.cargs, base.expected, base.check_format, size)


PTR = "(void *)(uintptr_t)0x20001000u"
SPILL_ARGS = "1, 2, 3, 4, 5, 6, " + ", ".join(f"{i}.5" for i in range(9)) + ", 77"

CASES: list[Case] = [
    # -- signed decimal, flags and width --
    py("%d", "42", 42),
    py("%i", "-42", -42),
    py("%5d|", "42", 42),
    py("%-5d|", "42", 42),
    py("%05d", "-42", -42),
    nocheck(py("%-05d|", "42", 42)),  # '-' overrides '0'
    py("%+d %+d", "42, -42", 42, -42),
    py("% d|% d", "42, -42", 42, -42),
    nocheck(py("%+ d", "42", 42)),  # '+' overrides ' '
    py("%+05d", "42", 42),
    py("% 6d|", "42", 42),
    py("%d", "0", 0),
    py("%d %d", "INT_MIN, INT_MAX", -(2**31), 2**31 - 1),
    py("%12d|", "INT_MIN", -(2**31)),
    # -- precision on integers (minimum digits) --
    py("%.3d", "7", 7),
    py("%8.3d|", "-7", -7),
    py("%-8.3d|", "-7", -7),
    py("%.0d", "5", 5),
    py("%.10u", "123u", 123),
    nocheck(lit("%08.3d|", "7", "     007|")),  # '0' ignored with a precision
    lit("[%.0d]", "0", "[]"),  # precision 0 with value 0 prints nothing
    lit("[%5.0d]", "0", "[     ]"),
    lit("[%.0x][%.0o][%.0u]", "0u, 0u, 0u", "[][][]"),
    lit("[%+.0d]", "0", "[+]"),
    # -- unsigned, hex and octal --
    py("%u", "3000000000u", 3000000000),
    py("%u", "UINT_MAX", 2**32 - 1),
    py("%x %X", "0xdeadbeefu, 0xdeadbeefu", 0xDEADBEEF, 0xDEADBEEF),
    py("%o", "8u", 8),
    py("%x", "0u", 0),
    py("%#x %#X", "255u, 255u", 255, 255),
    py("%#08x", "255u", 255),
    py("%-#8x|", "255u", 255),
    py("%#10.4x|", "255u", 255),
    lit("%#x", "0u", "0"),  # no "0x" prefix for zero
    lit("%#o", "8u", "010"),  # Python would print "0o10"
    lit("%#o", "0u", "0"),
    lit("%#.0o", "0u", "0"),
    lit("%#.3o", "8u", "010"),
    lit("%#6o|", "8u", "   010|"),
    nocheck(lit("%+u % u", "5u, 5u", "5 5")),  # '+'/' ' only apply to signed
    # -- length modifiers --
    py("%hhd", "200", -56),
    py("%hhu %hhx", "-1, 0x1ff", 255, 0xFF),
    py("%hd %hu", "40000, -1", -25536, 65535),
    py("%ld %lu", "-123456789L, 4000000000UL", -123456789, 4000000000),
    py("%lx", "0xcafef00dUL", 0xCAFEF00D),
    py("%lld", "LLONG_MIN", -(2**63)),
    py("%lld", "LLONG_MAX", 2**63 - 1),
    py("%llu", "ULLONG_MAX", 2**64 - 1),
    py("%llx %llX", "ULLONG_MAX, 0xABCDEF0123456789ULL", 2**64 - 1, 0xABCDEF0123456789),
    py("%llo", "ULLONG_MAX", 2**64 - 1),
    py("%lld", "-1234567890123LL", -1234567890123),
    py("%llu %llu", "4294967295ULL, 4294967296ULL", 2**32 - 1, 2**32),
    py("%llu", "100000000000000000ULL", 10**17),
    py("%llu", "12340000000056780009ULL", 12340000000056780009),
    py("%25lld|%-25lld|", "LLONG_MIN, LLONG_MIN", -(2**63), -(2**63)),
    py("%.22lld", "-5LL", -5),
    py("%#llx", "0x100000000ULL", 2**32),
    py("%zu %zx", "(size_t)12345, (size_t)0xabc", 12345, 0xABC),
    py("%zd", "(size_t)-5", -5),
    py("%jd %ju", "(intmax_t)-9000000000, UINTMAX_MAX", -9000000000, 2**64 - 1),
    py("%td", "(ptrdiff_t)-77", -77),
    lit("%tu", "(ptrdiff_t)-1", str(2**PTR_BITS - 1)),
    # -- '*' width and precision --
    py("%*d|", "6, 42", 6, 42),
    py("%-*d|", "6, 42", 6, 42),
    lit("%*d|", "-6, 42", "42    |"),  # negative '*' width: left-justify
    lit("%*s|", '-4, "ab"', "ab  |"),
    py("%.*d", "4, 42", 4, 42),
    lit("%.*d|%.*s", '-1, 42, -1, "abc"', "42|abc"),  # negative: omitted
    nocheck(lit("%0*.*d|", "6, -1, 42", "000042|")),
    py("%*.*s|", '8, 3, "abcdef"', 8, 3, "abcdef"),
    # -- characters and strings --
    py("%c%c%c", "'a', 'b', 'c'", "a", "b", "c"),
    py("%3c|%-3c|", "'z', 'z'", "z", "z"),
    py("[%c]", "0", "\0"),
    py("%s", '"hello"', "hello"),
    py("%10s|%-10s|", '"hi", "hi"', "hi", "hi"),
    py(
        "%.3s|%10.3s|%-10.3s|",
        '"abcdef", "abcdef", "abcdef"',
        "abcdef",
        "abcdef",
        "abcdef",
    ),
    py("[%s]", '""', ""),
    nocheck(py("%05s|", '"ab"', "ab")),  # '0' does not zero-pad strings
    lit("%.4s|", "unterminated", "wxyz|"),
    nocheck(lit("%s", "(char *)NULL", "(null)")),
    nocheck(lit("%8s|%-8s|", "(char *)NULL, (char *)NULL", "  (null)|(null)  |")),
    nocheck(lit("%.3s", "(char *)NULL", "(nu")),
    # -- pointers --
    lit("%p", PTR, "0x20001000"),
    lit("%p", "(void *)(uintptr_t)0xABCDEFu", "0xabcdef"),
    lit("%14p|%-14p|", f"{PTR}, {PTR}", "    0x20001000|0x20001000    |"),
    lit("%p", "(void *)NULL", "(nil)"),
    lit("%7p|", "(void *)NULL", "  (nil)|"),
    # -- literals and %% --
    py("100%%", ""),
    py("%d%%", "5", 5),
    py("a%%d%%b", ""),
    nocheck(py("", "")),
    py("plain text", ""),
    py("[%s:%d] %s=%#x", '"main.c", 42, "reg", 0x1fu', "main.c", 42, "reg", 0x1F),
    # -- unsupported conversions are printed literally --
    lit("%q", "", "%q", check_format=False),
    lit("%q %d", "7", "%q 7", check_format=False),
    lit("%-5q|%d", "3", "%-5q|3", check_format=False),
    lit("abc%", "", "abc%", check_format=False),
    lit("%-08.3", "", "%-08.3", check_format=False),
    lit("%f|%d", "3.5, 7", "%f|7"),  # the double is consumed
    lit("%.2f %d", "1.25, 9", "%.2f 9"),
    lit(
        "%e %E %g %G %a %A|%d", "1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7", "%e %E %g %G %a %A|7"
    ),
    lit("%d %f %d %f %d", "1, 2.0, 3, 4.0, 5", "1 %f 3 %f 5"),
    lit("%Lf %s", '1.0L, "x"', "%Lf x"),
    # Enough ints and doubles that, on x86-64, both spill to the stack and
    # interleave there: only correct consumption keeps the last %d right.
    lit("%d%d%d%d%d%d|" + "%f" * 9 + "|%d", SPILL_ARGS, "123456|" + "%f" * 9 + "|77"),
    lit(
        "%d%d%d%d%d%d|%Lf %Lf|%d",
        "1, 2, 3, 4, 5, 6, 1.0L, 2.0L, 77",
        "123456|%Lf %Lf|77",
    ),
    lit("%lc%ls|%d", "(wint_t)'a', (wchar_t *)0, 4", "%lc%ls|4", check_format=False),
    lit("%n|%d", "(int *)0, 6", "%n|6", check_format=False),
    # -- long output: more than one internal chunk --
    py("%0100d", "7", 7),
    py("%-100s|", '"x"', "x"),
    py("%s", f'"{LONG_TEXT}"', LONG_TEXT),
    py(
        "%s%d%s",
        f'"{LONG_TEXT[:31]}", 12, "{LONG_TEXT[:40]}"',
        LONG_TEXT[:31],
        12,
        LONG_TEXT[:40],
    ),
    py(LONG_TEXT + "%d" + LONG_TEXT[:50], "-1", -1),
    py(
        "%d" * 40,
        ", ".join(str(i % 10) for i in range(40)),
        *(i % 10 for i in range(40)),
    ),
    # -- lv_snprintf truncation, return value and size 0 --
    snp(5, py("%d", "123456", 123456)),
    snp(6, py("%d", "123456", 123456)),
    snp(7, py("%d", "123456", 123456)),
    snp(8, py("%d", "123456", 123456)),
    snp(1, py("%s", '"hello"', "hello")),
    snp(0, py("%s", '"hello"', "hello")),
    snp("NULL", py("%s-%d", '"hello", 42', "hello", 42)),
    snp("NULL", nocheck(py("", ""))),
    snp(40, py("%0100d", "7", 7)),
    snp(10, py("%s", f'"{LONG_TEXT}"', LONG_TEXT)),
    snp(33, py("%-40s|", '"abc"', "abc")),
    snp(3, lit("%p", PTR, "0x20001000")),
    snp(4, lit("%lld", "LLONG_MIN", str(-(2**63)))),
]


def _c_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):03o}")
    return '"' + "".join(out) + '"'


_NO_FORMAT_CHECK = (
    "#pragma GCC diagnostic push\n"
    '#pragma GCC diagnostic ignored "-Wformat"\n'
    '#pragma GCC diagnostic ignored "-Wformat-extra-args"\n'
    '#pragma GCC diagnostic ignored "-Wformat-zero-length"\n'
    '#pragma GCC diagnostic ignored "-Wformat-overflow"\n'
)


def _case_source(index: int, case: Case) -> str:
    fmt = _c_string(case.fmt)
    # The SNP macros need at least one variadic argument; an extra unused
    # one is harmless (the format check is then silenced).
    cargs = case.cargs or "0"
    if case.size is None:
        call = (
            f"CASE_ARGS({index}, {fmt}, {case.cargs});"
            if case.cargs
            else f"CASE_NOARGS({index}, {fmt});"
        )
    elif case.size == "NULL":
        call = f"SNP_NULL_ARGS({index}, {fmt}, {cargs});"
    else:
        call = f"SNP_ARGS({index}, {case.size}, {fmt}, {cargs});"
    if case.check_format and (case.cargs or case.size is None):
        return call + "\n"
    return f"{_NO_FORMAT_CHECK}{call}\n#pragma GCC diagnostic pop\n"


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)


def _require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not found on PATH; it is required for this test")
    return path


def _decode(field: str) -> str:
    return "" if field == "-" else bytes.fromhex(field).decode("latin-1")


@pytest.fixture(scope="module")
def driver_output(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, int], list[str]]:
    gcc = _require_tool("gcc")
    build = tmp_path_factory.mktemp("format_host")
    source = "".join(_case_source(i, c) for i, c in enumerate(CASES))
    (build / "format_cases.inc").write_text(source)
    exe = build / "format_driver"
    compile_cmd = [
        gcc,
        *HOST_CFLAGS,
        "-I",
        str(INCLUDE_DIR),
        "-I",
        str(build),
        str(FORMAT_C),
        str(DRIVER_C),
        "-o",
        str(exe),
    ]
    built = _run(compile_cmd, build)
    assert built.returncode == 0, f"host build failed:\n{built.stderr}"
    assert built.stderr == "", f"host build produced diagnostics:\n{built.stderr}"
    ran = _run([str(exe)], build)
    assert ran.returncode == 0, f"driver failed ({ran.returncode}):\n{ran.stderr}"
    results: dict[tuple[str, int], list[str]] = {}
    for line in ran.stdout.splitlines():
        kind, index, *fields = line.split(" ")
        results[(kind, int(index))] = fields
    return results


def _case_id(case: Case) -> str:
    size = "" if case.size is None else f"[size={case.size}]"
    fmt = case.fmt if len(case.fmt) <= 40 else case.fmt[:37] + "..."
    return f"{fmt!r}{size}"


@pytest.mark.parametrize("index", range(len(CASES)), ids=[_case_id(c) for c in CASES])
def test_format_case(
    driver_output: dict[tuple[str, int], list[str]], index: int
) -> None:
    case = CASES[index]
    expected = case.expected
    if case.size is None:
        fields = driver_output[("case", index)]
        r_snp, r_sink, r_count, calls, max_chunk, empty = map(int, fields[:6])
        out_snp, out_sink = _decode(fields[6]), _decode(fields[7])
        assert out_snp == expected
        assert r_snp == len(expected)
        assert out_sink == expected
        assert r_sink == len(expected)
        assert r_count == len(expected)  # NULL sink only counts
        assert empty == 0
        if len(expected) <= CHUNK:
            # Everything fits the internal buffer: one sink call (or none).
            assert calls == (1 if expected else 0)
            assert max_chunk == len(expected)
        else:
            # Buffered, not one call per character.
            assert calls <= (len(expected) + CHUNK - 1) // CHUNK + 2
        return

    r, buf_hex = driver_output[("snp", index)]
    buf = _decode(buf_hex)
    assert int(r) == len(expected)  # the would-be length, not the written one
    if case.size == "NULL":
        assert buf == "X" * SNP_BUF
        return
    assert isinstance(case.size, int)
    if case.size == 0:
        assert buf == "X" * SNP_BUF  # nothing written, not even a NUL
        return
    written = expected[: case.size - 1]
    assert buf == written + "\0" + "X" * (SNP_BUF - len(written) - 1)


def test_chunking(driver_output: dict[tuple[str, int], list[str]]) -> None:
    # 100 characters of padding/digits come out in ceil(100 / 32) chunks of
    # at most 32 characters.
    index = next(i for i, c in enumerate(CASES) if c.fmt == "%0100d" and c.size is None)
    calls, max_chunk = map(int, driver_output[("case", index)][3:5])
    assert (calls, max_chunk) == (4, CHUNK)


def test_target_build_is_clean_and_self_contained(tmp_path: Path) -> None:
    cc = _require_tool("arm-none-eabi-gcc")
    nm = _require_tool("arm-none-eabi-nm")
    obj = tmp_path / "format.o"
    built = _run(
        [
            cc,
            *TARGET_CFLAGS,
            "-I",
            str(INCLUDE_DIR),
            "-c",
            str(FORMAT_C),
            "-o",
            str(obj),
        ],
        tmp_path,
    )
    assert built.returncode == 0, f"target build failed:\n{built.stderr}"
    assert built.stderr == "", f"target build produced diagnostics:\n{built.stderr}"
    # No undefined symbols: in particular no __aeabi_uldivmod (64-bit
    # division) and no memset/memcpy emitted by the compiler.
    undefined = _run([nm, "-u", str(obj)], tmp_path)
    assert undefined.returncode == 0, undefined.stderr
    assert undefined.stdout.split() == []
