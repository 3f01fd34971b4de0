"""Memory on behalf of a caller: pointers become bytes only through a check, every time.

Hubris' USlice idea: an address and size from a thread are an allegation.  Decoding one
gives a `UserBuffer`, a value that reads or writes only through `read()`/`write()`, and
each of those checks the owner's *current* rights at that moment (a thread that left a
memory domain while it was blocked no longer reaches the partition it left).  The range
arithmetic cannot wrap (CVE-2020-10067 was an address+size overflow).

Two rule sets apply, as on hardware:
- a user caller's pointer must lie in its MPU view (else the call oopses, as Zephyr's
  K_SYSCALL_MEMORY_* checks do: K_ERR_KERNEL_OOPS);
- every access the kernel makes for anyone, user or supervisor, obeys the privileged
  rights of the MPU map in force (flash and code are never written, the null-pointer
  and stack guards are never touched).  Where hardware would fault the kernel's own
  access, the caller faults with K_ERR_CPU_EXCEPTION and the address.
The kernel's own structures (rings it allocated, thread fields it validated once) are
reached through `kernel_read`/`kernel_write`, named so that they are not used for a
caller's pointer.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from levante.arch.interface import AccessKind, Cpu
from levante.arch.memview import ADDRESS_SPACE_END, FlatView, flatten
from levante.kernel.caller import Caller
from levante.kernel.fatal import K_ERR_CPU_EXCEPTION, Oops

STRING_CHUNK = 32
WORD = struct.Struct("<I")


class MemoryFault(Oops):
    """The kernel's own access for a caller was refused by the MPU's privileged rights:
    the caller faults as it would on hardware (K_ERR_CPU_EXCEPTION)."""

    def __init__(self, message: str, address: int, access: AccessKind) -> None:
        super().__init__(message, K_ERR_CPU_EXCEPTION)
        self.address = address
        self.access = access


# The privileged map in force while serving a caller (its stack guard included), flat.
PrivilegedMap = Callable[[Caller], FlatView]


class KernelWrites(Protocol):
    """The kernel writing its own memory (pool blocks, object fields)."""

    def kernel_write(self, address: int, data: bytes) -> None: ...


class CallerMemory:
    """Checked copies between the kernel and memory a caller names."""

    def __init__(self, cpu: Cpu, privileged_map: PrivilegedMap) -> None:
        self.cpu = cpu
        self._privileged_map = privileged_map

    # ---- checks ------------------------------------------------------------------------

    def check(self, caller: Caller, address: int, size: int, access: AccessKind) -> None:
        """Oops unless `caller` may have the kernel `access` all of [address, +size)."""
        if size < 0 or address < 0 or address + size > ADDRESS_SPACE_END:
            raise Oops(f"buffer {address:#x}+{size} wraps around the address space")
        if size == 0:
            return
        if caller.is_user:
            view = caller.thread.view
            if view is None or not flatten(view).permits(address, size, access):
                raise Oops(
                    f"{access.value} of {size} bytes at {address:#x} is outside the memory "
                    f"of thread '{caller.thread.name}'"
                )
        self.check_privileged(caller, address, size, access)

    def check_privileged(self, caller: Caller, address: int, size: int,
                         access: AccessKind) -> None:
        """MemoryFault unless the privileged MPU map in force allows the kernel `access`
        to [address, +size): what hardware would refuse, the kernel does not do."""
        if size <= 0:
            return
        flat = self._privileged_map(caller)
        if not flat.permits(address, size, access):
            refused = _first_refused(flat, address, size, access)
            raise MemoryFault(
                f"kernel {access.value} of {size} bytes at {address:#x} refused by the MPU "
                f"(at {refused:#x})", refused, access)

    def check_array(self, caller: Caller, address: int, count: int, element_size: int,
                    access: AccessKind) -> int:
        """Check an array of count * element_size bytes (the product checked for 32-bit
        overflow first, as Zephyr's size_mul_overflow); returns its size."""
        size = array_size(count, element_size)
        if size is None:
            raise Oops(f"array of {count} x {element_size} bytes overflows")
        self.check(caller, address, size, access)
        return size

    # ---- buffers -----------------------------------------------------------------------

    def buffer(self, caller: Caller, address: int, size: int,
               access: AccessKind) -> UserBuffer:
        """Decode a pointer argument: checked now (a bad one faults the caller at once),
        and again at every later read or write."""
        self.check(caller, address, size, access)
        return UserBuffer(self, caller, address, size)

    def read(self, caller: Caller, address: int, size: int) -> bytes:
        self.check(caller, address, size, AccessKind.READ)
        return self.cpu.read_memory(address, size) if size else b""

    def write(self, caller: Caller, address: int, data: bytes) -> None:
        self.check(caller, address, len(data), AccessKind.WRITE)
        if data:
            self.cpu.write_memory(address, data)

    def read_array(self, caller: Caller, address: int, count: int, element_size: int) -> bytes:
        size = self.check_array(caller, address, count, element_size, AccessKind.READ)
        return self.cpu.read_memory(address, size) if size else b""

    def read_words(self, caller: Caller, address: int, count: int) -> tuple[int, ...]:
        return struct.unpack(f"<{count}I", self.read_array(caller, address, count, 4))

    def read_string(self, caller: Caller, address: int, limit: int) -> bytes:
        """A NUL-terminated string of at most `limit` bytes (without its NUL).  It must
        be readable up to its NUL or the limit (k_usermode_string_copy); a supervisor's
        string is read in chunks, so one ending near a boundary is not read past."""
        if caller.is_user:
            view = caller.thread.view
            flat = flatten(view) if view is not None else None
            available = min(limit, flat.accessible_run(address, AccessKind.READ) if flat else 0)
        else:
            available = limit
        data = self._read_until_nul(caller, address, available)
        end = data.find(b"\0")
        if end >= 0:
            return data[:end]
        if available < limit:
            raise Oops(f"string at {address:#x} runs out of thread '{caller.thread.name}''s "
                       "memory")
        return data

    def _read_until_nul(self, caller: Caller, address: int, limit: int) -> bytes:
        data = b""
        while len(data) < limit:
            position = address + len(data)
            step = min(limit - len(data), STRING_CHUNK - position % STRING_CHUNK)
            chunk = self.read(caller, position, step)
            data += chunk
            if b"\0" in chunk:
                break
        return data

    # ---- the kernel's own memory ---------------------------------------------------------

    def kernel_read(self, address: int, size: int) -> bytes:
        """Read memory the kernel owns or validated when the object was set up."""
        return self.cpu.read_memory(address, size) if size else b""

    def kernel_write(self, address: int, data: bytes) -> None:
        """Write memory the kernel owns or validated when the object was set up."""
        if data:
            self.cpu.write_memory(address, data)

    def kernel_read_u32(self, address: int) -> int:
        value: int = WORD.unpack(self.cpu.read_memory(address, 4))[0]
        return value

    def kernel_write_u32(self, address: int, value: int) -> None:
        self.cpu.write_memory(address, WORD.pack(value & 0xFFFFFFFF))


def array_size(count: int, element_size: int) -> int | None:
    """count * element_size, or None when it does not fit 32 bits (Zephyr's
    size_mul_overflow)."""
    size = count * element_size
    if count < 0 or element_size < 0 or size >= ADDRESS_SPACE_END:
        return None
    return size


@dataclass(frozen=True, slots=True)
class UserBuffer:
    """A caller's memory range as a value: bytes only through a check against the
    owner's rights at the moment of the access.  Wait state holds these, never addresses."""

    memory: CallerMemory
    owner: Caller
    address: int
    size: int

    def read(self) -> bytes:
        return self.memory.read(self.owner, self.address, self.size)

    def write(self, data: bytes) -> None:
        if len(data) > self.size:
            raise ValueError(f"{len(data)} bytes do not fit a {self.size}-byte buffer")
        self.memory.write(self.owner, self.address, data)


def _first_refused(flat: FlatView, address: int, size: int, access: AccessKind) -> int:
    """The first address of [address, +size) that `access` is refused at."""
    position, end = address, address + size
    while position < end:
        segment = flat.segment_at(position)
        if segment is None or not segment.allows(access):
            return position
        position = segment.end
    return address
