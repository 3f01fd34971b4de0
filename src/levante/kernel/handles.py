"""Handles with rights (Zircon's model): per-domain tables naming kernel objects.

A handle names one kernel object with a mask of rights.  Rights only shrink: a
duplicate or a replacement keeps or drops them, never adds.  Every handle remembers the
handle it was derived from, so revoking one invalidates it and every copy derived from
it, wherever those copies moved.  A table belongs to a security domain (domains.py)
and is bounded: a full table refuses, it never grows.

A handle's value is an opaque 32-bit integer, never a pointer: bit 0 is set (so no
aligned object address is a handle), bits 1-7 are its slot, bits 8-12 its domain's
index and bits 13-30 the slot's generation, which changes whenever the slot is reused
or the handle replaced, so a stale or forged value is refused rather than naming
another handle.

A handle holds the live object it was made for, not only its address: when the object
is freed, re-initialised or its thread exits, the handle is dead (`-ESRCH` on use)
until it is closed; it never names the next object at that address.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from levante.abi import ERRNO

if TYPE_CHECKING:
    from levante.kernel.objects.registry import KernelObject
    from levante.kernel.thread import Thread

# The rights of <levante/handle.h> (LEVANTE_RIGHT_*).  MANAGE is the object-specific
# right of Levante's kernel objects: reset, purge or cancel what others wait on.
RIGHTS: dict[str, int] = {
    "READ": 1 << 0,
    "WRITE": 1 << 1,
    "SIGNAL": 1 << 2,
    "WAIT": 1 << 3,
    "DUPLICATE": 1 << 4,
    "TRANSFER": 1 << 5,
    "MANAGE": 1 << 6,
}
ALL_RIGHTS = sum(RIGHTS.values())
SAME_RIGHTS = 1 << 31  # duplicate/replace: keep the handle's rights as they are

_R, _W, _S, _X, _M = (RIGHTS[name] for name in ("READ", "WRITE", "SIGNAL", "WAIT", "MANAGE"))
# The right a live handle must hold for a user thread without Zephyr's permission on
# the object to use it in these calls (their first kernel-object parameter).  A call
# not listed needs Zephyr's permission (k_object_access_grant) as before.
CALL_RIGHTS: dict[str, int] = {
    "k_sem_give": _S, "k_sem_take": _X, "k_sem_count_get": _R, "k_sem_reset": _M,
    "k_mutex_lock": _X, "k_mutex_unlock": _S,
    "k_msgq_put": _W, "k_msgq_get": _R, "k_msgq_peek": _R, "k_msgq_peek_at": _R,
    "k_msgq_num_free_get": _R, "k_msgq_num_used_get": _R, "k_msgq_get_attrs": _R,
    "k_msgq_purge": _M,
    "k_event_post": _S, "k_event_set": _S, "k_event_set_masked": _S, "k_event_clear": _S,
    "k_event_wait": _X, "k_event_wait_all": _X,
    "k_queue_alloc_append": _W, "k_queue_alloc_prepend": _W, "k_queue_get": _R,
    "k_queue_is_empty": _R, "k_queue_peek_head": _R, "k_queue_peek_tail": _R,
    "k_queue_cancel_wait": _M,
    "k_stack_push": _W, "k_stack_pop": _R,
    "k_condvar_signal": _S, "k_condvar_broadcast": _S, "z_condvar_wait": _X,
    "k_pipe_put": _W, "k_pipe_write": _W, "k_pipe_get": _R, "k_pipe_read": _R,
    "z_pipe_read_avail": _R, "z_pipe_write_avail": _R, "k_pipe_flush": _M,
    "k_pipe_buffer_flush": _M, "k_pipe_reset": _M, "k_pipe_close": _M,
    "k_poll_signal_raise": _S, "k_poll_signal_check": _R, "k_poll_signal_reset": _M,
    # Devices: reading from one, writing to one, configuring one.
    "entropy_get_entropy": _R, "flash_read": _R, "flash_write": _W, "flash_erase": _M,
    "gpio_port_get_raw": _R, "gpio_port_get": _R, "gpio_port_set_masked_raw": _W,
    "gpio_port_set_bits_raw": _W, "gpio_port_clear_bits_raw": _W,
    "gpio_port_toggle_bits": _W, "gpio_port_set_masked": _W, "gpio_pin_configure": _M,
    "gpio_pin_interrupt_configure": _M,
    "uart_poll_in": _R, "uart_poll_out": _W, "uart_configure": _M,
    "sensor_sample_fetch": _R, "sensor_sample_fetch_chan": _R, "sensor_channel_get": _R,
    "sensor_attr_set": _M, "sensor_attr_get": _R,
}

TABLE_SIZE = 64  # handles per domain (at most 127: the slot has 7 bits)
GENERATION_LIMIT = 1 << 18
_SLOT_SHIFT, _DOMAIN_SHIFT, _GENERATION_SHIFT = 1, 8, 13
MAX_DOMAIN_INDEX = 31

EACCES = -ERRNO["EACCES"]
EBADF = -ERRNO["EBADF"]
EPERM = -ERRNO["EPERM"]
EINVAL = -ERRNO["EINVAL"]
ENOSPC = -ERRNO["ENOSPC"]
ESRCH = -ERRNO["ESRCH"]  # the handle is valid, its object is gone


class Holder(Protocol):
    """What owns a handle table: a security domain (its index tags the values)."""

    index: int
    name: str


@dataclass(eq=False)
class Handle:
    """One handle: the object (its table entry and the live state it was made for),
    its rights, and its place in the derivation tree."""

    entry: KernelObject
    state: object
    rights: int
    parent: Handle | None = None
    children: list[Handle] = field(default_factory=list)
    table: HandleTable | None = None  # None once closed or revoked
    slot: int = 0
    value: int = 0

    @property
    def live(self) -> bool:
        """Whether its object still exists as the object it was made for."""
        return self.state is not None and self.entry.state is self.state

    def descendants(self) -> list[Handle]:
        """It and every handle derived from it (iterative: no recursion on a deep tree)."""
        found, pending = [], [self]
        while pending:
            handle = pending.pop()
            found.append(handle)
            pending.extend(handle.children)
        return found


@dataclass(frozen=True)
class HandleArgument:
    """A handle value as a system call decodes it: the handle it names in the caller's
    domain (None for an unknown or stale value).  A policy reads `handle.rights`,
    `handle.type` (the object's kind, "" when none) and `handle.object`."""

    value: int
    handle: Handle | None

    @property
    def rights(self) -> int:
        return self.handle.rights if self.handle is not None else 0

    @property
    def type(self) -> str:
        return self.handle.entry.kind if self.handle is not None else ""

    @property
    def object(self) -> object:
        return self.handle.state if self.handle is not None and self.handle.live else None


class HandleTable:
    """A domain's handles by slot; values carry the slot's generation."""

    def __init__(self, owner: Holder, size: int = TABLE_SIZE) -> None:
        if not 0 <= owner.index <= MAX_DOMAIN_INDEX:
            raise ValueError(f"domain index {owner.index} out of range")
        self.owner = owner
        self.slots: list[Handle | None] = [None] * size
        self.generations = [1] * size
        self.count = 0

    def _value(self, slot: int) -> int:
        return (self.generations[slot] << _GENERATION_SHIFT
                | self.owner.index << _DOMAIN_SHIFT | slot << _SLOT_SHIFT | 1)

    def lookup(self, value: int) -> Handle | None:
        """The handle `value` names in this table, None for any other value."""
        if not 0 <= value < 1 << 31 or not value & 1:
            return None
        slot = (value >> _SLOT_SHIFT) & 0x7F
        if slot >= len(self.slots) or (value >> _DOMAIN_SHIFT) & 0x1F != self.owner.index:
            return None
        handle = self.slots[slot]
        return handle if handle is not None and handle.value == value else None

    @property
    def full(self) -> bool:
        return self.count >= len(self.slots)

    def insert(self, handle: Handle) -> int:
        """Put `handle` in a free slot; its new value, or -ENOSPC."""
        slot = next((index for index, held in enumerate(self.slots) if held is None), None)
        if slot is None:
            return ENOSPC
        self.slots[slot] = handle
        self.count += 1
        handle.table, handle.slot, handle.value = self, slot, self._value(slot)
        return handle.value

    def renumber(self, handle: Handle) -> int:
        """A new value for `handle` in its slot (the old one becomes stale)."""
        self._next_generation(handle.slot)
        handle.value = self._value(handle.slot)
        return handle.value

    def remove(self, handle: Handle) -> None:
        self.slots[handle.slot] = None
        self.count -= 1
        self._next_generation(handle.slot)
        handle.table = None

    def _next_generation(self, slot: int) -> None:
        self.generations[slot] = self.generations[slot] % (GENERATION_LIMIT - 1) + 1

    def handles(self) -> list[Handle]:
        return [handle for handle in self.slots if handle is not None]


def _narrowed(held: int, asked: int) -> int | None:
    """The rights a duplicate or replacement gets: `asked` when it only keeps or drops
    rights of `held` (SAME_RIGHTS: all of them), None when it would add one."""
    if asked == SAME_RIGHTS:
        return held
    if asked & ~ALL_RIGHTS or asked & ~held:
        return None
    return asked


class HandleRegistry:
    """The operations of the handle system calls, on the tables of the callers'
    domains.  Each returns a value or a negative errno; none raises for anything a
    thread passes."""

    def __init__(self, table_of: Callable[[Thread], HandleTable]) -> None:
        self.table_of = table_of  # a thread's domain's table

    def create(self, thread: Thread, entry: KernelObject, rights: int) -> int:
        """A root handle (no parent) to the live object of `entry`."""
        error = self.create_error(thread, rights)
        if error or entry.state is None:
            return error or EINVAL
        return self.table_of(thread).insert(Handle(entry, entry.state, rights))

    def find(self, thread: Thread, value: int) -> Handle | None:
        """The handle `value` names in `thread`'s domain, None for any other value."""
        return self.table_of(thread).lookup(value)

    def create_error(self, thread: Thread, rights: int) -> int:
        """0, or why `create` would refuse: -EINVAL (unknown rights), -ENOSPC."""
        if rights & ~ALL_RIGHTS:
            return EINVAL
        return ENOSPC if self.table_of(thread).full else 0

    def duplicate_error(self, thread: Thread, value: int, rights: int) -> int:
        """0, or why `duplicate` would refuse: -EBADF (no such handle), -ESRCH (its
        object is gone), -EPERM (no DUPLICATE right), -EINVAL (a right it lacks),
        -ENOSPC (the table is full)."""
        table = self.table_of(thread)
        handle = table.lookup(value)
        if handle is None:
            return EBADF
        if not handle.live:
            return ESRCH
        if not handle.rights & RIGHTS["DUPLICATE"]:
            return EPERM
        if _narrowed(handle.rights, rights) is None:
            return EINVAL
        return ENOSPC if table.full else 0

    def duplicate(self, thread: Thread, value: int, rights: int) -> int:
        """A copy derived from `value` in the same table; needs DUPLICATE."""
        error = self.duplicate_error(thread, value, rights)
        if error:
            return error
        table = self.table_of(thread)
        handle = table.lookup(value)
        assert handle is not None
        narrowed = _narrowed(handle.rights, rights)
        assert narrowed is not None
        copy = Handle(handle.entry, handle.state, narrowed, parent=handle)
        handle.children.append(copy)
        return table.insert(copy)

    def replace_error(self, thread: Thread, value: int, rights: int) -> int:
        """0, or why `replace` would refuse: -EBADF, -EINVAL (a right it lacks)."""
        handle = self.table_of(thread).lookup(value)
        if handle is None:
            return EBADF
        return EINVAL if _narrowed(handle.rights, rights) is None else 0

    def replace(self, thread: Thread, value: int, rights: int) -> int:
        """The same handle with fewer (or the same) rights under a new value; the old
        value is stale.  Needs no right, as it gives nothing new."""
        error = self.replace_error(thread, value, rights)
        if error:
            return error
        table = self.table_of(thread)
        handle = table.lookup(value)
        assert handle is not None
        narrowed = _narrowed(handle.rights, rights)
        assert narrowed is not None
        handle.rights = narrowed
        return table.renumber(handle)

    def close(self, thread: Thread, value: int) -> int:
        """Remove one handle; what was derived from it stays, derived now from its
        parent, so that revoking an ancestor still reaches it."""
        table = self.table_of(thread)
        handle = table.lookup(value)
        if handle is None:
            return EBADF
        table.remove(handle)
        _splice_out(handle)
        return 0

    def revoke(self, thread: Thread, value: int) -> int:
        """Invalidate `value` and every handle derived from it, in any table: the
        number of handles invalidated."""
        handle = self.table_of(thread).lookup(value)
        if handle is None:
            return EBADF
        if handle.parent is not None:
            handle.parent.children.remove(handle)
            handle.parent = None
        victims = handle.descendants()
        for victim in victims:
            if victim.table is not None:
                victim.table.remove(victim)
            victim.children = []
            victim.parent = None
        return len(victims)

    def move(self, sender: Thread, receiver: Thread, value: int) -> int:
        """Move one handle (`move_all` of it alone, with no rights declared)."""
        moved = self.move_all(sender, receiver, [(value, 0)])
        return moved if isinstance(moved, int) else moved[0]

    def move_error(self, sender: Thread, receiver: Thread,
                   moves: Sequence[tuple[int, int]]) -> int:
        """0, or why `move_all` would refuse the whole message: -EBADF (a value names
        no handle of the sender's domain), -EINVAL (two slots name one handle), -EPERM
        (a handle without TRANSFER), -EACCES (a handle without a right its slot
        declares), -ENOSPC (the receiver's table lacks room for them all).  A dead
        handle moves (it stays dead): the receiver learns -ESRCH when it uses it."""
        source, target = self.table_of(sender), self.table_of(receiver)
        seen: set[int] = set()
        for value, declared in moves:
            handle = source.lookup(value)
            if handle is None:
                return EBADF
            if value in seen:
                return EINVAL
            seen.add(value)
            if not handle.rights & RIGHTS["TRANSFER"]:
                return EPERM
            if declared & ~handle.rights:
                return EACCES
        if target is not source and len(target.slots) - target.count < len(moves):
            return ENOSPC
        return 0

    def move_all(self, sender: Thread, receiver: Thread,
                 moves: Sequence[tuple[int, int]]) -> tuple[int, ...] | int:
        """Move a message's handles `(value, declared rights)` out of the sender's
        domain table into the receiver's, all or none: the receiver's new values, or
        the errno of `move_error` with every handle still the sender's.

        A slot that declares rights attenuates in transit (a capability passes only
        what the interface says it carries): the receiver gets exactly the declared
        rights, which the handle must hold; a slot declaring none moves the handle's.
        A moved handle keeps its place in the derivation tree, so a revoke of an
        ancestor also revokes it."""
        error = self.move_error(sender, receiver, moves)
        if error:
            return error
        source, target = self.table_of(sender), self.table_of(receiver)
        handles = [source.lookup(value) for value, _ in moves]
        for handle in handles:  # first: within one table, their slots are free again
            assert handle is not None
            source.remove(handle)
        values = []
        for handle, (_, declared) in zip(handles, moves, strict=True):
            assert handle is not None
            if declared:
                handle.rights = declared
            value = target.insert(handle)
            assert value > 0  # move_error made sure of the room
            values.append(value)
        return tuple(values)

    def rights_on(self, thread: Thread, entry: KernelObject) -> int:
        """The union of the rights the live handles of `thread`'s domain hold on
        `entry` (what the object permission check accepts beside Zephyr's)."""
        rights = 0
        for handle in self.table_of(thread).slots:
            if handle is not None and handle.entry is entry and handle.live:
                rights |= handle.rights
        return rights


def _splice_out(handle: Handle) -> None:
    """Take a closed handle out of the derivation tree, its children to its parent."""
    parent = handle.parent
    for child in handle.children:
        child.parent = parent
        if parent is not None:
            parent.children.append(child)
    if parent is not None:
        parent.children.remove(handle)
    handle.children, handle.parent = [], None
