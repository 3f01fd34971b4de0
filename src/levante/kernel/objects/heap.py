"""Heaps (k_heap): kernel memory a supervisor hands threads as their resource pool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from levante.kernel.pool import MemoryPool


@dataclass(eq=False)
class Heap:
    KIND: ClassVar[str] = "k_heap"

    pool: MemoryPool
