"""Real GDB (gdb-multiarch, batch mode) debugging a Levante program through
`levante run --gdb PORT`: a breakpoint on a function, registers, backtrace, globals,
memory, Levante's threads by name, a single step, and continuing to the end.

The program (gdb_app) fills table[i] = square_sum(i + 2), i.e. 5, 14, 30, 55, counting
its calls; a second thread, reporter_thread, waits for the table."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from gdb_support import LevanteUnderGdb, gdb

from conftest import Builder
from levante.image.elf import load_elf

pytestmark = pytest.mark.skipif(shutil.which("gdb-multiarch") is None,
                                reason="gdb-multiarch is not installed (make setup)")

APP = Path(__file__).parent / "gdb_app"


def cycles_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("cycles ")]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])  # ARMv7-M, ARMv8-M
def test_gdb_breaks_inspects_steps_and_continues_to_the_end(builder: Builder, board: str) -> None:
    build = builder.build(APP, board)
    elf = build / "levante.elf"
    symbols = load_elf(elf).symbols
    square_sum = symbols["square_sum"].address & ~1
    with LevanteUnderGdb(build) as levante:
        output = gdb(
            elf, levante.port,
            "break square_sum", "continue", "info registers", "bt", "print calls",
            "continue", "print calls", "x/4wx &table", "info threads",
            "x/2i $pc", "stepi", "print/x $pc", "delete", "continue",
        )
        status, console, errors = levante.finish()

        # Stopped on the first call, square_sum(2), at the function's first instruction
        # (GDB puts the breakpoint past the prologue, if any: within the function).
        breakpoint = int(re.search(r"Breakpoint 1 at 0x([0-9a-f]+)", output)[1], 16)
        assert square_sum <= breakpoint < square_sum + symbols["square_sum"].size
        assert re.search(r"Thread 1 hit Breakpoint 1, square_sum \(n=(n@entry=)?2\)", output)
        assert re.search(r"^r0\s+0x2\s+2$", output, re.MULTILINE), output  # n, in r0
        assert re.search(rf"^pc\s+{breakpoint:#x}\s", output, re.MULTILINE), output
        assert re.search(r"^#1 .* in main \(\)", output, re.MULTILINE), output
        # The globals as the program left them: no call counted yet, then one, table[0] = 5.
        assert "$1 = 0" in output and "$2 = 1" in output
        assert re.search(r"<table>:\s+0x00000005\s+0x00000000\s+0x00000000\s+0x00000000", output)
        # Levante's threads, by name and state.
        assert re.search(r"\* 1\s+Thread 1 \(main, running, priority 0\)", output), output
        assert re.search(r"  2\s+Thread 2 \(reporter_thread, ready, priority 5\)", output), output
        # One instruction: the pc moves to the address of the next one GDB listed.
        listed = re.findall(r"^(?:=>)?\s+(0x[0-9a-f]+) <square_sum\+?\d*>:", output, re.MULTILINE)
        assert len(listed) == 2 and int(listed[0], 16) == breakpoint, output
        assert f"$3 = {listed[1]}" in output, output
        assert "[Inferior 1 (Remote target) exited normally]" in output, output

        assert status == 0, errors
        assert "table 5 14 30 55" in console and "reporter saw 4 calls" in console
        # Simulated time stood still while GDB held the CPU: the cycle count the program
        # prints is that of a run without GDB.
        plain = builder.run(APP, board=board)
        assert plain.status == 0
        assert cycles_line(console) == cycles_line(plain.output)
