"""k_mem_slab_* (kernel functions, supervisor-only as in Zephyr): blocks handed out,
waited for with a timeout, and given back, straight to the best waiter if one waits.

After every change the kernel mirrors the slab's counts into `info` (num_blocks,
block_size, num_used, max_used), which Zephyr's inline getters read (kernel.h)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS, STRUCT_SIZES
from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.objects.mem_slab import WORD_BYTES, MemSlab, slab_problem
from levante.kernel.syscalls.delivery import deliver_to_waiter
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.usermem import UserBuffer

NULL = 0


def _mirror(kernel: Services, slab: MemSlab) -> None:
    for name, value in (("buffer", slab.buffer), ("num_blocks", slab.num_blocks),
                        ("block_size", slab.block_size), ("num_used", slab.num_used),
                        ("max_used", slab.max_used)):
        kernel.memory.kernel_write_u32(slab.address + FIELD_OFFSETS[f"k_mem_slab.{name}"],
                                       value)


def _address(block: int) -> bytes:
    return block.to_bytes(WORD_BYTES, "little")


def _valid_init(kernel: Inspect, caller: Caller, slab: int, buffer: int, block_size: int,
                num_blocks: int) -> int | Plan:
    """Zephyr's -EINVAL comes first; then the blocks must be memory the caller could
    write, and the structure memory the kernel may write (it mirrors `info` there)."""
    kernel.memory.check_privileged(caller, slab, STRUCT_SIZES["k_mem_slab"],
                                   AccessKind.WRITE)
    if slab_problem(buffer, block_size) is not None:
        return -ERRNO["EINVAL"]
    kernel.memory.check_array(caller, buffer, num_blocks, block_size, AccessKind.WRITE)
    return slab, buffer, block_size, num_blocks


@syscall("k_mem_slab_init", validate=_valid_init)
def k_mem_slab_init(kernel: Services, caller: Caller, address: int, buffer: int,
                    block_size: int, num_blocks: int) -> int:
    slab = MemSlab(address, buffer, block_size, num_blocks)
    kernel.objects.initialise(caller, address, slab)
    _mirror(kernel, slab)
    return 0


def _valid_alloc(kernel: Inspect, caller: Caller, slab: MemSlab, mem: int,
                 timeout: int) -> Plan:
    return slab, kernel.memory.buffer(caller, mem, WORD_BYTES, AccessKind.WRITE), timeout


@syscall("k_mem_slab_alloc", validate=_valid_alloc)
def k_mem_slab_alloc(kernel: Services, caller: Caller, slab: MemSlab, mem: UserBuffer,
                     timeout: int) -> int | Blocked:
    block = slab.take()
    if block is not None:
        mem.write(_address(block))
        _mirror(kernel, slab)
        return 0
    if timeout == 0:
        mem.write(_address(NULL))
        return -ERRNO["ENOMEM"]
    # *mem is left alone when the wait times out, as in Zephyr.
    return kernel.pend(caller, slab.waiters, timeout, -ERRNO["EAGAIN"], wait_data=mem)


def _valid_free(kernel: Inspect, caller: Caller, slab: MemSlab, mem: int) -> Plan:
    """Zephyr asserts the block is one of the slab's; Levante refuses, with the block
    freed twice too, so the same block is never handed out to two owners."""
    if mem not in slab.in_use:
        raise Oops(f"k_mem_slab_free: {mem:#x} is not a block of this slab in use")
    return slab, mem


@syscall("k_mem_slab_free", validate=_valid_free)
def k_mem_slab_free(kernel: Services, caller: Caller, slab: MemSlab, mem: int) -> None:
    if deliver_to_waiter(kernel, slab.waiters, _address(mem)):
        return  # the block goes straight to its next owner: still in use
    slab.give_back(mem)
    _mirror(kernel, slab)


@syscall("z_mem_slab_stats_reset_max")
def z_mem_slab_stats_reset_max(kernel: Services, caller: Caller, slab: MemSlab) -> int:
    slab.max_used = slab.num_used
    _mirror(kernel, slab)
    return 0
