"""Nothing GDB sends makes the server raise: packets drawn at random, answered by the
protocol core against a real booted system (registers, memory views, breakpoints)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Builder
from levante.board.system import System, power_up
from levante.debug.gdb_target import SIGTRAP, GdbTarget, Reply, Stop
from levante.debug.system_debuggee import SystemDebuggee

APP = Path(__file__).parent / "gdb_app"
COMMANDS = [b"g", b"G", b"p", b"P", b"m", b"M", b"X", b"Z0,", b"Z1,", b"z0,", b"z1,",
            b"Hg", b"Hc", b"T", b"qRcmd,", b"qThreadExtraInfo,", b"qXfer:features:read:",
            b"vCont;", b"c", b"s", b"C", b"S", b"?", b"qC", b"qSupported:", b"D", b"k"]
# Mostly what arguments are made of, and now and then anything at all.
ARGUMENT_BYTES = st.one_of(
    st.sampled_from(b"0123456789abcdefF,:;=-2000000010"), st.integers(0, 255))


@pytest.fixture(scope="module")
def system(builder: Builder) -> System:
    return power_up(builder.build(APP), lambda _: None)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(COMMANDS),
                          st.lists(ARGUMENT_BYTES, max_size=40).map(bytes)), max_size=12))
def test_random_packets_are_answered_without_raising(
        system: System, packets: list[tuple[bytes, bytes]]) -> None:
    debuggee = SystemDebuggee(system.kernel, system.cpu)
    target = GdbTarget(debuggee)
    target.stopped(Stop(SIGTRAP, debuggee.id_of(next(iter(system.kernel.threads.values())))))
    for command, arguments in packets:
        action = target.handle(command + arguments)
        if isinstance(action, Reply):
            assert len(action.payload) < 0x1000
    debuggee.remove_all_breakpoints()
