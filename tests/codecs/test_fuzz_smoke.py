"""A short, bounded run of every atheris harness in fuzz/ (`make fuzz` runs them longer)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parents[2] / "fuzz"
RUNS = 2000


def test_every_harness_survives_a_short_run() -> None:
    harnesses = sorted(path.stem.removeprefix("fuzz_") for path in FUZZ.glob("fuzz_*.py"))
    assert {"arp", "dhcpv4", "dns", "ethernet", "icmp", "ipv4", "pcap", "stack", "tcp",
            "udp"} <= set(harnesses)
    result = subprocess.run(
        [sys.executable, str(FUZZ / "run.py"), "--runs", str(RUNS)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"fuzz {name}: {RUNS} runs ok" for name in harnesses]
