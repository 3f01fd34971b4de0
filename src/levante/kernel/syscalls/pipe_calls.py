"""k_pipe_* system calls of Zephyr 3.7's API (CONFIG_PIPES), and k_pipe_init, which
both APIs share.

k_pipe_put and k_pipe_get follow Zephyr's rules exactly: a writer feeds the waiting
readers (best first), then the ring; a reader empties the ring, then the waiting
writers, then lets them refill the ring.  A call returns at once when everything went
through, with K_NO_WAIT, or when a non-zero `min_xfer` was met; with K_NO_WAIT and less
than `min_xfer` possible, nothing moves (-EIO).  Otherwise it waits until its transfer
is complete (0) or the timeout ends it (0 if `min_xfer` went through, else -EAGAIN),
the count written through its pointer either way.  A waiter's transfer is carried on by
the kernel as data arrives or room appears (pipe_ring.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.objects.pipe import NULL, Pipe, PipeReader, PipeWriter
from levante.kernel.resources import claim_block, find_room, release_owned
from levante.kernel.syscalls.pipe_ring import (
    WORD_BYTES,
    check_ring,
    check_structure,
    deliver,
    finish,
    mirror,
    reader_of,
    report_count,
    ring_put,
    ring_take,
    writer_of,
)
from levante.kernel.syscalls.polling import PIPE_DATA_AVAILABLE, notify_pollers
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.pool import MemoryPool
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.usermem import UserBuffer

EINVAL = -ERRNO["EINVAL"]
FLUSH_ALL = 0xFFFFFFFF  # k_pipe_flush reads (size_t)-1 bytes: everything there is


def _replace(kernel: Services, caller: Caller, pipe: Pipe) -> None:
    previous = kernel.objects.unchecked_state(pipe.address)
    if isinstance(previous, Pipe):
        release_owned(kernel.memory, previous)
    kernel.objects.initialise(caller, pipe.address, pipe)
    mirror(kernel, pipe)


def _valid_init(kernel: Inspect, caller: Caller, pipe: int, buffer: int, size: int) -> Plan:
    check_structure(kernel, caller, pipe)
    check_ring(kernel, caller, buffer, size)
    return pipe, buffer, size


@syscall("k_pipe_init", validate=_valid_init)
def k_pipe_init(kernel: Services, caller: Caller, pipe: int, buffer: int, size: int) -> None:
    """A system call in Zephyr 4.1 (a kernel function in 3.7): the ring must be memory
    the caller may write, checked now and the kernel's from then on."""
    _replace(kernel, caller, Pipe(pipe, buffer, size))


def _valid_alloc_init(kernel: Inspect, caller: Caller, pipe: int, size: int) -> int | Plan:
    """The ring comes from the caller's resource pool (-ENOMEM: none, or no room); a
    zero size makes a bufferless pipe."""
    check_structure(kernel, caller, pipe)
    if size == 0:
        return pipe, size, None, NULL
    room = find_room(kernel.resource_pool_of(caller), size, WORD_BYTES)
    if room is None:
        return -ERRNO["ENOMEM"]
    return pipe, size, *room


@syscall("k_pipe_alloc_init", validate=_valid_alloc_init)
def k_pipe_alloc_init(kernel: Services, caller: Caller, pipe: int, size: int,
                      pool: MemoryPool | None, ring: int) -> int:
    if pool is None:
        _replace(kernel, caller, Pipe(pipe, NULL, 0))
        return 0
    claim_block(kernel.memory, pool, ring, size)
    _replace(kernel, caller, Pipe(pipe, ring, size, allocated=(pool, ring)))
    return 0


@syscall("k_pipe_cleanup")
def k_pipe_cleanup(kernel: Services, caller: Caller, pipe: Pipe) -> int:
    """An allocated ring goes back and the pipe is bufferless; -EAGAIN while threads
    wait on it."""
    if any(pipe.wait_queues()):
        return -ERRNO["EAGAIN"]
    release_owned(kernel.memory, pipe)
    mirror(kernel, pipe)
    return 0


# ---- moving data ----------------------------------------------------------------------


def _feed_readers(kernel: Services, pipe: Pipe, writer: PipeWriter) -> None:
    """The writer's bytes into waiting readers' destinations, best reader first; a
    reader whose request is complete is woken."""
    for thread in pipe.readers.threads():
        if writer.remaining == 0:
            return
        reader = reader_of(thread)
        size = min(writer.remaining, reader.remaining)
        if deliver(kernel, thread, reader, writer.data[writer.done:writer.done + size]):
            writer.done += size
            if reader.remaining == 0:
                finish(kernel, thread, reader, 0)


def _drain_writers(kernel: Services, pipe: Pipe, reader: PipeReader) -> bytes:
    """What the waiting writers hand the reader, best writer first; a writer whose
    bytes are all through is woken."""
    taken = b""
    for thread in pipe.writers.threads():
        if reader.remaining == 0:
            break
        writer = writer_of(thread)
        chunk = writer.take(min(writer.remaining, reader.remaining))
        taken += chunk
        reader.done += len(chunk)
        if writer.remaining == 0:
            finish(kernel, thread, writer, 0)
    return taken


def _refill(kernel: Services, pipe: Pipe) -> None:
    """Waiting writers' bytes into the ring while it has room, best writer first."""
    for thread in pipe.writers.threads():
        if pipe.free == 0:
            return
        writer = writer_of(thread)
        ring_put(kernel, pipe, writer.take(min(writer.remaining, pipe.free)))
        if writer.remaining == 0:
            finish(kernel, thread, writer, 0)


def _room_for(pipe: Pipe, wanted: int) -> int:
    """How many bytes a writer could hand over now: the waiting readers' requests (as
    far as needed), then the ring's room."""
    room = 0
    for thread in pipe.readers.threads():
        room += reader_of(thread).remaining
        if room >= wanted:
            break
    return room + pipe.free


def _available_for(pipe: Pipe, wanted: int) -> int:
    """How many bytes a reader could have now: the ring's, then the waiting writers'."""
    available = pipe.used
    for thread in pipe.writers.threads():
        if available >= wanted:
            break
        available += writer_of(thread).remaining
    return available


def _outcome(transfer: PipeReader | PipeWriter) -> int:
    """A waiting transfer ended by its timeout: 0 if its minimum went through."""
    return 0 if transfer.done >= transfer.min_xfer else -ERRNO["EAGAIN"]


def _done_or_wait(kernel: Services, caller: Caller, pipe: Pipe,
                  transfer: PipeReader | PipeWriter, wanted: int,
                  timeout: int) -> int | Blocked:
    """Zephyr's "immediate success" rule, else the wait for the rest."""
    mirror(kernel, pipe)
    complete = transfer.done == wanted
    if complete or timeout == 0 or caller.in_isr or (
            transfer.min_xfer > 0 and transfer.done >= transfer.min_xfer):
        report_count(kernel, caller.thread, transfer)
        return 0 if complete or timeout == 0 else _outcome(transfer)
    thread = caller.thread
    queue = pipe.writers if isinstance(transfer, PipeWriter) else pipe.readers

    def timed_out() -> int:
        report_count(kernel, thread, transfer)
        return _outcome(transfer)

    return kernel.pend(caller, queue, timeout, -ERRNO["EAGAIN"], wait_data=transfer,
                       on_timeout=timed_out)


def _valid_put(kernel: Inspect, caller: Caller, pipe: Pipe, data: int, bytes_to_write: int,
               bytes_written: int, min_xfer: int, timeout: int) -> int | Plan:
    """A user's pointers are checked first (Zephyr's verification oopses), then the
    -EINVAL rules; a supervisor's NULL count is -EINVAL.  The bytes are copied in now."""
    if not caller.is_user and (bytes_written == NULL or min_xfer > bytes_to_write):
        return EINVAL
    count = kernel.memory.buffer(caller, bytes_written, WORD_BYTES, AccessKind.WRITE)
    payload = kernel.memory.read(caller, data, bytes_to_write)
    if min_xfer > bytes_to_write:
        return EINVAL
    return pipe, PipeWriter(payload, 0, min_xfer, count), timeout


@syscall("k_pipe_put", validate=_valid_put)
def k_pipe_put(kernel: Services, caller: Caller, pipe: Pipe, writer: PipeWriter,
               timeout: int) -> int | Blocked:
    if timeout == 0 and _room_for(pipe, len(writer.data)) < writer.min_xfer:
        report_count(kernel, caller.thread, writer)  # nothing went through
        return -ERRNO["EIO"]
    _feed_readers(kernel, pipe, writer)
    ring_put(kernel, pipe, writer.take(min(writer.remaining, pipe.free)))
    if pipe.used and writer.done:  # Zephyr: bytes went in and some are left in the ring
        notify_pollers(kernel, pipe.poll_events, PIPE_DATA_AVAILABLE)
    return _done_or_wait(kernel, caller, pipe, writer, len(writer.data), timeout)


def _get(kernel: Services, caller: Caller, pipe: Pipe, reader: PipeReader,
         timeout: int) -> int | Blocked:
    if timeout == 0 and _available_for(pipe, reader.wanted) < reader.min_xfer:
        report_count(kernel, caller.thread, reader)
        return -ERRNO["EIO"]
    taken = ring_take(kernel, pipe, reader.wanted)
    reader.done += len(taken)
    taken += _drain_writers(kernel, pipe, reader)
    if reader.destination is not None:
        reader.destination.write(taken)  # checked in validation: the caller's own
    if pipe.free:
        _refill(kernel, pipe)
    return _done_or_wait(kernel, caller, pipe, reader, reader.wanted, timeout)


def _valid_get(kernel: Inspect, caller: Caller, pipe: Pipe, data: int, bytes_to_read: int,
               bytes_read: int, min_xfer: int, timeout: int) -> int | Plan:
    if not caller.is_user and (bytes_read == NULL or min_xfer > bytes_to_read):
        return EINVAL
    count = kernel.memory.buffer(caller, bytes_read, WORD_BYTES, AccessKind.WRITE)
    destination: UserBuffer = kernel.memory.buffer(caller, data, bytes_to_read,
                                                   AccessKind.WRITE)
    if min_xfer > bytes_to_read:
        return EINVAL
    return pipe, PipeReader(destination, bytes_to_read, 0, min_xfer, count), timeout


@syscall("k_pipe_get", validate=_valid_get)
def k_pipe_get(kernel: Services, caller: Caller, pipe: Pipe, reader: PipeReader,
               timeout: int) -> int | Blocked:
    return _get(kernel, caller, pipe, reader, timeout)


@syscall("k_pipe_flush")
def k_pipe_flush(kernel: Services, caller: Caller, pipe: Pipe) -> None:
    """Discard the ring's bytes and every waiting writer's (they are woken)."""
    _get(kernel, caller, pipe, PipeReader(None, FLUSH_ALL), 0)


@syscall("k_pipe_buffer_flush")
def k_pipe_buffer_flush(kernel: Services, caller: Caller, pipe: Pipe) -> None:
    """Discard up to a ring's worth of bytes (the ring's, then waiting writers'), then
    let writers refill the ring."""
    if pipe.buffer != NULL:
        _get(kernel, caller, pipe, PipeReader(None, pipe.size), 0)


@syscall("z_pipe_read_avail")
def z_pipe_read_avail(kernel: Services, caller: Caller, pipe: Pipe) -> int:
    """For user threads (kernel.h computes it from the mirror for supervisors)."""
    return pipe.used if pipe.buffer != NULL and pipe.size else 0


@syscall("z_pipe_write_avail")
def z_pipe_write_avail(kernel: Services, caller: Caller, pipe: Pipe) -> int:
    return pipe.free if pipe.buffer != NULL and pipe.size else 0
