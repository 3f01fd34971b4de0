"""Memory arguments of system calls: user pointers become bytes only after a check.

Hubris' USlice idea: an address and size from a user thread are an allegation.  They
are checked against the caller's memory view (the MPU regions it runs under) with
arithmetic that cannot wrap (CVE-2020-10067 was an address+size overflow), and the
bytes are copied in once, before use.  Supervisor threads and ISRs are trusted, as
Zephyr's implementation functions trust them; the CPU still rejects unmapped memory.
"""

from __future__ import annotations

import struct

from levante.arch.interface import AccessKind, Cpu
from levante.arch.memview import ADDRESS_SPACE_END, flatten
from levante.kernel.caller import Caller
from levante.kernel.fatal import Oops

STRING_CHUNK = 32


class UserMemory:
    """Checked copies between the kernel and a caller's memory."""

    def __init__(self, cpu: Cpu) -> None:
        self.cpu = cpu

    def check(self, caller: Caller, address: int, size: int, access: AccessKind) -> None:
        """Oops unless a user caller may `access` all of [address, address+size)."""
        if size < 0 or address + size > ADDRESS_SPACE_END:
            raise Oops(f"buffer {address:#x}+{size} wraps around the address space")
        if not caller.is_user or size == 0:
            return
        view = caller.thread.view
        if view is None or not flatten(view).permits(address, size, access):
            raise Oops(
                f"{access.value} of {size} bytes at {address:#x} is outside the memory of "
                f"thread '{caller.thread.name}'"
            )

    def read(self, caller: Caller, address: int, size: int) -> bytes:
        self.check(caller, address, size, AccessKind.READ)
        return self.cpu.read_memory(address, size) if size else b""

    def write(self, caller: Caller, address: int, data: bytes) -> None:
        self.check(caller, address, len(data), AccessKind.WRITE)
        if data:
            self.cpu.write_memory(address, data)

    def check_array(self, caller: Caller, address: int, count: int, element_size: int,
                    access: AccessKind) -> int:
        """Check an array of count * element_size bytes (the product checked for 32-bit
        overflow first, as Zephyr's size_mul_overflow); returns its size."""
        size = count * element_size
        if count < 0 or element_size < 0 or size >= ADDRESS_SPACE_END:
            raise Oops(f"array of {count} x {element_size} bytes overflows")
        self.check(caller, address, size, access)
        return size

    def read_array(self, caller: Caller, address: int, count: int, element_size: int) -> bytes:
        size = self.check_array(caller, address, count, element_size, AccessKind.READ)
        return self.cpu.read_memory(address, size) if size else b""

    def read_words(self, caller: Caller, address: int, count: int) -> tuple[int, ...]:
        return struct.unpack(f"<{count}I", self.read_array(caller, address, count, 4))

    def read_string(self, caller: Caller, address: int, limit: int) -> bytes:
        """A NUL-terminated string of at most `limit` bytes (without its NUL).  A user
        string must be readable up to its NUL or the limit (k_usermode_string_copy)."""
        if caller.is_user:
            view = caller.thread.view
            flat = flatten(view) if view is not None else None
            available = min(limit, flat.accessible_run(address, AccessKind.READ) if flat else 0)
            data = self.cpu.read_memory(address, available) if available else b""
        else:
            available, data = limit, self._read_trusted_string(address, limit)
        end = data.find(b"\0")
        if end >= 0:
            return data[:end]
        if available < limit:
            raise Oops(f"string at {address:#x} runs out of thread '{caller.thread.name}''s "
                       "memory")
        return data

    def _read_trusted_string(self, address: int, limit: int) -> bytes:
        """Read in 32-byte-aligned chunks and stop at the NUL, so that a string ending
        near the end of memory is not read past (as strncpy would not)."""
        data = b""
        while len(data) < limit:
            position = address + len(data)
            step = min(limit - len(data), STRING_CHUNK - position % STRING_CHUNK)
            chunk = self.cpu.read_memory(position, step)
            data += chunk
            if b"\0" in chunk:
                break
        return data
