"""The long system-call fuzz run: `python fuzz/syscall_fuzz.py [--seeds N] [--rounds R]`.

Builds tests/target/syscall_fuzz for both boards with R rounds of C calls each and runs
it with entropy seeds FIRST..FIRST+N-1 (SYSCALL_FUZZ_SEEDS sets the default N), several
runs at a time.  Every run must pass the checks of tests/target/syscall_fuzz_support.py.
Each problem is printed with the seed that reproduces it:

    levante run BUILD --entropy-seed SEED --max-time T   (the last "C ..." line is the call)

Exit status 0 when every run held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests" / "target")]

from syscall_fuzz_support import BOARDS, FuzzRun, build, prepare_app, run_once  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int,
                        default=int(os.environ.get("SYSCALL_FUZZ_SEEDS", "32")),
                        help="seeds per board (default: $SYSCALL_FUZZ_SEEDS or 32)")
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1000, help="fuzz threads per run")
    parser.add_argument("--calls", type=int, default=96, help="calls per fuzz thread")
    parser.add_argument("--board", action="append", choices=BOARDS,
                        help="a board (default: both)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--max-time", default="300s", help="simulated time per run")
    parser.add_argument("--wall-timeout", type=float, default=600.0,
                        help="seconds per run before it counts as a hang")
    parser.add_argument("--keep", type=Path, help="build here (default: a temporary folder)")
    arguments = parser.parse_args()
    boards = arguments.board or list(BOARDS)
    with tempfile.TemporaryDirectory(prefix="syscall_fuzz_") as scratch:
        root = arguments.keep or Path(scratch)
        app = prepare_app(root / "app", arguments.rounds, arguments.calls)
        builds = {board: build(app, root / f"build_{board}", board) for board in boards}
        jobs = [(board, seed) for seed in range(arguments.first_seed,
                                                 arguments.first_seed + arguments.seeds)
                for board in boards]
        start = time.monotonic()

        def one(job: tuple[str, int]) -> FuzzRun:
            board, seed = job
            return run_once(builds[board], board, seed, arguments.max_time,
                            arguments.wall_timeout)

        failed = 0
        with ThreadPoolExecutor(max_workers=arguments.jobs) as pool:
            for run in pool.map(one, jobs):
                verdict = "ok" if not run.problems else f"{len(run.problems)} PROBLEMS"
                print(f"syscall fuzz {run.summary()}: {verdict}", flush=True)
                for problem in run.problems:
                    print(f"  {problem}", flush=True)
                if run.problems:
                    failed += 1
                    print(f"  reproduce: levante run {builds[run.board]} --entropy-seed "
                          f"{run.seed} --max-time {arguments.max_time} "
                          f"(--keep DIR keeps the build)", flush=True)
        print(f"syscall fuzz: {len(jobs)} runs, {failed} with problems, "
              f"{time.monotonic() - start:.0f}s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
