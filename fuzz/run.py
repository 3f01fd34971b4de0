"""Run every fuzz/fuzz_*.py harness for a bounded number of runs: `python fuzz/run.py --runs N`.

Exit status 0 when no harness found a crash, 1 otherwise (its output is shown).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000, help="inputs per harness")
    parser.add_argument("--max-len", type=int, default=2048, help="largest input tried")
    parser.add_argument("harnesses", nargs="*",
                        help="names such as ipv4 or fuzz_ipv4.py (default: all)")
    arguments = parser.parse_args()
    names = {name.removeprefix("fuzz_").removesuffix(".py") for name in arguments.harnesses}
    failed = []
    for harness in sorted(FUZZ.glob("fuzz_*.py")):
        name = harness.stem.removeprefix("fuzz_")
        if names and name not in names:
            continue
        result = subprocess.run(
            [sys.executable, str(harness), f"-runs={arguments.runs}",
             f"-max_len={arguments.max_len}", "-print_final_stats=0"],
            capture_output=True, text=True, check=False, cwd=FUZZ,
        )
        verdict = "ok" if result.returncode == 0 else f"CRASH (status {result.returncode})"
        print(f"fuzz {name}: {arguments.runs} runs {verdict}", flush=True)
        if result.returncode != 0:
            print(result.stdout[-4000:] + result.stderr[-4000:])
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
