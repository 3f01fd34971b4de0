"""The system-call fuzzer, bounded (tests/target/syscall_fuzz; see syscall_fuzz_support.py
for what every run must show).  User and supervisor fuzz threads on both boards, a few
seeds each: the kernel never raises a Python exception, never hangs or halts, and never
lets a user thread touch memory outside its view.  `make fuzz` runs the long version
(fuzz/syscall_fuzz.py: many seeds, more rounds)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from syscall_fuzz_support import (
    BOARDS,
    SUPERVISOR_SKIPPED,
    build,
    fuzz_abi_header,
    parameter_kind,
    prepare_app,
    run_once,
)

from levante.abi import SYSCALLS, SYSCALLS_BY_NAME

SEEDS = (1, 2, 3, 4, 5, 6)
ROUNDS = 200  # about one second of wall-clock time per run
CALLS = 48
MAX_TIME = "30s"  # simulated: a run needs about 3 s
WALL_TIMEOUT = 60.0  # seconds: a run needs about 1.5 s


@pytest.fixture(scope="module")
def fuzz_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("syscall_fuzz")
    app = prepare_app(root / "app", ROUNDS, CALLS)
    return {board: build(app, root / f"build_{board}", board) for board in BOARDS}


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_the_kernel_survives_random_system_calls(fuzz_builds: dict[str, Path], board: str,
                                                 seed: int) -> None:
    run = run_once(fuzz_builds[board], board, seed, MAX_TIME, WALL_TIMEOUT)
    assert not run.problems, "\n".join(run.problems)
    # The run fuzzed: both kinds of thread made calls and the kernel refused some.
    summary = re.search(r"FUZZ-SUMMARY rounds (\d+) user_rounds (\d+) user_calls (\d+) "
                        r"faults (\d+)", run.output)
    assert summary is not None, run.output[-2000:]
    rounds, user_rounds, user_calls, faults = map(int, summary.groups())
    assert (rounds, user_rounds) == (ROUNDS, ROUNDS // 2)
    assert user_calls > 0 and faults > 0
    assert re.search(r"^C s\d+ ", run.output, re.MULTILINE)


def test_the_fuzzer_table_follows_the_abi() -> None:
    header = fuzz_abi_header()
    for call in SYSCALLS:
        assert f'[{call.number}] = {{ "{call.name}", {len(call.parameters)},' in header
    assert f"#define FUZZ_SYSCALL_COUNT {len(SYSCALLS)}u" in header
    assert SUPERVISOR_SKIPPED <= set(SYSCALLS_BY_NAME)
    # Every argument has a kind the C side draws from; pointers are never plain integers.
    for call in SYSCALLS:
        for parameter in call.parameters:
            kind = parameter_kind(call, parameter)
            if parameter.c_type.rstrip().endswith("*") or parameter.c_type == "k_tid_t":
                assert kind not in ("INT", "SIZE"), (call.name, parameter)
