"""Memory protection of user threads on the target (Zephyr's mem_protect suites).

tests/target/user_memory: what a K_USER thread may touch (its stack, its domain's
partitions with their user rights, flash for reading and executing) and the CPU
exception any other access raises.  tests/target/user_domains: the k_mem_domain_* API,
its refusals and limits, partitions removed under a running thread, inheritance and
migration between domains, and user threads calling supervisor-only functions.

Both run on lv_m4 (ARMv7-M MPU, 8 power-of-two regions) and lv_m33 (ARMv8-M, 16 regions
on a 32-byte grid).  Each program prints its own PASS/FAIL lines; here the fault events of
the trace are checked against the image: the faulting address must be the symbol (or the
address the program printed) that the case aimed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from target_support import check_results, function_range

from conftest import TARGET_TESTS, Builder, RunResult
from levante.config import Config
from levante.config.board import load_board
from levante.image.elf import Symbol, load_elf

BOARDS = ["lv_m4", "lv_m33"]
FIXED_REGIONS = 2  # every user thread's code/rodata and stack regions
CPU_EXCEPTION = "K_ERR_CPU_EXCEPTION"
KERNEL_OOPS = "K_ERR_KERNEL_OOPS"
DESCRIPTIONS = {
    "read": "MPU fault: data read access violation",
    "write": "MPU fault: data write access violation",
    "execute": "MPU fault: instruction access violation",
}


@dataclass(frozen=True)
class Run:
    """One application built and run on one board."""

    board: str
    build_dir: Path
    result: RunResult

    @property
    def symbols(self) -> dict[str, Symbol]:
        return load_elf(self.build_dir / "levante.elf").symbols

    @property
    def config(self) -> Config:
        return Config.from_dotconfig(self.build_dir / ".config")

    def address(self, name: str) -> int:
        return self.symbols[name].address

    def printed(self, tag: str) -> dict[str, int]:
        """The "<tag> <name> <number>" lines of the console."""
        return {name: int(value, 0) for name, value in
                re.findall(rf"^{tag} (\w+) (\S+)$", self.result.output, re.MULTILINE)}

    def faults(self) -> dict[str, dict[str, object]]:
        events = self.result.events("fault")
        by_thread = {str(event["thread"]): event for event in events}
        assert len(by_thread) == len(events), "a thread faulted twice"
        return by_thread


def _run(builder: Builder, app: str, board: str) -> Run:
    build_dir = builder.build(TARGET_TESTS / app, board)
    return Run(board, build_dir, builder.run(TARGET_TESTS / app, board=board))


@pytest.fixture(scope="module", params=BOARDS)
def user_memory(request: pytest.FixtureRequest, builder: Builder) -> Run:
    return _run(builder, "user_memory", request.param)


@pytest.fixture(scope="module", params=BOARDS)
def user_domains(request: pytest.FixtureRequest, builder: Builder) -> Run:
    return _run(builder, "user_domains", request.param)


# ---- user_memory ------------------------------------------------------------------------

# Case (the thread's name) -> the access that faults, or None if the case may do it all.
USER_MEMORY_CASES: dict[str, str | None] = {
    "read_kernel_ram": "read",
    "write_kernel_ram": "write",
    "read_kernel_object": "read",
    "read_rodata": None,
    "write_rodata": "write",
    "write_text": "write",
    "read_other_stack": "read",
    "write_other_stack": "write",
    "read_priv_stack": "read",
    "write_priv_stack": "write",
    "exec_partition": "execute",
    "exec_stack": "execute",
    "exec_heap": "execute",
    "exec_rx_partition": None,
    "exec_past_rx_partition": "execute",  # the next granule, on the same 1 KiB page
    "partition_last_byte": None,
    "partition_past_end": "read",
    "write_control": "read",
    "user_mode_enter": "read",
    "partition_rw": None,
    "partition_bss_zeroed": None,
    "ro_partition_read": None,
    "ro_partition_write": "write",
    "domain_a_isolated": "read",
    "domain_b_isolated": "read",
}
FAULTING = [name for name, access in USER_MEMORY_CASES.items() if access is not None]

# The function whose code makes each data access (the thread's pc at the fault).
FAULTING_FUNCTION = {
    "read_other_stack": "read_at_arg",
    "write_other_stack": "write_at_arg",
    "read_priv_stack": "read_at_arg",
    "write_priv_stack": "write_at_arg",
    "user_mode_enter": "entered_user_mode",
}


def _edge_partition(run: Run) -> tuple[int, int]:
    return (run.address("z_data_smem_edge_part_part_start"),
            run.address("z_data_smem_edge_part_part_size"))


def _expected_fault_addresses(run: Run) -> dict[str, int]:
    """Where each faulting case's access lands, from the image and the printed addresses
    (those the program only learns at run time)."""
    symbols, printed = run.symbols, run.printed("ADDR")
    kernel_ram = symbols["kernel_ram_word"].address
    bystander = symbols["bystander_stack"]
    edge_start, edge_size = _edge_partition(run)
    return {
        "read_kernel_ram": kernel_ram,
        "write_kernel_ram": kernel_ram,
        "read_kernel_object": symbols["kernel_sem"].address,
        "write_rodata": symbols["kernel_rodata_word"].address,
        "write_text": symbols["text_target"].address & ~1,
        # k_thread.stack_info.start is the stack object; the write aims at its top word.
        "read_other_stack": bystander.address,
        "write_other_stack": bystander.address + bystander.size - 4,
        "read_priv_stack": printed["read_priv_stack"],
        "write_priv_stack": printed["write_priv_stack"],
        "exec_partition": symbols["partition_code"].address,
        "exec_stack": printed["exec_stack"],
        "exec_heap": printed["exec_heap"],
        "exec_past_rx_partition": symbols["rx_code"].address + 32,
        "partition_past_end": edge_start + edge_size,
        "write_control": kernel_ram,
        "user_mode_enter": kernel_ram,
        "ro_partition_write": symbols["ro_buffer"].address + symbols["ro_buffer"].size - 1,
        "domain_a_isolated": symbols["b_word"].address,
        "domain_b_isolated": symbols["a_word"].address,
    }


def test_user_memory_cases_pass(user_memory: Run) -> None:
    result = user_memory.result
    assert result.status == 0, result.errors
    check_results(result.output, [*USER_MEMORY_CASES, "runs_on"])
    assert result.events("halt") == []
    # Each case thread ended (by its fault or by returning), then the bystander and main.
    exits = [event["thread"] for event in result.events("thread_exit")]
    assert exits == [*USER_MEMORY_CASES, "bystander", "main"]


def test_forbidden_accesses_fault_at_their_address(user_memory: Run) -> None:
    faults = user_memory.faults()
    assert list(faults) == FAULTING  # and no other thread faulted
    expected = _expected_fault_addresses(user_memory)
    for name in FAULTING:
        event, access = faults[name], USER_MEMORY_CASES[name]
        assert access is not None
        assert (event["reason"], event["access"], event["address"]) == (
            CPU_EXCEPTION, access, expected[name]), name
        assert event["description"] == DESCRIPTIONS[access], name
        assert event["in_isr"] is False
        if access == "execute":
            assert event["pc"] == expected[name], name  # the fetch itself faulted
        else:
            function = FAULTING_FUNCTION.get(name, name)
            assert event["pc"] in function_range(user_memory.build_dir, function), name


def test_runtime_addresses_are_the_intended_memory(user_memory: Run) -> None:
    symbols, printed = user_memory.symbols, user_memory.printed("ADDR")
    # The other thread's stack_info, read by main, is that thread's stack object.
    bystander = symbols["bystander_stack"]
    assert printed["read_other_stack"] == bystander.address
    assert printed["write_other_stack"] == bystander.address + bystander.size - 4
    # arch.priv_stack_start is a slot of z_priv_stacks (kernel RAM), start and top word.
    stacks = symbols["z_priv_stacks"]
    slot_size = -(-user_memory.config.get_int("PRIVILEGED_STACK_SIZE") // 32) * 32
    read_offset = printed["read_priv_stack"] - stacks.address
    write_offset = printed["write_priv_stack"] + 4 - stacks.address
    assert 0 <= read_offset < stacks.size and read_offset % slot_size == 0
    assert 0 < write_offset <= stacks.size and write_offset % slot_size == 0
    # The code on the thread's own stack, and in main's malloc block (with user mode,
    # malloc's arena is in the C library's partition).
    case_stack = symbols["case_stack"]
    assert case_stack.address <= printed["exec_stack"] < case_stack.address + case_stack.size
    arena = symbols["libc_arena"]
    assert arena.address <= printed["exec_heap"] < arena.address + arena.size


def test_partition_boundary_follows_the_mpu(user_memory: Run) -> None:
    """edge_part holds 76 bytes: 96 on ARMv8-M's 32-byte grid, 128 (a power of two aligned
    to itself) on ARMv7-M.  Its last byte is usable and the next one faults."""
    symbols = user_memory.symbols
    contents = symbols["edge_bytes"].size + symbols["edge_reached"].size
    start, size = _edge_partition(user_memory)
    if load_board(user_memory.board).mpu_model == "armv7m":
        assert size == 1 << (contents - 1).bit_length() == 128
        assert start % size == 0
    else:
        assert size == -(-contents // 32) * 32 == 96
        assert start % 32 == 0
    assert user_memory.faults()["partition_past_end"]["address"] == start + size
    assert "partition_last_byte" not in user_memory.faults()


# ---- user_domains -----------------------------------------------------------------------

USER_DOMAINS_CHECKS = [
    "init_empty", "add_rwx_einval", "add_writable_executable_einval", "add_rx_ok",
    "remove_rx_ok", "add_zero_size_einval", "add_wrapping_einval", "add_null_einval",
    "add_ok", "add_same_again_einval", "add_overlap_einval", "add_100_bytes_einval",
    "add_96_bytes", "add_64_bytes_32_aligned", "remove_not_member_enoent",
    "remove_zero_size_enoent", "remove_ok", "remove_again_enoent", "add_after_remove_ok",
    "full_init_empty", "domain_full_enospc", "domain_full_limit", "full_remove_ok",
    "full_add_after_remove_ok", "init_max_ok", "init_too_many_einval",
    "init_null_domain_einval", "init_null_parts_einval", "init_null_entry_einval",
    "init_overlap_einval",
    "loop_init", "looper_ran", "remove_running_ok", "looper_ended", "looper_faulted",
    "looper_stopped_at_once", "readd_ok", "readded_partition_usable",
    "readded_partition_written",
    "parent_init", "parent_ended", "family_no_fault", "parent_created_child",
    "parent_joined_child", "child_user_mode", "child_uses_parent_partition",
    "parent_finished",
    "old_init", "new_init", "migrant_used_old_domain", "migrate_ok", "migrant_ended",
    "migrant_used_new_domain", "migrant_lost_old_domain",
    "user_add_partition_oops", "user_add_partition_no_effect", "user_remove_partition_oops",
    "user_remove_partition_no_effect", "user_add_thread_oops", "user_init_oops",
    "user_init_no_effect", "user_revoke_oops",
    "runs_on",
]
# Accepted on ARMv8-M only, which then removes them again.
ARMV8M_ONLY_CHECKS = ["remove_96_bytes", "remove_64_bytes_32_aligned"]

# User thread -> the function it called, which is not a system call.
SUPERVISOR_ONLY_CALLS = {
    "user_add_partition_oops": "k_mem_domain_add_partition",
    "user_remove_partition_oops": "k_mem_domain_remove_partition",
    "user_add_thread_oops": "k_mem_domain_add_thread",
    "user_init_oops": "k_mem_domain_init",
    "user_revoke_oops": "k_object_access_revoke",
}


def test_user_domains_checks_pass(user_domains: Run) -> None:
    result = user_domains.result
    assert result.status == 0, result.errors
    expected = list(USER_DOMAINS_CHECKS)
    if load_board(user_domains.board).mpu_model == "armv8m":
        expected += ARMV8M_ONLY_CHECKS
    check_results(result.output, expected)
    assert result.events("halt") == []


def test_domain_partition_limit(user_domains: Run) -> None:
    """min(CONFIG_MAX_DOMAIN_PARTITIONS, MPU regions - code - stack): 6 on lv_m4 (its MPU),
    10 on lv_m33 (the prj.conf option, below the 14 its MPU could hold)."""
    configured = user_domains.config.get_int("MAX_DOMAIN_PARTITIONS")
    regions = load_board(user_domains.board).mpu_regions
    limit = min(configured, regions - FIXED_REGIONS)
    assert user_domains.printed("INFO") == {"max_partitions": limit}
    assert limit == {"lv_m4": 6, "lv_m33": 10}[user_domains.board]
    # Each add that succeeded is in the trace: the limit, then one more after a removal.
    full_domain = user_domains.address("full_domain")
    added = [event for event in user_domains.result.events("partition_add")
             if event["domain"] == full_domain]
    assert len(added) == limit + 1


def test_domain_fault_events(user_domains: Run) -> None:
    faults = user_domains.faults()
    assert list(faults) == ["looper", "migrant", *SUPERVISOR_ONLY_CALLS]
    # The migrant, moved out of old_domain, writes old_part's word.
    migrant = faults["migrant"]
    assert (migrant["reason"], migrant["access"], migrant["address"]) == (
        CPU_EXCEPTION, "write", user_domains.address("old_word"))
    assert migrant["pc"] in function_range(user_domains.build_dir, "migrant_entry")
    for thread, call in SUPERVISOR_ONLY_CALLS.items():
        assert faults[thread]["reason"] == KERNEL_OOPS, thread
        assert call in str(faults[thread]["description"]), thread
        assert "address" not in faults[thread]
    # None of those calls was served.
    served = [event for event in user_domains.result.events("syscall")
              if event["thread"] in SUPERVISOR_ONLY_CALLS]
    assert {event["call"] for event in served} == {"k_current_get"}  # their arguments


def test_removed_partition_faults_the_running_thread_at_once(user_domains: Run) -> None:
    trace = user_domains.result.trace
    loop_start = user_domains.address("z_data_smem_loop_part_part_start")
    loop_size = user_domains.address("z_data_smem_loop_part_part_size")
    removal = next(i for i, event in enumerate(trace)
                   if event["event"] == "partition_remove" and event["start"] == loop_start)
    assert trace[removal]["size"] == loop_size
    assert trace[removal]["domain"] == user_domains.address("loop_domain")
    fault = next(i for i, event in enumerate(trace)
                 if event["event"] == "fault" and event["thread"] == "looper")
    assert removal < fault
    # From the removal on, the looper did nothing but get the CPU back and fault.
    looper_events = [event["event"] for event in trace[removal:fault]
                     if "looper" in (event.get("thread"), event.get("to"), event.get("from"))]
    assert looper_events == ["switch"]
    event = trace[fault]
    # Its loop increments loop_counter: preempted between the load and the store, the
    # store is the access that faults, otherwise the load.
    assert event["reason"] == CPU_EXCEPTION
    assert event["address"] == user_domains.address("loop_counter")
    assert event["access"] in ("read", "write")
    assert event["pc"] in function_range(user_domains.build_dir, "looper_entry")


def test_child_thread_inherits_the_domain(user_domains: Run) -> None:
    events = user_domains.result.trace
    child = user_domains.address("child_thread")
    created = [event for event in events
               if event["event"] == "syscall" and event["call"] == "k_thread_create"
               and event["thread"] == "parent"]
    assert [event["result"] for event in created] == [child]
    exits = [event["thread"] for event in user_domains.result.events("thread_exit")]
    assert exits.index("child") == exits.index("parent") - 1
    assert not {"parent", "child"} & set(user_domains.faults())
