"""The GDB server end to end, spoken to packet by packet: a fault stops the system
before the kernel handles it, memory goes through the thread's view or the kernel's,
Ctrl-C stops a spinning system, detach lets it run on, kill ends it, and bad ports are
refused.

The program (gdb_faults): intruder_thread, a cooperative user thread, runs first and
reads kernel_secret (0x5ec7e7), which faults; panicker_thread then calls k_oops(); the
fatal error handler returns, so each ends alone; main then spins forever."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from gdb_support import LevanteUnderGdb, RspClient

from conftest import Builder, levante
from levante.image.elf import load_elf

APP = Path(__file__).parent / "gdb_faults"
SECRET = 0x5EC7E7
PC = 15


def register(registers: bytes, index: int) -> int:
    value: int = struct.unpack("<I", bytes.fromhex(registers[index * 8:index * 8 + 8]
                                                   .decode()))[0]
    return value


def thread_names(client: RspClient) -> dict[int, str]:
    listed = client.request(b"qfThreadInfo")
    assert listed.startswith(b"m") and client.request(b"qsThreadInfo") == b"l"
    names = {}
    for thread in listed[1:].split(b","):
        extra = bytes.fromhex(client.request(b"qThreadExtraInfo," + thread).decode())
        names[int(thread, 16)] = extra.decode().split(",")[0]
    return names


def test_a_fault_memory_views_interrupt_and_kill(builder: Builder) -> None:
    build = builder.build(APP)
    symbols = load_elf(build / "levante.elf").symbols
    secret = symbols["kernel_secret"].address
    main = symbols["main"]
    with LevanteUnderGdb(build) as levante_run:
        client = RspClient(levante_run.port)

        # Halted before the first instruction of the first thread to run; threads are
        # numbered in the order the kernel created them.
        assert client.request(b"?") == b"T05thread:2;"
        assert thread_names(client) == {1: "main", 2: "intruder_thread", 3: "panicker_thread"}

        # The intruder's read of kernel memory stops the system with SIGSEGV, at the
        # faulting instruction, before the kernel reports the fault.
        assert client.request(b"vCont;c") == b"T0bthread:2;"
        faulting_pc = register(client.request(b"g"), PC)
        read = f"m{secret:x},4".encode()
        assert client.request(read) == b"E0e"  # not in the user thread's view
        assert client.monitor("view kernel") == "memory view: kernel\n"
        assert client.request(read) == struct.pack("<I", SECRET).hex().encode()
        assert client.monitor("view thread") == "memory view: thread\n"
        assert client.request(read) == b"E0e"
        assert client.request(f"M{secret:x},4:00000000".encode()) == b"E0e"

        # k_oops stops the system with SIGABRT, before the kernel's fatal error.
        assert client.request(b"vCont;c") == b"T06thread:3;"

        # Main, in its loop; then Ctrl-C stops it there.
        main_start = main.address & ~1
        assert client.request(f"Z0,{main_start:x},2".encode()) == b"OK"
        assert client.request(b"vCont;c") == b"T05thread:1;"
        assert client.request(f"z0,{main_start:x},2".encode()) == b"OK"
        assert client.request(b"Z0,1ffffc00,2") == b"E1c"  # outside the board's memory
        assert client.request(b"vCont;s:1;c") == b"T05thread:1;"
        assert thread_names(client) == {1: "main"}  # the others have ended
        client.send(b"vCont;c")  # no reply until the system stops
        client.interrupt()
        assert client.receive() == b"T02thread:1;"
        assert register(client.request(b"g"), PC) in range(main_start, main_start + main.size)

        client.send(b"vKill;1")
        assert client.receive() == b"OK"
        status, console, errors = levante_run.finish()
        client.close()
        assert status == 0
        assert "run ended by GDB (kill)" in errors
        # The kernel reported the fault once GDB let it go on, at the pc GDB was shown.
        assert f"Faulting instruction address (r15/pc): {faulting_pc:#010x}" in console
        assert "fatal error 0" in console and "fatal error 3" in console  # K_ERR_KERNEL_OOPS
        assert "intruder read" not in console and "panicker went on" not in console


def test_detach_lets_the_system_run_on(builder: Builder) -> None:
    build = builder.build(APP)
    with LevanteUnderGdb(build, "--max-time", "20ms") as levante_run:
        client = RspClient(levante_run.port)
        assert client.request(b"?") == b"T05thread:2;"
        assert client.request(b"D") == b"OK"
        status, console, _ = levante_run.finish()
        client.close()
        assert status == 0  # the time limit
        assert "fatal error 0" in console


def test_the_end_of_the_run_is_reported_as_an_exit(builder: Builder) -> None:
    build = builder.build(APP)
    with LevanteUnderGdb(build, "--max-time", "5ms") as levante_run:
        client = RspClient(levante_run.port)
        client.stop_acknowledging()
        assert client.request(b"vCont;c") == b"T0bthread:2;"  # the intruder's fault
        assert client.request(b"vCont;c") == b"T06thread:3;"  # the panicker's k_oops
        assert client.request(b"vCont;c") == b"W00"  # the time limit: levante exits with 0
        status, _, _ = levante_run.finish()
        client.close()
        assert status == 0


def test_bad_ports_are_refused_in_one_line(builder: Builder) -> None:
    build = builder.build(APP)
    for port in ("0", "70000"):
        result = levante("run", str(build), "--gdb", port)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"levante: error: bad GDB port {port}: use a TCP port from 1 to 65535"]
    result = levante("run", str(build), "--gdb", "gdb")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_a_port_in_use_is_refused_in_one_line(builder: Builder) -> None:
    build = builder.build(APP)
    with LevanteUnderGdb(build) as levante_run:
        result = levante("run", str(build), "--gdb", str(levante_run.port))
        assert result.returncode == 2
        assert re.fullmatch(rf"levante: error: cannot listen for GDB on 127\.0\.0\.1:"
                            rf"{levante_run.port}: .+\n", result.stderr), result.stderr
        client = RspClient(levante_run.port)
        client.send(b"k")
        status, _, _ = levante_run.finish()
        client.close()
        assert status == 0


def first_svc_in(build: Path, function: str) -> int:
    """The address of the first `svc #3` (a system call stub, inlined) in `function`."""
    image = load_elf(build / "levante.elf")
    symbol = image.symbols[function]
    start = symbol.address & ~1
    for segment in image.code:
        if segment.address <= start < segment.address + len(segment.data):
            code = segment.data[start - segment.address:start - segment.address + symbol.size]
            for offset in range(0, len(code) - 1, 2):
                if code[offset:offset + 2] == b"\x03\xdf":
                    return start + offset
    raise AssertionError(f"no svc #3 in {function}")


@pytest.mark.parametrize("extra", [(), ("sentinel.conf",)], ids=["inline", "ordinary"])
def test_stepping_over_a_system_call_serves_it(builder: Builder, extra: tuple[str, ...]) -> None:
    """gdb_app's main asks a semaphore's count (0) after filling its table; a step over
    that svc returns with the call served, on either path the kernel serves it."""
    app = Path(__file__).parent / "gdb_app"
    build = builder.build(app, extra=extra)
    svc = first_svc_in(build, "main")
    with LevanteUnderGdb(build) as levante_run:
        client = RspClient(levante_run.port)
        assert client.request(b"?") == b"T05thread:1;"
        assert client.request(f"Z0,{svc:x},2".encode()) == b"OK"
        assert client.request(b"vCont;c") == b"T05thread:1;"
        assert client.request(f"z0,{svc:x},2".encode()) == b"OK"
        before = client.request(b"g")
        assert register(before, PC) == svc
        assert client.request(b"vCont;s:1;c") == b"T05thread:1;"
        after = client.request(b"g")
        assert register(after, PC) == svc + 2
        assert register(after, 0) == 0  # k_sem_count_get's result, written by the kernel
        assert register(before, 0) == load_elf(build / "levante.elf").symbols["table_done"].address
        assert client.request(b"vCont;c") == b"W00"
        status, console, _ = levante_run.finish()
        client.close()
        assert status == 0 and "count 0" in console and "reporter saw 4 calls" in console
        plain = builder.run(app, extra=extra)
        assert console.splitlines()[-1] == plain.output.splitlines()[-1]  # the same cycles
