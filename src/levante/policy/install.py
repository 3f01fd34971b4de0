"""Installing a compiled policy in a kernel: its system-call and service policies."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from levante.policy.engine import PolicyEngine, ServiceJudge
from levante.policy.language import Compiled

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel


def install_policy(kernel: Kernel, compiled: Compiled) -> PolicyEngine:
    """Make `compiled` judge `kernel`'s system calls, service messages and thread starts, on the
    kernel's simulated clock and into its trace."""
    hz = kernel.config.clock_hz
    engine = PolicyEngine(compiled, clock=lambda: kernel.now * 1_000_000 // hz,
                          trace=kernel.trace, symbol_of=_static_names(kernel),
                          entry_of=_function_names(kernel))
    domains = kernel.security_domains
    # A policy domain named as a kernel domain of an application that declares domains
    # means that kernel domain (docs/domains.md).
    engine.is_kernel_domain = lambda name: domains.declared and name in domains.by_name

    def service_domain(thread: str) -> str:
        # A message is judged while its thread's call is served (MQTT, CoAP); one for a
        # service of the kernel's own (SMP) belongs to no domain.
        current = kernel.current
        return domains.of(current).name if current.name == thread else ""
    engine.service_domain = service_domain
    kernel.policy = engine
    kernel.service_policy = ServiceJudge(engine)
    kernel.thread_policy = engine
    kernel.policy_audit = engine
    kernel.query_policy = engine
    return engine


def _static_names(kernel: Kernel) -> Callable[[object], str | None]:
    """A decoded kernel object's C name, for the objects the image defines statically.
    Asked only by policies that name objects (`sem.symbol`); a scan of the object
    table, whose entries hold the decoded objects by address."""
    names = {symbol.address: symbol.name for symbol in kernel.image.kernel_objects}

    def name_of(state: object) -> str | None:
        for entry in kernel.objects:
            if entry.state is state:
                return names.get(entry.address)
        return None
    return name_of


def _function_names(kernel: Kernel) -> Callable[[int], str]:
    """A thread entry's function name, from the image's symbols (made once, when a
    thread start is first judged)."""
    names: dict[int, str] = {}

    def name_of(address: int) -> str:
        if not names:
            # Thumb function symbols, and only they, have bit 0 set.
            names.update((symbol.address & ~1, name)
                         for name, symbol in kernel.image.symbols.items()
                         if symbol.address & 1)
        return names.get(address, "")
    return name_of
