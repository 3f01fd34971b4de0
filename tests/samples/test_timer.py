"""samples/timer: a periodic k_timer, its expiry function in interrupt context, its stop."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SAMPLES, Builder

APP = SAMPLES / "timer"
PERIOD_MS = 100  # the sample's PERIOD_MS, used for both the duration and the period
EXPIRIES = 10  # the sample's EXPIRIES_WANTED
EXPIRY_LINE = re.compile(r"^expiry (\d+) at (\d+) ms$")


def config_int(build_dir: Path, name: str) -> int:
    for line in (build_dir / ".config").read_text().splitlines():
        if line.startswith(f"CONFIG_{name}="):
            return int(line.split("=", 1)[1])
    raise AssertionError(f"CONFIG_{name} missing from {build_dir / '.config'}")


def ms_to_ticks_ceil(ms: int, ticks_per_second: int) -> int:
    return -(-ms * ticks_per_second // 1000)


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_expiries_land_on_the_period_grid(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="5s")
    assert result.status == 0, result.errors
    build_dir = builder.build(APP, board)
    ticks_per_second = config_int(build_dir, "SYS_CLOCK_TICKS_PER_SEC")
    cycles_per_tick = config_int(build_dir, "SYS_CLOCK_HW_CYCLES_PER_SEC") // ticks_per_second
    period_ticks = ms_to_ticks_ceil(PERIOD_MS, ticks_per_second)

    # Zephyr's k_timer_start counts the first duration from the tick it is called in
    # (it does not round up past the partial tick as k_sleep does), and each period
    # from the previous expiry, so expiries never drift.
    (start,) = [e for e in result.events("syscall") if e["call"] == "k_timer_start"]
    start_tick = start["cycle"] // cycles_per_tick
    expected_ticks = [start_tick + n * period_ticks for n in range(1, EXPIRIES + 1)]
    expected_ms = [tick * 1000 // ticks_per_second for tick in expected_ticks]
    assert expected_ms == [n * PERIOD_MS for n in range(1, EXPIRIES + 1)]

    printed = [EXPIRY_LINE.match(line) for line in result.output.splitlines()]
    reports = [(int(m.group(1)), int(m.group(2))) for m in printed if m]
    assert reports == list(zip(range(1, EXPIRIES + 1), expected_ms, strict=True))

    # Each expiry ran as an interrupt, in the tick it was due; none after the stop.
    isrs = [e for e in result.events("isr") if e["function"] == "timer expiry"]
    assert [e["cycle"] // cycles_per_tick for e in isrs] == expected_ticks


def test_expiry_runs_in_isr_and_stop_function_runs_once(builder: Builder) -> None:
    result = builder.run(APP, max_time="5s")
    lines = result.output.splitlines()
    assert lines[1] == f"starting a {PERIOD_MS} ms periodic timer on lv_m4"
    # k_timer_status_get counts every expiry since k_timer_start; k_is_in_isr() said yes
    # in each expiry function; the second k_timer_stop found the timer idle.
    assert f"status {EXPIRIES}, expiries {EXPIRIES} ({EXPIRIES} in isr), " \
        "stop function ran 1 time(s)" in lines
    # The stop function runs in the context of the thread calling k_timer_stop.
    assert lines.count("timer stopped (in isr: no)") == 1
    assert lines[-1] == f"uptime at the end: {EXPIRIES * PERIOD_MS} ms"

    # System calls made by the expiry function are attributed to the ISR, and it woke
    # main once per expiry through the semaphore.
    calls = result.events("syscall")
    from_isr = [e["call"] for e in calls if e["thread"] == "isr"]
    assert from_isr.count("k_is_in_isr") == EXPIRIES
    assert from_isr.count("k_sem_give") == EXPIRIES
    assert all(e["thread"] == "main" for e in calls if e["call"] == "z_timer_stop")
    stops = [e["result"] for e in calls if e["call"] == "z_timer_stop"]
    assert len(stops) == 2 and stops[0] != 0 and stops[1] == 0

    # The stopped timer never fires again and main returns: the system ends idle.
    assert len(result.events("isr")) == EXPIRIES
    assert result.events("thread_exit")[-1]["thread"] == "main"
