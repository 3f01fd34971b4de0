"""CoAP packets on both boards (tests/target/coap_packet): what C builds, what the
kernel's codec refuses when coap_packet_parse hands it hostile bytes (the CVE-2020-10063
option overflow class, truncations, reserved values, malformed Block options), the
readers through the option index, the block-wise helpers, and the user rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "coap_packet"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_coap_packet_suite_passes(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 7
    assert all(case.status == "passed" for case in verdict.cases)
    # Kernel memory as the bytes or as the index faulted only the user thread.
    assert result.output.count("Fatal error expected as part of test case.") == 2
    assert "outside the memory of thread" in result.output
