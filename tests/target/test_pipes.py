"""k_pipe on both boards, both APIs, each checked by a ztest suite.

tests/target/pipes (CONFIG_PIPES, Zephyr 3.7's API): min_xfer, -EIO and -EAGAIN with the
count of what went through, a bufferless pipe handing bytes from writer to reader, a
reader refilling the ring from a waiting writer, the flushes, an ISR that cannot wait,
k_pipe_alloc_init/k_pipe_cleanup against the resource pool, Zephyr's mirrored fields,
and the user refusals.

tests/target/pipe_streams (Zephyr 4.1's API): k_pipe_write/k_pipe_read with partial
transfers and timeouts, k_pipe_close and k_pipe_reset under waiters, user threads, and
the user refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

HERE = Path(__file__).parent

PUT_GET_REFUSALS = [  # in the suite's order
    "k_pipe access denied (EADDRINUSE)",  # k_pipe_alloc_init of a live pipe
    "k_pipe_cleanup is not a system call",
    "write of 4 bytes at",  # get into kernel memory
    "write of 4 bytes at 0x0",  # a NULL count
    "k_pipe access denied (EPERM)",
    "read of 4 bytes at",  # put from kernel memory
    "k_pipe access denied (EINVAL)",  # never initialised
]

STREAM_REFUSALS = [
    "k_pipe access denied (EPERM)",
    "write of 4 bytes at",  # read into kernel memory
    "write of 8 bytes at",  # a ring in kernel memory (k_pipe_init)
    "read of 4 bytes at",  # write from kernel memory
]


def _refusals(output: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in output.splitlines()
            if line.startswith("E:   ") and ("denied" in line or "system call" in line
                                             or "outside the memory" in line)]


def _check(builder: Builder, app: str, board: str, cases: int, refusals: list[str]) -> None:
    result = builder.run(HERE / app, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == cases
    assert all(case.status == "passed" for case in verdict.cases)
    seen = _refusals(result.output)
    assert len(seen) == len(refusals), seen
    for line, expected in zip(seen, refusals, strict=True):
        assert expected in line, (line, expected)
    assert result.output.count("Fatal error expected as part of test case.") == len(refusals)


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_put_get_pipe_suite_passes(builder: Builder, board: str) -> None:
    _check(builder, "pipes", board, 14, PUT_GET_REFUSALS)


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_read_write_pipe_suite_passes(builder: Builder, board: str) -> None:
    _check(builder, "pipe_streams", board, 9, STREAM_REFUSALS)
