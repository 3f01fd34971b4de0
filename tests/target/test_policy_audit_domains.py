"""The audit trail read from user mode (tests/target/policy_audit_domains): a user
thread of the audit domain, which the policy grants the call by name, takes the
records; a user thread of another domain is refused, even renamed as the auditor; a
bad array faults the reader, not the kernel."""

from __future__ import annotations

import pytest

from conftest import TARGET_TESTS, Builder
from levante.abi import ERRNO

APP = TARGET_TESTS / "policy_audit_domains"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_only_the_granted_domain_reads_the_audit_trail(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="2s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    refused = -ERRNO["EPERM"]
    # Refused before its memory is touched: `dropped` keeps what the thread put there.
    assert f"controller read: {refused} dropped 99" in lines
    assert f"renamed read: {refused}" in lines
    take = lines.index("auditor take 1 dropped 0")
    assert lines[take + 1:take + 3] == [
        "record controller syscall k_sem_give deny line 9", "auditor again: 0"]
    assert "write of 112 bytes at 0x10 is outside the memory of thread 'auditor'" \
        in result.output
    assert "FATAL 3 in auditor" in lines and "auditor survived a bad array" not in lines
    assert lines[-1] == "DONE"
