"""The system heap a subsystem's share gives (POSIX_API's 1 KiB with no
CONFIG_HEAP_MEM_POOL_SIZE), on both boards: a user thread's k_poll copies its events into
it, hostile counts are refused, and HEAP_MEM_POOL_IGNORE_MIN takes it away."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder

APP = Path(__file__).parent / "heap_shares"
ENOMEM, EINVAL = 12, 22


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_a_user_thread_polls_with_the_summed_heap(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    lines = result.output.splitlines()
    assert "heap size: 1024" in lines, result.output
    assert "user k_poll: 0" in lines, result.output
    assert "user state: available" in lines
    assert f"user k_poll over the heap: -{ENOMEM}" in lines
    assert f"user k_poll negative: -{EINVAL}" in lines
    assert "user k_poll again: 0" in lines
    assert "done" in lines


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_ignore_min_leaves_the_user_thread_without_a_pool(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, extra=("ignore-min.conf",))
    lines = result.output.splitlines()
    assert "heap size: 0" in lines, result.output
    assert f"user k_poll: -{ENOMEM}" in lines, result.output
    assert "done" in lines
