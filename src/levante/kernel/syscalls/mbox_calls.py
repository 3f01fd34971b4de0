"""k_mbox_* kernel functions (supervisor threads only, as in Zephyr, where they are not
system calls).

A put meets the first waiting receiver (by priority, then arrival) whose descriptor
matches, a get the first waiting message.  At the meeting both descriptors are filled in
as Zephyr's do (the receiver learns the source, the sender the target, the two swap
`info`, the receiver's `size` becomes the smaller of the two), and the data is copied
straight into the receiver's buffer; a receiver that gave none takes it later with
k_mbox_data_get, and until then a synchronous sender waits (with no timeout).  A
synchronous sender whose message was received at once goes behind the receiver it woke,
as Zephyr's sender, which waits until its receiver has the data, does.  An asynchronous
message is a copy of the descriptor, one of CONFIG_NUM_MBOX_ASYNC_MSGS for all mailboxes;
a sender that finds none free waits for one.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, FIELD_OFFSETS, STRUCT_SIZES
from levante.arch.interface import AccessKind
from levante.kernel.caller import BLOCKED
from levante.kernel.fatal import Oops
from levante.kernel.objects.mbox import Mailbox, MailboxReceive, MailboxSend
from levante.kernel.objects.sem import Semaphore
from levante.kernel.syscalls.registry import Plan, syscall
from levante.kernel.syscalls.sem_calls import give
from levante.kernel.usermem import UserBuffer

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services

K_FOREVER_TICKS = -1
_DESCRIPTOR = struct.Struct("<7I")  # struct k_mbox_msg, field by field
_DESCRIPTOR_SIZE = STRUCT_SIZES["k_mbox_msg"]


def _field(descriptor: int, name: str) -> int:
    return descriptor + FIELD_OFFSETS[f"k_mbox_msg.{name}"]


def _refuse_isr(caller: Caller, name: str) -> None:
    if caller.in_isr:
        raise Oops(f"{name}: mailboxes cannot be used from an ISR")


def _read_descriptor(kernel: Inspect, caller: Caller, descriptor: int) -> tuple[int, ...]:
    """The caller's struct k_mbox_msg, which the call will also write."""
    kernel.memory.check(caller, descriptor, _DESCRIPTOR_SIZE, AccessKind.WRITE)
    return _DESCRIPTOR.unpack(kernel.memory.read(caller, descriptor, _DESCRIPTOR_SIZE))


def _message(kernel: Inspect, caller: Caller, descriptor: int,
             sender_waits: bool) -> MailboxSend:
    size, info, data_address, _, target, _, _ = _read_descriptor(kernel, caller, descriptor)
    data = None
    if data_address and size:
        data = kernel.memory.buffer(caller, data_address, size, AccessKind.READ)
    return MailboxSend(size, info, data_address, data, caller.thread.address, target,
                       descriptor if sender_waits else 0,
                       caller.thread if sender_waits else None,
                       async_priority=caller.thread.priority)


# ---- init --------------------------------------------------------------------------------


def _valid_init(kernel: Inspect, caller: Caller, mbox: int) -> Plan:
    entry = kernel.objects.entry(mbox)
    if entry is not None and entry.kind != Mailbox.KIND and entry.initialised:
        raise Oops(f"{mbox:#x} is a live {entry.kind}, not a k_mbox")
    kernel.memory.check_privileged(caller, mbox, STRUCT_SIZES["k_mbox"], AccessKind.WRITE)
    return (mbox,)


@syscall("k_mbox_init", validate=_valid_init)
def k_mbox_init(kernel: Services, caller: Caller, mbox: int) -> None:
    kernel.objects.register(mbox, Mailbox())


# ---- the meeting -------------------------------------------------------------------------


def _hand_over(kernel: Services, message: MailboxSend, receive: MailboxReceive) -> int:
    """Fill in both descriptors as Zephyr's match does; the size the receiver gets."""
    size = min(receive.size, message.size)
    memory = kernel.memory
    for name, value in (("rx_source_thread", message.source), ("info", message.info),
                        ("size", size), ("tx_data", message.data_address),
                        ("syncing_thread", message.source)):
        memory.kernel_write_u32(_field(receive.descriptor, name), value)
    if message.descriptor:
        memory.kernel_write_u32(_field(message.descriptor, "tx_target_thread"),
                                receive.target)
        memory.kernel_write_u32(_field(message.descriptor, "info"), receive.info)
    return size


def _deliver(kernel: Services, mailbox: Mailbox, message: MailboxSend,
             receive: MailboxReceive, size: int) -> bool:
    """The receiver takes the data now if it gave a buffer (or there is none to take):
    True when the message is done with, False when it waits for k_mbox_data_get."""
    if receive.buffer is not None:
        if message.data is not None and size:
            receive.buffer.write(message.data.read()[:size])
        _dispose(kernel, message, size)
        return True
    if size == 0:
        _dispose(kernel, message, 0)
        return True
    mailbox.received[receive.descriptor] = message
    return False


def _dispose(kernel: Services, message: MailboxSend, received: int) -> None:
    """The message has been received: its sender learns how much and goes on, or an
    asynchronous message gives its semaphore and frees its descriptor."""
    if message.sender is None:
        if message.async_sem is not None:
            give(kernel, message.async_sem)
        _serve_async_waiter(kernel)
        return
    kernel.memory.kernel_write_u32(_field(message.descriptor, "size"), received)
    if message.sender.wait_data is message:
        kernel.wake(message.sender, 0)


# ---- put ---------------------------------------------------------------------------------


def _offer(kernel: Services, mailbox: Mailbox, message: MailboxSend) -> bool | None:
    """Give the message to the first matching receiver: True when it is done with,
    False when that receiver takes the data later, None when nobody matched."""
    for receiver in mailbox.receivers.threads():
        receive = receiver.wait_data
        assert isinstance(receive, MailboxReceive)
        if receive.accepts(message):
            size = _hand_over(kernel, message, receive)
            done = _deliver(kernel, mailbox, message, receive, size)
            kernel.wake(receiver, 0)
            return done
    return None


def _valid_put(kernel: Inspect, caller: Caller, mbox: int, tx_msg: int,
               timeout: int) -> Plan:
    _refuse_isr(caller, "k_mbox_put")
    mailbox = kernel.objects.use(caller, mbox, Mailbox)
    return mailbox, _message(kernel, caller, tx_msg, sender_waits=True), timeout


@syscall("k_mbox_put", validate=_valid_put)
def k_mbox_put(kernel: Services, caller: Caller, mailbox: Mailbox, message: MailboxSend,
               timeout: int) -> int | Blocked:
    kernel.memory.kernel_write_u32(_field(message.descriptor, "rx_source_thread"),
                                   message.source)
    kernel.memory.kernel_write_u32(_field(message.descriptor, "syncing_thread"),
                                   message.source)
    done = _offer(kernel, mailbox, message)
    if done:
        kernel.yield_current()  # behind the receiver, as Zephyr's sender waits for it
        return 0
    if done is False:  # received, the data not yet taken: wait for it without a timeout
        return kernel.pend(caller, None, K_FOREVER_TICKS, 0, wait_data=message)
    if timeout == 0:
        return -ERRNO["ENOMSG"]
    mailbox.offer(message)
    return kernel.pend(caller, None, timeout, -ERRNO["EAGAIN"], wait_data=message)


def _valid_async_put(kernel: Inspect, caller: Caller, mbox: int, tx_msg: int,
                     sem: int) -> Plan:
    _refuse_isr(caller, "k_mbox_async_put")
    if kernel.config.num_mbox_async_msgs == 0:
        raise Oops("k_mbox_async_put: CONFIG_NUM_MBOX_ASYNC_MSGS is 0")
    mailbox = kernel.objects.use(caller, mbox, Mailbox)
    semaphore = kernel.objects.use(caller, sem, Semaphore) if sem else None
    message = _message(kernel, caller, tx_msg, sender_waits=False)
    message.async_sem = semaphore
    return mailbox, message


@syscall("k_mbox_async_put", validate=_valid_async_put)
def k_mbox_async_put(kernel: Services, caller: Caller, mailbox: Mailbox,
                     message: MailboxSend) -> None | Blocked:
    if _asynchronous_in_use(kernel) >= kernel.config.num_mbox_async_msgs:
        # Zephyr's sender waits for a free descriptor, for as long as it takes.
        kernel.pend(caller, mailbox.async_waiters, K_FOREVER_TICKS, 0, wait_data=message)
        return BLOCKED
    _send_async(kernel, mailbox, message)
    return None


def _send_async(kernel: Services, mailbox: Mailbox, message: MailboxSend) -> None:
    if _offer(kernel, mailbox, message) is None:
        mailbox.offer(message)


def _mailboxes(kernel: Services) -> list[Mailbox]:
    return [entry.state for entry in kernel.objects if isinstance(entry.state, Mailbox)]


def _asynchronous_in_use(kernel: Services) -> int:
    return sum(mailbox.asynchronous_in_use() for mailbox in _mailboxes(kernel))


def _serve_async_waiter(kernel: Services) -> None:
    """A descriptor was freed: the asynchronous sender that has waited best gets it."""
    waiting = [(thread, mailbox) for mailbox in _mailboxes(kernel)
               for thread in mailbox.async_waiters.threads()]
    if not waiting or _asynchronous_in_use(kernel) >= kernel.config.num_mbox_async_msgs:
        return
    thread, mailbox = min(waiting, key=lambda pair: pair[0].priority)
    message = thread.wait_data
    assert isinstance(message, MailboxSend)
    kernel.wake(thread, 0)
    _send_async(kernel, mailbox, message)


# ---- get ---------------------------------------------------------------------------------


def _valid_get(kernel: Inspect, caller: Caller, mbox: int, rx_msg: int, buffer: int,
               timeout: int) -> Plan:
    _refuse_isr(caller, "k_mbox_get")
    mailbox = kernel.objects.use(caller, mbox, Mailbox)
    size, info, _, source, _, _, _ = _read_descriptor(kernel, caller, rx_msg)
    into = None
    if buffer:
        into = kernel.memory.buffer(caller, buffer, size, AccessKind.WRITE)
    receive = MailboxReceive(size, info, source, caller.thread.address, rx_msg, into)
    return mailbox, receive, timeout


@syscall("k_mbox_get", validate=_valid_get)
def k_mbox_get(kernel: Services, caller: Caller, mailbox: Mailbox, receive: MailboxReceive,
               timeout: int) -> int | Blocked:
    kernel.memory.kernel_write_u32(_field(receive.descriptor, "tx_target_thread"),
                                   receive.target)
    for message in mailbox.waiting_senders():
        if receive.accepts(message):
            mailbox.senders.remove(message)
            if message.sender is not None:  # it waits on, with no timeout, until disposed
                kernel.timeouts.cancel(message.sender.timeout)
                message.sender.timeout = None
            size = _hand_over(kernel, message, receive)
            _deliver(kernel, mailbox, message, receive, size)
            return 0
    if timeout == 0:
        return -ERRNO["ENOMSG"]
    return kernel.pend(caller, mailbox.receivers, timeout, -ERRNO["EAGAIN"],
                       wait_data=receive)


# ---- data_get ----------------------------------------------------------------------------


def _valid_data_get(kernel: Inspect, caller: Caller, rx_msg: int, buffer: int) -> Plan:
    _refuse_isr(caller, "k_mbox_data_get")
    size, _, data_address, _, _, _, _ = _read_descriptor(kernel, caller, rx_msg)
    into = kernel.memory.buffer(caller, buffer, size, AccessKind.WRITE) if buffer else None
    source = None
    if into is not None and data_address and size:
        source = kernel.memory.buffer(caller, data_address, size, AccessKind.READ)
    return rx_msg, into, source, size


@syscall("k_mbox_data_get", validate=_valid_data_get)
def k_mbox_data_get(kernel: Services, caller: Caller, rx_msg: int, into: UserBuffer | None,
                    source: UserBuffer | None, size: int) -> None:
    message = None
    for mailbox in _mailboxes(kernel):
        message = mailbox.received.pop(rx_msg, None)
        if message is not None:
            break
    if into is None:
        size = 0  # Zephyr: no buffer discards the data
        kernel.memory.kernel_write_u32(_field(rx_msg, "size"), 0)
    elif source is not None:
        into.write(source.read())
    if message is not None:
        _dispose(kernel, message, size)
