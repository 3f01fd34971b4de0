"""The MQTT calls under the mock CPU, fuzzed: random z_levante_mqtt_* calls (descriptors,
pointers into the caller's memory, kernel memory and nowhere, lengths small and huge)
from a user thread granted main's session and from a supervisor thread, while the
scripted broker's bytes arrive.  The kernel never raises, every validate stage changes
nothing, a thread only ever faults itself, and kernel memory is never written for the
user thread."""

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
from mqtt_broker_script import SOCKADDR_BROKER, attach, connect_record
from stage_checks import validation_checked

from levante.abi import SYSCALLS, THREAD_OPTIONS
from levante.codecs import mqtt
from levante.kernel.kernel import RunEnd

K_USER = THREAD_OPTIONS["K_USER"]
MQTT_CALLS = [call_.number for call_ in SYSCALLS if "_mqtt_" in call_.name]
USER_REASONS = {"K_ERR_KERNEL_OOPS", "K_ERR_CPU_EXCEPTION"}
FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SYMBOLS = ("fd", "own", "kernel_ram", "other_stack")
VALUES = st.one_of(
    st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8, 12, 14, 16, 64, 0xFFFF, 0x4000, 0x7FFFFFFF,
                     0xFFFFFFFF, 0x80000000]),
    st.sampled_from(SYMBOLS),
    st.integers(0, 0xFFFFFFFF),
)
CALLS = st.lists(st.tuples(st.sampled_from(MQTT_CALLS),
                           st.lists(VALUES, min_size=6, max_size=6)),
                 min_size=1, max_size=14)
BROKER_BYTES = st.lists(st.sampled_from([
    mqtt.encode(mqtt.ConnAck(), 4), mqtt.encode(mqtt.Publish("a/b", b"xyz", 1, False, False, 9), 4),
    mqtt.encode(mqtt.SubAck(1, (0, 128)), 4), mqtt.encode(mqtt.PingResp(), 4),
    bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF]), bytes([0x62, 0x02, 0x00]), b"\x00"]), max_size=4)


def _fuzzer(calls: list[tuple[int, list[Any]]], values: dict[str, int],
            supervisor: bool = False) -> ScriptFactory:
    def script(_: Args) -> Script:
        for number, registers in calls:  # raw: all six registers, as a thread could
            # A supervisor may write anywhere: its "kernel memory" is a scratch area.
            named = {**values, "kernel_ram": values["scratch"]} if supervisor else values
            yield call(number, *[named[v] if isinstance(v, str) else v for v in registers])
            yield run(50)

    return script


@FUZZ
@given(CALLS, CALLS, BROKER_BYTES)
def test_random_mqtt_calls_from_user_and_supervisor_threads(
        user_calls: list[tuple[int, list[Any]]], sv_calls: list[tuple[int, list[Any]]],
        broker_bytes: list[bytes]) -> None:
    system = MockSystem(userspace=True, net_sockets=True, mqtt_lib=True)
    system.fatal_handler(returning_fatal_handler)
    values: dict[str, int] = {}
    user = system.thread("user", _fuzzer(user_calls, values), 5, options=K_USER)
    system.thread("supervisor", _fuzzer(sv_calls, values, supervisor=True), 6)

    def main(_: Args) -> Script:
        fd = yield call("z_levante_zsock_socket", 1, 1, 6)
        values["fd"] = fd
        yield call("z_levante_zsock_connect", fd, values["address"], 8)
        yield call("z_levante_mqtt_connect", fd, values["record"])
        network.brokers[0].answer(*broker_bytes)
        sock = yield call("zsock_get_context_object", fd)
        yield call("k_object_access_grant", sock, user)
        yield call("k_sleep", K_FOREVER)

    system.main(main)
    kernel = system.boot()
    network = attach(system, kernel)
    values["address"] = system.ram(8)
    system.cpu.write_memory(values["address"], SOCKADDR_BROKER)
    values["record"] = connect_record(system, system.ram(256))
    values["scratch"] = system.ram(64)
    kernel_ram = system.ram(64)
    system.cpu.write_memory(kernel_ram, b"J" * 64)
    values.update(own=system.thread_named("user").stack_start + 64, kernel_ram=kernel_ram,
                  other_stack=system.thread_named("supervisor").stack_start + 64)
    with validation_checked(system) as validated:
        end = kernel.run(until=2_000_000)
    assert end in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert any("mqtt" in name for name in validated)
    for event in system.events("fault"):  # a supervisor's bad pointer faults it too
        assert event["thread"] != "main", event
        if event["thread"] == "user":
            assert event["reason"] in USER_REASONS, event
    assert system.cpu.read_memory(kernel_ram, 64) == b"J" * 64
    assert system.events("kernel_defect") == []
