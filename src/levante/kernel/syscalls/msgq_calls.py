"""k_msgq_* system calls.  Messages are copied in once, then moved by the kernel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.arch.interface import AccessKind
from levante.kernel.objects.msgq import MessageQueue
from levante.kernel.syscalls.registry import syscall
from levante.sdk.abi import ERRNO

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.kernel import Kernel


@syscall("k_msgq_init")
def k_msgq_init(kernel: Kernel, caller: Caller, msgq: int, buffer: int, msg_size: int,
                max_msgs: int) -> int:
    """Not a system call in Zephyr (k_msgq_alloc_init is); Levante lets user threads
    call it on a queue they may use, with a ring buffer they may write."""
    kernel.objects.check_initialisable(caller, msgq, MessageQueue)
    if msg_size == 0 or max_msgs == 0:
        return -ERRNO["EINVAL"]
    kernel.memory.check_array(caller, buffer, max_msgs, msg_size, AccessKind.WRITE)
    kernel.objects.initialise(caller, msgq, MessageQueue(buffer, msg_size, max_msgs))
    return 0


@syscall("k_msgq_put")
def k_msgq_put(kernel: Kernel, caller: Caller, msgq: int, data: int,
               timeout: int) -> int | Blocked:
    queue = kernel.objects.use(caller, msgq, MessageQueue)
    message = kernel.memory.read(caller, data, queue.message_size)
    receiver = queue.receivers.pop_best()
    if receiver is not None:
        kernel.cpu.write_memory(receiver.wait_data, message)
        kernel.wake(receiver, 0)
        return 0
    if queue.used < queue.capacity:
        kernel.cpu.write_memory(queue.take_write_slot(), message)
        return 0
    if timeout == 0:
        return -ERRNO["ENOMSG"]
    return kernel.pend(caller, queue.senders, timeout, -ERRNO["EAGAIN"], wait_data=message)


def _admit_waiting_sender(kernel: Kernel, queue: MessageQueue) -> None:
    sender = queue.senders.pop_best()
    if sender is not None:
        kernel.cpu.write_memory(queue.take_write_slot(), sender.wait_data)
        kernel.wake(sender, 0)


@syscall("k_msgq_get")
def k_msgq_get(kernel: Kernel, caller: Caller, msgq: int, data: int,
               timeout: int) -> int | Blocked:
    queue = kernel.objects.use(caller, msgq, MessageQueue)
    # Check the destination now, in the caller's context: a bad buffer must fault the
    # receiver here, not a later sender that delivers into it (nor lose a message).
    kernel.memory.check(caller, data, queue.message_size, AccessKind.WRITE)
    kernel.cpu.read_memory(data, queue.message_size)
    if queue.used > 0:
        message = kernel.cpu.read_memory(queue.take_read_slot(), queue.message_size)
        kernel.memory.write(caller, data, message)
        _admit_waiting_sender(kernel, queue)
        return 0
    if timeout == 0:
        return -ERRNO["ENOMSG"]
    return kernel.pend(caller, queue.receivers, timeout, -ERRNO["EAGAIN"], wait_data=data)


@syscall("k_msgq_peek")
def k_msgq_peek(kernel: Kernel, caller: Caller, msgq: int, data: int) -> int:
    queue = kernel.objects.use(caller, msgq, MessageQueue)
    kernel.memory.check(caller, data, queue.message_size, AccessKind.WRITE)
    if queue.used == 0:
        return -ERRNO["ENOMSG"]
    message = kernel.cpu.read_memory(queue.slot_address(queue.read_index), queue.message_size)
    kernel.memory.write(caller, data, message)
    return 0


@syscall("k_msgq_purge")
def k_msgq_purge(kernel: Kernel, caller: Caller, msgq: int) -> None:
    queue = kernel.objects.use(caller, msgq, MessageQueue)
    while (sender := queue.senders.pop_best()) is not None:
        kernel.wake(sender, -ERRNO["ENOMSG"])
    queue.used = 0
    queue.read_index = queue.write_index


@syscall("k_msgq_num_free_get")
def k_msgq_num_free_get(kernel: Kernel, caller: Caller, msgq: int) -> int:
    queue = kernel.objects.use(caller, msgq, MessageQueue)
    return queue.capacity - queue.used


@syscall("k_msgq_num_used_get")
def k_msgq_num_used_get(kernel: Kernel, caller: Caller, msgq: int) -> int:
    return kernel.objects.use(caller, msgq, MessageQueue).used
