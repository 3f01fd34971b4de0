"""Application-defined devices on both boards, checked by a ztest suite
(tests/target/app_devices): DEVICE_DEFINE and DEVICE_DT_INST_DEFINE devices of the
test's own driver subsystem, their init functions at boot by level and priority,
readiness and lookup, the driver called from supervisor and user threads through
application-defined system calls, and the refusals (a device not granted, an object of
another kind, an operation the driver lacks, memory not the caller's, device_is_ready
on a device not granted or on one that is no kernel object)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "app_devices"
REFUSALS = 6


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_app_device_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 12
    assert all(case.status == "passed" for case in verdict.cases)
    # Each refusal was an announced fault that ended only the test's thread.
    assert result.output.count("Fatal error expected as part of test case.") == REFUSALS


def test_a_refusal_says_why(builder: Builder) -> None:
    output = builder.run(APP).output
    # The verification function's checks (the demo subsystem is K_OBJ_DRIVER_* 256).
    assert output.count("syscall z_vrfy_demo_read failed check: object") == 2
    assert "of type 256: access denied" in output
    assert "operation bump not implemented for driver demo_driver_api" in output
    assert "(4 bytes) write access denied" in output
    # device_is_ready's own check (Zephyr's K_SYSCALL_OBJ_INIT(dev, K_OBJ_ANY)).
    assert "device_demo access denied (EPERM)" in output
    assert "device access denied (EBADF)" in output  # no subsystem: no kernel object
