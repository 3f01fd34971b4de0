"""Heaps (k_heap): kernel memory a supervisor hands threads as their resource pool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.pool import MemoryPool


@kind_state
@dataclass(eq=False)
class Heap:
    KIND: ClassVar[str] = "k_heap"

    pool: MemoryPool

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Heap:
        return cls(MemoryPool(fields["buffer"], fields["size"]))
