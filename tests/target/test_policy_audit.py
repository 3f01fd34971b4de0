"""The policy's audit buffer read by a privileged thread (tests/target/policy_audit) on
both boards: records taken oldest first in bounded takes, the count the full buffer
dropped, each record delivered once, a supervisor thread the policy refuses, a user
thread no grant names refused, hostile arrays and counts, and an image with no policy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TARGET_TESTS, Builder, levante
from levante.abi import ERRNO

APP = TARGET_TESTS / "policy_audit"
GIVE = "record main syscall k_sem_give deny line 6"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_a_privileged_thread_takes_the_audit_records(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="5s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    # Six refusals into a buffer of four: two dropped, the rest read in two takes.
    first = lines.index("first take 3 dropped 2")
    assert lines[first + 1:first + 4] == [GIVE] * 3
    assert lines[first + 4:first + 6] == ["second take 1 dropped 0", GIVE]
    assert "third take 0" in lines and "reader read: 0" in lines
    assert f"bystander read: {-ERRNO['EPERM']}" in lines
    # No grant names the call for the user thread: refused, not faulted.  Both hostile
    # supervisor calls fault; the kernel goes on.
    assert f"user read: {-ERRNO['EPERM']}" in lines
    assert lines.count("FATAL 3") == 1 and lines.count("FATAL 0") == 1
    assert "survived a bad array" not in lines and "survived an overflowing count" not in lines
    assert lines[-3:] == ["last take 1 dropped 0",
                          "record bystander syscall z_levante_policy_audit_read deny line 8",
                          "DONE"]


def test_without_a_policy_there_is_nothing_to_read(tmp_path: Path) -> None:
    app = tmp_path / "policy_audit"
    shutil.copytree(APP, app)
    (app / "policy.lvp").unlink()
    build_dir = tmp_path / "build"
    built = levante("build", str(app), "-d", str(build_dir))
    assert built.returncode == 0, built.stderr
    run = levante("run", str(build_dir), "--max-time", "5s")
    not_supported = -ERRNO["ENOTSUP"]
    assert f"first take {not_supported} dropped 99" in run.stdout
    assert f"bystander read: {not_supported}" in run.stdout
