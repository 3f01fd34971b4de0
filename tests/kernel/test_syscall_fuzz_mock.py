"""The system-call fuzzer under the mock CPU: random raw system calls (by number, with
registers drawn from a pool of interesting values) from a user thread and a supervisor
thread go through the kernel's real syscall entry.  Whatever they ask, the kernel raises
no Python exception, time only moves forward, the run ends within a bounded number of CPU
runs, and a user thread's misdeeds end only that thread (reasons OOPS, CPU exception or
stack check; never a halt); every validate stage changes nothing and no perform stage
fails.  The target version is tests/target/test_syscall_fuzz.py.

The last tests replay, as minimal reproductions, what the target fuzzer found."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ipc_fixture import DOOR, DOOR_ID
from mock_cpu import (
    K_FOREVER,
    RAM_BASE,
    RAM_SIZE,
    Args,
    MockSystem,
    Script,
    ScriptFactory,
    call,
    returning_fatal_handler,
    run,
)
from stage_checks import validation_checked

from levante.abi import SYSCALLS, SYSCALLS_BY_NAME, THREAD_OPTIONS
from levante.idl.checker import MessageChecker
from levante.kernel.kernel import RunEnd

K_USER = THREAD_OPTIONS["K_USER"]
USER_REASONS = {"K_ERR_KERNEL_OOPS", "K_ERR_CPU_EXCEPTION", "K_ERR_STACK_CHK_FAIL"}
# What a supervisor never calls: these end the system or the test by design.
SUPERVISOR_SKIPPED = {SYSCALLS_BY_NAME[name].number for name in
                      ("k_fatal_halt", "k_thread_user_mode_enter", "k_timer_init")}
RUN_LIMIT = 3_000_000  # cycles: 3 s at the mock's 1 MHz
MAX_CPU_RUNS = 20_000  # far more than any run needs: more is a livelock

FUZZ = settings(max_examples=80, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# Symbolic values, resolved once the system is built (addresses depend on it).
SYMBOLS = ("sem", "mutex", "msgq", "event", "timer", "ipc", "own_stack", "other_stack",
           "main_tid", "user_tid", "sv_tid", "kernel_ram", "ram_top", "ram_end")
VALUES = st.one_of(
    st.sampled_from([0, 1, 2, 4, 16, 64, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                     0xFFFFFFFE, 0x4000_0000, 0x1001]),
    st.sampled_from(SYMBOLS),
    st.integers(0, 0xFFFFFFFF),
)
NUMBERS = st.one_of(st.integers(1, len(SYSCALLS)), st.integers(0, len(SYSCALLS) + 3),
                    st.sampled_from([0xFFFFFFFF, 0x80000000, 0x7FFFFFFF]))
CALLS = st.lists(st.tuples(NUMBERS, st.lists(VALUES, min_size=6, max_size=6)),
                 min_size=1, max_size=12)


def _objects(system: MockSystem) -> dict[str, int]:
    """The fuzzers' targets (made after the threads, whose stacks need MPU alignment)."""
    objects = {"sem": system.sem(0, 2), "mutex": system.mutex(), "msgq": system.msgq(8, 2),
               "event": system.event(), "timer": system.timer(),
               "ipc": system._static("levante_ipc_endpoint", {"interface": DOOR_ID})}
    kernel_ram = system.ram(64)
    system.cpu.write_memory(kernel_ram, b"J" * 64)
    objects.update(kernel_ram=kernel_ram, ram_top=RAM_BASE + RAM_SIZE - 4,
                   ram_end=RAM_BASE + RAM_SIZE)
    return objects


def _fuzzer(calls: list[tuple[int, list[Any]]], values: dict[str, int],
            supervisor: bool) -> ScriptFactory:
    def script(_: Args) -> Script:
        for number, registers in calls:
            if supervisor and number in SUPERVISOR_SKIPPED:
                continue
            resolved = [values[v] if isinstance(v, str) else v for v in registers]
            if supervisor:  # trusted: never aims at main or at kernel RAM
                resolved = [0 if v in (values["main_tid"], values["kernel_ram"]) else v
                            for v in resolved]
            yield call(number, *resolved)
            yield run(50)

    return script


@FUZZ
@given(CALLS, CALLS)
def test_random_system_calls_from_user_and_supervisor_threads(
        user_calls: list[tuple[int, list[Any]]], sv_calls: list[tuple[int, list[Any]]]) -> None:
    system = MockSystem(userspace=True, dynamic_objects=True, heap_mem_pool_size=4096,
                        tls_credentials=True, tls_max_credentials=2,
                        tls_credential_max_size=64)
    system.fatal_handler(returning_fatal_handler)
    values: dict[str, int] = {}
    # main (priority 0) grants before either runs.
    user = system.thread("user", _fuzzer(user_calls, values, False), 5, options=K_USER)
    sv = system.thread("supervisor", _fuzzer(sv_calls, values, True), 6)
    values.update(_objects(system), user_tid=user, sv_tid=sv, main_tid=0)

    def main(_: Args) -> Script:
        for name in ("sem", "msgq", "event", "timer", "ipc"):  # not the mutex
            yield call("k_object_access_grant", values[name], user)
        yield call("k_sleep", K_FOREVER)

    system.main(main)
    kernel = system.boot()
    kernel.ipc_checker = MessageChecker(DOOR)  # IPC calls get as far as the checker
    values["main_tid"] = system.thread_named("main").address
    values["own_stack"] = system.thread_named("user").stack_start + 64
    values["other_stack"] = system.thread_named("supervisor").stack_start + 64
    cycles: list[int] = []

    def watch(context: Any, budget: int) -> None:
        cycles.append(kernel.now)
        assert system.cpu.runs < MAX_CPU_RUNS, "no end in sight: a livelock"

    system.cpu.on_run = watch
    with validation_checked(system):  # every validate stage changes nothing
        end = kernel.run(until=RUN_LIMIT)

    assert end in (RunEnd.IDLE, RunEnd.TIME_LIMIT, RunEnd.HALTED)
    assert system.cpu.runs < MAX_CPU_RUNS
    assert cycles == sorted(cycles), "time went backwards"
    stamps = [event["cycle"] for event in system.trace if "cycle" in event]
    assert stamps == sorted(stamps)
    faults = system.events("fault")
    assert all(event["thread"] != "main" for event in faults)
    for event in faults:
        if event["thread"] == "user":
            assert event["reason"] in USER_REASONS, event
    if end is RunEnd.HALTED:  # only a supervisor may bring the system down
        assert faults and faults[-1]["thread"] != "user", faults[-1:]
    assert system.cpu.read_memory(values["kernel_ram"], 64) == b"J" * 64
    assert system.events("kernel_defect") == []  # no perform stage ever failed


# ---- reproductions of what the target fuzzer found ----------------------------------------


def _timer_system(duration: int, period: int, options: int) -> tuple[MockSystem, RunEnd]:
    system = MockSystem(userspace=True)
    system.fatal_handler(returning_fatal_handler)
    expiries: list[int] = []

    def expiry(_: Args) -> Script:
        expiries.append(1)
        yield run(10)

    timer = system.timer(expiry)
    starter: dict[str, int] = {}

    def start(_: Args) -> Script:
        yield call("k_timer_start", timer, duration, period)

    starter["tid"] = system.thread("starter", start, 5, options=options)

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", timer, starter["tid"])

    def guard(context: Any, budget: int) -> None:
        if system.cpu.runs > 5_000:  # the storm never lets simulated time reach the end
            raise AssertionError(f"{len(expiries)} timer expiries: an interrupt storm")

    system.main(main)
    kernel = system.boot()
    system.cpu.on_run = guard
    end = kernel.run(until=200_000)  # 20 ticks
    assert len(expiries) <= 25, f"{len(expiries)} expiries in 20 ticks: an interrupt storm"
    return system, end


def test_a_user_timer_with_a_negative_period_does_not_storm() -> None:
    """Found on commit 28e2951 (seed 5, round u98): k_timer_start(timer, K_TICKS(INT32_MIN),
    K_TICKS(INT32_MIN)) from a user thread re-armed the timer in the past on every expiry,
    so its ISR ran back to back (62 cycles apart) and no thread ever ran again.  Zephyr
    clamps a negative period to at least one tick."""
    _timer_system(-0x8000_0000, -0x8000_0000, K_USER)


def test_a_supervisor_timer_with_a_negative_period_does_not_storm() -> None:
    """The same with period -100 ticks from a supervisor (seed 4, round s97)."""
    _timer_system(1, -100, 0)


def test_a_supervisor_cannot_turn_a_timer_into_a_thread() -> None:
    """Found by the target fuzzer (seed 1001, round s793, both boards): a supervisor's
    k_thread_create(&timer, stack, ...) was served and re-registered the live static
    timer as a thread, so main's next k_timer_stop(&timer) oopsed with "is a Thread,
    expected a Timer" and main died.  The kernel validates the kind of every other object
    argument, for supervisors too; new_thread must be a thread (or memory that is no
    kernel object yet), never a live object of another kind."""
    system = MockSystem(userspace=True)
    system.fatal_handler(returning_fatal_handler)
    results: list[object] = []

    def entry(_: Args) -> Script:
        yield run(10)

    def creator(_: Args) -> Script:
        results.append((yield call("k_thread_create", timer, stack, 1024, entry_address,
                                   0, 0, 0, 7, 0, K_FOREVER)))

    creator_tid = system.thread("creator", creator, 5)
    stack = system.ram(1024, align=1024)
    entry_address = system.function(entry, "entry")
    timer = system.timer()

    def main(_: Args) -> Script:
        yield call("k_sleep", 5)
        results.append((yield call("k_timer_status_get", timer)))

    system.main(main)
    system.run(until=1_000_000)
    assert creator_tid
    assert [event for event in system.events("fault") if event["thread"] == "main"] == []
    assert results[-1] == 0  # main's k_timer_status_get still finds its timer
