"""Installing a compiled policy in a kernel: its system-call and service policies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.policy.engine import PolicyEngine, ServiceJudge
from levante.policy.language import Compiled

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel


def install_policy(kernel: Kernel, compiled: Compiled) -> PolicyEngine:
    """Make `compiled` judge `kernel`'s system calls and service messages, on the
    kernel's simulated clock and into its trace."""
    hz = kernel.config.clock_hz
    engine = PolicyEngine(compiled, clock=lambda: kernel.now * 1_000_000 // hz,
                          trace=kernel.trace)
    kernel.policy = engine
    kernel.service_policy = ServiceJudge(engine)
    return engine
