"""Fatal errors on the target: recoverable faults in threads, and the cases that halt.

tests/target/faults: a returning k_sys_fatal_error_handler; each fault runs in its own
thread, which alone is aborted (Zephyr's z_fatal_error policy), and the system runs on.
The other applications halt: the default handler, an essential thread, an ISR.
"""

from __future__ import annotations

import re
import struct

import pytest
from target_support import check_results, function_range

from conftest import TARGET_TESTS, Builder, RunResult
from levante.arch.cortex_m.thumb import is_divide
from levante.image.elf import load_elf

UNMAPPED = 0x6000_0000

# Case name (also the faulting thread's name) → fatal reason the handler must see.
FAULT_CASES = {
    "oops": "K_ERR_KERNEL_OOPS",
    "assert": "K_ERR_KERNEL_PANIC",
    "udf": "K_ERR_CPU_EXCEPTION",
    "udf_w": "K_ERR_CPU_EXCEPTION",
    "read_unmapped": "K_ERR_CPU_EXCEPTION",
    "write_unmapped": "K_ERR_CPU_EXCEPTION",
    "exec_unmapped": "K_ERR_CPU_EXCEPTION",
    "divide_by_zero": "K_ERR_CPU_EXCEPTION",
    "syscall_0": "K_ERR_KERNEL_OOPS",
    "syscall_int_max": "K_ERR_KERNEL_OOPS",
    "syscall_uint_max": "K_ERR_KERNEL_OOPS",
    "syscall_0x80000000": "K_ERR_KERNEL_OOPS",
    "sem_give_non_object": "K_ERR_KERNEL_OOPS",
}
REASON_NUMBERS = {"K_ERR_CPU_EXCEPTION": 0, "K_ERR_KERNEL_OOPS": 3, "K_ERR_KERNEL_PANIC": 4}


@pytest.fixture(scope="module", params=["lv_m4", "lv_m33"])
def faults(request: pytest.FixtureRequest, builder: Builder) -> tuple[RunResult, str]:
    board = request.param
    return builder.run(TARGET_TESTS / "faults", board=board), board


def _fault_events(result: RunResult) -> dict[str, dict[str, object]]:
    events = result.events("fault")
    assert [event["thread"] for event in events] == list(FAULT_CASES)
    return {str(event["thread"]): event for event in events}


def test_every_fault_is_handled_and_the_system_runs_on(faults: tuple[RunResult, str]) -> None:
    result, _ = faults
    assert result.status == 0, result.errors
    check_results(result.output, [*FAULT_CASES, "runs_on"], end_marker="all faults handled")
    assert result.events("halt") == []
    assert "Halting system" not in result.output
    # The handler ran once per fault and saw the reason; each faulting thread exited.
    handler_lines = re.findall(r"^HANDLER reason=(\d+) pc=", result.output, re.MULTILINE)
    assert [int(reason) for reason in handler_lines] == [
        REASON_NUMBERS[reason] for reason in FAULT_CASES.values()
    ]
    exits = [event["thread"] for event in result.events("thread_exit")]
    assert exits == [*FAULT_CASES, "main"]


def test_fault_reasons_and_report_in_trace_and_console(faults: tuple[RunResult, str]) -> None:
    result, _ = faults
    events = _fault_events(result)
    for name, reason in FAULT_CASES.items():
        assert events[name]["reason"] == reason, name
        assert events[name]["in_isr"] is False
    number = REASON_NUMBERS
    assert result.output.count(f"E: >>> LEVANTE FATAL ERROR {number['K_ERR_KERNEL_OOPS']}: "
                               "Kernel oops on CPU 0") == 6
    assert result.output.count("E: >>> LEVANTE FATAL ERROR 4: Kernel panic on CPU 0") == 1
    assert result.output.count("E: >>> LEVANTE FATAL ERROR 0: CPU exception on CPU 0") == 6
    assert "E: Current context: thread 'divide_by_zero'" in result.output
    assert "ASSERTION FAIL [assert_value == 1] @ " in result.output
    assert "\tassert_value is 2" in result.output


def test_memory_faults_report_address_and_access(faults: tuple[RunResult, str]) -> None:
    result, _ = faults
    events = _fault_events(result)
    expected = {
        "read_unmapped": (UNMAPPED, "read", "read from unmapped memory"),
        "write_unmapped": (UNMAPPED + 4, "write", "write to unmapped memory"),
        "exec_unmapped": (UNMAPPED + 8, "execute", "instruction fetch from unmapped memory"),
    }
    for name, (address, access, description) in expected.items():
        event = events[name]
        assert (event["address"], event["access"], event["description"]) == (
            address, access, description), name
    assert events["exec_unmapped"]["pc"] == UNMAPPED + 8
    assert "E:   Faulting read address: 0x60000000" in result.output
    assert "E:   Faulting write address: 0x60000004" in result.output
    assert "E:   Faulting execute address: 0x60000008" in result.output
    for name in ("oops", "udf", "divide_by_zero", "syscall_0"):
        assert "address" not in events[name] and "access" not in events[name], name


def test_fault_pcs_point_at_the_faulting_code(faults: tuple[RunResult, str],
                                              builder: Builder) -> None:
    result, board = faults
    build_dir = builder.build(TARGET_TESTS / "faults", board)
    events = _fault_events(result)
    assert events["udf"]["pc"] == function_range(build_dir, "do_udf").start
    assert events["udf_w"]["pc"] == function_range(build_dir, "do_udf_w").start
    assert events["read_unmapped"]["pc"] in function_range(build_dir, "do_read_unmapped")
    assert events["write_unmapped"]["pc"] in function_range(build_dir, "do_write_unmapped")
    # Division by zero traps on the SDIV itself (CCR.DIV_0_TRP).
    divide_pc = events["divide_by_zero"]["pc"]
    assert divide_pc in function_range(build_dir, "do_divide_by_zero")
    assert events["divide_by_zero"]["description"] == "divide by zero"
    image = load_elf(build_dir / "levante.elf")
    segment = next(s for s in image.segments
                   if s.address <= divide_pc < s.address + len(s.data))
    offset = int(divide_pc) - segment.address
    first, second = struct.unpack_from("<HH", segment.data, offset)
    assert is_divide(first, second)
    # k_oops() reports the return address of its SVC (which ends the noreturn function).
    oops = function_range(build_dir, "do_oops")
    assert oops.start < int(events["oops"]["pc"]) <= oops.stop
    # The exception frame handed to k_sys_fatal_error_handler carries the same pc.
    handler_pcs = re.findall(r"^HANDLER reason=\d+ pc=(0x[0-9a-f]+)$", result.output,
                             re.MULTILINE)
    assert [int(pc, 16) for pc in handler_pcs] == [events[name]["pc"] for name in FAULT_CASES]


def test_bad_system_calls_are_oopses(faults: tuple[RunResult, str]) -> None:
    result, _ = faults
    events = _fault_events(result)
    numbers = {"syscall_0": 0, "syscall_int_max": 0x7FFFFFFF,
               "syscall_uint_max": 0xFFFFFFFF, "syscall_0x80000000": 0x80000000}
    for name, number in numbers.items():
        assert events[name]["description"] == f"invalid system call number {number:#x}"
    assert "is not a kernel object, expected a Semaphore" in str(
        events["sem_give_non_object"]["description"])
    # None of them was served: no syscall event from those threads.
    served = {event["thread"] for event in result.events("syscall")}
    assert not served & {*numbers, "sem_give_non_object"}


def test_default_handler_halts(builder: Builder) -> None:
    result = builder.run(TARGET_TESTS / "fault_halt")
    assert result.status == 1
    lines = result.output.splitlines()
    assert "before oops" in lines
    assert "E: >>> LEVANTE FATAL ERROR 3: Kernel oops on CPU 0" in lines
    assert "E: Current context: thread 'main'" in lines
    # Zephyr's own line, which its tests' harnesses match.
    assert any(re.fullmatch(r"E: Current thread: 0x2[0-9a-f]{7} \(main\)", line)
               for line in lines)
    assert lines[-1] == "E: Halting system"
    assert not any(line.startswith("FAIL") for line in lines)
    [fault] = result.events("fault")
    assert (fault["thread"], fault["reason"]) == ("main", "K_ERR_KERNEL_OOPS")
    assert [event["reason"] for event in result.events("halt")] == [3]
    # The default handler halts through k_fatal_halt(), from interrupt context; nothing
    # runs after it.
    halt_at = next(i for i, event in enumerate(result.trace) if event["event"] == "halt")
    assert [(event["event"], event.get("call"), event.get("thread"))
            for event in result.trace[halt_at + 1:]] == [("syscall", "k_fatal_halt", "isr")]
    # The ready, less important thread never got to run.
    assert all(event["to"] != "bystander" for event in result.events("switch"))


def test_fault_in_essential_thread_halts_despite_returning_handler(builder: Builder) -> None:
    result = builder.run(TARGET_TESTS / "fault_essential")
    assert result.status == 1
    lines = result.output.splitlines()
    assert "HANDLER reason=3" in lines
    assert "E: Current context: thread 'essential'" in lines
    assert lines[-2:] == ["E: Attempted to recover from a fatal error in an essential thread",
                          "E: Halting system"]
    assert not any(line.startswith("FAIL") for line in lines)
    [fault] = result.events("fault")
    assert (fault["thread"], fault["reason"]) == ("essential", "K_ERR_KERNEL_OOPS")
    assert [event["reason"] for event in result.events("halt")] == [3]
    assert "essential" not in [event["thread"] for event in result.events("thread_exit")]


def test_fault_in_isr_halts_despite_returning_handler(builder: Builder) -> None:
    result = builder.run(TARGET_TESTS / "fault_isr")
    assert result.status == 1
    lines = result.output.splitlines()
    assert "expiry in_isr=1" in lines
    assert "HANDLER reason=0 in_isr=1" in lines
    assert "E: Current context: ISR" in lines
    assert "E:   Faulting read address: 0x60000010" in lines
    assert lines[-2:] == ["E: Attempted to recover from a fatal error in an ISR",
                          "E: Halting system"]
    assert not any(line.startswith("FAIL") for line in lines)
    [fault] = result.events("fault")
    assert fault["in_isr"] is True
    assert (fault["reason"], fault["address"], fault["access"]) == (
        "K_ERR_CPU_EXCEPTION", UNMAPPED + 0x10, "read")
    assert [event["function"] for event in result.events("isr")][0] == "timer expiry"
    assert [event["reason"] for event in result.events("halt")] == [0]
