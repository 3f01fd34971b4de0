"""hello_world end to end: build with the CLI, boot, check console, trace and exit status."""

from __future__ import annotations

from conftest import SAMPLES, Builder


def test_hello_world_prints_and_ends_idle(builder: Builder) -> None:
    result = builder.run(SAMPLES / "hello_world")
    assert result.status == 0
    assert result.output.splitlines() == [
        "*** Booting Levante v0.1.0 ***",
        "Hello World! lv_m4",
    ]
    assert result.events("thread_exit")[-1]["thread"] == "main"


def test_hello_world_on_the_armv8m_board(builder: Builder) -> None:
    result = builder.run(SAMPLES / "hello_world", board="lv_m33")
    assert result.status == 0
    assert "Hello World! lv_m33" in result.output
