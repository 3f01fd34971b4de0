"""The seam where IPC hands a message's handles from the sender's domain to the receiver's.

The IPC calls check each handle slot against its method's description; moving the
handles is the handle tables' business (security domains, kernel/handles.py).  The kernel
asks the installed `HandleTransfer` once per message, for all its non-zero slots
together, as it delivers the message: they all move or none does.  With none installed,
a message that carries a handle is refused with -ENOTSUP.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from levante.kernel.handles import Handle
    from levante.kernel.thread import Thread


class HandleTransfer(Protocol):
    """Moves handles between domains inside IPC messages."""

    def find(self, thread: Thread, value: int) -> Handle | None:
        """The handle `value` names in `thread`'s domain (what the policy judges), None
        for any other value."""
        ...

    def move_all(self, sender: Thread, receiver: Thread,
                 moves: Sequence[tuple[int, int]]) -> tuple[int, ...] | int:
        """Move every `(value, declared rights)` of one message from the sender's
        domain to the receiver's, all or none: the receiver's new values in order, or
        the negative errno that refused them all (nothing moved)."""
        ...
