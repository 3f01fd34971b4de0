"""getaddrinfo and dns_get_addr_info against dnsmasq over a TAP device (root), on both
boards, from supervisor and user threads (tests/target/dns_names): A, AAAA and both,
NXDOMAIN, a silent server, cancellation, and the resolver call's refusals."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import Builder
from levante.testing.harness import judge_ztest

sys.path.insert(0, str(Path(__file__).parents[1] / "net"))
from dnsmasq_peer import TAP, dnsmasq_link, needs_dnsmasq  # noqa: E402

APP = Path(__file__).parent / "dns_names"


@needs_dnsmasq
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_names_resolve_through_dnsmasq(builder: Builder, board: str, tmp_path: Path) -> None:
    build_dir = builder.build(APP, board)
    with dnsmasq_link(f"names{board.replace('_', '')}", tmp_path) as link:
        run = link.run(sys.executable, "-m", "levante.cli", "run", str(build_dir),
                       "--net", f"tap:{TAP}", "--max-time", "15s")
    assert run.returncode == 0, run.stderr
    verdict = judge_ztest(run.stdout.splitlines())
    assert verdict.passed, run.stdout
    assert len(verdict.cases) == 15
    assert all(case.status == "passed" for case in verdict.cases)
    # The two user-mode faults (a kernel name, a kernel result buffer) ended only
    # their own threads.
    assert run.stdout.count("Fatal error expected as part of test case.") == 2
    # The mDNS refusal names the feature.
    assert "zephyr.local: mDNS (RFC 6762) is not supported by Levante" in run.stdout
