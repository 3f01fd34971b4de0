"""Ctrl-C during `levante run` (tests/run_interrupt: a program that sleeps in a loop
under a 50 µs timer, so the CPU is inside a system call or a callback most of the
time): the run stops promptly with status 130 and its one line, the trace and the pcap
are complete, and no traceback is printed. A SIGINT that arrives inside a Unicorn
callback stops the run at the end of that call instead of being raised there."""

from __future__ import annotations

import json
import re
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

from conftest import Builder
from levante.board.interrupts import interrupts_stop_the_run
from levante.board.system import power_up
from levante.kernel.loop import RunEnd

APP = Path(__file__).parent / "run_interrupt"
PCAP_HEADER = 24
PCAP_RECORD = struct.Struct("<IIII")  # seconds, fraction, captured, original length
# A bound on how long the run may take to stop (wall clock): a hang fails, nothing
# about speed is asserted.
PATIENCE_S = 30
ONE_SECOND = 64_000_000  # cycles at the boards' 64 MHz


def test_sigint_inside_a_unicorn_callback_stops_the_run_at_the_end_of_the_call(
        builder: Builder) -> None:
    printed = bytearray()

    def console(text: bytes) -> None:
        # Called from printk's system call, inside Unicorn's SVC callback.
        printed.extend(text)
        if b"sleeping" in printed:
            signal.raise_signal(signal.SIGINT)

    system = power_up(builder.build(APP), console)
    try:
        with interrupts_stop_the_run(system):
            end = system.run(ONE_SECOND)
        assert system.interrupted
        assert end is RunEnd.ENDED
        assert printed.endswith(b"sleeping\n")  # the call ended whole
        stopped_at = system.kernel.now
        assert stopped_at < ONE_SECOND
        # The kernel was left between calls: it runs on as if nothing had happened.
        system.interrupted = False
        assert system.run(stopped_at + ONE_SECOND // 100) is RunEnd.TIME_LIMIT
    finally:
        system.close()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def pcap_records(path: Path) -> int:
    """How many records the file holds; every one must be whole."""
    data = path.read_bytes()
    assert len(data) >= PCAP_HEADER
    offset, records = PCAP_HEADER, 0
    while offset < len(data):
        assert offset + PCAP_RECORD.size <= len(data), "a torn record header"
        _, _, captured, _ = PCAP_RECORD.unpack_from(data, offset)
        offset += PCAP_RECORD.size + captured
        assert offset <= len(data), "a torn frame"
        records += 1
    return records


def test_ctrl_c_stops_a_sleeping_run_with_130_and_complete_outputs(
        builder: Builder, tmp_path: Path) -> None:
    build = builder.build(APP, extra=("net.conf",))
    trace, pcap = tmp_path / "run.jsonl", tmp_path / "run.pcap"
    for attempt in range(3):  # the signal comes at a different point each time
        process = subprocess.Popen(
            [sys.executable, "-m", "levante.cli", "run", str(build), "--trace", str(trace),
             "--pcap", str(pcap)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None
        while "sleeping" not in process.stdout.readline():
            assert process.poll() is None, "the run ended by itself"
        time.sleep(0.2 * attempt)  # a later moment each time (no assertion about it)
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=PATIENCE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise AssertionError("Ctrl-C did not stop the run") from None
        assert process.returncode == 130, stderr
        assert "Traceback" not in stderr and "Exception" not in stderr, stderr
        assert re.fullmatch(r"levante: interrupted at \d+\.\d{3} s of simulated time",
                            stderr.strip()), stderr
        events = [json.loads(line) for line in trace.read_text().splitlines()]
        assert events and all("event" in event for event in events)
        assert pcap_records(pcap) >= 1  # at least the link-up ARP announcement
