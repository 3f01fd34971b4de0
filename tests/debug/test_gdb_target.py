"""GDB's packets against a scripted debuggee: every packet the server answers."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ElementTree

import pytest

from levante.debug.gdb_target import (
    MAX_READ,
    SIGINT,
    SIGTRAP,
    Detach,
    GdbTarget,
    Kill,
    Reply,
    Resume,
    Stop,
)
from levante.debug.rsp import PACKET_SIZE
from levante.debug.target_xml import REGISTER_NAMES, TARGET_XML

RAM = 0x2000_0000


class FakeDebuggee:
    """Two threads (1: main, 2: worker) with registers r_n = thread * 0x100 + n, and
    readable memory at [RAM, RAM + 0x100) only."""

    def __init__(self) -> None:
        self.threads = {1: "main, running", 2: "worker, pending"}
        self.registers_of = {t: [t * 0x100 + n for n in range(17)] for t in self.threads}
        self.memory = bytearray(range(256))
        self.breakpoints: dict[int, set[bool]] = {}
        self.room = 2
        self.commands: list[str] = []

    def thread_ids(self) -> list[int]:
        return sorted(self.threads)

    def describe_thread(self, thread: int) -> str | None:
        return self.threads.get(thread)

    def registers(self, thread: int) -> tuple[int, ...]:
        return tuple(self.registers_of[thread])

    def write_register(self, thread: int, index: int, value: int) -> None:
        self.registers_of[thread][index] = value

    def read_memory(self, thread: int, address: int, size: int) -> bytes:
        start = address - RAM
        if not 0 <= start < len(self.memory):
            return b""
        return bytes(self.memory[start:start + size])

    def write_memory(self, thread: int, address: int, data: bytes) -> bool:
        start = address - RAM
        if not 0 <= start <= len(self.memory) - len(data):
            return False
        self.memory[start:start + len(data)] = data
        return True

    def insert_breakpoint(self, address: int, hardware: bool) -> bool:
        if address not in self.breakpoints and len(self.breakpoints) >= self.room:
            return False
        self.breakpoints.setdefault(address, set()).add(hardware)
        return True

    def remove_breakpoint(self, address: int, hardware: bool) -> None:
        self.breakpoints.get(address, set()).discard(hardware)

    def monitor(self, command: str) -> str:
        self.commands.append(command)
        return "" if command == "quiet" else f"did {command}\n"


@pytest.fixture
def debuggee() -> FakeDebuggee:
    return FakeDebuggee()


@pytest.fixture
def target(debuggee: FakeDebuggee) -> GdbTarget:
    target = GdbTarget(debuggee)
    target.stopped(Stop(SIGTRAP, 1))
    return target


def reply(target: GdbTarget, packet: bytes) -> bytes:
    action = target.handle(packet)
    assert isinstance(action, Reply), action
    return action.payload


def word(value: int) -> bytes:
    return struct.pack("<I", value).hex().encode()


# ---- negotiation ---------------------------------------------------------------------


def test_qsupported_offers_packet_size_no_ack_mode_and_the_target_description() -> None:
    target = GdbTarget(FakeDebuggee())
    features = reply(target, b"qSupported:multiprocess+;xmlRegisters=arm").split(b";")
    assert f"PacketSize={PACKET_SIZE:x}".encode() in features
    assert b"QStartNoAckMode+" in features and b"qXfer:features:read+" in features
    assert b"swbreak+" not in features  # GDB did not offer it


def test_stop_reasons_are_given_once_gdb_offers_them(target: GdbTarget) -> None:
    assert b"T05thread:1;" == target.stopped(Stop(SIGTRAP, 1, "swbreak"))
    features = reply(target, b"qSupported:swbreak+;hwbreak+").split(b";")
    assert b"swbreak+" in features and b"hwbreak+" in features
    assert target.stopped(Stop(SIGTRAP, 2, "hwbreak")) == b"T05thread:2;hwbreak:;"


def test_no_ack_mode_is_answered_then_switched_on(target: GdbTarget) -> None:
    action = target.handle(b"QStartNoAckMode")
    assert action == Reply(b"OK", then_stop_acknowledging=True)


def test_unknown_and_empty_packets_get_the_empty_reply(target: GdbTarget) -> None:
    for packet in (b"", b"vMustReplyEmpty", b"qTStatus", b"!", b"QNonStop:1", b"Z2,20000000,4"):
        assert reply(target, packet) == b""


def test_the_target_description_is_served_in_chunks(target: GdbTarget) -> None:
    first = reply(target, b"qXfer:features:read:target.xml:0,40")
    assert first[:1] == b"m" and len(first) == 1 + 0x40
    rest = reply(target, b"qXfer:features:read:target.xml:40,ffff")
    assert rest[:1] == b"l"
    assert first[1:] + rest[1:] == TARGET_XML
    assert reply(target, b"qXfer:features:read:other.xml:0,100") == b"E00"


def test_the_target_description_names_the_m_profile_registers_in_g_order() -> None:
    root = ElementTree.fromstring(TARGET_XML)
    feature = root.find("feature")
    assert feature is not None and feature.get("name") == "org.gnu.gdb.arm.m-profile"
    registers = [(r.get("name"), int(r.get("regnum", "-1"))) for r in feature.iter("reg")]
    assert registers == [(name, number) for number, name in enumerate(REGISTER_NAMES)]


# ---- stops and threads ---------------------------------------------------------------


def test_why_stopped_repeats_the_last_stop(target: GdbTarget) -> None:
    assert reply(target, b"?") == b"T05thread:1;"
    target.stopped(Stop(SIGINT, 2))
    assert reply(target, b"?") == b"T02thread:2;"


def test_exit_reply_carries_the_status() -> None:
    assert GdbTarget.exit_reply(0) == b"W00"
    assert GdbTarget.exit_reply(1) == b"W01"


def test_thread_queries(target: GdbTarget) -> None:
    assert reply(target, b"qfThreadInfo") == b"m1,2"
    assert reply(target, b"qsThreadInfo") == b"l"
    assert reply(target, b"qThreadExtraInfo,2") == b"worker, pending".hex().encode()
    assert reply(target, b"qThreadExtraInfo,9") == b"E03"
    assert reply(target, b"qC") == b"QC1"
    assert reply(target, b"qAttached") == b"1"
    assert reply(target, b"T2") == b"OK"
    assert reply(target, b"T9") == b"E03"


def test_selecting_a_thread_reads_its_registers(target: GdbTarget) -> None:
    assert reply(target, b"Hg2") == b"OK"
    assert reply(target, b"p0") == word(0x200)
    assert reply(target, b"qC") == b"QC2"
    assert reply(target, b"Hg9") == b"E03"
    assert reply(target, b"Hg0") == b"OK"  # any thread: the stopped one
    assert reply(target, b"p0") == word(0x100)


def test_a_stop_selects_the_stopped_thread(target: GdbTarget) -> None:
    reply(target, b"Hg1")
    target.stopped(Stop(SIGTRAP, 2))
    assert reply(target, b"p1") == word(0x201)


# ---- registers -----------------------------------------------------------------------


def test_g_sends_all_seventeen_registers_little_endian(target: GdbTarget) -> None:
    action = target.handle(b"g")
    assert isinstance(action, Reply) and action.compressible
    assert action.payload == b"".join(word(0x100 + n) for n in range(17))


def test_G_and_P_write_registers(target: GdbTarget, debuggee: FakeDebuggee) -> None:
    values = b"".join(word(n * 3) for n in range(17))
    assert reply(target, b"G" + values) == b"OK"
    assert debuggee.registers_of[1] == [n * 3 for n in range(17)]
    assert reply(target, b"Pf=" + word(0x1234)) == b"OK"
    assert debuggee.registers_of[1][15] == 0x1234
    assert reply(target, b"p10") == word(16 * 3)  # xpsr


def test_bad_register_packets_are_refused(target: GdbTarget) -> None:
    assert reply(target, b"p11") == b"E16"  # there is no register 17
    assert reply(target, b"P11=00000000") == b"E16"
    assert reply(target, b"P0=1234") == b"E16"  # not a whole register
    assert reply(target, b"G0011") == b"E16"
    assert reply(target, b"pzz") == b"E16"
    assert reply(target, b"p-1") == b"E16"
    assert reply(target, b"p 1") == b"E16"


# ---- memory --------------------------------------------------------------------------


def test_m_reads_memory_as_hex(target: GdbTarget) -> None:
    assert reply(target, b"m20000010,4") == b"10111213"


def test_m_outside_the_view_is_refused(target: GdbTarget) -> None:
    assert reply(target, b"m10000000,4") == b"E0e"


def test_m_returns_what_is_readable_from_the_start(target: GdbTarget) -> None:
    assert reply(target, b"m200000fe,8") == b"feff"


def test_m_is_capped_at_what_a_packet_holds(target: GdbTarget, debuggee: FakeDebuggee) -> None:
    debuggee.memory = bytearray(MAX_READ * 2)
    action = target.handle(f"m{RAM:x},{MAX_READ * 2:x}".encode())
    assert isinstance(action, Reply)
    assert action.payload == b"00" * MAX_READ
    assert len(action.payload) + 4 <= PACKET_SIZE


def test_M_and_X_write_memory(target: GdbTarget, debuggee: FakeDebuggee) -> None:
    assert reply(target, b"M20000000,2:abcd") == b"OK"
    assert debuggee.memory[:2] == b"\xab\xcd"
    assert reply(target, b"X20000004,3:}\x03}]z") == b"OK"  # '#', '}', 'z'
    assert debuggee.memory[4:7] == b"#}z"
    assert reply(target, b"X20000000,0:") == b"OK"  # GDB's probe for X


def test_bad_writes_are_refused(target: GdbTarget) -> None:
    assert reply(target, b"M10000000,1:00") == b"E0e"
    assert reply(target, b"M20000000,2:00") == b"E16"  # length and data disagree
    assert reply(target, b"M20000000,1:zz") == b"E16"
    assert reply(target, b"X20000000,1:}") == b"E16"
    assert reply(target, b"m-20000000,4") == b"E16"
    assert reply(target, b"m100000000,4") == b"E16"  # past the 32-bit address space
    assert reply(target, b"m20000000") == b"E16"  # no length
    assert reply(target, b"M20000000,1:\xff\xfe") == b"E16"  # not even text


# ---- breakpoints ---------------------------------------------------------------------


def test_software_and_hardware_breakpoints(target: GdbTarget, debuggee: FakeDebuggee) -> None:
    assert reply(target, b"Z0,1022c,2") == b"OK"
    assert reply(target, b"Z1,10230,2") == b"OK"
    assert debuggee.breakpoints == {0x1022C: {False}, 0x10230: {True}}
    assert reply(target, b"Z0,10300,2") == b"E1c"  # no room left
    assert reply(target, b"z0,1022c,2") == b"OK"
    assert debuggee.breakpoints[0x1022C] == set()
    assert reply(target, b"Z3,20000000,4") == b""  # watchpoints: not supported
    assert reply(target, b"Z0,-2,2") == b"E16"
    assert reply(target, b"Z0,ffffffffffffffffff,2") == b"E16"


# ---- resuming ------------------------------------------------------------------------


def test_continue_and_step(target: GdbTarget, debuggee: FakeDebuggee) -> None:
    assert target.handle(b"c") == Resume()
    assert target.handle(b"s") == Resume(step=1)
    assert target.handle(b"C02") == Resume()
    assert target.handle(b"S05;10000") == Resume(step=1)
    assert debuggee.registers_of[1][15] == 0x10000  # resumed at the address given
    reply(target, b"Hc2")
    assert target.handle(b"s") == Resume(step=2)


def test_vcont(target: GdbTarget) -> None:
    assert reply(target, b"vCont?") == b"vCont;c;C;s;S"
    assert target.handle(b"vCont;c") == Resume()
    assert target.handle(b"vCont;s:2;c") == Resume(step=2)
    assert target.handle(b"vCont;S05:1;c") == Resume(step=1)
    assert target.handle(b"vCont;s") == Resume(step=1)
    assert target.handle(b"vCont;C0b:1") == Resume()
    assert reply(target, b"vCont;t:1") == b""
    assert reply(target, b"vCont;s:9") == b"E16"  # no such thread


def test_detach_and_kill(target: GdbTarget) -> None:
    assert target.handle(b"D") == Detach()
    assert target.handle(b"D;1") == Detach()
    assert target.handle(b"k") == Kill()
    assert target.handle(b"vKill;1") == Kill(reply=b"OK")


# ---- monitor -------------------------------------------------------------------------


def test_monitor_commands_go_to_the_debuggee_hex_encoded(
        target: GdbTarget, debuggee: FakeDebuggee) -> None:
    assert reply(target, b"qRcmd," + b"view kernel".hex().encode()) == \
        b"did view kernel\n".hex().encode()
    assert reply(target, b"qRcmd," + b"quiet".hex().encode()) == b"OK"
    assert debuggee.commands == ["view kernel", "quiet"]
    assert reply(target, b"qRcmd,zz") == b"E16"
    assert reply(target, b"qRcmd,ff") == b"E16"  # not UTF-8
