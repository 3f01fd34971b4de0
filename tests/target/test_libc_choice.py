"""The C library choice on both boards (tests/target/libc_choice): newlib-nano by
default, picolibc with CONFIG_PICOLIBC, and picolibc again for CONFIG_MINIMAL_LIBC (with
no malloc arena by default).  Each link really holds the library chosen, and stdio,
errno and malloc work from supervisor and user threads."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder, levante
from levante.image.elf import load_elf
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "libc_choice"
CHOICES = {
    "newlib": (),
    "picolibc": ("picolibc.conf",),
    "minimal": ("minimal.conf",),
    "picolibc_no_userspace": ("picolibc_no_userspace.conf",),
}


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
@pytest.mark.parametrize("choice", list(CHOICES))
def test_the_chosen_library_is_linked_and_works(builder: Builder, board: str,
                                                choice: str) -> None:
    extra = CHOICES[choice]
    result = builder.run(APP, board=board, extra=extra)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert [case.status for case in verdict.cases] == ["passed"] * 4
    # Without user mode ZTEST_USER cases run in supervisor mode.
    user = "userspace" not in choice
    assert result.output.count("printf from supervisor: 42") == (1 if user else 2)
    assert result.output.count("printf from user: 42") == (1 if user else 0)
    symbols = load_elf(builder.build(APP, board, extra) / "levante.elf").symbols
    picolibc = choice != "newlib"
    # picolibc's thread pointer helper is the runtime's; newlib's state is _impure_ptr.
    assert ("__aeabi_read_tp" in symbols) == picolibc
    assert ("_impure_ptr" in symbols) == (not picolibc)


def test_an_arena_of_all_ram_is_refused_with_user_mode(tmp_path: Path) -> None:
    result = levante("build", str(APP), "-d", str(tmp_path / "build"), "--extra-conf",
                     str(APP / "picolibc_all_ram.conf"))
    assert result.returncode == 2
    assert "COMMON_LIBC_MALLOC_ARENA_SIZE=-1" in result.stderr
    assert "Traceback" not in result.stderr
