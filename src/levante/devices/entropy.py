"""The board's TRNG (Zephyr's entropy device): the source behind entropy_get_entropy,
and the seed of sys_rand_get and sys_csrand_get."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from levante.crypto.entropy import EntropySource

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel


@dataclass
class TrngDevice:
    """A TRNG reading `source` (the host's randomness, or a seeded test stream)."""

    source: EntropySource
    kind: str = "entropy"
    kconfig: str = "ENTROPY_GENERATOR"

    def attach(self, kernel: Kernel) -> None:
        kernel.random.attach_source(self.source)
