"""k_pipe_write, k_pipe_read, k_pipe_reset and k_pipe_close: Zephyr 4.1's pipe API (when
CONFIG_PIPES is off).

A write into an empty pipe goes straight to waiting readers first (each woken once its
request is complete), the rest into the ring; a read takes from the ring and, when the
ring was full, lets waiting writers go on.  Both return how many bytes went through, or
-EAGAIN when none did before the timeout, -EPIPE on a closed pipe (a reader still gets
what is left), -ECANCELED when k_pipe_reset ended the wait.  Zephyr's waiters finish
their loop when they next run; here the kernel carries a waiter's transfer on at once,
so a reset is over when k_pipe_reset returns (no later call sees the pipe resetting).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.objects.pipe import Pipe, PipeReader, PipeWriter
from levante.kernel.syscalls.pipe_ring import (
    deliver,
    mirror,
    reader_of,
    ring_put,
    ring_take,
    writer_of,
)
from levante.kernel.syscalls.polling import PIPE_DATA_AVAILABLE, notify_pollers
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EAGAIN = -ERRNO["EAGAIN"]
EPIPE = -ERRNO["EPIPE"]


def _write_step(kernel: Services, pipe: Pipe, writer: PipeWriter) -> None:
    """Into an empty pipe's waiting readers (best first, until one wants more than is
    left), then the ring."""
    if pipe.used == 0:
        while writer.remaining and (thread := pipe.readers.best()) is not None:
            reader = reader_of(thread)
            size = min(writer.remaining, reader.remaining)
            if not deliver(kernel, thread, reader, writer.data[writer.done:writer.done + size]):
                continue  # that reader faulted and left the queue
            writer.done += size
            if reader.remaining:
                break
            kernel.wake(thread, reader.wanted)
    ring_put(kernel, pipe, writer.take(min(writer.remaining, pipe.free)))


def _resume_writers(kernel: Services, pipe: Pipe) -> None:
    """Room appeared in a full ring: every waiting writer goes on, best first."""
    for thread in pipe.writers.threads():
        writer = writer_of(thread)
        _write_step(kernel, pipe, writer)
        if writer.remaining == 0:
            kernel.wake(thread, len(writer.data))


def _so_far(transfer: PipeReader | PipeWriter, otherwise: int) -> int:
    return transfer.done if transfer.done else otherwise


def _valid_write(kernel: Inspect, caller: Caller, pipe: Pipe, data: int, length: int,
                 timeout: int) -> Plan:
    return pipe, PipeWriter(kernel.memory.read(caller, data, length)), timeout


@syscall("k_pipe_write", validate=_valid_write)
def k_pipe_write(kernel: Services, caller: Caller, pipe: Pipe, writer: PipeWriter,
                 timeout: int) -> int | Blocked:
    if not pipe.is_open:
        return EPIPE
    _write_step(kernel, pipe, writer)
    mirror(kernel, pipe)
    if pipe.used and writer.done:  # bytes went in and some wait in the ring
        notify_pollers(kernel, pipe.poll_events, PIPE_DATA_AVAILABLE)
    if writer.remaining == 0:
        return len(writer.data)
    if timeout == 0 or caller.in_isr:
        return _so_far(writer, EAGAIN)
    return kernel.pend(caller, pipe.writers, timeout, EAGAIN, wait_data=writer,
                       on_timeout=lambda: _so_far(writer, EAGAIN))


def _valid_read(kernel: Inspect, caller: Caller, pipe: Pipe, data: int, length: int,
                timeout: int) -> Plan:
    destination = kernel.memory.buffer(caller, data, length, AccessKind.WRITE)
    return pipe, PipeReader(destination, length), timeout


@syscall("k_pipe_read", validate=_valid_read)
def k_pipe_read(kernel: Services, caller: Caller, pipe: Pipe, reader: PipeReader,
                timeout: int) -> int | Blocked:
    was_full = pipe.free == 0
    taken = ring_take(kernel, pipe, reader.wanted)
    if reader.destination is not None:
        reader.destination.write(taken)  # checked in validation: the caller's own
    reader.done = len(taken)
    result: int | Blocked
    if reader.remaining == 0:
        result = reader.wanted
    elif not pipe.is_open:
        result = _so_far(reader, EPIPE)
    elif timeout == 0 or caller.in_isr:
        result = _so_far(reader, EAGAIN)
    else:
        result = kernel.pend(caller, pipe.readers, timeout, EAGAIN, wait_data=reader,
                             on_timeout=lambda: _so_far(reader, EAGAIN))
    if was_full:
        _resume_writers(kernel, pipe)  # they may feed this reader, now waiting
    mirror(kernel, pipe)
    return result


@syscall("k_pipe_reset")
def k_pipe_reset(kernel: Services, caller: Caller, pipe: Pipe) -> None:
    """The ring's bytes are discarded and every waiter returns -ECANCELED."""
    pipe.discard()
    for queue in pipe.wait_queues():
        while (thread := queue.pop_best()) is not None:
            kernel.wake(thread, -ERRNO["ECANCELED"])
    mirror(kernel, pipe)


@syscall("k_pipe_close")
def k_pipe_close(kernel: Services, caller: Caller, pipe: Pipe) -> None:
    """Writers get -EPIPE from now on; readers what is left, then -EPIPE."""
    pipe.is_open = False
    while (thread := pipe.readers.pop_best()) is not None:
        kernel.wake(thread, _so_far(reader_of(thread), EPIPE))
    while (thread := pipe.writers.pop_best()) is not None:
        kernel.wake(thread, EPIPE)
    mirror(kernel, pipe)
