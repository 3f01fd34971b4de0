"""sys_reboot on the target (tests/target/reboot, tests/target/reboot_loop): the board
starts again through its boot stage; a warm reboot keeps .noinit RAM and a cold one
nothing; each boot's uptime starts at 0; a user thread's call faults; an update marked
for test is swapped in by the reboot; the shell reboots on command; --max-time ends a
program that reboots for ever."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import TARGET_TESTS, Builder, RunResult, levante

APP = TARGET_TESTS / "reboot"
LOOP = TARGET_TESTS / "reboot_loop"
BOARDS = ("lv_m4", "lv_m33")
BANNER = "*** Booting Levante v"
K_ERR_KERNEL_OOPS = 3
SWAP_REVERT = 4  # mcuboot_swap_type() of a test image that has not confirmed itself


def boot_lines(result: RunResult, name: str) -> list[str]:
    return re.findall(rf"^{name} (.*)$", result.output, re.MULTILINE)


@pytest.fixture(scope="module", params=BOARDS)
def counted(request: pytest.FixtureRequest, builder: Builder,
            tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """The program on a new board: a warm reboot, then a cold one, then DONE."""
    board = str(request.param)
    flash = tmp_path_factory.mktemp(f"reboot_{board}")
    return builder.run(APP, "--flash-dir", str(flash), "--entropy-seed", "7", board=board,
                       max_time="5s")


def test_the_board_boots_three_times_and_the_run_says_so(counted: RunResult) -> None:
    assert counted.status == 0, counted.errors + counted.output
    assert counted.output.count(BANNER) == 3
    assert counted.output.rstrip().endswith("DONE")
    assert counted.errors.strip().splitlines()[-1].startswith(
        "levante: the board rebooted 2 times; run ended (idle) after ")


def test_warm_keeps_noinit_and_cold_keeps_nothing_while_flash_counts_every_boot(
        counted: RunResult) -> None:
    # BOOT <count kept in flash> <count kept in .noinit RAM>
    assert boot_lines(counted, "BOOT") == ["1 1", "2 2", "3 1"]


def test_every_boot_has_its_own_uptime_from_zero(counted: RunResult) -> None:
    assert boot_lines(counted, "UPTIME") == ["0", "0", "0"]
    boots = counted.events("boot")
    assert len(boots) == 3 and all(event["cycle"] == 0 for event in boots)


def test_the_trace_records_each_reboot_and_each_boot_stage(counted: RunResult) -> None:
    reboots = counted.events("reboot")
    assert [(event["type"], event["thread"], event["in_isr"]) for event in reboots] == [
        ("warm", "main", False), ("cold", "main", False)]
    assert len(counted.events("boot_stage")) == 3
    kinds = [event["event"] for event in counted.trace
             if event["event"] in ("reboot", "boot_stage")]
    assert kinds == ["boot_stage", "reboot", "boot_stage", "reboot", "boot_stage"]


def test_a_user_thread_may_not_reboot_the_board(counted: RunResult) -> None:
    assert "z_levante_reboot is not a system call: user threads may not call it" \
        in counted.output
    assert boot_lines(counted, "HANDLER") == [str(K_ERR_KERNEL_OOPS)]
    assert "USER_REBOOT refused" in counted.output
    faults = counted.events("fault")
    assert len(faults) == 1 and faults[0]["reason"] == "K_ERR_KERNEL_OOPS"


def test_runs_are_deterministic(builder: Builder, tmp_path: Path) -> None:
    runs = [builder.run(APP, "--flash-dir", str(tmp_path / f"board{index}"),
                        "--entropy-seed", "7", max_time="5s") for index in range(2)]
    assert runs[0].output == runs[1].output
    assert runs[0].trace == runs[1].trace


@pytest.mark.parametrize("board", BOARDS)
def test_a_reboot_swaps_in_the_update_marked_for_test(builder: Builder, tmp_path: Path,
                                                      board: str) -> None:
    update = builder.build(APP, board, extra=("update.conf",)) / "levante.signed.bin"
    staged = levante("flash", str(update), "-d", str(builder.build(APP, board)),
                     "--flash-dir", str(tmp_path))  # written, not yet requested
    assert staged.returncode == 0, staged.stderr
    result = builder.run(APP, "--flash-dir", str(tmp_path), board=board, max_time="5s")
    assert result.status == 0, result.errors + result.output
    assert boot_lines(result, "VERSION") == ["1.0.0+0", "1.1.0+0"]
    assert boot_lines(result, "REQUEST") == ["0"]
    assert "levante-boot: image 0: swapping (TEST)" in result.output
    assert boot_lines(result, "SWAP_TYPE") == [str(SWAP_REVERT)]
    assert [event["version"] for event in result.events("boot_stage")] == [
        "1.0.0+0", "1.1.0+0"]
    assert [event["swap"] for event in result.events("boot_stage")] == ["NONE", "TEST"]


@pytest.mark.parametrize("board", BOARDS)
def test_max_time_ends_a_program_that_reboots_for_ever(builder: Builder, board: str) -> None:
    result = builder.run(LOOP, board=board, max_time="50ms")
    assert result.status == 0, result.errors
    counts = [int(line.split()[0]) for line in boot_lines(result, "BOOT")]
    assert len(counts) > 6 and counts == list(range(1, len(counts) + 1))
    assert result.errors.strip().splitlines()[-1] == (
        f"levante: the board rebooted {len(counts) - 1} times; run ended (time-limit) "
        "after 0.050000 s of simulated time")
    # From main, from a timer's expiry function, from the fatal error handler, in turn:
    # the callers in interrupt context never return, and nothing halts.
    reboots = result.events("reboot")
    assert len(reboots) == len(counts) - 1
    assert [event["in_isr"] for event in reboots[:6]] == [False, True, True] * 2
    assert [event["thread"] for event in reboots[:3]] == ["main", "idle", "main"]
    assert boot_lines(result, "HANDLER") == ["3"] * (len(counts) // 3)
    assert "NOT REACHED" not in result.output and not result.events("halt")


def test_the_shell_reboots_warm_and_cold(builder: Builder) -> None:
    commands = "kernel reboot warm\nkernel reboot cold\nhelp\n"
    result = builder.run(LOOP, extra=("shell.conf",), stdin=commands)
    assert result.status == 0, result.errors
    assert [line.split()[0] for line in boot_lines(result, "BOOT")] == ["1", "2", "1"]
    assert "  kernel reboot warm\n  kernel reboot cold\n" in result.output
    assert [event["type"] for event in result.events("reboot")] == ["warm", "cold"]
