"""k_poll and the k_poll_signal_* system calls (CONFIG_POLL).

k_poll copies the events array in once and checks it as Zephyr's z_vrfy_k_poll does
(for a user caller: the count, room for the kernel's copy in its resource pool, the
array writable, each event's mode and type, permission on every object).  An event
already ready is marked and k_poll returns at once; otherwise the events are registered
on their objects and the poller waits.  The object that becomes ready first wakes it
(objects_calls serve their ordinary waiters first); the states go back to the caller's
array when it next runs (objects/poll_events.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS, STRUCT_SIZES
from levante.arch.interface import AccessKind
from levante.kernel.objects.msgq import MessageQueue
from levante.kernel.objects.pipe import Pipe
from levante.kernel.objects.poll_events import (
    BITS_OFFSET,
    EVENT_BYTES,
    OBJECT_OFFSET,
    STATE_MASK,
    STATE_SHIFT,
    PolledEvent,
    PollWait,
    updated_events,
)
from levante.kernel.objects.poll_signal import PollSignal
from levante.kernel.objects.queue import Queue
from levante.kernel.objects.registry import HasKind, InitState
from levante.kernel.objects.sem import Semaphore
from levante.kernel.resources import find_room
from levante.kernel.syscalls.polling import (
    DATA_AVAILABLE,
    MSGQ_DATA_AVAILABLE,
    PIPE_DATA_AVAILABLE,
    SEM_AVAILABLE,
    SIGNALED,
    notify_pollers,
)
from levante.kernel.syscalls.registry import syscall
from levante.kernel.usermem import array_size

if TYPE_CHECKING:
    from collections.abc import Iterable

    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, MemoryQueries, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.usermem import UserBuffer

EINVAL = -ERRNO["EINVAL"]
EAGAIN = -ERRNO["EAGAIN"]
MODE_NOTIFY_ONLY = 0
TYPE_IGNORE = 0
# K_POLL_TYPE_* (Zephyr's bit values) and the kind of object each polls.
POLLED_KINDS: dict[int, type[HasKind]] = {
    1 << 0: PollSignal, 1 << 1: Semaphore, 1 << 2: Queue, 1 << 3: MessageQueue, 1 << 4: Pipe,
}
HEAP_HEADER_BYTES = 4  # what z_thread_malloc adds to the copy's size
TYPE_SHIFT, TYPE_MASK, MODE_SHIFT = 8, 0x3F, 21
SIGNALED_OFFSET = FIELD_OFFSETS["k_poll_signal.signaled"]
RESULT_OFFSET = FIELD_OFFSETS["k_poll_signal.result"]
assert EVENT_BYTES == STRUCT_SIZES["k_poll_event"]
assert OBJECT_OFFSET == FIELD_OFFSETS["k_poll_event.obj"]


def _word(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 4], "little")


def _polled_object(kernel: Inspect, caller: Caller, address: int,
                   kind: type[HasKind]) -> object:
    """The live object an event names: a user caller must be permitted to use it (an
    oops otherwise, as K_OOPS(K_SYSCALL_OBJ)); for anyone it must be live."""
    if caller.is_user:
        kernel.objects.checked(caller, address, kind.KIND, InitState.INITIALISED)
    return kernel.objects.unchecked(address, kind)


def _valid_poll(kernel: Inspect, caller: Caller, events: int, count: int,
                timeout: int) -> int | Plan:
    size = array_size(count, EVENT_BYTES)
    if size is None:
        return EINVAL
    if caller.is_user and find_room(kernel.resource_pool_of(caller),
                                    size + HEAP_HEADER_BYTES) is None:
        return -ERRNO["ENOMEM"]
    array = kernel.memory.buffer(caller, events, size, AccessKind.WRITE)
    copy = array.read()
    polled = decode_events(kernel, caller, copy, count)
    if isinstance(polled, int):
        return polled
    return polled, array, copy, timeout


def decode_events(kernel: Inspect, caller: Caller, copy: bytes,
                  count: int) -> list[PolledEvent] | int:
    """The events of a copied-in array, or -EINVAL for a mode or type k_poll does not
    know (an object the caller may not use oopses)."""
    polled = []
    for index in range(count):
        bits = _word(copy, index * EVENT_BYTES + BITS_OFFSET)
        if (bits >> MODE_SHIFT) & 1 != MODE_NOTIFY_ONLY:
            return EINVAL
        event_type = (bits >> TYPE_SHIFT) & TYPE_MASK
        source = None
        if event_type != TYPE_IGNORE:
            kind = POLLED_KINDS.get(event_type)
            if kind is None:
                return EINVAL
            address = _word(copy, index * EVENT_BYTES + OBJECT_OFFSET)
            source = _polled_object(kernel, caller, address, kind)
        polled.append(PolledEvent(event_type, source, (bits >> STATE_SHIFT) & STATE_MASK))
    return polled


def ready_state(memory: MemoryQueries, source: object | None) -> int:
    """The state an event's object is ready with now (0: not ready)."""
    if isinstance(source, Semaphore):
        return SEM_AVAILABLE if source.count > 0 else 0
    if isinstance(source, Queue):
        return DATA_AVAILABLE if source.items else 0
    if isinstance(source, MessageQueue):
        return MSGQ_DATA_AVAILABLE if source.used > 0 else 0
    if isinstance(source, Pipe):
        return PIPE_DATA_AVAILABLE if source.used > 0 else 0
    if isinstance(source, PollSignal):
        signaled = _word(memory.kernel_read(source.address + SIGNALED_OFFSET, 4), 0)
        return SIGNALED if signaled else 0
    return 0


def mark_ready_events(memory: MemoryQueries, events: Iterable[PolledEvent]) -> bool:
    """Adds to each event the state its object is ready with now; whether any is ready
    (k_poll and triggered work start the same way)."""
    ready = False
    for event in events:
        state = ready_state(memory, event.source)
        if state:
            event.state |= state
            ready = True
    return ready


@syscall("k_poll", validate=_valid_poll)
def k_poll(kernel: Services, caller: Caller, events: list[PolledEvent], array: UserBuffer,
           copy: bytes, timeout: int) -> int | Blocked:
    ready = mark_ready_events(kernel.memory, events)
    if ready or timeout == 0 or caller.in_isr:
        array.write(updated_events(copy, events))  # checked writable in validation
        return 0 if ready else EAGAIN
    wait = PollWait(caller.thread, events, array, copy)
    wait.register()
    caller.thread.poll_wait = wait

    def timed_out() -> None:
        wait.polling = False

    return kernel.pend(caller, None, timeout, EAGAIN, on_timeout=timed_out)


def _write_signal(kernel: Services, signal: int, signaled: int, result: int | None) -> None:
    kernel.memory.kernel_write_u32(signal + SIGNALED_OFFSET, signaled)
    if result is not None:
        kernel.memory.kernel_write_u32(signal + RESULT_OFFSET, result)


def _valid_signal_init(kernel: Inspect, caller: Caller, signal: int) -> Plan:
    """The kernel writes `signaled` and `result`: the structure must be writable."""
    kernel.memory.check_privileged(caller, signal, STRUCT_SIZES["k_poll_signal"],
                                   AccessKind.WRITE)
    return (signal,)


@syscall("k_poll_signal_init", validate=_valid_signal_init)
def k_poll_signal_init(kernel: Services, caller: Caller, signal: int) -> None:
    kernel.objects.initialise(caller, signal, PollSignal(signal))
    _write_signal(kernel, signal, 0, 0)


@syscall("k_poll_signal_reset")
def k_poll_signal_reset(kernel: Services, caller: Caller, signal: PollSignal) -> None:
    _write_signal(kernel, signal.address, 0, None)


def _valid_signal_check(kernel: Inspect, caller: Caller, signal: PollSignal, signaled: int,
                        result: int) -> Plan:
    """Both destinations are checked before either is written (Zephyr oopses on
    either)."""
    return (signal, kernel.memory.buffer(caller, signaled, 4, AccessKind.WRITE),
            kernel.memory.buffer(caller, result, 4, AccessKind.WRITE))


@syscall("k_poll_signal_check", validate=_valid_signal_check)
def k_poll_signal_check(kernel: Services, caller: Caller, signal: PollSignal,
                        signaled: UserBuffer, result: UserBuffer) -> None:
    state = kernel.memory.kernel_read(signal.address + SIGNALED_OFFSET, 8)
    signaled.write(state[:4])
    result.write(state[4:])


@syscall("k_poll_signal_raise")
def k_poll_signal_raise(kernel: Services, caller: Caller, signal: PollSignal,
                        result: int) -> int:
    _write_signal(kernel, signal.address, 1, result)
    notify_pollers(kernel, signal.poll_events, SIGNALED)
    return 0


