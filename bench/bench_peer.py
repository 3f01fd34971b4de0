"""The same four C programs on real Zephyr 4.1 under QEMU and on Levante: per-operation
host time, Levante over QEMU, lower is better.

The comparison lives outside the repository, in `../shared/peer` beside the checkout
(sources, prebuilt Zephyr ELFs for mps2/an385 and `run_peer.sh`, described in its README);
it is read from there at run time and nothing of it is copied here. Without that folder, or
without `qemu-system-arm` (`make setup` installs it), the benchmark is skipped with a
one-line note. The script runs each program at N and 2N operations on both sides, so boot
and start-up cancel out, with QEMU in its deterministic `-icount shift=0` mode; it prints

    PEER <name> levante_per_op_us=<x> qemu_per_op_us=<y> ratio=<x/y>

Its rounds are bounded here (REPS, MIN_REPS, NOICOUNT_REPS, PEER_BUDGET; the environment
overrides them) so that `make bench` stays a few minutes long."""

from __future__ import annotations

import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections import deque

from bench.common import REPO, Result

PEER = REPO.parent / "shared" / "peer"
SCRIPT = PEER / "run_peer.sh"
# (program, target for Levante's per-operation time over QEMU's)
TARGETS = (("cpu_loop", 2.0), ("sem_user", 1.5), ("yield_user", 1.5), ("msgq_pingpong", 2.0))
# Three rounds with -icount, one of them also without it: about 2.5 minutes on 2 cores.
BOUNDS = {"REPS": "3", "MIN_REPS": "3", "NOICOUNT_REPS": "1", "PEER_BUDGET": "240"}
TIMEOUT_SECONDS = 900.0
PEER_LINE = re.compile(
    r"^PEER (\S+) levante_per_op_us=(\S+) qemu_per_op_us=(\S+) ratio=(\S+)$", re.MULTILINE)


def name_of(program: str) -> str:
    return f"{program}_vs_zephyr_qemu"


def skip_reason() -> str | None:
    """Why the comparison cannot run here, or None when it can."""
    if not SCRIPT.is_file():
        return f"peer comparison skipped: {SCRIPT} not found (no shared/peer beside the checkout)"
    if shutil.which("qemu-system-arm") is None:
        return "peer comparison skipped: qemu-system-arm is not installed (make setup installs it)"
    return None


def run_script() -> tuple[int, str, list[str]]:
    """Run run_peer.sh on this checkout: its exit status, stdout and last stderr lines.
    Progress goes on to our stderr as it comes; the whole run is bounded in time."""
    environment = dict(os.environ)
    for knob, value in BOUNDS.items():
        environment.setdefault(knob, value)
    process = subprocess.Popen(
        ["bash", str(SCRIPT), str(REPO)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=environment, start_new_session=True)
    timed_out = threading.Event()

    def stop() -> None:  # the script, its Python driver and any QEMU or levante it started
        timed_out.set()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(TIMEOUT_SECONDS, stop)
    timer.start()
    tail: deque[str] = deque(maxlen=20)
    try:
        assert process.stderr is not None and process.stdout is not None
        for line in process.stderr:
            sys.stderr.write("  " + line)
            sys.stderr.flush()
            tail.append(line.rstrip())
        output = process.stdout.read()
        status = process.wait()
    finally:
        timer.cancel()
        if process.poll() is None:
            stop()
            process.wait()
    if timed_out.is_set():
        tail.append(f"stopped after {TIMEOUT_SECONDS:.0f} s")
    return status, output, list(tail)


def failed(reason: str) -> tuple[Result, ...]:
    """Four results that say the comparison did not produce a figure (ratio nan: below)."""
    return tuple(Result(name_of(program), math.nan, target, False, reason)
                 for program, target in TARGETS)


def run() -> tuple[Result, ...]:
    reason = skip_reason()
    if reason is not None:
        print(reason, flush=True)
        return ()
    status, output, tail = run_script()
    found = {match[0]: match for match in PEER_LINE.findall(output)}
    missing = [program for program, _ in TARGETS if program not in found]
    if status != 0 or missing:
        last = next((line for line in reversed(tail) if line), "no output")
        return failed(f"run_peer.sh exited {status}, no result for {' '.join(missing) or '-'}: "
                      f"{last}")
    results = []
    for program, target in TARGETS:
        _, levante, qemu, _ratio = found[program]
        ratio = float(levante) / float(qemu) if float(qemu) > 0 else math.nan
        results.append(Result(
            name_of(program), ratio, target, False,
            f"{levante} us per operation on Levante vs {qemu} us on Zephyr 4.1 under "
            f"qemu-system-arm -icount shift=0 (mps2/an385)"))
    return tuple(results)


if __name__ == "__main__":
    for result in run():
        print(f"{result.name}: {result.details}")
        print(result.line())
