"""Objects Zephyr checks by memory, not by permission (futexes, sys_mutex with user mode):
a user caller must be able to write the object's bytes (-EACCES otherwise), and the
address must be an object of the expected kind the image defines (-EINVAL otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.usermem import MemoryFault

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect

EACCES, EINVAL = -ERRNO["EACCES"], -ERRNO["EINVAL"]
State = TypeVar("State")


def object_in_caller_memory(kernel: Inspect, caller: Caller, address: int, size: int,
                            kind: type[State]) -> State | int:
    """The object of `kind` at `address`, or the errno Zephyr's checks give.  Only a
    user caller's memory is checked (Zephyr's verification functions); a supervisor's
    address is only looked up, so a wild one is -EINVAL, as Zephyr's implementation
    answers."""
    if caller.is_user:
        try:
            kernel.memory.check(caller, address, size, AccessKind.WRITE)
        except MemoryFault:
            raise  # the kernel's own access would fault: the caller faults
        except Oops:
            return EACCES
    entry = kernel.objects.entry(address)
    if entry is None or not isinstance(entry.state, kind):
        return EINVAL
    return entry.state
