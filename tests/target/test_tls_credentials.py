"""TLS credentials on both boards, checked by a ztest suite (tests/target/tls_credentials):
Zephyr's results, the store's bounds, the kernel's own copy, and the user rules (no
adding or deleting, no reading of keys and PSKs, hostile buffers fault the caller)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "tls_credentials"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_tls_credentials_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 11
    assert all(case.status == "passed" for case in verdict.cases)
    # Six refusals were announced faults, each ending only its own thread.
    assert result.output.count("Fatal error expected as part of test case.") == 6
