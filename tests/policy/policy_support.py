"""Helpers of the policy tests: compile a policy text and judge events with it."""

from __future__ import annotations

from levante.policy.engine import PolicyEngine
from levante.policy.language import compile_policy


class Clocked:
    """An engine over a policy text, on a clock the test moves (microseconds)."""

    def __init__(self, text: str) -> None:
        self.now = 0
        self.traced: list[dict[str, object]] = []
        self.engine = PolicyEngine(compile_policy(text, "test.lvp"), clock=lambda: self.now,
                                   trace=lambda event, **fields: self.traced.append(
                                       {"event": event, **fields}))

    def syscall(self, name: str, thread: str = "main", **fields: object) -> bool:
        return self.engine.decide(f"syscall {name}", thread,
                                  {**fields, "thread": thread}).granted

    def service(self, name: str, thread: str = "main", **fields: object) -> bool:
        return self.engine.decide(f"service {name}", thread,
                                  {**fields, "thread": thread, "peer": "198.51.100.7"}).granted
