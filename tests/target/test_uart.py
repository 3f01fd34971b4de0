"""The console UART's driver API on both boards (tests/target/uart): configuration and
its refusals, lines from the host raising the receive interrupt (the callback in
interrupt context), transmission by interrupt and by polling, polled reception to the
end of input, and the grant a user thread needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder

APP = Path(__file__).parent / "uart"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_uart_api(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, stdin="first\nsecond\nthird line\n")
    assert result.status == 0, result.output
    lines = result.output.splitlines()
    assert "configure 9 bits: -134" in lines  # -ENOTSUP: the line carries 8-bit characters
    assert "configure 9600: 0" in lines
    assert "baud 9600 data bits 3" in lines
    assert any(line.startswith("line 0: first (at ") for line in lines)
    assert any(line.startswith("line 1: second (at ") for line in lines)
    assert "sent by the transmit interrupt, sixteen bytes at a time" in lines
    assert "sent by polling" in lines
    assert "polled 11 more bytes, then -1" in lines  # "third line\n", then the end
    assert "callbacks in interrupt context: 1" in lines
    assert "device_uart access denied (EPERM)" in result.output
    assert "user wrote without a grant" not in result.output
    assert lines[-1] == "done"
    assert result.events("isr"), "the callback ran as an interrupt"


def test_without_input_the_receiver_waits_and_the_system_goes_idle(builder: Builder) -> None:
    result = builder.run(APP, stdin="")
    assert result.status == 0
    assert "line 0" not in result.output  # nothing arrived; main waits for good
    assert "baud 9600 data bits 3" in result.output
