"""What the hardening options do to a build: compiler flags and the null-pointer guard."""

from __future__ import annotations

import pytest

from levante.config import Config, load_board
from levante.errors import BuildError
from levante.sdk.build import hardening_flags, null_guard_size


def _config(**values: bool | int) -> Config:
    return Config(values=values, board="lv_m4")


@pytest.mark.parametrize(("values", "flag"), [
    ({}, "-fno-stack-protector"),
    ({"STACK_CANARIES": True}, "-fstack-protector"),
    ({"STACK_CANARIES": True, "STACK_CANARIES_STRONG": True}, "-fstack-protector-strong"),
    ({"STACK_CANARIES": True, "STACK_CANARIES_STRONG": True, "STACK_CANARIES_ALL": True},
     "-fstack-protector-all"),
])
def test_canary_levels_choose_the_compiler_flag(values: dict[str, bool], flag: str) -> None:
    assert hardening_flags(_config(**values)) == [flag]


def test_the_null_guard_must_be_an_mpu_region() -> None:
    guard = {"NULL_POINTER_EXCEPTION_DETECTION_MPU": True}
    assert null_guard_size(_config(**guard, CORTEX_M_NULL_POINTER_EXCEPTION_PAGE_SIZE=0x400),
                           load_board("lv_m4")) == 0x400
    assert null_guard_size(_config(), load_board("lv_m4")) == 0
    # 0x60 is a multiple of 32 (fine on ARMv8-M) but no power of two (ARMv7-M).
    odd = _config(**guard, CORTEX_M_NULL_POINTER_EXCEPTION_PAGE_SIZE=0x60)
    assert null_guard_size(odd, load_board("lv_m33")) == 0x60
    with pytest.raises(BuildError, match="not an MPU region for lv_m4"):
        null_guard_size(odd, load_board("lv_m4"))

