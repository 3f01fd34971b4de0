"""Zephyr's stream and AF_INET6 sockets on both boards (tests/target/stream_sockets),
without a link: listeners of both families on one port, accept's waits (O_NONBLOCK,
SO_RCVTIMEO, ended by close), connect's progress (EINPROGRESS, EALREADY, SO_ERROR,
POLLOUT, SO_SNDTIMEO), what an unconnected stream refuses, TCP_NODELAY, SO_KEEPALIVE
and IPV6_V6ONLY as Zephyr answers them, sockaddr_in6 names; and user threads: their own
streams work, kernel memory as accept's or connect's address faults the caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "stream_sockets"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_stream_socket_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 10
    assert all(case.status == "passed" for case in verdict.cases)
    # The two user-mode faults were announced, each ending only its thread.
    assert result.output.count("Fatal error expected as part of test case.") == 2
