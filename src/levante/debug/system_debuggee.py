"""A booted system as GDB sees it: threads by id, their registers, memory through a view,
breakpoints, and the `monitor` commands.

Memory goes through a view, as a thread's own accesses would: by default the selected
thread's (a user thread's MPU view, a supervisor thread's privileged map, with its guards
and W^X), so what GDB shows is what that thread can reach.  `monitor view kernel` switches
to the kernel's: all of flash (read-only: NOR flash is never written by a store) and all
of SRAM.  `monitor view thread` switches back.
"""

from __future__ import annotations

from levante.arch.cortex_m.cpu import UnicornCpu
from levante.arch.interface import AccessKind, AccessRegion, MemoryAccessError
from levante.arch.memview import FlatView, flatten
from levante.kernel.kernel import Kernel
from levante.kernel.thread import Thread, ThreadState

# More than any debug unit has comparators, few enough that hooks stay cheap.
MAX_BREAKPOINTS = 64

_HELP = (
    "monitor view            which memory view GDB's reads and writes go through\n"
    "monitor view thread     the selected thread's (its MPU view or privileged map)\n"
    "monitor view kernel     the kernel's: all flash (read-only) and all SRAM\n"
    "monitor help            this list\n"
)


class SystemDebuggee:
    """The `Debuggee` of a booted system: its kernel's threads and its CPU backend."""

    def __init__(self, kernel: Kernel, cpu: UnicornCpu) -> None:
        self.kernel = kernel
        self.cpu = cpu
        self.kernel_view_on = False
        self._ids: dict[Thread, int] = {}
        self._threads: dict[int, Thread] = {}
        # Breakpoint address -> the kinds set there (True: hardware).
        self._breakpoints: dict[int, set[bool]] = {}
        config = kernel.config
        self._kernel_view = flatten((
            AccessRegion(*config.code_region, read=True, execute=True, name="flash"),
            AccessRegion(*config.ram_region, read=True, write=True, name="sram"),
        ))

    # ---- threads ---------------------------------------------------------------------

    def id_of(self, thread: Thread) -> int:
        """GDB's id of a thread: threads are numbered from 1 in the order the kernel
        created them (as far as GDB can tell: each when first seen), never reusing one."""
        if thread not in self._ids:
            self._number_new_threads()
            if thread not in self._ids:
                self._number(thread)
        return self._ids[thread]

    def _number_new_threads(self) -> None:
        for thread in self.kernel.threads.values():
            if thread not in self._ids and self._is_live(thread):
                self._number(thread)

    def _number(self, thread: Thread) -> None:
        thread_id = len(self._ids) + 1
        self._ids[thread] = thread_id
        self._threads[thread_id] = thread

    def thread(self, thread_id: int) -> Thread | None:
        """The live thread with this id."""
        self._number_new_threads()
        thread = self._threads.get(thread_id)
        return thread if thread is not None and self._is_live(thread) else None

    @staticmethod
    def _is_live(thread: Thread) -> bool:
        return thread.state is not ThreadState.DEAD and thread.context is not None

    def thread_ids(self) -> list[int]:
        self._number_new_threads()
        return sorted(thread_id for thread, thread_id in self._ids.items()
                      if self._is_live(thread))

    def describe_thread(self, thread_id: int) -> str | None:
        thread = self.thread(thread_id)
        if thread is None:
            return None
        state = thread.state.value
        if thread is self.kernel.current and thread.is_runnable():
            state = "running"
        elif thread.suspended:
            state += ", suspended"
        mode = ", user" if thread.user else ""
        return f"{thread.name or '(unnamed)'}, {state}, priority {thread.priority}{mode}"

    def _live(self, thread_id: int) -> Thread:
        thread = self.thread(thread_id)
        if thread is None or thread.context is None:
            raise LookupError(f"no live thread {thread_id}")
        return thread

    # ---- registers -------------------------------------------------------------------

    def registers(self, thread_id: int) -> tuple[int, ...]:
        return self.cpu.debug_registers(self._live(thread_id).context)

    def write_register(self, thread_id: int, index: int, value: int) -> None:
        self.cpu.write_debug_register(self._live(thread_id).context, index, value)

    # ---- memory ----------------------------------------------------------------------

    def _view(self, thread_id: int) -> FlatView:
        if self.kernel_view_on:
            return self._kernel_view
        thread = self._live(thread_id)
        if thread.view is not None:
            return flatten(thread.view)
        return self.kernel.privileged_map(thread.caller)

    def read_memory(self, thread_id: int, address: int, size: int) -> bytes:
        if address < 0 or size <= 0:
            return b""
        readable = min(size, self._view(thread_id).accessible_run(address, AccessKind.READ))
        if readable <= 0:
            return b""
        try:
            return self.cpu.read_memory(address, readable)
        except MemoryAccessError:
            return b""

    def write_memory(self, thread_id: int, address: int, data: bytes) -> bool:
        if not self._view(thread_id).permits(address, len(data), AccessKind.WRITE):
            return False
        try:
            self.cpu.write_memory_from_debugger(address, data)
        except MemoryAccessError:
            return False
        return True

    # ---- breakpoints -----------------------------------------------------------------

    def insert_breakpoint(self, address: int, hardware: bool) -> bool:
        """Refused past MAX_BREAKPOINTS, and outside the board's memory (where no
        thread's code can be)."""
        address &= ~1
        kinds = self._breakpoints.get(address)
        if kinds is None:
            if len(self._breakpoints) >= MAX_BREAKPOINTS or \
                    self._kernel_view.segment_at(address) is None:
                return False
            kinds = self._breakpoints[address] = set()
            self.cpu.set_breakpoint(address)
        kinds.add(hardware)
        return True

    def remove_breakpoint(self, address: int, hardware: bool) -> None:
        address &= ~1
        kinds = self._breakpoints.get(address)
        if kinds is None:
            return
        kinds.discard(hardware)
        if not kinds:
            del self._breakpoints[address]
            self.cpu.clear_breakpoint(address)

    def remove_all_breakpoints(self) -> None:
        for address in list(self._breakpoints):
            del self._breakpoints[address]
            self.cpu.clear_breakpoint(address)

    def breakpoint_kind(self, address: int) -> str:
        """How GDB calls the breakpoint at `address` in a stop reply."""
        kinds = self._breakpoints.get(address & ~1, set())
        return "swbreak" if False in kinds or not kinds else "hwbreak"

    # ---- monitor commands ------------------------------------------------------------

    def monitor(self, command: str) -> str:
        words = command.split()
        if words in ([], ["help"]):
            return _HELP
        if words[0] == "view" and len(words) <= 2:
            if len(words) == 2:
                if words[1] not in ("kernel", "thread"):
                    return f"unknown view '{words[1]}': use 'kernel' or 'thread'\n"
                self.kernel_view_on = words[1] == "kernel"
            return f"memory view: {'kernel' if self.kernel_view_on else 'thread'}\n"
        return f"unknown monitor command '{command.strip()}' (try 'monitor help')\n"
