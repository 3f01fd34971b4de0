"""Thread-local storage (CONFIG_THREAD_LOCAL_STORAGE): each thread's block of __thread
variables, at the top of its stack, and the thread pointer switched with the thread.

The ARM EABI's variant 1: the thread pointer points at an 8-byte thread control block
that the block of variables follows (the linker's .tdata then .tbss, at most 8-byte
aligned, which the linker script asserts).  The Cortex-M has no thread-ID register, so
the thread pointer is the word `z_arm_tls_ptr` that the runtime's __aeabi_read_tp reads;
the kernel writes it before a thread runs, as Zephyr's context switch does.  The word is
in the C library's partition, so a user thread can overwrite it: the kernel writes it
before every run and before every interrupt-context callback, never trusting what is
there, so a forged pointer misleads only the thread that forged it, in user mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel
    from levante.kernel.thread import Thread

_POINTER_SYMBOL = "z_arm_tls_ptr"
_CONTROL_BLOCK = 8  # the EABI's thread control block below the variables (unused)
_ALIGN = 8


class ThreadLocalStorage:
    """The image's template and the thread pointer word, when the image has them."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        symbols = kernel.image.symbols
        pointer = symbols.get(_POINTER_SYMBOL)
        enabled = kernel.config.thread_local_storage and pointer is not None
        self.pointer_address = pointer.address if enabled and pointer is not None else 0

        def value(name: str) -> int:
            symbol = symbols.get(name)
            return symbol.address if self.pointer_address and symbol is not None else 0

        # The linker script's description of the template (levante.ld.in).
        self.template_address = value("__tdata_source")
        self.template_size = value("__tdata_size")
        self.block_size = value("__tbss_offset") + value("__tbss_size")

    @property
    def reserved(self) -> int:
        """Bytes a thread's stack gives up at its top: the block and its control block."""
        if not self.pointer_address:
            return 0
        return _align_up(self.block_size, _ALIGN) + _CONTROL_BLOCK

    def place(self, thread: Thread, top: int) -> int:
        """Fill a new block below `top` (initial values, then zeros) and give the thread
        its thread pointer; returns the bytes used.  A stack that cannot hold the block
        (the kernel's own threads without one) gets none, and a thread pointer of 0."""
        reserved = self.reserved
        thread.tls_pointer = 0
        if reserved == 0 or reserved > thread.stack_info[1]:
            return 0
        memory = self.kernel.memory
        block = top - _align_up(self.block_size, _ALIGN)
        template = memory.kernel_read(self.template_address, self.template_size)
        memory.kernel_write(block, template + bytes(self.block_size - self.template_size))
        thread.tls_pointer = block - _CONTROL_BLOCK
        return reserved

    def install(self, thread: Thread) -> None:
        """Make `thread`'s pointer the one __aeabi_read_tp returns (before it runs, or
        before a callback runs on its behalf)."""
        if self.pointer_address:
            self.kernel.memory.kernel_write_u32(self.pointer_address, thread.tls_pointer)


def _align_up(value: int, alignment: int) -> int:
    return -(-value // alignment) * alignment
