"""Thread-local storage (CONFIG_THREAD_LOCAL_STORAGE) on both boards, with newlib and
picolibc, checked by tests/target/thread_tls: each thread's __thread variables start
from the template and stay its own while others run, supervisor or user, and a user
thread reading or writing another thread's copy (user or supervisor) faults.  A user
thread that forges the thread pointer word misleads no interrupt-context callback: the
callback writes the interrupted thread's own copy, not the forged address."""

from __future__ import annotations

import pytest
from target_support import check_results

from conftest import TARGET_TESTS, Builder

APP = TARGET_TESTS / "thread_tls"
INTRUDERS = ["read_peer_copy", "write_peer_copy", "read_supervisor_copy",
             "write_supervisor_copy"]
CASES = ["main_copy", "supervisor_copies", "user_copies", "main_copy_kept", *INTRUDERS,
         "forged_pointer"]


@pytest.mark.parametrize("extra", [(), ("picolibc.conf",)], ids=["newlib", "picolibc"])
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_each_thread_has_its_own_thread_local_variables(
        builder: Builder, board: str, extra: tuple[str, ...]) -> None:
    result = builder.run(APP, board=board, extra=extra)
    check_results(result.output, CASES)
    faults = [line for line in result.output.splitlines() if line.startswith("fault ")]
    assert faults == [f"fault 0 in {name}" for name in INTRUDERS], result.output
    assert "not stopped" not in result.output
