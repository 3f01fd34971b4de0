"""k_msgq_* system calls.  Messages are copied in once, then moved by the kernel; a
receiver's buffer is a UserBuffer, checked again when a message is delivered into it."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS, STRUCT_SIZES
from levante.arch.interface import AccessKind
from levante.kernel.objects.msgq import MessageQueue
from levante.kernel.pool import MemoryPool
from levante.kernel.resources import claim_block, find_room, release_owned
from levante.kernel.syscalls.delivery import deliver_to_waiter
from levante.kernel.syscalls.polling import MSGQ_DATA_AVAILABLE, notify_pollers
from levante.kernel.syscalls.registry import syscall
from levante.kernel.usermem import UserBuffer, array_size

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan


def _check_struct(kernel: Inspect, caller: Caller, msgq: int) -> None:
    """The kernel writes the queue's public fields: its struct must be writable."""
    kernel.memory.check_privileged(caller, msgq, STRUCT_SIZES["k_msgq"], AccessKind.WRITE)


def _replace_queue(kernel: Services, caller: Caller, msgq: int, queue: MessageQueue) -> None:
    """Perform an initialisation (everything was checked): the fields C code reads of a
    struct k_msgq (msg_size, max_msgs, buffer_start) are written as Zephyr's init does."""
    previous = kernel.objects.unchecked_state(msgq)
    if isinstance(previous, MessageQueue):
        release_owned(kernel.memory, previous)
    kernel.objects.initialise(caller, msgq, queue)
    end = queue.buffer + queue.capacity * queue.message_size
    for field, value in (("msg_size", queue.message_size), ("max_msgs", queue.capacity),
                         ("buffer_start", queue.buffer), ("buffer_end", end)):
        kernel.memory.kernel_write_u32(msgq + FIELD_OFFSETS[f"k_msgq.{field}"], value)
    _mirror(kernel, queue)


def _mirror(kernel: Services, queue: MessageQueue) -> None:
    """Show the ring's state in the struct k_msgq, as Zephyr's fields hold it."""
    if not queue.address:
        return  # a queue the kernel made for itself has no structure to show it in
    for field, value in queue.mirrored_fields():
        kernel.memory.kernel_write_u32(queue.address + FIELD_OFFSETS[f"k_msgq.{field}"],
                                       value & 0xFFFFFFFF)


def _valid_msgq_init(kernel: Inspect, caller: Caller, msgq: int, buffer: int, msg_size: int,
                     max_msgs: int) -> int | Plan:
    _check_struct(kernel, caller, msgq)
    if msg_size == 0 or max_msgs == 0:
        return -ERRNO["EINVAL"]
    kernel.memory.check_array(caller, buffer, max_msgs, msg_size, AccessKind.WRITE)
    return msgq, buffer, msg_size, max_msgs


@syscall("k_msgq_init", validate=_valid_msgq_init)
def k_msgq_init(kernel: Services, caller: Caller, msgq: int, buffer: int, msg_size: int,
                max_msgs: int) -> int:
    """Supervisor-only (as in Zephyr): the ring is memory the supervisor names, checked
    once against the privileged map and the kernel's from then on."""
    _replace_queue(kernel, caller, msgq, MessageQueue(buffer, msg_size, max_msgs,
                                                      address=msgq))
    return 0


def _valid_msgq_alloc_init(kernel: Inspect, caller: Caller, msgq: int, msg_size: int,
                           max_msgs: int) -> int | Plan:
    """Room for the ring is found here and taken by perform."""
    _check_struct(kernel, caller, msgq)
    total = array_size(msg_size, max_msgs)
    if total is None:
        return -ERRNO["EINVAL"]
    room = find_room(kernel.resource_pool_of(caller), total)
    if room is None:
        return -ERRNO["ENOMEM"]
    return msgq, msg_size, max_msgs, *room


@syscall("k_msgq_alloc_init", validate=_valid_msgq_alloc_init)
def k_msgq_alloc_init(kernel: Services, caller: Caller, msgq: int, msg_size: int,
                      max_msgs: int, pool: MemoryPool, ring: int) -> int:
    """The ring comes from the caller's resource pool (Zephyr's z_thread_malloc)."""
    claim_block(kernel.memory, pool, ring, msg_size * max_msgs)
    _replace_queue(kernel, caller, msgq, MessageQueue(ring, msg_size, max_msgs, ring_pool=pool,
                                                      address=msgq))
    return 0


@syscall("k_msgq_cleanup")
def k_msgq_cleanup(kernel: Services, caller: Caller, queue: MessageQueue) -> int:
    if any(queue.wait_queues()):  # Zephyr: one wait queue holds senders and receivers
        return -ERRNO["EBUSY"]
    if queue.ring_pool is not None:
        release_owned(kernel.memory, queue)
        kernel.objects.uninitialise_state(queue)  # its ring is gone: the queue is unusable
    return 0


def _valid_put(kernel: Inspect, caller: Caller, queue: MessageQueue, data: int,
               timeout: int) -> Plan:
    return queue, kernel.memory.read(caller, data, queue.message_size), timeout


@syscall("k_msgq_put", validate=_valid_put)
def k_msgq_put(kernel: Services, caller: Caller, queue: MessageQueue, message: bytes,
               timeout: int) -> int | Blocked:
    if deliver_to_waiter(kernel, queue.receivers, message):
        return 0
    if queue.used < queue.capacity:
        kernel.memory.kernel_write(queue.take_write_slot(), message)
        _mirror(kernel, queue)
        notify_pollers(kernel, queue.poll_events, MSGQ_DATA_AVAILABLE)
        return 0
    if timeout == 0:
        return -ERRNO["ENOMSG"]
    return kernel.pend(caller, queue.senders, timeout, -ERRNO["EAGAIN"], wait_data=message)


def _admit_waiting_sender(kernel: Services, queue: MessageQueue) -> None:
    sender = queue.senders.pop_best()
    if sender is not None:
        message = sender.wait_data
        assert isinstance(message, bytes)  # a sender waits with its message copied in
        kernel.memory.kernel_write(queue.take_write_slot(), message)
        kernel.wake(sender, 0)


def _valid_receive(kernel: Inspect, caller: Caller, queue: MessageQueue, data: int,
                   *timeout: int) -> Plan:
    """The receiver's buffer is checked now, in its own context: a bad buffer faults the
    receiver here, not a later sender that delivers into it (nor loses a message)."""
    return queue, kernel.memory.buffer(caller, data, queue.message_size, AccessKind.WRITE), \
        *timeout


@syscall("k_msgq_get", validate=_valid_receive)
def k_msgq_get(kernel: Services, caller: Caller, queue: MessageQueue, buffer: UserBuffer,
               timeout: int) -> int | Blocked:
    if queue.used > 0:
        buffer.write(kernel.memory.kernel_read(queue.slot_address(queue.read_index),
                                               queue.message_size))
        queue.take_read_slot()
        _admit_waiting_sender(kernel, queue)
        _mirror(kernel, queue)
        return 0
    if timeout == 0:
        return -ERRNO["ENOMSG"]
    return kernel.pend(caller, queue.receivers, timeout, -ERRNO["EAGAIN"], wait_data=buffer)


@syscall("k_msgq_peek", validate=_valid_receive)
def k_msgq_peek(kernel: Services, caller: Caller, queue: MessageQueue,
                buffer: UserBuffer) -> int:
    if queue.used == 0:
        return -ERRNO["ENOMSG"]
    buffer.write(kernel.memory.kernel_read(queue.slot_address(queue.read_index),
                                           queue.message_size))
    return 0


@syscall("k_msgq_purge")
def k_msgq_purge(kernel: Services, caller: Caller, queue: MessageQueue) -> None:
    while (sender := queue.senders.pop_best()) is not None:
        kernel.wake(sender, -ERRNO["ENOMSG"])
    queue.used = 0
    queue.read_index = queue.write_index
    _mirror(kernel, queue)


@syscall("k_msgq_num_free_get")
def k_msgq_num_free_get(kernel: Services, caller: Caller, queue: MessageQueue) -> int:
    return queue.capacity - queue.used


@syscall("k_msgq_num_used_get")
def k_msgq_num_used_get(kernel: Services, caller: Caller, queue: MessageQueue) -> int:
    return queue.used


_ATTRIBUTES = struct.Struct("<III")  # struct k_msgq_attrs: msg_size, max_msgs, used_msgs


def _valid_attrs(kernel: Inspect, caller: Caller, queue: MessageQueue, attrs: int) -> Plan:
    return queue, kernel.memory.buffer(caller, attrs, _ATTRIBUTES.size, AccessKind.WRITE)


@syscall("k_msgq_get_attrs", validate=_valid_attrs)
def k_msgq_get_attrs(kernel: Services, caller: Caller, queue: MessageQueue,
                     attrs: UserBuffer) -> None:
    attrs.write(_ATTRIBUTES.pack(queue.message_size, queue.capacity, queue.used))


def _valid_peek_at(kernel: Inspect, caller: Caller, queue: MessageQueue, data: int,
                   index: int) -> Plan:
    return queue, kernel.memory.buffer(caller, data, queue.message_size, AccessKind.WRITE), \
        index


@syscall("k_msgq_peek_at", validate=_valid_peek_at)
def k_msgq_peek_at(kernel: Services, caller: Caller, queue: MessageQueue,
                   buffer: UserBuffer, index: int) -> int:
    """The message `index` places after the oldest, left in the queue; -ENOMSG when the
    queue holds no more than `index` messages."""
    if index >= queue.used:
        return -ERRNO["ENOMSG"]
    slot = (queue.read_index + index) % queue.capacity
    buffer.write(kernel.memory.kernel_read(queue.slot_address(slot), queue.message_size))
    return 0
