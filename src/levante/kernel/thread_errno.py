"""Each thread's own errno, over the C library's single errno word.

newlib keeps errno in one place (the first word of the `struct _reent` that
`_impure_ptr` points to), for the C library's own functions as for the application.
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

_IMPURE_POINTER_SYMBOL = "_impure_ptr"


class ThreadErrno:
    """Swaps the errno word when the running thread changes."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        impure = kernel.image.symbols.get(_IMPURE_POINTER_SYMBOL)
        self.pointer_address = impure.address if impure else 0
        self.errno_address = 0  # read at the first switch, once the image is loaded
        self.owner: Thread | None = None

    def before_run(self, thread: Thread) -> None:
        if thread is self.owner or not self.pointer_address:
            return
        memory = self.kernel.memory
        if not self.errno_address:
            self.errno_address = memory.kernel_read_u32(self.pointer_address)
            if not self.errno_address:
                self.pointer_address = 0  # no reentrancy structure: nothing to swap
                return
        if self.owner is not None:
            self.owner.errno_value = memory.kernel_read_u32(self.errno_address)
        memory.kernel_write_u32(self.errno_address, thread.errno_value)
        self.owner = thread
