"""The kernel-object table: which addresses are kernel objects, of what kind, who may use them.

As Zephyr's: objects the image defines are known from its debug information at boot
(gen_kobject_list's job), dynamic ones are added when allocated.  Each entry records its
kind, whether it has been initialised, and the threads permitted to use it.  User threads
reach objects only through `use`/`initialise`, which apply k_object_validate's rules;
supervisor threads and ISRs are trusted and only need a live object of the right kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, Protocol, TypeVar, runtime_checkable

from levante.abi import ERRNO, STRUCTS_BY_NAME
from levante.kernel.fatal import Oops

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.pool import MemoryPool
    from levante.kernel.thread import Thread
    from levante.kernel.timeout import TimeoutQueue
    from levante.kernel.waitq import WaitQueue

STACK_KIND = "z_thread_stack_element"


class HasKind(Protocol):
    KIND: ClassVar[str]


T = TypeVar("T", bound=HasKind)


@runtime_checkable
class OwnsMemory(Protocol):
    """An object that owns blocks of a pool (a queue's ring), released with it."""

    def take_owned_blocks(self) -> list[tuple[MemoryPool, int]]: ...


@runtime_checkable
class Disarmable(Protocol):
    """An object with something armed on simulated time (a timer), stopped when freed."""

    def disarm(self, timeouts: TimeoutQueue) -> None: ...


@runtime_checkable
class HasWaiters(Protocol):
    """An object threads can be blocked on: it is not freed while one is."""

    def wait_queues(self) -> tuple[WaitQueue, ...]: ...


def has_waiters(state: object) -> bool:
    """Whether any thread is blocked on the object `state`."""
    return isinstance(state, HasWaiters) and any(state.wait_queues())


def _untracked_in_zephyr(kind: str) -> bool:
    """A structure the kernel keeps state for that is no kernel object in Zephyr (a
    mailbox, a heap): nothing in Zephyr stops its memory from becoming another object,
    as a function's local structures do from one call to the next."""
    record = STRUCTS_BY_NAME.get(kind)
    return record is not None and record.k_obj is None


def is_waiting_on(thread: Thread, state: object) -> bool:
    """Whether `thread` is blocked on one of the wait queues of the object `state`."""
    return isinstance(state, HasWaiters) and any(
        queue is thread.waiting_on for queue in state.wait_queues())


class InitState(Enum):
    """What a system call requires of an object's initialisation (Zephyr's _OBJ_INIT_*)."""

    ANY = "any"
    INITIALISED = "initialised"  # in use: a missing init is -EINVAL
    UNINITIALISED = "uninitialised"  # about to be set up: an existing one is -EADDRINUSE


@dataclass(eq=False)
class KernelObject:
    """One entry of the table; `state` is the live object once it is initialised."""

    address: int
    kind: str
    size: int
    state: Any = None
    permissions: set[Thread] = field(default_factory=set)
    public: bool = False  # k_object_access_all_grant: every thread may use it
    dynamic: bool = False  # from k_object_alloc: freed when the last permission goes
    pool: MemoryPool | None = None  # the resource pool a dynamic object came from
    # In the table user threads can be granted.  Objects a supervisor initialised at an
    # address the image does not declare work for supervisors only, as in Zephyr.
    tracked: bool = True

    @property
    def initialised(self) -> bool:
        return self.state is not None

    def permits(self, thread: Thread) -> bool:
        return self.public or thread in self.permissions


class ObjectRegistry:
    """Kernel objects by the address of their C structure."""

    def __init__(self) -> None:
        self._objects: dict[int, KernelObject] = {}
        # Dynamic objects nobody may use any more, kept until their last waiter leaves.
        self.awaiting_free: set[KernelObject] = set()
        # Grants to a thread object no thread runs on yet, by its address: as in Zephyr,
        # where a permission belongs to the thread object's index, the thread created
        # on it next has them.
        self.pending_grants: dict[int, set[int]] = {}

    # ---- the table ------------------------------------------------------------------

    def declare(self, address: int, kind: str, size: int, *, tracked: bool = True,
                dynamic: bool = False, pool: MemoryPool | None = None) -> KernelObject:
        """Add an (uninitialised) object the image or the allocator provides."""
        entry = KernelObject(address, kind, size, tracked=tracked, dynamic=dynamic, pool=pool)
        self._objects[address] = entry
        return entry

    def entry(self, address: int) -> KernelObject | None:
        return self._objects.get(address)

    def remove(self, address: int) -> None:
        self._objects.pop(address, None)

    def __iter__(self) -> Iterator[KernelObject]:
        return iter(list(self._objects.values()))

    def __len__(self) -> int:
        return sum(1 for entry in self._objects.values() if entry.initialised)

    # ---- supervisor access (no permission checks) ----------------------------------------

    def check_not_another_live_object(self, address: int, kind: str) -> None:
        """Oops when a live object of another kind is at `address`: a supervisor may
        re-initialise an object, never turn one kind into another under its users."""
        entry = self._objects.get(address)
        if entry is not None and entry.kind != kind and entry.initialised:
            if _untracked_in_zephyr(entry.kind) and not has_waiters(entry.state):
                return  # Zephyr knows no such object: its memory is simply reused
            raise Oops(f"{address:#x} is a live {entry.kind}, not a {kind}")

    def register(self, address: int, obj: HasKind) -> KernelObject:
        """Initialise the object at `address` with `obj` (a supervisor's k_*_init)."""
        self.check_not_another_live_object(address, obj.KIND)
        entry = self._objects.get(address)
        if entry is None or entry.kind != obj.KIND:
            entry = self.declare(address, obj.KIND, 0, tracked=False)
        entry.state = obj
        return entry

    def uninitialise_state(self, state: object) -> None:
        """The entry whose live object is `state` is uninitialised (it can no longer be
        used until initialised again)."""
        for entry in self._objects.values():
            if entry.state is state:
                entry.state = None

    def unchecked_state(self, address: int) -> object | None:
        """The live object at `address`, whatever its kind, without any check."""
        entry = self._objects.get(address)
        return entry.state if entry is not None else None

    def unchecked(self, address: int, kind: type[T]) -> T:
        """The live object of `kind` at `address` for a trusted (supervisor or kernel)
        caller, without permission checks; oopses when there is none."""
        entry = self._objects.get(address)
        state = entry.state if entry is not None else None
        if not isinstance(state, kind):
            what = "not a kernel object" if state is None else f"a {type(state).__name__}"
            raise Oops(f"{address:#x} is {what}, expected a {kind.__name__}")
        return state

    # ---- validation (k_object_validate) -----------------------------------------------

    def validate(self, thread: Thread, address: int, kind: str | None,
                 init: InitState) -> int:
        """0, or the errno Zephyr's k_object_validate gives a user thread: -EBADF (not an
        object of that kind), -EPERM (no permission), -EINVAL (not initialised),
        -EADDRINUSE (already initialised)."""
        entry = self._objects.get(address)
        if entry is None or not entry.tracked or (kind is not None and entry.kind != kind):
            return -ERRNO["EBADF"]
        if not entry.permits(thread):
            return -ERRNO["EPERM"]
        if init is InitState.INITIALISED and not entry.initialised:
            return -ERRNO["EINVAL"]
        if init is InitState.UNINITIALISED and entry.initialised:
            return -ERRNO["EADDRINUSE"]
        return 0

    def checked(self, caller: Caller, address: int, kind: str | None,
                init: InitState) -> KernelObject:
        """The entry at `address` after validation for a user caller (which oopses on any
        error, as Zephyr's K_OOPS(K_SYSCALL_OBJ...) does)."""
        error = self.validate(caller.thread, address, kind, init)
        if error:
            self.deny(address, kind, error)
        return self._objects[address]

    @staticmethod
    def denial(address: int, kind: str | None, error: int) -> str:
        """What a failed validation reports (`error` as `validate` returned it)."""
        return f"{address:#x}: {kind or 'kernel object'} access denied ({_ERROR_NAMES[-error]})"

    @staticmethod
    def deny(address: int, kind: str | None, error: int) -> NoReturn:
        """Oops for a failed validation."""
        raise Oops(ObjectRegistry.denial(address, kind, error))

    def use(self, caller: Caller, address: int, kind: type[T]) -> T:
        """The initialised object a system call works on, validated for user callers."""
        if caller.is_user:
            self.checked(caller, address, kind.KIND, InitState.INITIALISED)
        else:
            # The hot path: a trusted caller needs only a live object of the kind.
            entry = self._objects.get(address)
            if entry is not None and type(entry.state) is kind:
                return entry.state
        return self.unchecked(address, kind)

    def check_initialisable(self, caller: Caller, address: int, kind: type[HasKind],
                            init: InitState = InitState.ANY) -> None:
        """Validate a k_*_init's object before its other arguments (Zephyr's order):
        K_SYSCALL_OBJ_INIT, or with UNINITIALISED K_SYSCALL_OBJ_NEVER_INIT.  A supervisor
        may re-initialise an object, never turn a live one into another kind."""
        if caller.is_user:
            self.checked(caller, address, kind.KIND, init)
        else:
            self.check_not_another_live_object(address, kind.KIND)

    def initialise(self, caller: Caller, address: int, obj: T) -> None:
        """A k_*_init: user callers need a known object of that kind they may use."""
        if caller.is_user:
            self.checked(caller, address, obj.KIND, InitState.ANY).state = obj
        else:
            self.register(address, obj)

    # ---- permissions ---------------------------------------------------------------------

    def grant(self, address: int, thread: Thread) -> None:
        entry = self._objects.get(address)
        if entry is not None:
            entry.permissions.add(thread)

    def grant_pending(self, address: int, thread_object: int) -> None:
        """A grant to the thread object at `thread_object`, on which no thread runs."""
        if address in self._objects:
            self.pending_grants.setdefault(thread_object, set()).add(address)

    def revoke_pending(self, address: int, thread_object: int) -> None:
        self.pending_grants.get(thread_object, set()).discard(address)

    def claim_pending(self, thread: Thread) -> None:
        """A thread starts on its object: the grants made to that object are its."""
        for address in self.pending_grants.pop(thread.address, ()):
            self.grant(address, thread)

    def inherit(self, parent: Thread, child: Thread) -> None:
        """K_INHERIT_PERMS: the child gets every permission of the parent's except the
        one on the parent thread itself."""
        for entry in self._objects.values():
            if parent in entry.permissions and entry.address != parent.address:
                entry.permissions.add(child)

    def revoke(self, address: int, thread: Thread) -> KernelObject | None:
        """Take `thread`'s permission away; returns the entry if that was the last
        permission on a dynamic object (the caller frees it)."""
        entry = self._objects.get(address)
        if entry is None:
            return None
        entry.permissions.discard(thread)
        return entry if self._orphaned(entry) else None

    def forget_thread(self, thread: Thread) -> list[KernelObject]:
        """A thread exits: it loses every permission.  Returns dynamic objects left
        without any (the caller frees them)."""
        orphans = []
        self.pending_grants.pop(thread.address, None)
        for entry in self._objects.values():
            if thread in entry.permissions:
                entry.permissions.discard(thread)
                if self._orphaned(entry):
                    orphans.append(entry)
        return orphans

    def _orphaned(self, entry: KernelObject) -> bool:
        """Whether `entry` is to be freed now; one that only waiters keep is noted and
        comes back from `collect_awaiting` once they have left."""
        if self.is_orphan(entry):
            return True
        if entry.dynamic and not entry.permissions and not entry.public:
            self.awaiting_free.add(entry)
        return False

    def collect_awaiting(self) -> list[KernelObject]:
        """Objects noted by `_orphaned` that nothing keeps any more (to be freed)."""
        ready = [entry for entry in self.awaiting_free
                 if entry.permissions or entry.public or self.is_orphan(entry)]
        self.awaiting_free.difference_update(ready)
        return [entry for entry in ready if self.is_orphan(entry)]

    @staticmethod
    def is_orphan(entry: KernelObject) -> bool:
        """A dynamic object no thread may use any more: it is freed."""
        # A live thread or a stack a thread runs on is never freed under it, nor an
        # object a thread is still blocked on (it is freed when the last one leaves).
        state = entry.state
        return entry.dynamic and not entry.permissions and not entry.public and (
            entry.kind not in ("k_thread", STACK_KIND) or not entry.initialised
        ) and not has_waiters(state)


_ERROR_NAMES = {value: name for name, value in ERRNO.items()}
