"""Shared start-up for the atheris harnesses: seed corpus in a temporary folder, then fuzz."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import atheris


def fuzz(test_one_input: Callable[[bytes], None], seeds: Sequence[bytes]) -> None:
    """Run libFuzzer over `test_one_input`, starting from `seeds` unless the command line
    names corpus folders itself. libFuzzer flags (-runs=N, -max_total_time=S) pass through."""
    if any(not argument.startswith("-") for argument in sys.argv[1:]):
        atheris.Setup(sys.argv, test_one_input)
        atheris.Fuzz()
        return
    # libFuzzer adds what it finds to the first corpus folder, and ends the process
    # itself (no `finally` runs after it): so the seeds go to a temporary folder that
    # this parent process removes once a child has fuzzed from it.
    corpus = Path(tempfile.mkdtemp(prefix="levante-fuzz-"))
    try:
        for index, seed in enumerate(seeds):
            (corpus / f"seed-{index}").write_bytes(seed)
        status = subprocess.run([sys.executable, *sys.argv, str(corpus)], check=False)
    finally:
        shutil.rmtree(corpus, ignore_errors=True)
    sys.exit(status.returncode)
