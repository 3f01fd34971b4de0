"""The engine's audit buffer as the kernel reads it: oldest first, each record once,
and the dropped count handed over with the records and then restarted."""

from __future__ import annotations

from levante.kernel.policy import ThreadStartEvent
from levante.policy.engine import PolicyEngine
from levante.policy.language import compile_policy


def test_takes_remove_the_oldest_records_and_the_dropped_count() -> None:
    engine = PolicyEngine(compile_policy("default deny\naudit buffer 3\n", "p.lvp"))
    for number in range(5):
        engine.judge_start(ThreadStartEvent(f"t{number}", 0, 5, False, "main"))
    taken, dropped = engine.take_audit(2)
    assert ([record.thread for record in taken], dropped) == (["t2", "t3"], 2)
    taken, dropped = engine.take_audit(10)
    assert ([record.thread for record in taken], dropped) == (["t4"], 0)
    assert engine.take_audit(10) == ([], 0)
    assert engine.take_audit(0) == ([], 0)
