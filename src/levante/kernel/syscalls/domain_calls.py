"""k_mem_domain_* (supervisor-only kernel functions in Zephyr): domains and partitions.

Zephyr's rules for a partition joining a domain: refused (-EINVAL) when it is both
writable and executable under CONFIG_EXECUTE_XOR_WRITE, empty, wraps around the address
space, overlaps a partition already there, or cannot be an MPU region; -ENOSPC when the
domain has no free slot.  Every thread of the domain sees the change at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel.fatal import Oops
from levante.kernel.memdomain import MemoryDomain, Partition
from levante.kernel.syscalls.registry import syscall
from levante.kernel.thread import Thread
from levante.kernel.userspace import UserSpace

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services, UserSpaceQueries
    from levante.kernel.syscalls.registry import Plan

EINVAL = -ERRNO["EINVAL"]


def _userspace(kernel: Services) -> UserSpace:
    assert kernel.userspace is not None  # the ABI table requires CONFIG_USERSPACE
    return kernel.userspace


def _domains(kernel: Inspect) -> UserSpaceQueries:
    assert kernel.userspace is not None  # the ABI table requires CONFIG_USERSPACE
    return kernel.userspace


def _domain(kernel: Inspect, address: int) -> MemoryDomain | None:
    return _domains(kernel).domains.get(address)


def _valid_domain_init(kernel: Inspect, caller: Caller, domain: int, num_parts: int,
                       parts: int) -> int | Plan:
    """Every partition is read and judged before the domain is made or changed."""
    userspace = _domains(kernel)
    if domain == 0 or num_parts > userspace.rules.max_partitions or (num_parts and not parts):
        return EINVAL
    fresh = MemoryDomain(domain)
    for address in kernel.memory.read_words(caller, parts, num_parts):
        if address == 0:
            return EINVAL
        partition = userspace.read_partition(address)
        error = userspace.rules.partition_error(fresh, partition)
        if error:
            return error
        fresh.partitions.append(partition)
    existing = userspace.domains.get(domain)
    if existing is not None and not userspace.partitions_fit(existing, fresh.partitions):
        return EINVAL
    return fresh, existing


@syscall("k_mem_domain_init", validate=_valid_domain_init)
def k_mem_domain_init(kernel: Services, caller: Caller, fresh: MemoryDomain,
                      existing: MemoryDomain | None) -> int:
    userspace = _userspace(kernel)
    if existing is None:
        userspace.domains[fresh.address] = fresh
    else:
        userspace.change_partitions(existing, fresh.partitions)
    return 0


def _valid_add_partition(kernel: Inspect, caller: Caller, domain: int,
                         part: int) -> int | Plan:
    userspace = _domains(kernel)
    target = _domain(kernel, domain)
    if target is None or part == 0:
        return EINVAL
    partition = userspace.read_partition(part)
    error = userspace.rules.partition_error(target, partition)
    if error:
        return error
    if len(target.partitions) >= userspace.rules.max_partitions:
        return -ERRNO["ENOSPC"]
    partitions = [*target.partitions, partition]
    if not userspace.partitions_fit(target, partitions):
        return EINVAL
    return target, partitions, partition


@syscall("k_mem_domain_add_partition", validate=_valid_add_partition)
def k_mem_domain_add_partition(kernel: Services, caller: Caller, target: MemoryDomain,
                               partitions: list[Partition], added: Partition) -> int:
    _userspace(kernel).change_partitions(target, partitions)
    kernel.trace("partition_add", domain=target.address, start=added.start, size=added.size)
    return 0


def _valid_remove_partition(kernel: Inspect, caller: Caller, domain: int,
                            part: int) -> int | Plan:
    userspace = _domains(kernel)
    target = _domain(kernel, domain)
    if target is None or part == 0:
        return EINVAL
    wanted = userspace.read_partition(part)
    remaining = [p for p in target.partitions
                 if (p.start, p.size) != (wanted.start, wanted.size)]
    if len(remaining) == len(target.partitions):
        return -ERRNO["ENOENT"]
    if not userspace.partitions_fit(target, remaining):
        return EINVAL
    return target, remaining, wanted


@syscall("k_mem_domain_remove_partition", validate=_valid_remove_partition)
def k_mem_domain_remove_partition(kernel: Services, caller: Caller, target: MemoryDomain,
                                  remaining: list[Partition], removed: Partition) -> int:
    _userspace(kernel).change_partitions(target, remaining)
    kernel.trace("partition_remove", domain=target.address, start=removed.start,
                 size=removed.size)
    return 0


def _valid_add_thread(kernel: Inspect, caller: Caller, domain: int, thread: int) -> int | Plan:
    target = _domain(kernel, domain)
    if target is None:
        return EINVAL
    member = kernel.thread_at(thread)
    if not member.is_alive():
        raise Oops(f"{thread:#x} is not a live thread")
    if not _domains(kernel).fits(member, target.partitions):
        return EINVAL
    return member, target


@syscall("k_mem_domain_add_thread", validate=_valid_add_thread)
def k_mem_domain_add_thread(kernel: Services, caller: Caller, member: Thread,
                            target: MemoryDomain) -> int:
    _userspace(kernel).move_to_domain(member, target)
    return 0


@syscall("arch_mem_domain_max_partitions_get")
def arch_mem_domain_max_partitions_get(kernel: Services, caller: Caller) -> int:
    """How many partitions a domain may hold: what the MPU has left after the fixed
    regions and a thread's stack, or CONFIG_MAX_DOMAIN_PARTITIONS when lower."""
    return 0 if kernel.userspace is None else kernel.userspace.rules.max_partitions
