"""The seam where IPC hands a message's handles from the sender's domain to the receiver's.

The IPC calls check each handle slot against its method's description; moving the handle
is the handle tables' business (security domains).  The kernel asks the installed
`HandleTransfer` once per non-zero slot as it delivers the message; with none installed,
a message that carries a handle is refused with -ENOTSUP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from levante.kernel.thread import Thread


class HandleTransfer(Protocol):
    """Moves handles between domains inside IPC messages."""

    def move(self, sender: Thread, receiver: Thread, value: int) -> int:
        """Move the sender's handle `value` (it must hold the TRANSFER right) into the
        receiver's domain; return the receiver's new handle value or a negative errno"""
        ...
