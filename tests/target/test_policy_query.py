"""A user thread asks the policy with levante_policy_query (tests/target/policy_query) on
both boards: granted or refused by a field's value, the door's Flow advanced by the
queries themselves, a limit on openings, another thread refused by a deny's errno, a
malformed query refused with -EINVAL, and each verdict in the audit records."""

from __future__ import annotations

import pytest

from conftest import TARGET_TESTS, Builder
from levante.abi import ERRNO

APP = TARGET_TESTS / "policy_query"
EPERM, EACCES, EINVAL = -ERRNO["EPERM"], -ERRNO["EACCES"], -ERRNO["EINVAL"]


def rule_line(text: str) -> int:
    """The line of policy.lvp that starts with `text`."""
    lines = (APP / "policy.lvp").read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(text))


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_a_user_thread_asks_before_it_acts(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="5s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    start = lines.index(f"door.open front: {EPERM}")  # locked: no PIN yet
    assert lines[start:start + 14] == [
        f"door.open front: {EPERM}",
        f"door.authenticate wrong pin: {EPERM}",
        "door.authenticate pin: 0",  # locked -> authenticated
        f"door.open back: {EPERM}",  # the field's value refuses
        "door.open front: 0",  # authenticated -> unlocked
        "door.close after the first: 0",
        "door.authenticate pin: 0",
        "door.open front: 0",
        "door.close after the second: 0",
        "door.authenticate pin: 0",
        f"door.open front: {EPERM}",  # a third opening within the second: the limit
        f"door open malformed: {EINVAL}",
        f"door.open no fields: {EINVAL}",
        f"door.open front: {EACCES}",  # the intruder, by the deny's errno
    ]
    opened = rule_line("grant query door.open")
    records = [line for line in lines if line.startswith("record ")]
    assert records == [
        "record asker query door.open deny line -1",
        "record asker query door.authenticate deny line -1",
        "record asker query door.open deny line -1",
        f"record asker query door.open grant line {opened}",  # the rule's audit flag
        f"record asker query door.open grant line {opened}",
        f"record asker query door.open deny line {rule_line('limit query door.open')}",
        f"record intruder query door.open deny line {rule_line('deny query door.*')}",
    ]
    assert lines[-1] == "DONE"
