"""What both pipe APIs share: moving bytes through the ring, into a waiting reader's
destination, and ending a waiter's transfer; the structure's mirror."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from levante.abi import FIELD_OFFSETS, STRUCT_SIZES
from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.objects.pipe import NULL, Pipe, PipeReader, PipeWriter

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.thread import Thread

FLAG_ALLOC = 1  # Zephyr 3.7's K_PIPE_FLAG_ALLOC: the ring came from k_pipe_alloc_init
FLAG_OPEN = 1  # Zephyr 4.1's PIPE_FLAG_OPEN
WORD_BYTES = 4


def mirror(kernel: Services, pipe: Pipe) -> None:
    """Zephyr's fields, as C code reads them: the ring, its indices and the flags."""
    if kernel.config.pipes:
        flags = FLAG_ALLOC if pipe.allocated is not None else 0
    else:
        flags = FLAG_OPEN if pipe.is_open else 0
    words = (pipe.buffer, pipe.size, pipe.used, pipe.read_index, pipe.write_index)
    data = b"".join(word.to_bytes(WORD_BYTES, "little") for word in words)
    assert FIELD_OFFSETS["k_pipe.flags"] == len(data)
    kernel.memory.kernel_write(pipe.address, data + bytes([flags]))


def check_structure(kernel: Inspect, caller: Caller, address: int) -> None:
    """The kernel mirrors the ring's state into the structure: it must be writable."""
    kernel.memory.check_privileged(caller, address, STRUCT_SIZES["k_pipe"], AccessKind.WRITE)


def check_ring(kernel: Inspect, caller: Caller, buffer: int, size: int) -> None:
    """A ring a caller names: memory it may write, all of it (a NULL ring has no size)."""
    if buffer == NULL and size != 0:
        raise Oops(f"k_pipe_init: no buffer for a {size}-byte ring")
    kernel.memory.check(caller, buffer, size, AccessKind.WRITE)


def ring_put(kernel: Services, pipe: Pipe, data: bytes) -> None:
    """Copy `data` (no more than `pipe.free` bytes) into the ring."""
    offset = 0
    for address, length in pipe.write_spans(len(data)):
        kernel.memory.kernel_write(address, data[offset:offset + length])
        offset += length


def ring_take(kernel: Services, pipe: Pipe, size: int) -> bytes:
    """Up to `size` bytes out of the ring."""
    spans = pipe.read_spans(min(size, pipe.used))
    return b"".join(kernel.memory.kernel_read(address, length) for address, length in spans)


def deliver(kernel: Services, reader: Thread, transfer: PipeReader, chunk: bytes) -> bool:
    """Write `chunk` where a waiting reader's destination has got to.  A destination that
    is no longer the reader's faults the reader in its own context (False)."""
    if transfer.destination is not None and chunk:
        rest = dataclasses.replace(transfer.destination,
                                   address=transfer.destination.address + transfer.done,
                                   size=len(chunk))
        try:
            rest.write(chunk)
        except Oops as refused:
            kernel.fault_on_resume(reader, kernel.refusal_fault(
                reader.context, refused, reader.caller.is_user))
            return False
    transfer.done += len(chunk)
    return True


def report_count(kernel: Services, thread: Thread, transfer: PipeReader | PipeWriter) -> bool:
    """Write how many bytes went through where the caller asked (Zephyr 3.7); False when
    that memory is no longer the thread's, which then faults in its own context."""
    if transfer.count is None:
        return True
    try:
        transfer.count.write(transfer.done.to_bytes(WORD_BYTES, "little"))
    except Oops as refused:
        kernel.fault_on_resume(thread, kernel.refusal_fault(
            thread.context, refused, thread.caller.is_user))
        return False
    return True


def finish(kernel: Services, thread: Thread, transfer: PipeReader | PipeWriter,
           result: int) -> None:
    """End a waiter's transfer: its count reported, woken with `result`."""
    if report_count(kernel, thread, transfer):
        kernel.wake(thread, result)


def reader_of(thread: Thread) -> PipeReader:
    transfer = thread.wait_data
    assert isinstance(transfer, PipeReader)  # a pipe's readers wait with theirs
    return transfer


def writer_of(thread: Thread) -> PipeWriter:
    transfer = thread.wait_data
    assert isinstance(transfer, PipeWriter)  # a pipe's writers wait with theirs
    return transfer
