"""The socket calls under the mock CPU, fuzzed: random zsock_* calls (descriptors,
pointers into the caller's memory, kernel memory and nowhere, lengths small and huge)
from a user thread and a supervisor thread, over a real stack with no link.  The kernel
never raises, every validate stage changes nothing, no perform stage fails, a thread
only ever faults itself (never main, whose sockets they are), and kernel memory is never
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

from levante.abi import STRUCT_SIZES, SYSCALLS, THREAD_OPTIONS
from levante.kernel.kernel import RunEnd
from levante.net.sockets import StackNetwork
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack

K_USER = THREAD_OPTIONS["K_USER"]
SOCKET_CALLS = [call_.number for call_ in SYSCALLS if "zsock" in call_.name]
USER_REASONS = {"K_ERR_KERNEL_OOPS", "K_ERR_CPU_EXCEPTION"}
FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SYMBOLS = ("own", "kernel_ram", "sockaddr", "other_stack")
VALUES = st.one_of(
    st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8, 16, 20, 24, 0xFFFF, 0x4000, 0x7FFFFFFF,
                     0xFFFFFFFF, 0x80000000]),
    st.sampled_from(SYMBOLS),
    st.integers(0, 0xFFFFFFFF),
)
CALLS = st.lists(st.tuples(st.sampled_from(SOCKET_CALLS),
                           st.lists(VALUES, min_size=6, max_size=6)),
                 min_size=1, max_size=14)


def _fuzzer(calls: list[tuple[int, list[Any]]], values: dict[str, int]) -> ScriptFactory:
    def script(_: Args) -> Script:
        for number, registers in calls:  # raw: all six registers, as a thread could
            yield call(number, *[values[v] if isinstance(v, str) else v for v in registers])
            yield run(50)

    return script


@FUZZ
@given(CALLS, CALLS)
def test_random_socket_calls_from_user_and_supervisor_threads(
        user_calls: list[tuple[int, list[Any]]], sv_calls: list[tuple[int, list[Any]]]) -> None:
    system = MockSystem(userspace=True, net_sockets=True)
    system.fatal_handler(returning_fatal_handler)
    values: dict[str, int] = {}
    user = system.thread("user", _fuzzer(user_calls, values), 5, options=K_USER)
    system.thread("supervisor", _fuzzer(sv_calls, values), 6)

    def main(_: Args) -> Script:
        for _ in range(2):  # sockets of main's: the user thread is granted one
            yield call("z_levante_zsock_socket", 1, 2, 0)
        values["granted"] = yield call("zsock_get_context_object", 3)
        yield call("k_object_access_grant", values["granted"], user)
        yield call("k_sleep", K_FOREVER)

    system.main(main)
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
                  sockaddr=system.thread_named("user").stack_start + 128)
    with validation_checked(system) as validated:
        end = kernel.run(until=2_000_000)
    assert end in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert any("zsock" in name for name in validated)
    for event in system.events("fault"):  # a supervisor's bad pointer faults it too
        assert event["thread"] != "main", event
        if event["thread"] == "user":
            assert event["reason"] in USER_REASONS, event
    assert system.cpu.read_memory(kernel_ram, 64) == b"J" * 64
    assert system.events("kernel_defect") == []
