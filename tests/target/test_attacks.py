"""An attacker's findings, replayed on the target: each case asserts Zephyr's outcome.

Four applications share one case runner (attack.h / runner.c in each): every case runs
in its own thread, the application's k_sys_fatal_error_handler records the fault and
returns, so only the faulting thread is aborted; main prints "PASS <case>" or
"FAIL <case>: why", then "PASS runs_on" and "DONE".  Here the fault events of the trace
are checked against the tables below: which thread dies, in order, with which reason, and
what the kernel's report names (the refused call, the errno, the address).

- attack_fatal: user threads may raise only K_ERR_KERNEL_OOPS and K_ERR_STACK_CHK_FAIL;
  hint instructions are no-ops, WFI idles until the next tick without yielding;
- attack_objects: calls without a permission, freed dynamic objects, k_thread_create on a
  k_thread outside RAM;
- attack_kernel_writes: kernel calls of a supervisor thread writing into flash;
- attack_msgq: k_msgq_alloc_init and resource pools, rights changed under a blocked
  thread, timer periods, exhausting a pool.  It runs with a short --max-time and a
  wall-clock timeout: a hang is a failure, not a stuck test session.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from target_support import check_results, cycles_per_tick

from conftest import TARGET_TESTS, Builder, RunResult, split_boot_log
from levante.abi import FATAL_REASONS, STRUCT_SIZES
from levante.config import Config
from levante.image.elf import ElfImage, load_elf

BOARDS = ["lv_m4", "lv_m33"]
OOPS = "K_ERR_KERNEL_OOPS"
CPU_EXCEPTION = "K_ERR_CPU_EXCEPTION"
STACK_CHK_FAIL = "K_ERR_STACK_CHK_FAIL"
CASE_PRIO = 5
K_THREAD_SIZE = STRUCT_SIZES["k_thread"]
UNMAPPED_THREAD = 0x2FFF_0000
WFI_SLACK = 2000  # cycles past the waking tick boundary (the C side's WFI_SLACK)

Span = Callable[["Run"], range]


@dataclass(frozen=True)
class Run:
    """One application built and run on one board."""

    board: str
    build_dir: Path
    result: RunResult

    @property
    def image(self) -> ElfImage:
        return load_elf(self.build_dir / "levante.elf")

    def symbol(self, name: str) -> range:
        symbol = self.image.symbols[name]
        start = symbol.address & ~1
        return range(start, start + max(symbol.size, 1))

    def printed(self, tag: str) -> dict[str, str]:
        """The "<tag> <case> <value...>" lines of the console."""
        return dict(re.findall(rf"^{tag} (\w+) (.+)$", self.result.output, re.MULTILINE))

    def thread_events(self, thread: str, kind: str) -> list[dict[str, object]]:
        return [event for event in self.result.events(kind) if event.get("thread") == thread]


@dataclass(frozen=True)
class Case:
    """One PASS line.  `fault`: the reason the culprit dies with (None: no fault);
    `optional`: the fault may also not happen (the case checks the call was refused)."""

    name: str
    fault: str | None = None
    culprit: str | None = None  # the faulting thread; None: the case thread
    detail: str | None = None  # must appear in the fault's description
    names: Span | None = None  # the description names an address in this span
    starts_at: bool = False  # ... and starts with it ("<address>: ...")
    optional: bool = False

    @property
    def thread(self) -> str:
        return self.culprit or self.name


def symbol(name: str, size: int | None = None) -> Span:
    def span(run: Run) -> range:
        found = run.symbol(name)
        return found if size is None else range(found.start, found.start + size)
    return span


def printed_address(case: str) -> Span:
    """The address main printed for `case` ("ADDR <case> <address>")."""
    def span(run: Run) -> range:
        address = int(run.printed("ADDR")[case], 16)
        return range(address, address + 1)
    return span


def fixed(address: int, size: int) -> Span:
    return lambda run: range(address, address + size)


def denied(name: str, errno: str, at: Span, optional: bool = False) -> Case:
    """An oops for an object k_object_validate refused, reported at its address."""
    return Case(name, OOPS, detail=f"access denied ({errno})", names=at, starts_at=True,
                optional=optional)


def _hex_numbers(text: str) -> list[int]:
    return [int(number, 16) for number in re.findall(r"0x[0-9a-fA-F]+", text)]


def _run(builder: Builder, app: str, board: str) -> Run:
    path = TARGET_TESTS / app
    return Run(board, builder.build(path, board), builder.run(path, board=board))


def _bounded_run(builder: Builder, app: str, board: str, max_time: str,
                 wall_seconds: float) -> Run:
    """`levante run` with a short simulated time and a wall-clock limit: a run that does
    not end by itself in time fails the test instead of hanging it."""
    build_dir = builder.build(TARGET_TESTS / app, board)
    trace = build_dir / f"trace_bounded_{max_time}.jsonl"
    try:
        process = subprocess.run(
            [sys.executable, "-m", "levante.cli", "run", str(build_dir), "--max-time", max_time,
             "--trace", str(trace)],
            capture_output=True, text=True, check=False, timeout=wall_seconds,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{app} on {board} did not end within {wall_seconds} s of wall time")
    events = [json.loads(line) for line in trace.read_text().splitlines()] \
        if trace.exists() else []
    boot_log, output = split_boot_log(process.stdout)
    return Run(board, build_dir,
               RunResult(process.returncode, output, process.stderr, events, boot_log))


def check_faults(run: Run, cases: list[Case]) -> None:
    """The fault events follow the table: thread and reason, in order, each naming what
    it must; then the thread that faulted is the next to exit."""
    events = run.result.events("fault")
    faulted = {str(event["thread"]) for event in events}
    expected = [case for case in cases if case.fault is not None
                and (not case.optional or case.thread in faulted)]
    assert [(event["thread"], event["reason"]) for event in events] == [
        (case.thread, case.fault) for case in expected
    ]
    for case, event in zip(expected, events, strict=True):
        description = str(event["description"])
        assert event["in_isr"] is False, case.name
        if case.detail is not None:
            assert case.detail in description, (case.name, description)
        if case.names is not None:
            span = case.names(run)
            # A CPU fault names its address in the event, a refused call in its text.
            named = [*_hex_numbers(description), *([event["address"]] if "address" in event
                                                   else [])]
            assert any(number in span for number in named), (
                case.name, description, f"{span.start:#x}")
            if case.starts_at:
                assert description.startswith(f"{span.start:#x}: "), (case.name, description)
    reports = re.findall(r"^E: >>> LEVANTE FATAL ERROR (\d+): .*\n(?:E:   .*\n)?"
                         r"E: Current context: thread '(.*)'$", run.result.output, re.MULTILINE)
    assert [(int(number), thread) for number, thread in reports] == [
        (FATAL_REASONS[str(case.fault)], case.thread) for case in expected
    ]
    trace = run.result.trace
    for case in expected:
        fault_at = next(i for i, event in enumerate(trace)
                        if event["event"] == "fault" and event["thread"] == case.thread)
        exit_event = next(event for event in trace[fault_at:] if event["event"] == "thread_exit")
        assert exit_event["thread"] == case.thread, case.name


def check_ran_through(run: Run, cases: list[Case]) -> None:
    result = run.result
    assert result.status == 0, result.errors
    check_results(result.output, [case.name for case in cases] + ["runs_on"])
    assert result.events("halt") == []
    assert "Halting system" not in result.output


# ---- attack_fatal ------------------------------------------------------------------------

FATAL_CASES = [
    Case("user_panic", OOPS),
    Case("user_raise_panic", OOPS),
    Case("user_raise_cpu_exception", OOPS),
    Case("user_raise_spurious_irq", OOPS),
    Case("user_raise_deadbeef", OOPS),
    Case("user_raise_oops", OOPS),
    Case("user_raise_stack_chk_fail", STACK_CHK_FAIL),
    Case("supervisor_oops", OOPS),
    Case("user_hints"),
    Case("supervisor_hints"),
    Case("user_wfi"),
    Case("supervisor_wfi"),
]
HINT_CASES = ["user_hints", "supervisor_hints", "user_wfi", "supervisor_wfi"]


@pytest.fixture(scope="module", params=BOARDS)
def attack_fatal(request: pytest.FixtureRequest, builder: Builder) -> Run:
    return _run(builder, "attack_fatal", request.param)


def test_fatal_cases_pass(attack_fatal: Run) -> None:
    check_ran_through(attack_fatal, FATAL_CASES)


def test_user_threads_raise_only_oops_and_stack_check(attack_fatal: Run) -> None:
    check_faults(attack_fatal, FATAL_CASES)


def test_wfi_idles_to_the_next_tick(attack_fatal: Run) -> None:
    """The WFI lines: the case started well before a tick boundary and woke just after
    it (the C side checks the same with the clock it was built with)."""
    per_tick = cycles_per_tick(attack_fatal.build_dir)
    lines = attack_fatal.printed("WFI")
    for case in ("user_wfi", "supervisor_wfi"):
        before, after, boundary = (int(value) for value in re.findall(r"\d+", lines[case]))
        assert boundary % per_tick == 0 and before < boundary <= before + per_tick, case
        assert boundary <= after <= boundary + WFI_SLACK, (case, before, after, boundary)


def test_hints_do_not_give_the_cpu_away(attack_fatal: Run) -> None:
    """While a hint or WFI case runs, the ready bystander of lower priority never gets
    the CPU: the first switch to it comes after the case thread's exit."""
    trace = attack_fatal.result.trace
    for case in HINT_CASES:
        start = next(i for i, event in enumerate(trace)
                     if event["event"] == "switch" and event["to"] == case)
        end = next(i for i, event in enumerate(trace[start:], start)
                   if event["event"] == "thread_exit" and event["thread"] == case)
        assert not [event for event in trace[start:end]
                    if event["event"] == "switch" and event["to"] == "bystander"], case


# ---- attack_objects ---------------------------------------------------------------------

NO_PERMISSION_CALLS = {
    "guarded_sem": ["sem_init", "sem_take", "sem_give", "sem_reset", "sem_count_get"],
    "guarded_mutex": ["mutex_init", "mutex_lock", "mutex_unlock"],
    "guarded_msgq": ["msgq_put", "msgq_get", "msgq_peek", "msgq_purge", "msgq_num_free_get",
                     "msgq_num_used_get"],
    "guarded_event": ["event_init", "event_post", "event_set", "event_set_masked",
                      "event_clear", "event_wait", "event_wait_all"],
    "guarded_timer": ["timer_start", "timer_stop", "timer_status_get", "timer_status_sync",
                      "timer_remaining_ticks", "timer_user_data_set", "timer_user_data_get"],
}


def _reuse_errno(run: Run) -> str:
    """EPERM when the holder got the released address back, EBADF when not."""
    return "EPERM" if run.printed("REUSED")["freed_reuse_denied"] == "1" else "EBADF"


OBJECT_CASES = [
    denied("event_clear_denied", "EPERM", symbol("guarded_event")),
    *(denied(f"noperm_k_{call}", "EPERM", symbol(obj))
      for obj, calls in NO_PERMISSION_CALLS.items() for call in calls),
    denied("freed_sem_give", "EBADF", printed_address("freed_sem_give")),
    # Its errno depends on the run: test_freed_reuse_names_the_right_errno checks it.
    Case("freed_reuse_denied", OOPS, detail="access denied (",
         names=printed_address("freed_reuse_denied"), starts_at=True),
    Case("create_thread_in_flash", CPU_EXCEPTION, names=symbol("flash_thread")),
    Case("create_thread_unmapped", CPU_EXCEPTION, names=fixed(UNMAPPED_THREAD, K_THREAD_SIZE)),
]


@pytest.fixture(scope="module", params=BOARDS)
def attack_objects(request: pytest.FixtureRequest, builder: Builder) -> Run:
    return _run(builder, "attack_objects", request.param)


def test_object_table_is_consistent() -> None:
    names = [case.name for case in OBJECT_CASES]
    assert len(names) == len(set(names)) and all(len(name) <= 31 for name in names)


def test_object_cases_pass(attack_objects: Run) -> None:
    check_ran_through(attack_objects, OBJECT_CASES)


def test_object_faults_follow_the_table(attack_objects: Run) -> None:
    check_faults(attack_objects, OBJECT_CASES)


def test_freed_reuse_names_the_right_errno(attack_objects: Run) -> None:
    [event] = attack_objects.thread_events("freed_reuse_denied", "fault")
    assert f"access denied ({_reuse_errno(attack_objects)})" in str(event["description"])


def test_refused_thread_creates_create_nothing(attack_objects: Run) -> None:
    """No thread of the refused calls' priority was ever created, and the refused calls
    were not served."""
    assert not [event for event in attack_objects.result.events("thread_create")
                if event["priority"] == CASE_PRIO - 1]
    for case in ("create_thread_in_flash", "create_thread_unmapped"):
        calls = [event["call"] for event in attack_objects.thread_events(case, "syscall")]
        assert "k_thread_create" not in calls, case


def test_refused_object_calls_are_not_served(attack_objects: Run) -> None:
    for case in OBJECT_CASES:
        if case.name.startswith(("noperm_", "event_clear_denied")):
            assert attack_objects.thread_events(case.name, "syscall") == [], case.name


# ---- attack_kernel_writes ---------------------------------------------------------------

KERNEL_WRITE_CASES = [
    Case("msgq_get_into_flash", CPU_EXCEPTION, names=symbol("flash_message")),
    Case("name_copy_into_flash", CPU_EXCEPTION, names=symbol("flash_name")),
    Case("rand_into_code", CPU_EXCEPTION, names=symbol("code_target")),
    Case("stack_space_into_flash", CPU_EXCEPTION, names=symbol("flash_word")),
]


@pytest.fixture(scope="module", params=BOARDS)
def attack_kernel_writes(request: pytest.FixtureRequest, builder: Builder) -> Run:
    return _run(builder, "attack_kernel_writes", request.param)


def test_kernel_write_cases_pass(attack_kernel_writes: Run) -> None:
    check_ran_through(attack_kernel_writes, KERNEL_WRITE_CASES)


def test_kernel_writes_into_flash_fault_the_caller(attack_kernel_writes: Run) -> None:
    check_faults(attack_kernel_writes, KERNEL_WRITE_CASES)
    # The address each case printed is the symbol it aimed at, and the fault names it.
    printed = attack_kernel_writes.printed("ADDR")
    for case in KERNEL_WRITE_CASES:
        assert case.names is not None
        assert int(printed[case.name], 16) == case.names(attack_kernel_writes).start
        [event] = attack_kernel_writes.thread_events(case.name, "fault")
        if "address" in event:
            assert event["address"] in case.names(attack_kernel_writes), case.name


# ---- attack_msgq ------------------------------------------------------------------------

MSGQ_CASES = [
    Case("msgq_init_user", OOPS, detail="k_msgq_init is not a system call"),
    Case("alloc_init_no_pool"),
    Case("alloc_init_pool"),
    Case("alloc_ring_unreachable", CPU_EXCEPTION,
         names=printed_address("alloc_init_pool")),
    Case("alloc_init_too_large"),
    Case("cleanup_busy"),
    Case("domain_move_blocked", OOPS, names=symbol("p_buffer")),
    # Revoked while blocked: the waiter oopses (EPERM on the object) or its call fails.
    denied("revoke_sem_blocked", "EPERM", symbol("revoked_sem"), optional=True),
    denied("revoke_msgq_blocked", "EPERM", symbol("revoked_q"), optional=True),
    Case("timer_period_clamped"),
    Case("exhaust_thread_objects"),
    Case("timer_restart_storm"),
]
MSGQ_MAX_TIME = "3s"  # the program needs well under a second of simulated time
MSGQ_WALL_SECONDS = 300


@pytest.fixture(scope="module", params=BOARDS)
def attack_msgq(request: pytest.FixtureRequest, builder: Builder) -> Run:
    return _bounded_run(builder, "attack_msgq", request.param, MSGQ_MAX_TIME,
                        MSGQ_WALL_SECONDS)


def test_msgq_run_ends_by_itself(attack_msgq: Run) -> None:
    """Timer periods of 0 or -2 ticks and 20000 restarts do not hang the system: the
    program reaches DONE well before --max-time."""
    assert attack_msgq.result.output.splitlines()[-1:] == ["DONE"]
    done_at = max(int(event["cycle"]) for event in attack_msgq.result.trace)
    config = Config.from_dotconfig(attack_msgq.build_dir / ".config")
    hz = config.get_int("SYS_CLOCK_HW_CYCLES_PER_SEC")
    assert done_at < int(MSGQ_MAX_TIME.removesuffix("s")) * hz


def test_msgq_cases_pass(attack_msgq: Run) -> None:
    check_ran_through(attack_msgq, MSGQ_CASES)


def test_msgq_faults_follow_the_table(attack_msgq: Run) -> None:
    check_faults(attack_msgq, MSGQ_CASES)


def test_alloc_ring_is_where_the_read_faulted(attack_msgq: Run) -> None:
    """The ring k_msgq_alloc_init made (main printed its buffer_start) is what the user
    thread's read of it hit: out of reach of the thread that asked for it."""
    ring = int(attack_msgq.printed("ADDR")["alloc_init_pool"], 16)
    assert ring != 0, "k_msgq_alloc_init left buffer_start NULL"
    faults = attack_msgq.thread_events("alloc_ring_unreachable", "fault")
    assert [(event["reason"], event.get("address", ring)) for event in faults] == [
        (CPU_EXCEPTION, ring)]


def test_exhausted_pool_gave_something(attack_msgq: Run) -> None:
    count = int(attack_msgq.printed("EXHAUSTED")["exhaust_thread_objects"])
    assert 0 < count < 1000
