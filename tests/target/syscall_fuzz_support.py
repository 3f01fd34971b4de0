"""The system-call fuzzer's Python side: the C table it is generated from, its runs, and
the checks every run must pass.  Shared by tests/target/test_syscall_fuzz.py (a bounded
run in `make test`) and fuzz/syscall_fuzz.py (the long run behind `make fuzz`).

tests/target/syscall_fuzz is the C program.  Its include/ folder is written here, into a
copy of the application, for every build: fuzz_abi.h (every system call of the ABI table
with the kind of each argument, so that the fuzzer can draw a plausible value for it and
knows which calls a supervisor thread must not make) and fuzz_params.h (rounds, calls per
round, how long main waits for a fuzz thread).  The table is never written by hand, so it
follows levante.abi.

What a run must show (the kernel's worst-case guarantees):
- the levante process exits 0 or 1 (never 2) and no Python traceback reaches stderr;
- it ends with DONE well before --max-time (the kernel never hangs) and does not halt;
- the crown jewel (kernel RAM in no partition), the bystander's stack canary and main's
  own objects are intact, and no byte string of the jewel ever showed up in memory a
  user thread can reach or on the console;
- every fault in the trace is one k_sys_fatal_error_handler saw (one FUZZ-FAULT line
  each, in order), none is main's or the bystander's, and every fault of a user thread
  has reason K_ERR_KERNEL_OOPS, K_ERR_CPU_EXCEPTION or K_ERR_STACK_CHK_FAIL.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from levante.abi import FATAL_REASONS, SYSCALLS, Parameter, Syscall

APP = Path(__file__).resolve().parent / "syscall_fuzz"
BOARDS = ("lv_m4", "lv_m33")
USER_REASONS = frozenset({"K_ERR_KERNEL_OOPS", "K_ERR_CPU_EXCEPTION", "K_ERR_STACK_CHK_FAIL"})
REASON_NAMES = {value: name for name, value in FATAL_REASONS.items()}
CHECKS = ("jewel", "canary", "objects", "leaks", "faults")
JEWEL_WINDOW = 6  # bytes of the jewel that count as a leak when seen together

# Argument kinds, as fuzz_abi.h numbers them (FK_<name>).
KINDS = ("INT", "SIZE", "TIMEOUT", "BUF", "ENTRY", "CALLBACK", "STACK_SIZE", "PRIO", "OPTIONS",
         "OTYPE", "OBJECT",
         "SEM", "MUTEX", "MSGQ", "EVENT", "TIMER", "THREAD", "STACK", "ENTROPY_DEVICE",
         "FLASH_DEVICE", "DOMAIN", "PART", "PARTS")
_OBJECT_TYPES = {
    "structk_sem*": "SEM", "structk_mutex*": "MUTEX", "structk_msgq*": "MSGQ",
    "structk_event*": "EVENT", "structk_timer*": "TIMER", "structk_thread*": "THREAD",
    "k_tid_t": "THREAD", "k_thread_stack_t*": "STACK",
    "structk_mem_domain*": "DOMAIN", "structk_mem_partition*": "PART",
    "structk_mem_partition**": "PARTS",
}
# Structures the kernel only reads or writes as data (never kernel objects): a buffer, so
# that a supervisor's is its scratch, not another thread's k_thread the kernel keeps links in.
_DATA_STRUCTS = frozenset({"structflash_pages_info*", "structk_msgq_attrs*",
                           "structk_poll_event*", "structk_mbox_msg*"})
# Functions the kernel runs in an ISR with one pointer first.
_CALLBACK_TYPES = frozenset({"k_timer_expiry_t", "k_timer_stop_t", "k_thread_timeslice_fn_t",
                             "_timeout_func_t"})
_SIZE_NAMES = frozenset({"n", "size", "len", "length", "buf_size", "msg_size", "max_msgs",
                         "num_parts", "credlen"})


def parameter_kind(call: Syscall, parameter: Parameter) -> str:
    """How the fuzzer draws a value for this parameter of this call."""
    c_type = parameter.c_type.replace("const", "").replace(" ", "")
    if c_type == "structdevice*":
        return "FLASH_DEVICE" if call.name.startswith("flash_") else "ENTROPY_DEVICE"
    if parameter.is_timeout:
        return "TIMEOUT"
    if c_type == "k_thread_entry_t":
        return "ENTRY"
    if c_type in _CALLBACK_TYPES:
        return "CALLBACK"
    if c_type in _OBJECT_TYPES:
        return _OBJECT_TYPES[c_type]
    if parameter.name in ("object", "obj") or c_type.startswith("struct") and c_type.endswith(
            "*") and c_type not in _DATA_STRUCTS:
        return "OBJECT"  # any other kernel object (struct k_heap *, ...)
    if c_type == "enumk_objects":
        return "OTYPE"
    if parameter.name == "prio":
        return "PRIO"
    if parameter.name == "options":
        return "OPTIONS"
    if c_type.endswith("*"):
        return "BUF"
    if parameter.name == "stack_size":
        return "STACK_SIZE"
    if parameter.name in _SIZE_NAMES:
        return "SIZE"
    return "INT"


# Calls a supervisor fuzz thread never makes: they end the system or the test by design
# (a supervisor is trusted; the kernel need only survive what it does).
# An essential thread's fault halts the system, as k_fatal_halt does.
SUPERVISOR_SKIPPED = frozenset({"k_fatal_halt", "k_thread_user_mode_enter",
                                "z_levante_set_essential"})


def _call_entry(call: Syscall) -> str:
    kinds = ", ".join(f"FK_{parameter_kind(call, parameter)}"
                      for parameter in call.parameters)
    flags = []
    if call.supervisor_only:
        flags.append("FC_SUPERVISOR_ONLY")
    if call.name in SUPERVISOR_SKIPPED:
        flags.append("FC_SUPERVISOR_SKIPS")
    if call.requires is not None:
        flags.append(f"FUZZ_UNLESS_{call.requires}")
    return (f'\t[{call.number}] = {{ "{call.name}", {len(call.parameters)}, '
            f'{" | ".join(flags) or "0"}, {{ {kinds} }} }},')


def _requirement(symbol: str) -> list[str]:
    """FUZZ_UNLESS_<symbol>: FC_DISABLED when the build leaves the call's family out."""
    return [f"#ifdef CONFIG_{symbol}", f"#define FUZZ_UNLESS_{symbol} 0u", "#else",
            f"#define FUZZ_UNLESS_{symbol} FC_DISABLED", "#endif"]


def fuzz_abi_header() -> str:
    """fuzz_abi.h: the ABI table as the fuzzer sees it."""
    count = max(call.number for call in SYSCALLS)
    width = max(len(call.parameters) for call in SYSCALLS)
    lines = [
        "/* Generated by tests/target/syscall_fuzz_support.py from levante.abi. */",
        "#ifndef FUZZ_ABI_H", "#define FUZZ_ABI_H", "", "#include <stdint.h>", "",
        f"#define FUZZ_SYSCALL_COUNT {count}u /* the highest call number */",
        f"#define FUZZ_MAX_ARGS {width}",
        "#define FC_SUPERVISOR_ONLY 1u", "#define FC_SUPERVISOR_SKIPS 2u",
        "#define FC_DISABLED 4u /* its Kconfig option is off: the call oopses */",
        *(line for symbol in sorted({call.requires for call in SYSCALLS if call.requires})
          for line in _requirement(symbol)),
        "",
        "enum fuzz_kind {",
        *(f"\tFK_{kind}," for kind in KINDS),
        "};", "",
        "struct fuzz_call {", "\tconst char *name;", "\tuint8_t argc;", "\tuint8_t flags;",
        f"\tuint8_t kinds[{width}];", "};", "",
        f"static const struct fuzz_call fuzz_calls[{count + 1}] = {{",
        *(_call_entry(call) for call in SYSCALLS),
        "};", "", "#endif", "",
    ]
    return "\n".join(lines)


def fuzz_params_header(rounds: int, calls: int, join_ms: int) -> str:
    return "\n".join([
        "/* Generated by tests/target/syscall_fuzz_support.py: the size of a run. */",
        "#ifndef FUZZ_PARAMS_H", "#define FUZZ_PARAMS_H",
        f"#define FUZZ_ROUNDS {rounds}", f"#define FUZZ_CALLS {calls}",
        f"#define FUZZ_JOIN_MS {join_ms}", "#endif", "",
    ])


def prepare_app(destination: Path, rounds: int, calls: int, join_ms: int = 20) -> Path:
    """A copy of the fuzzer application with its generated include/ folder."""
    if destination.exists():
        shutil.rmtree(destination)
    shutil.copytree(APP, destination, ignore=shutil.ignore_patterns("include"))
    include = destination / "include"
    include.mkdir()
    (include / "fuzz_abi.h").write_text(fuzz_abi_header())
    (include / "fuzz_params.h").write_text(fuzz_params_header(rounds, calls, join_ms))
    return destination


def levante_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "levante.cli", *arguments]


def build(app: Path, build_dir: Path, board: str) -> Path:
    result = subprocess.run(levante_command("build", str(app), "-d", str(build_dir),
                                            "-b", board),
                            capture_output=True, text=True, check=False, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"build of {app} for {board} failed:\n{result.stderr}{result.stdout}")
    return build_dir


@dataclass
class FuzzRun:
    """One `levante run` of the fuzzer."""

    board: str
    seed: int
    status: int | None  # None: killed by the wall-clock bound
    output: str  # the console, bytes decoded with replacement characters
    raw_output: bytes
    errors: str
    trace: list[dict[str, Any]]
    seconds: float
    problems: list[str] = field(default_factory=list)

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.trace if event.get("event") == kind]

    @property
    def last_call(self) -> str:
        """The last call a fuzz thread announced (C ... lines), for a reproduction."""
        calls = re.findall(r"^C [us]\d+ .*$", self.output, re.MULTILINE)
        return calls[-1] if calls else "(none)"

    def summary(self) -> str:
        line = next((line for line in self.output.splitlines()
                     if line.startswith("FUZZ-SUMMARY")), "no summary")
        return f"{self.board} seed {self.seed}: status {self.status}, {self.seconds:.1f}s, {line}"


def run_once(build_dir: Path, board: str, seed: int, max_time: str = "20s",
             wall_timeout: float = 120.0) -> FuzzRun:
    """Run the built fuzzer with `--entropy-seed seed` on a fresh flash (the fuzz threads
    may erase and write the secondary slot and request upgrades)."""
    with tempfile.TemporaryDirectory(prefix="syscall_fuzz_") as scratch:
        trace_path = Path(scratch) / "trace.jsonl"
        command = levante_command("run", str(build_dir), "--max-time", max_time,
                                  "--trace", str(trace_path), "--entropy-seed", str(seed),
                                  "--flash-dir", str(Path(scratch) / "flash"))
        start = time.monotonic()
        try:
            result = subprocess.run(command, capture_output=True, check=False,
                                    timeout=wall_timeout, stdin=subprocess.DEVNULL)
            status: int | None = result.returncode
            stdout, stderr = result.stdout, result.stderr
        except subprocess.TimeoutExpired as expired:
            status = None
            stdout = expired.stdout or b""
            stderr = expired.stderr or b""
        seconds = time.monotonic() - start
        trace = []
        if trace_path.exists():
            for line in trace_path.read_text(errors="replace").splitlines():
                try:
                    trace.append(json.loads(line))
                except json.JSONDecodeError:
                    trace.append({"event": "unparsable", "line": line})
    run = FuzzRun(board, seed, status, stdout.decode(errors="replace"), stdout,
                  stderr.decode(errors="replace"), trace, seconds)
    run.problems = check(run)
    return run


def _jewel(output: str) -> bytes | None:
    match = re.search(r"^FUZZ-JEWEL ([0-9a-f]+)$", output, re.MULTILINE)
    return bytes.fromhex(match.group(1)) if match else None


def check(run: FuzzRun) -> list[str]:
    """Everything wrong with a run (empty: it held)."""
    problems: list[str] = []
    where = f"{run.board} seed {run.seed}"
    if run.status is None:
        problems.append(f"{where}: HANG: no end within the wall-clock bound; last call "
                        f"{run.last_call}")
    elif run.status not in (0, 1):
        problems.append(f"{where}: exit status {run.status}: {run.errors.strip()[-2000:]}")
    if "Traceback" in run.errors:
        problems.append(f"{where}: PYTHON EXCEPTION after {run.last_call}:\n"
                        f"{run.errors.strip()[-3000:]}")
    halts = run.events("halt")
    if halts or "Halting system" in run.output:
        faults = run.events("fault")
        last = faults[-1] if faults else None
        problems.append(f"{where}: HALT {halts}: last fault {last}; last call {run.last_call}")
    lines = run.output.splitlines()
    if not lines or lines[-1] != "DONE":
        if run.status is not None and not halts and "Traceback" not in run.errors:
            problems.append(f"{where}: did not finish (no DONE; simulated time ran out?): "
                            f"last call {run.last_call}")
    else:
        for name in CHECKS:
            verdicts = [line for line in lines if line.startswith(f"FUZZ-CHECK {name} ")]
            if verdicts != [f"FUZZ-CHECK {name} ok"]:
                problems.append(f"{where}: check {name}: {verdicts or 'missing'}")
    problems += _check_faults(run, where)
    jewel = _jewel(run.output)
    if jewel is not None:
        before = run.raw_output[: run.raw_output.find(b"FUZZ-JEWEL ")]
        for start in range(len(jewel) - JEWEL_WINDOW + 1):
            if jewel[start:start + JEWEL_WINDOW] in before:
                problems.append(f"{where}: LEAK: bytes {start}.. of the crown jewel "
                                "reached the console")
                break
    elif lines and lines[-1] == "DONE":
        problems.append(f"{where}: no FUZZ-JEWEL line")
    return problems


def _check_faults(run: FuzzRun, where: str) -> list[str]:
    problems: list[str] = []
    faults = run.events("fault")
    seen = re.findall(r"^FUZZ-FAULT (\d+) ([us]) (\w+) (\d+)$", run.output, re.MULTILINE)
    for event in faults:
        if event.get("thread") in ("main", "bystander"):
            problems.append(f"{where}: FAULT OF {event['thread']}: {event}")
        if event.get("in_isr"):
            problems.append(f"{where}: fault in an ISR: {event}")
    finished = bool(run.output.splitlines()) and run.output.splitlines()[-1] == "DONE"
    if finished and len(seen) != len(faults):
        problems.append(f"{where}: {len(faults)} faults in the trace, "
                        f"{len(seen)} seen by the fatal error handler")
    for event, (round_number, mode, who, reason) in zip(faults, seen, strict=False):
        name = REASON_NAMES.get(int(reason), f"K_ERR_{reason}")
        if event.get("reason") != name:
            problems.append(f"{where}: round {round_number}: trace says {event.get('reason')}"
                            f", the handler saw {name}")
        if who in ("main", "bystander"):
            problems.append(f"{where}: round {round_number}: the handler saw {who} fault")
        if mode == "u" and name not in USER_REASONS:
            problems.append(f"{where}: round {round_number}: user thread fault with {name}: "
                            f"{event}")
    return problems
