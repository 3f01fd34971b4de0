"""Userspace local data (CONFIG_THREAD_USERSPACE_LOCAL_DATA) on both boards, checked by
tests/target/local_data: each thread's area is the top of its own stack and starts
zeroed, a thread dropping to user mode finds it zeroed again and uses it, and a user
thread reading or writing another thread's area (user or supervisor) faults."""

from __future__ import annotations

import pytest
from target_support import check_results

from conftest import TARGET_TESTS, Builder

APP = TARGET_TESTS / "local_data"
CASES = ["supervisor_area", "user_area", "no_leak_into_user_mode", "read_peer_area",
         "write_peer_area", "read_supervisor_area", "write_supervisor_area"]
INTRUDERS = ["read_peer_area", "write_peer_area", "read_supervisor_area",
             "write_supervisor_area"]


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_each_thread_keeps_its_local_data_to_itself(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    check_results(result.output, CASES)
    # Exactly the four intruders faulted, each on an MPU access (a CPU exception).
    faults = [line for line in result.output.splitlines() if line.startswith("fault ")]
    assert faults == [f"fault 0 in {name}" for name in INTRUDERS], result.output
    assert "not stopped" not in result.output
