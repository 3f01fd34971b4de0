"""struct k_object records: what k_object_find shows C code of one kernel object.

Zephyr's k_object_find returns the object's entry in its build-time table.  Levante's
table is the kernel's (objects/registry.py), so the runtime gives a few records in kernel
memory (`z_object_records`) and the kernel writes one per object looked up: its address,
the permission bits of its threads' slots, its kind and its flags.  A record is a
snapshot, rewritten when the object is found again or recycled; writing to it changes
nothing in the kernel.  There are 32 records (the runtime's table); past that the
least recently found one is reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from levante.abi import KERNEL_OBJECT_TYPES, OBJECT_KINDS
from levante.kernel.objects.registry import KernelObject

# Zephyr's K_OBJ_FLAG_* bits of struct k_object's flags.
K_OBJ_FLAG_INITIALIZED = 1 << 0
K_OBJ_FLAG_PUBLIC = 1 << 1
K_OBJ_FLAG_ALLOC = 1 << 2

_TYPE_OF_KIND = {kind: KERNEL_OBJECT_TYPES[name] for name, kind in OBJECT_KINDS.items()}


def record_size(max_thread_bytes: int) -> int:
    """sizeof(struct k_object): name, perms[MAX_THREAD_BYTES], type, flags, then a word
    of data at the next word boundary."""
    return _data_offset(max_thread_bytes) + 4


def _data_offset(max_thread_bytes: int) -> int:
    return (4 + max_thread_bytes + 2 + 3) // 4 * 4


def encode_record(entry: KernelObject, max_thread_bytes: int) -> bytes:
    """The record's bytes for `entry` as the kernel knows it now."""
    perms = bytearray(max_thread_bytes)
    for thread in entry.permissions:
        if thread.slot is not None and thread.slot < 8 * max_thread_bytes:
            perms[thread.slot // 8] |= 1 << (thread.slot % 8)
    flags = (K_OBJ_FLAG_INITIALIZED if entry.initialised else 0) | (
        K_OBJ_FLAG_PUBLIC if entry.public else 0) | (K_OBJ_FLAG_ALLOC if entry.dynamic else 0)
    record = bytearray(record_size(max_thread_bytes))
    record[0:4] = entry.address.to_bytes(4, "little")
    record[4:4 + max_thread_bytes] = perms
    record[4 + max_thread_bytes] = _TYPE_OF_KIND.get(entry.kind, 0)
    record[5 + max_thread_bytes] = flags
    return bytes(record)


@dataclass
class ObjectRecords:
    """Which record in `z_object_records` describes which object.  When every record is
    taken, the one looked up least recently describes the next object: a record stays
    the same object's until `count` other objects have been looked up."""

    base: int
    count: int
    size: int
    assigned: dict[int, int] = field(default_factory=dict)  # object -> record, oldest first
    described: dict[int, int] = field(default_factory=dict)  # record -> object

    def record_for(self, address: int) -> int | None:
        """The record of the object at `address` (now the most recently looked up)."""
        record = self.assigned.pop(address, None)
        if record is None:
            if self.count == 0:
                return None
            if len(self.assigned) < self.count:
                record = self.base + len(self.assigned) * self.size
            else:
                oldest = next(iter(self.assigned))
                record = self.assigned.pop(oldest)
        self.assigned[address] = record
        self.described[record] = address
        return record

    def existing(self, address: int) -> int | None:
        return self.assigned.get(address)

    def object_of(self, record: int) -> int | None:
        """The object a record handed out describes (None: not a record handed out)."""
        return self.described.get(record)
