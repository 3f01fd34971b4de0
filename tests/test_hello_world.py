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


def test_it_boots_signed_with_the_development_key_and_says_so(builder: Builder) -> None:
    result = builder.run(SAMPLES / "hello_world")
    assert result.boot_log == [
        "levante-boot: image 0: WARNING: signed with the development key (insecure, for "
        "development only)",
        "levante-boot: image 0: booting version 0.0.0+0 from 0x00010000",
    ]
    [booted] = result.events("boot_stage")
    assert booted["development_key"] is True and booted["swap"] == "NONE"


def test_hello_world_on_the_armv8m_board(builder: Builder) -> None:
    result = builder.run(SAMPLES / "hello_world", board="lv_m33")
    assert result.status == 0
    assert "Hello World! lv_m33" in result.output
