"""User-mode system calls and kernel objects on the target (Zephyr's mem_protect suites:
obj_validation, kobject, syscalls).

tests/target/user_syscalls runs every case in its own thread, most of them user threads;
its k_sys_fatal_error_handler returns, so only the faulting thread is aborted and main
prints "PASS <case>" or "FAIL <case>: why", then "DONE".  The table below is the
expectation: which cases end in a fault, which thread dies, with which reason, and what
the kernel's report must name (k_object_validate's errno, the bad buffer, the refused
call).  The fault events of the trace must follow it exactly, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from target_support import check_results

from conftest import TARGET_TESTS, Builder, RunResult
from levante.abi import FATAL_REASONS, SYSCALLS
from levante.image.elf import ElfImage, load_elf

APP = TARGET_TESTS / "user_syscalls"
OOPS = "K_ERR_KERNEL_OOPS"
CPU_EXCEPTION = "K_ERR_CPU_EXCEPTION"
THREAD_NAME_MAX = 31  # CONFIG_THREAD_MAX_NAME_LEN - 1
OUTSIDE = "is outside the memory of thread"
# One past the last call of the ABI table (LV_SYSCALL_LIMIT on the C side).
SYSCALL_LIMIT = max(call.number for call in SYSCALLS) + 1


@dataclass(frozen=True)
class Case:
    """One PASS line; `fault` is the reason the culprit dies with (None: no fault)."""

    name: str
    fault: str | None = None
    culprit: str | None = None  # the faulting thread; None: the case thread itself
    detail: str | None = None  # must appear in the fault's description
    at: str | None = None  # the symbol whose address the description starts with

    @property
    def thread(self) -> str:
        return self.culprit or self.name


def oops(name: str, errno: str | None = None, at: str | None = None,
         detail: str | None = None, culprit: str | None = None) -> Case:
    """An oops; `errno` is what k_object_validate refused the object with (Zephyr's
    -EBADF: not an object of that type, -EPERM: no permission, -EINVAL: uninitialised,
    -EADDRINUSE: already in use)."""
    if errno is not None:
        detail = f"access denied ({errno})"
    return Case(name, OOPS, culprit, detail, at)


def bad_number(name: str, number: int) -> Case:
    return oops(name, detail=f"invalid system call number {number:#x}")


def supervisor_only_case(call: str) -> str:
    """The case (and thread) name: as long as a thread name may be."""
    return f"sv_{call.removeprefix('k_')}"[:THREAD_NAME_MAX].rstrip("_")


SUPERVISOR_ONLY = {supervisor_only_case(call.name): call.name
                   for call in SYSCALLS if call.supervisor_only}


OBJECT_CASES = [
    oops("sem_in_user_memory_init", "EBADF", at="user_mem_sem"),
    oops("sem_in_user_memory_give", "EBADF", at="user_mem_sem"),
    oops("sem_on_user_stack", "EBADF"),
    oops("sem_no_permission", "EPERM", at="test_sem"),
    Case("sem_granted"),
    Case("thread_access_grant"),
    oops("sem_revoked", "EPERM", at="test_sem"),
    oops("sem_released", "EPERM", at="test_sem"),
    oops("release_null", "EBADF"),
    oops("mutex_as_sem", "EBADF", at="test_mutex"),
    oops("thread_as_sem", "EBADF", at="case_thread"),
    oops("sem_give_global", "EBADF", at="not_an_object"),
    oops("sem_give_null", "EBADF", detail="0x0: k_sem access denied (EBADF)"),
    oops("sem_uninit_give", "EINVAL", at="plain_sem"),
    oops("sem_uninit_take", "EINVAL", at="plain_sem"),
    Case("sem_uninit_init"),
    oops("grant_null_object", detail="0x0: kernel object access denied (EBADF)"),
    oops("grant_unpermitted_object", "EPERM", at="test_sem"),
    oops("grant_to_unpermitted_thread", "EPERM", at="z_main_thread"),
    Case("grant_to_child"),
    Case("all_grant"),
]

THREAD_CASES = [
    Case("holds_itself"),
    oops("holds_only_itself", "EPERM", at="z_main_thread"),
    Case("inherit_perms"),
    oops("inherit_not_on_parent", "EPERM", at="case_thread", culprit="inherit_not_on_parent.c"),
    oops("no_inherit", "EPERM", at="test_sem", culprit="no_inherit.c"),
    Case("create_valid"),
    oops("create_kernel_stack", "EBADF", at="kernel_stack"),
    oops("create_stack_no_permission", "EPERM", at="spare_stack"),
    oops("create_stack_in_use", "EADDRINUSE", at="case_stack"),
    oops("create_stack_too_big", detail="stack size 1025 is too big, max is 1024"),
    oops("create_thread_no_permission", "EPERM", at="spare_thread"),
    oops("create_running_thread", "EADDRINUSE", at="case_thread"),
    oops("create_higher_priority", detail="priority 4 is higher than the caller's 5"),
    oops("create_invalid_priority", detail="invalid thread priority 15"),
    oops("create_supervisor", detail="user threads may only create user threads"),
    oops("create_essential", detail="user threads may not create essential threads"),
    Case("create_after_refusals"),
    Case("static_access_grant"),
    oops("static_no_grant", "EPERM", at="static_sem", culprit="static_ungranted"),
    Case("user_mode_enter", CPU_EXCEPTION, detail="data read access violation"),
]

SYSCALL_CASES = [
    bad_number("syscall_0", 0),
    bad_number("syscall_int_max", 0x7FFF_FFFF),
    bad_number("syscall_uint_max", 0xFFFF_FFFF),
    bad_number("syscall_0x80000000", 0x8000_0000),
    bad_number("syscall_limit", SYSCALL_LIMIT),
    Case("syscall_valid_number"),
    Case("str_out_user_stack"),
    oops("str_out_kernel_buffer", detail=f"read of 8 bytes at {{kernel_buffer}} {OUTSIDE}"),
    oops("str_out_wrapping_size", detail="wraps around the address space"),
    oops("str_out_too_long", detail="read of 65536 bytes at 0x2"),
    oops("msgq_put_kernel_buffer", detail=f"read of 4 bytes at {{kernel_buffer}} {OUTSIDE}"),
    oops("msgq_get_kernel_buffer", detail=f"write of 4 bytes at {{kernel_buffer}} {OUTSIDE}"),
    oops("msgq_get_flash_buffer", detail=f"write of 4 bytes at {{flash_buffer}} {OUTSIDE}"),
    Case("msgq_user_buffers"),
    oops("msgq_alloc_init_user", "EADDRINUSE", at="plain_msgq"),
    Case("name_copy_user_stack"),
    oops("name_copy_kernel_buffer", detail=f"write of 32 bytes at {{kernel_buffer}} {OUTSIDE}"),
    oops("name_copy_flash_buffer", detail=f"write of 32 bytes at {{flash_buffer}} {OUTSIDE}"),
    Case("name_set_user_stack"),
    oops("name_set_kernel_string", detail="string at {kernel_buffer} runs out of thread"),
    Case("audit_read_ungranted"),
    *(oops(case, detail=f"{call} is not a system call")
      for case, call in SUPERVISOR_ONLY.items()),
]

DYNAMIC_CASES = [
    Case("alloc_sem"),
    Case("alloc_other_types"),
    oops("alloc_uninit_give", "EINVAL"),
    oops("alloc_other_thread", "EPERM", culprit="alloc_other_thread.c"),
    oops("alloc_release_frees", "EINVAL"),
    oops("alloc_released_use", "EBADF"),
    Case("alloc_shared_release"),
    Case("alloc_freed_at_exit"),
    Case("alloc_invalid_types"),
    Case("alloc_thread_and_stack"),
    oops("alloc_stack_too_small", detail="stack size 4096 is too big, max is 1024"),
]

CASES = OBJECT_CASES + THREAD_CASES + SYSCALL_CASES + DYNAMIC_CASES
FAULTS = [case for case in CASES if case.fault is not None]
BOARDS = ["lv_m4", "lv_m33"]


@dataclass(frozen=True)
class Run:
    board: str
    result: RunResult
    image: ElfImage

    def address(self, symbol: str) -> int:
        return self.image.symbols[symbol].address


@pytest.fixture(scope="module", params=BOARDS)
def run(request: pytest.FixtureRequest, builder: Builder) -> Run:
    board: str = request.param
    result = builder.run(APP, board=board)
    return Run(board, result, load_elf(builder.build(APP, board) / "levante.elf"))


def test_the_case_table_is_consistent() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert all(len(case.thread) <= THREAD_NAME_MAX for case in CASES)
    # Every supervisor-only function of the ABI has its case, and the C side's idea of
    # the first invalid number still holds.
    assert {"k_object_access_revoke", "k_object_access_all_grant", "k_object_free",
            "k_thread_user_mode_enter", "k_timer_init", "k_sched_time_slice_set",
            "k_fatal_halt", "k_mem_domain_add_thread"} <= set(SUPERVISOR_ONLY.values())
    assert {case.name for case in CASES if case.name.startswith("sv_")} == set(SUPERVISOR_ONLY)
    assert sorted(call.number for call in SYSCALLS) == list(range(1, SYSCALL_LIMIT))


def test_every_case_passes_and_the_system_runs_on(run: Run) -> None:
    result = run.result
    assert result.status == 0, result.errors
    check_results(result.output, [case.name for case in CASES] + ["runs_on"])
    assert result.events("halt") == []
    assert "Halting system" not in result.output


def test_faults_follow_the_case_table(run: Run) -> None:
    events = run.result.events("fault")
    assert [(event["thread"], event["reason"]) for event in events] == [
        (case.thread, case.fault) for case in FAULTS
    ]
    symbols = {name: f"{symbol.address:#x}" for name, symbol in run.image.symbols.items()
               if name.isidentifier()}
    for case, event in zip(FAULTS, events, strict=True):
        description = str(event["description"])
        assert event["in_isr"] is False, case.name
        if case.detail is not None:
            assert case.detail.format_map(symbols) in description, (case.name, description)
        if case.at is not None:
            assert description.startswith(f"{run.address(case.at):#x}: "), (
                case.name, description)
    # Each fault is reported on the console with its reason and thread.
    reports = re.findall(r"^E: >>> LEVANTE FATAL ERROR (\d+): .*\n(?:E:   .*\n)?"
                         r"E: Current context: thread '(.*)'$", run.result.output, re.MULTILINE)
    assert [(int(number), thread) for number, thread in reports] == [
        (FATAL_REASONS[str(case.fault)], case.thread) for case in FAULTS
    ]


def test_each_fault_aborts_the_faulting_thread(run: Run) -> None:
    """The thread that faulted is the next to exit, and main outlives every case."""
    trace = run.result.trace
    for case in FAULTS:
        fault_at = next(i for i, event in enumerate(trace)
                        if event["event"] == "fault" and event["thread"] == case.thread)
        exit_event = next(event for event in trace[fault_at:] if event["event"] == "thread_exit")
        assert exit_event["thread"] == case.thread, case.name
    exits = [event["thread"] for event in run.result.events("thread_exit")]
    assert exits[-1] == "main"


def test_refused_calls_are_not_served(run: Run) -> None:
    """A call that oopses performs nothing, so the trace has no syscall event for it."""
    served: dict[str, list[str]] = {}
    for event in run.result.events("syscall"):
        served.setdefault(str(event["thread"]), []).append(str(event["call"]))
    for case in SYSCALL_CASES:
        if case.name.startswith("syscall_") and case.fault is not None:
            assert case.name not in served  # lv_syscall is the case's only call
    for case, call in SUPERVISOR_ONLY.items():
        assert call not in served.get(case, []), case
    # str_out_wrapping_size printed its buffer once: the wrapping call printed nothing.
    lines = run.result.output.splitlines()
    assert lines.count("wrapped") == 1
    assert lines.count("k_str_out from a user stack") == 1
    assert "\0" not in run.result.output


def test_user_mode_enter_then_kernel_ram_faults(run: Run) -> None:
    [event] = [e for e in run.result.events("fault") if e["thread"] == "user_mode_enter"]
    assert (event["reason"], event["address"], event["access"]) == (
        CPU_EXCEPTION, run.address("kernel_word"), "read")


def test_freed_objects_are_handed_out_again(run: Run) -> None:
    alloc_events = run.result.events("object_alloc")
    assert alloc_events, "no object_alloc events in the trace"
    # alloc_release_frees: the release freed the first semaphore, the second one got
    # its address; alloc_freed_at_exit: main's allocation reuses the exited thread's.
    by_thread = _allocations_by_thread(run.result)
    first, second = by_thread["alloc_release_frees"]
    assert first == second
    [exited] = by_thread["alloc_freed_at_exit"]
    assert by_thread["main"][:2] == [exited, exited]
    # Every dynamic object lives in the kernel pool, which no user thread can reach.
    pool = run.image.symbols["z_kernel_pool"]
    for event in alloc_events:
        assert pool.address <= event["address"] < pool.address + pool.size


def _allocations_by_thread(result: RunResult) -> dict[str, list[int]]:
    """Addresses each thread got from k_object_alloc*, in order (the trace records an
    allocation right before the syscall event of the call that made it)."""
    by_thread: dict[str, list[int]] = {}
    pending: list[int] = []
    for event in result.trace:
        if event["event"] == "object_alloc":
            pending.append(int(event["address"]))
        elif event["event"] == "syscall" and event["call"] in ("k_object_alloc",
                                                               "k_object_alloc_size"):
            if event["result"]:
                by_thread.setdefault(str(event["thread"]), []).append(pending.pop(0))
    assert not pending
    return by_thread
