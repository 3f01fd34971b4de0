"""Modelled kernel costs, in CPU cycles, added to simulated time.

The kernel itself runs in Python, so its own time is not measured: it is charged as
fixed costs of the order a Cortex-M kernel spends (Zephyr's latency_measure reports a
few hundred cycles for a system call or a context switch on Cortex-M4 boards).
"""

SYSCALL_CYCLES = 150
CONTEXT_SWITCH_CYCLES = 200
INTERRUPT_ENTRY_CYCLES = 60
FAULT_CYCLES = 500
# A verdict of an installed policy engine (levante.policy): a few table look-ups and
# compiled predicates, charged when asked (before the call performs), on top of the
# system call's own cost.
POLICY_VERDICT_CYCLES = 40
