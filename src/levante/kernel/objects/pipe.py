"""Pipes (k_pipe): a byte stream through a ring, with writers and readers that wait.

The ring is memory a supervisor (or, with Zephyr 4.1's k_pipe_init, a user thread)
named, checked when the pipe is set up, or a block of the initialising thread's
resource pool (k_pipe_alloc_init), which the pipe owns and gives back at k_pipe_cleanup
or when it is freed.  The kernel keeps the ring's indices and mirrors them into the C
structure for code that reads them, as Zephyr's fields.  A waiting thread's transfer is
carried on by the kernel as data moves: a writer's bytes were copied in when it called,
a reader's destination is a UserBuffer, checked again at every delivery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.objects.poll_events import PollRegistrations
from levante.kernel.waitq import WaitQueue

if TYPE_CHECKING:
    from levante.kernel.pool import MemoryPool
    from levante.kernel.usermem import UserBuffer

NULL = 0


@dataclass(eq=False)
class PipeWriter:
    """A writer's transfer: its bytes, how many are through, and (Zephyr 3.7) the
    minimum it asked for and where the count goes."""

    data: bytes
    done: int = 0
    min_xfer: int = 0
    count: UserBuffer | None = None

    @property
    def remaining(self) -> int:
        return len(self.data) - self.done

    def take(self, size: int) -> bytes:
        chunk = self.data[self.done:self.done + size]
        self.done += len(chunk)
        return chunk


@dataclass(eq=False)
class PipeReader:
    """A reader's transfer: where the bytes go (None: they are discarded, a flush), how
    many it wants and has, and (Zephyr 3.7) its minimum and where the count goes."""

    destination: UserBuffer | None
    wanted: int
    done: int = 0
    min_xfer: int = 0
    count: UserBuffer | None = None

    @property
    def remaining(self) -> int:
        return self.wanted - self.done


@kind_state
@dataclass(eq=False)
class Pipe:
    KIND: ClassVar[str] = "k_pipe"

    address: int  # the C structure the kernel mirrors the ring's state into
    buffer: int
    size: int
    used: int = 0
    read_index: int = 0
    write_index: int = 0
    readers: WaitQueue = field(default_factory=WaitQueue)
    writers: WaitQueue = field(default_factory=WaitQueue)
    # The ring from k_pipe_alloc_init, owned (Zephyr's K_PIPE_FLAG_ALLOC).
    allocated: tuple[MemoryPool, int] | None = None
    is_open: bool = True  # Zephyr 4.1: k_pipe_close clears it
    poll_events: PollRegistrations = field(default_factory=PollRegistrations)

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> Pipe:
        buffer = fields["buffer"]
        return cls(address, buffer, fields["size"] if buffer != NULL else 0)

    @property
    def free(self) -> int:
        return self.size - self.used

    def write_spans(self, size: int) -> list[tuple[int, int]]:
        """Where the next `size` bytes (no more than `free`) go, as (address, length)
        runs of the ring, now counted as used."""
        spans = self._spans(self.write_index, size)
        self.write_index = (self.write_index + size) % self.size if self.size else 0
        self.used += size
        return spans

    def read_spans(self, size: int) -> list[tuple[int, int]]:
        """Where the next `size` bytes (no more than `used`) are, now counted free."""
        spans = self._spans(self.read_index, size)
        self.read_index = (self.read_index + size) % self.size if self.size else 0
        self.used -= size
        return spans

    def discard(self) -> None:
        self.used = self.read_index = self.write_index = 0

    def _spans(self, start: int, size: int) -> list[tuple[int, int]]:
        first = min(size, self.size - start)
        spans = [(self.buffer + start, first)] if first else []
        if size > first:
            spans.append((self.buffer, size - first))
        return spans

    def wait_queues(self) -> tuple[WaitQueue, ...]:
        return (self.readers, self.writers)

    def take_owned_blocks(self) -> list[tuple[MemoryPool, int]]:
        """The ring k_pipe_alloc_init took, handed over to be released (once); the pipe
        is bufferless from then on, as Zephyr's k_pipe_cleanup leaves it."""
        if self.allocated is None:
            return []
        owned, self.allocated = [self.allocated], None
        self.buffer = self.size = NULL
        self.discard()
        return owned
