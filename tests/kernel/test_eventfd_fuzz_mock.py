"""The eventfd, resolver and CoAP calls under the mock CPU, fuzzed: random raw calls
(descriptors of every kind and of other threads, pointers into the caller's memory,
kernel memory, another thread's stack and nowhere, lengths small and huge) from a user
thread and a supervisor thread, with close and poll among them.  The kernel never
raises, every validate stage changes nothing, no perform stage fails, a thread only ever
faults itself (never main, whose descriptors they are), and kernel memory is never
written for a user thread."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mock_cpu import (
    K_FOREVER,
    Args,
    MockSystem,
    Script,
    ScriptFactory,
    call,
    returning_fatal_handler,
    run,
)
from stage_checks import validation_checked

from levante.abi import STRUCT_SIZES, SYSCALLS_BY_NAME, THREAD_OPTIONS
from levante.image.layout import Symbol
from levante.kernel.kernel import RunEnd
from levante.kernel.startup import EVENTFD_SLOTS_SYMBOL
from levante.net.sockets import StackNetwork
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack

K_USER = THREAD_OPTIONS["K_USER"]
FUZZED = [SYSCALLS_BY_NAME[name].number for name in (
    "z_levante_eventfd", "z_levante_eventfd_read", "z_levante_eventfd_write",
    "z_levante_zsock_close", "z_levante_zsock_poll", "z_levante_dns_resolve",
    "z_levante_coap_parse", "z_levante_coap_recv", "z_levante_zsock_socket")]
USER_REASONS = {"K_ERR_KERNEL_OOPS", "K_ERR_CPU_EXCEPTION"}
EVENTFD_MAX = 3
FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SYMBOLS = ("own", "kernel_ram", "other_stack", "slot")
VALUES = st.one_of(
    st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 0xFFFF, 0x4000, 0x4002, 0x7FFFFFFF,
                     0xFFFFFFFF, 0xFFFFFFFE, 0x80000000, K_FOREVER]),
    st.sampled_from(SYMBOLS),
    st.integers(0, 0xFFFFFFFF),
)
CALLS = st.lists(st.tuples(st.sampled_from(FUZZED), st.lists(VALUES, min_size=6, max_size=6)),
                 min_size=1, max_size=14)


def _fuzzer(calls: list[tuple[int, list[Any]]], values: dict[str, int],
            prefix: str = "") -> ScriptFactory:
    """A script making `calls`; a symbol is looked up as `prefix` + its name first."""
    def script(_: Args) -> Script:
        for number, registers in calls:  # raw: all six registers, as a thread could
            yield call(number, *[values.get(prefix + v, values[v]) if isinstance(v, str)
                                 else v for v in registers])
            yield run(50)

    return script


@FUZZ
@given(CALLS, CALLS)
def test_random_eventfd_resolver_and_coap_calls(
        user_calls: list[tuple[int, list[Any]]], sv_calls: list[tuple[int, list[Any]]]) -> None:
    system = MockSystem(userspace=True, net_sockets=True, zvfs_eventfd_max=EVENTFD_MAX,
                        dns_resolver=True)
    system.fatal_handler(returning_fatal_handler)
    values: dict[str, int] = {}
    user = system.thread("user", _fuzzer(user_calls, values), 5, options=K_USER)
    # A supervisor may write kernel memory: its "kernel_ram" is memory of its own.
    system.thread("supervisor", _fuzzer(sv_calls, values, "sv_"), 6)

    def main(_: Args) -> Script:
        yield call("z_levante_eventfd", 1, 0)  # descriptor 3, granted to the user thread
        yield call("z_levante_eventfd", 0, 0)  # descriptor 4, main's own
        yield call("z_levante_zsock_socket", 1, 2, 0)  # a UDP socket of main's
        yield call("k_object_access_grant", values["slot"], user)
        yield call("k_sleep", K_FOREVER)

    system.main(main)
    size = STRUCT_SIZES["zvfs_eventfd"]
    slots = system.ram(size * EVENTFD_MAX)
    system.extra_symbols[EVENTFD_SLOTS_SYMBOL] = Symbol(slots, size * EVENTFD_MAX)
    kernel = system.boot()
    stack = NetworkStack(InterfaceSettings(mac="00:00:5e:00:53:01",
                                           ipv4=Ipv4Settings("192.0.2.1")))
    kernel.sockets.network = StackNetwork(stack, lambda: kernel.now)
    size = STRUCT_SIZES["net_context"]
    base = system.ram(size * 3)
    kernel.sockets.slots = tuple(base + index * size for index in range(3))
    for slot in kernel.sockets.slots:
        kernel.objects.declare(slot, "net_context", size)
    kernel_ram = system.ram(64)
    system.cpu.write_memory(kernel_ram, b"J" * 64)
    values.update(own=system.thread_named("user").stack_start + 64, kernel_ram=kernel_ram,
                  other_stack=system.thread_named("supervisor").stack_start + 64,
                  slot=slots, sv_kernel_ram=system.ram(64))
    with validation_checked(system) as validated:
        end = kernel.run(until=2_000_000)
    assert end in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert validated
    for event in system.events("fault"):  # a supervisor's bad pointer faults it too
        assert event["thread"] != "main", event
        if event["thread"] == "user":
            assert event["reason"] in USER_REASONS, event
    assert system.cpu.read_memory(kernel_ram, 64) == b"J" * 64
    assert system.events("kernel_defect") == []
