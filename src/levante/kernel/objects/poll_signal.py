"""Poll signals (k_poll_signal): `signaled` and `result` live in the C structure, where
code reads and resets them directly as Zephyr's does; the kernel keeps the pollers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.objects.poll_events import PollRegistrations


@kind_state
@dataclass(eq=False)
class PollSignal:
    KIND: ClassVar[str] = "k_poll_signal"

    address: int  # the structure holding `signaled` and `result`
    poll_events: PollRegistrations = field(default_factory=PollRegistrations)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> PollSignal:
        return cls(address)
