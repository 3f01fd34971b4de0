"""Each thread's own errno, over the C library's single errno word.

newlib keeps errno in one place (the first word of its `struct _reent`,
`impure_data`), for the C library's own functions as for the application.
Zephyr gives every thread its own errno; so does this: before a thread runs, the word is
saved into the thread that last ran and the new thread's value is put in its place.  A
new thread starts with errno 0.  Interrupt-context callbacks share the errno of the
thread they interrupted, as they run on its behalf.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel
    from levante.kernel.thread import Thread

# newlib-nano's reentrancy structure; its first word is errno.
_REENT_SYMBOL = "impure_data"


class ThreadErrno:
    """Swaps the errno word when the running thread changes."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        # Taken from the image's symbols, not from the pointer in writable memory: the
        # kernel writes here at every switch, so the address must be one it trusts.
        reent = kernel.image.symbols.get(_REENT_SYMBOL)
        self.errno_address = reent.address if reent is not None and reent.size >= 4 else 0
        self.owner: Thread | None = None

    def before_run(self, thread: Thread) -> None:
        if thread is self.owner or not self.errno_address:
            return
        memory = self.kernel.memory
        if self.owner is not None:
            self.owner.errno_value = memory.kernel_read_u32(self.errno_address)
        memory.kernel_write_u32(self.errno_address, thread.errno_value)
        self.owner = thread
