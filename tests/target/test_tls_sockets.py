"""Zephyr's TLS and DTLS sockets on both boards (tests/target/tls_sockets), without a
peer: every SOL_TLS option set, read back and refused when hostile, from a supervisor and
a user thread; a DTLS handshake nobody answers, over IPv4 or IPv6, ends with ETIMEDOUT
after the timeouts it was given, on simulated time; the contexts' bound; kernel memory
passed as an option's value, an ALPN name, a getsockopt buffer or length faults only the
user caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "tls_sockets"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_tls_socket_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output + result.errors
    assert len(verdict.cases) == 14
    assert all(case.status == "passed" for case in verdict.cases)
    assert result.output.count("Fatal error expected as part of test case.") == 4
