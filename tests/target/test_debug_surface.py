"""The debug surface (tests/target/debug_surface): each option changes what the system
exposes — the boot banner, printk, logging, the thread monitor, thread names, assertions
and the console shell."""

from __future__ import annotations

import re

import pytest

from conftest import TARGET_TESTS, Builder, RunResult

APP = TARGET_TESTS / "debug_surface"
SHELL_INPUT = "help\nkernel version\nkernel uptime\nkernel threads\nkernel stacks\nbogus\n"


@pytest.fixture(scope="module")
def debugging(builder: Builder) -> RunResult:
    result = builder.run(APP, stdin=SHELL_INPUT)
    assert result.status == 0, result.errors
    return result


@pytest.fixture(scope="module")
def quiet(builder: Builder) -> RunResult:
    result = builder.run(APP, stdin=SHELL_INPUT, extra=("quiet.conf",))
    assert result.status == 0, result.errors
    return result


def test_boot_banner(debugging: RunResult, quiet: RunResult) -> None:
    assert debugging.output.startswith("*** Booting Levante v")
    assert "Booting" not in quiet.output


def test_logging_filters_by_level_and_compiles_out(debugging: RunResult,
                                                   quiet: RunResult) -> None:
    lines = [line for line in debugging.output.splitlines() if "> surface: " in line]
    assert len(lines) == 2
    assert re.fullmatch(r"\[\d\d:\d\d:\d\d\.\d{3}\] <inf> surface: info message 42", lines[0])
    assert lines[1].endswith("<err> surface: error message")
    assert "debug message" not in debugging.output
    assert "surface:" not in quiet.output


def test_thread_monitor_lists_live_threads(debugging: RunResult, quiet: RunResult) -> None:
    # main, the system work queue, the checker, the sleeper and the shell (the idle
    # thread has no k_thread).
    assert "MONITOR 5 threads" in debugging.output
    assert "MONITOR 0 threads" in quiet.output


def test_thread_names(debugging: RunResult, quiet: RunResult) -> None:
    assert "NAME 0 main" in debugging.output
    assert "NAME -88 " in quiet.output  # -ENOSYS without CONFIG_THREAD_NAME


def test_assertions(debugging: RunResult, quiet: RunResult) -> None:
    assert "ASSERTION FAIL [checked == 0]" in debugging.output
    fault = debugging.events("fault")[0]
    assert (fault["thread"], fault["reason"]) == ("checker", "K_ERR_KERNEL_PANIC")
    assert "ASSERT passed over" in quiet.output and not quiet.events("fault")


def test_the_shell_answers_its_commands(debugging: RunResult) -> None:
    shell = debugging.output[debugging.output.index("uart:~$ "):]
    assert "uart:~$ kernel version\nLevante version 0.1.0\n" in shell
    assert re.search(r"uart:~\$ kernel uptime\nUptime: \d+ ms\n", shell)
    threads = shell[shell.index("kernel threads"):shell.index("uart:~$ kernel stacks")]
    assert re.search(r" 0x[0-9a-f]{8} sleeper\n\tpriority: 7 state: suspended", threads)
    assert re.search(r"\*0x[0-9a-f]{8} shell_uart\n\tpriority: 14 state: running", threads)
    usage = re.findall(r"stack size (\d+), unused (\d+), usage (\d+) / (\d+)", shell)
    assert len(usage) == 3  # the stacks with CONFIG_INIT_STACKS: two threads' and sysworkq's
    for size, unused, used, total in ((int(value) for value in row) for row in usage):
        assert size == total and unused + used == size and 0 < used < size
    assert "bogus: command not found" in shell
    assert shell.endswith("uart:~$ \n")  # the input ended: the shell thread returned


def test_no_shell_without_config_shell(quiet: RunResult) -> None:
    assert "uart:~$" not in quiet.output


def test_printk_off_silences_the_application(builder: Builder) -> None:
    result = builder.run(APP, extra=("silent.conf",))
    assert result.status == 0
    application_lines = [line for line in result.output.splitlines()
                         if not line.startswith(("E: ", "*** Booting"))]
    assert application_lines == []
    assert result.events("fault")  # the assertion still fired, silently
