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
from levante.kernel.memdomain import MemoryDomain
from levante.kernel.syscalls.registry import syscall
from levante.kernel.userspace import UserSpace

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.kernel import Kernel

EINVAL = -ERRNO["EINVAL"]


def _userspace(kernel: Kernel) -> UserSpace:
    assert kernel.userspace is not None  # the ABI table requires CONFIG_USERSPACE
    return kernel.userspace


def _domain(kernel: Kernel, address: int) -> MemoryDomain | None:
    return _userspace(kernel).domains.get(address)


@syscall("k_mem_domain_init")
def k_mem_domain_init(kernel: Kernel, caller: Caller, domain: int, num_parts: int,
                      parts: int) -> int:
    userspace = _userspace(kernel)
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
    if existing is None:
        userspace.domains[domain] = fresh
        return 0
    return 0 if userspace.change_partitions(existing, fresh.partitions) else EINVAL


@syscall("k_mem_domain_add_partition")
def k_mem_domain_add_partition(kernel: Kernel, caller: Caller, domain: int, part: int) -> int:
    userspace = _userspace(kernel)
    target = _domain(kernel, domain)
    if target is None or part == 0:
        return EINVAL
    partition = userspace.read_partition(part)
    error = userspace.rules.partition_error(target, partition)
    if error:
        return error
    if len(target.partitions) >= userspace.rules.max_partitions:
        return -ERRNO["ENOSPC"]
    if not userspace.change_partitions(target, [*target.partitions, partition]):
        return EINVAL
    kernel.trace("partition_add", domain=domain, start=partition.start, size=partition.size)
    return 0


@syscall("k_mem_domain_remove_partition")
def k_mem_domain_remove_partition(kernel: Kernel, caller: Caller, domain: int,
                                  part: int) -> int:
    userspace = _userspace(kernel)
    target = _domain(kernel, domain)
    if target is None or part == 0:
        return EINVAL
    wanted = userspace.read_partition(part)
    remaining = [p for p in target.partitions
                 if (p.start, p.size) != (wanted.start, wanted.size)]
    if len(remaining) == len(target.partitions):
        return -ERRNO["ENOENT"]
    userspace.change_partitions(target, remaining)
    kernel.trace("partition_remove", domain=domain, start=wanted.start, size=wanted.size)
    return 0


@syscall("k_mem_domain_add_thread")
def k_mem_domain_add_thread(kernel: Kernel, caller: Caller, domain: int, thread: int) -> int:
    target = _domain(kernel, domain)
    if target is None:
        return EINVAL
    member = kernel.thread_at(thread)
    if not member.is_alive():
        raise Oops(f"{thread:#x} is not a live thread")
    return 0 if _userspace(kernel).move_to_domain(member, target) else EINVAL
