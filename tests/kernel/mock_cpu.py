"""A mock CPU for the kernel's unit tests: every execution context runs a Python script.

A script is a generator, made by a factory mapped to the entry address of the context
(a thread's entry function, a timer expiry function, the fatal error handler).  It yields
steps; the mock turns them into what a Cortex-M core would report to the kernel:

- ``("run", cycles)``: execute `cycles` instructions.  A run longer than the budget is
  split: the mock stops with BUDGET after exactly the budget and keeps the remainder.
- ``("syscall", name, *args)``: a system call by ABI name (or by raw number: an int goes
  to r6 unchanged).  Arguments are encoded as unsigned 32-bit registers r0-r5 with the
  number in r6; a call with more than six parameters passes five in r0-r4 and, in r5, a
  pointer to the rest, written below the context's stack top.  The generator receives
  the call's result via ``send``, decoded by the ABI return type (signed, unsigned,
  64-bit, or None for void).
- ``("svc", n[, r0])``: a bare ``svc #n`` with r0 set (k_oops: ``("svc", 2, reason)``).
- ``("wfi",)``: a WFI instruction (one cycle); the core sleeps until the next event.
- ``("fault", description[, address, access])``: a CPU exception.
- ``("mark", label)``: record ``(cycle, context name, label)`` in ``MockCpu.marks``.
- ``("read", address, size)`` / ``("write", address, data)``: zero-cycle memory access;
  a read sends the bytes back.

When a thread's script ends the mock does what ``z_thread_entry`` does (k_current_get
then k_thread_abort); when a callback's script ends it returns to ``z_callback_return``
(``svc #4``).  An entry with no script faults as an instruction fetch from unmapped
memory would.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from levante.abi import (
    FIELD_OFFSETS,
    REGISTER_ARGUMENTS,
    STATIC_SECTIONS,
    STRUCT_SIZES,
    SVC_CALLBACK_RETURN,
    SVC_SYSCALL,
    SYSCALLS_BY_NAME,
    Syscall,
)
from levante.arch.interface import (
    AccessKind,
    Context,
    CpuFault,
    MemoryAccessError,
    MemoryView,
    StopEvent,
    StopKind,
    SvcHandler,
    ThreadStart,
)
from levante.image.layout import ImageLayout, KernelObjectSymbol, Symbol
from levante.kernel.kernel import Kernel, RunEnd
from levante.kernel.settings import KernelConfig
from levante.kernel.thread import Thread

Step = tuple[Any, ...]
Script = Generator[Step, Any, None]
Args = tuple[int, ...]
ScriptFactory = Callable[[Args], Script]

K_NO_WAIT = 0
K_FOREVER = -1

FLASH_BASE = 0x0000_0000
FLASH_SIZE = 0x0004_0000
RAM_BASE = 0x2000_0000
RAM_SIZE = 0x0004_0000

# Runtime symbols, as an ELF would list them (function symbols carry the Thumb bit).
Z_THREAD_ENTRY = 0x0101
Z_MAIN_THREAD_ENTRY = 0x0201
Z_CALLBACK_RETURN = 0x0301
K_SYS_FATAL_ERROR_HANDLER = 0x0401
Z_MAIN_THREAD = RAM_BASE
Z_MAIN_STACK = RAM_BASE + 0x1000
Z_MAIN_STACK_SIZE = 0x1000
Z_INTERRUPT_STACK = RAM_BASE + 0x2000
Z_INTERRUPT_STACK_SIZE = 0x800

APP_CODE = 0x1000  # scripted application functions, 0x40 apart
FUNCTION_SPACING = 0x40
STATIC_THREAD_DATA = 0x8000  # ._static_thread_data (ROM)
FLASH_STRINGS = 0x10000
OBJECT_SECTIONS = RAM_BASE + 0x8000  # one 0x400-byte area per static object kind
OBJECT_AREA = 0x400
APP_RAM = RAM_BASE + 0x10000

NO_RETURN_ADDRESS = 0xDEADBEEF
XPSR_THUMB = 1 << 24

_SIGNED_RETURNS = frozenset({"int", "int32_t"})


def call(name: str | int, *args: int) -> Step:
    """The step of a system call: ``result = yield call("k_sem_take", sem, K_FOREVER)``."""
    return ("syscall", name, *args)


def run(cycles: int) -> Step:
    return ("run", cycles)


def mark(label: str) -> Step:
    return ("mark", label)


def u32(value: int) -> int:
    return value & 0xFFFFFFFF


def s32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


@dataclass(frozen=True)
class Mark:
    cycle: int
    context: str
    label: str


@dataclass(eq=False)
class MockContext:
    """The registers and script position of one execution context."""

    name: str
    start: ThreadStart
    entry: int
    arguments: Args
    is_thread: bool
    script: Script
    registers: list[int] = field(default_factory=lambda: [0] * 13)
    started: bool = False
    awaiting: Syscall | None = None  # the call whose result the script gets next
    awaiting_raw: bool = False  # a raw-number call: the script gets r0 unchanged
    pending_send: Any = None
    remaining_run: int = 0
    steps: int = 0
    view: MemoryView | None = None  # what the kernel lets it touch (None: privileged)
    exiting: bool = False
    released: bool = False

    @property
    def pc(self) -> int:
        return (self.entry + 2 * self.steps) & 0xFFFFFFFE


def _returns(syscall: Syscall, registers: Sequence[int]) -> Any:
    if syscall.returns_nothing:
        return None
    low = registers[0] & 0xFFFFFFFF
    if syscall.returns_64_bits:
        value = low | (registers[1] & 0xFFFFFFFF) << 32
        if syscall.return_type == "int64_t" and value & (1 << 63):
            value -= 1 << 64
        return value
    if syscall.return_type in _SIGNED_RETURNS:
        return s32(low)
    return low


def _unmapped_entry(address: int) -> Callable[[Args], Script]:
    def script(_: Args) -> Script:
        yield ("fault", "instruction fetch from unmapped memory", address, AccessKind.EXECUTE)

    return script


class MockCpu:
    """Implements levante.arch.interface.Cpu over bytearrays and scripted contexts."""

    def __init__(self, thread_entry: int = Z_THREAD_ENTRY) -> None:
        self.regions: list[tuple[int, bytearray]] = [
            (FLASH_BASE, bytearray(FLASH_SIZE)),
            (RAM_BASE, bytearray(RAM_SIZE)),
        ]
        self.thread_entry = thread_entry & ~1
        self.scripts: dict[int, tuple[str, ScriptFactory]] = {}
        self.clock: Callable[[], int] | None = None
        self.marks: list[Mark] = []
        self.contexts: list[MockContext] = []
        self.runs = 0
        # Called before every run with the context and budget (to check kernel invariants).
        self.on_run: Callable[[MockContext, int], None] | None = None
        # Serve system calls through the kernel's inline handler, as the Unicorn backend
        # does, instead of reporting each as a stop event.
        self.inline_svcs = False
        self.inline_served = 0

    # ---- scripts -----------------------------------------------------------------------

    def map_script(self, address: int, factory: ScriptFactory, name: str) -> None:
        self.scripts[address & ~1] = (name, factory)

    def live_contexts(self) -> list[MockContext]:
        return [context for context in self.contexts if not context.released]

    # ---- memory ------------------------------------------------------------------------

    def _region(self, address: int, size: int) -> tuple[int, bytearray]:
        for base, data in self.regions:
            if base <= address and address + size <= base + len(data):
                return base, data
        raise MemoryAccessError(address, size)

    def read_memory(self, address: int, size: int) -> bytes:
        base, data = self._region(address, size)
        return bytes(data[address - base : address - base + size])

    def write_memory(self, address: int, data: bytes) -> None:
        base, memory = self._region(address, len(data))
        memory[address - base : address - base + len(data)] = data

    def read_u32(self, address: int) -> int:
        value: int = struct.unpack("<I", self.read_memory(address, 4))[0]
        return value

    def write_u32(self, address: int, value: int) -> None:
        self.write_memory(address, struct.pack("<I", u32(value)))

    # ---- contexts ----------------------------------------------------------------------

    def new_context(self, start: ThreadStart) -> Context:
        entry = start.entry & ~1
        is_thread = entry == self.thread_entry
        if is_thread:
            entry = start.arguments[0] & ~1
            arguments = tuple(start.arguments[1:4])
        else:
            arguments = tuple(start.arguments)
        name, factory = self.scripts.get(entry, (f"{entry:#x}", _unmapped_entry(entry)))
        context = MockContext(name, start, entry, arguments, is_thread, factory(arguments))
        for index, value in enumerate(start.arguments[:4]):
            context.registers[index] = u32(value)
        self.contexts.append(context)
        return context

    def release_context(self, context: Context) -> None:
        assert isinstance(context, MockContext)
        context.released = True
        context.script.close()

    def set_memory_view(self, context: Context, view: MemoryView | None) -> None:
        assert isinstance(context, MockContext)
        context.view = view

    def syscall_registers(self, context: Context) -> Sequence[int]:
        assert isinstance(context, MockContext)
        return tuple(context.registers[:7])

    def set_return_value(self, context: Context, low: int, high: int | None = None) -> None:
        assert isinstance(context, MockContext)
        assert not context.released, f"return value set on released context {context.name}"
        context.registers[0] = u32(low)
        if high is not None:
            context.registers[1] = u32(high)

    def exception_frame(self, context: Context) -> tuple[int, ...]:
        assert isinstance(context, MockContext)
        r = context.registers
        lr = context.start.return_address | 1 if context.start.return_address else NO_RETURN_ADDRESS
        return (r[0], r[1], r[2], r[3], r[12], lr, context.pc, XPSR_THUMB)

    def stack_pointer(self, context: Context) -> int:
        assert isinstance(context, MockContext)
        return context.start.stack_top  # scripts use no stack

    # ---- running -----------------------------------------------------------------------

    def _exit_script(self, context: MockContext) -> Script:
        if context.is_thread:  # z_thread_entry: k_thread_abort(k_current_get())
            tid = yield ("syscall", "k_current_get")
            yield ("syscall", "k_thread_abort", tid)
        else:  # return to z_callback_return: svc #4
            yield ("svc", SVC_CALLBACK_RETURN)
        raise AssertionError(f"{context.name} ran past its end")

    def _next_step(self, context: MockContext) -> Step:
        value = context.pending_send
        if context.awaiting is not None:
            value = _returns(context.awaiting, context.registers)
        elif context.awaiting_raw:
            value = context.registers[0]
        context.awaiting = None
        context.awaiting_raw = False
        context.pending_send = None
        while True:
            try:
                if context.started:
                    step = context.script.send(value)
                else:
                    context.started = True
                    step = next(context.script)
            except StopIteration:
                if context.exiting:
                    raise AssertionError(f"{context.name} ran past its end") from None
                context.exiting = True
                context.script = self._exit_script(context)
                context.started = False
                value = None
                continue
            context.steps += 1
            return step

    def run(
        self, context: Context, budget: int, on_svc: SvcHandler | None = None
    ) -> StopEvent:
        """With `inline_svcs` off every SVC is reported as a stop event, the ordinary
        path the interface allows; with it on, system calls go through `on_svc` first,
        as the Unicorn backend serves them."""
        assert isinstance(context, MockContext)
        assert not context.released, f"{context.name}: the kernel ran a released context"
        assert budget >= 1, f"budget {budget}"
        self.runs += 1
        if self.on_run is not None:
            self.on_run(context, budget)
        base = self.clock() if self.clock is not None else 0
        used = 0
        while True:
            if context.remaining_run:
                spent = min(context.remaining_run, budget - used)
                context.remaining_run -= spent
                used += spent
            if used >= budget:
                return StopEvent(StopKind.BUDGET, used)
            step = self._next_step(context)
            kind = step[0]
            if kind == "run":
                cycles = int(step[1])
                assert cycles >= 0
                context.remaining_run = cycles
            elif kind == "mark":
                self.marks.append(Mark(base + used, context.name, str(step[1])))
            elif kind == "read":
                context.pending_send = self.read_memory(step[1], step[2])
            elif kind == "write":
                self.write_memory(step[1], bytes(step[2]))
            elif kind == "syscall":
                try:
                    self._load_syscall(context, step[1], step[2:])
                except MemoryAccessError as error:  # spilling onto a bad stack faults
                    fault = CpuFault("stacking error", context.pc, error.address,
                                     AccessKind.WRITE)
                    return StopEvent(StopKind.FAULT, used, fault=fault)
                if self.inline_svcs and on_svc is not None:
                    remaining = on_svc(SVC_SYSCALL, used)
                    if remaining is not None:
                        self.inline_served += 1
                        if remaining == 0:
                            return StopEvent(StopKind.BUDGET, used)
                        budget = used + remaining
                        continue
                return StopEvent(StopKind.SVC, used, svc_number=SVC_SYSCALL)
            elif kind == "wfi":
                return StopEvent(StopKind.WAIT_FOR_INTERRUPT, used + 1)
            elif kind == "svc":
                if len(step) > 2:
                    context.registers[0] = u32(step[2])
                return StopEvent(StopKind.SVC, used, svc_number=int(step[1]))
            elif kind == "fault":
                address = step[2] if len(step) > 2 else None
                access = step[3] if len(step) > 3 else None
                fault = CpuFault(str(step[1]), context.pc, address, access)
                return StopEvent(StopKind.FAULT, used, fault=fault)
            else:
                raise ValueError(f"{context.name}: unknown step {step!r}")

    def _load_syscall(self, context: MockContext, call: str | int, args: Sequence[int]) -> None:
        registers = context.registers
        if isinstance(call, int):  # a raw number, for the dispatcher's checks
            values = [u32(a) for a in args][:REGISTER_ARGUMENTS]
            registers[: len(values)] = values
            registers[6] = u32(call)
            context.awaiting_raw = True
            return
        syscall = SYSCALLS_BY_NAME[call]
        if len(args) != len(syscall.parameters):
            raise TypeError(f"{call} takes {len(syscall.parameters)} arguments, got {len(args)}")
        values = [u32(a) for a in args]
        if len(values) > REGISTER_ARGUMENTS:
            rest = values[REGISTER_ARGUMENTS - 1 :]
            pointer = (context.start.stack_top - 4 * len(rest)) & ~7
            self.write_memory(pointer, struct.pack(f"<{len(rest)}I", *rest))
            values = values[: REGISTER_ARGUMENTS - 1] + [pointer]
        registers[: len(values)] = values
        registers[6] = syscall.number
        context.awaiting = syscall


# ---- image layout and configuration -------------------------------------------------------


def runtime_symbols() -> dict[str, Symbol]:
    return {
        "z_thread_entry": Symbol(Z_THREAD_ENTRY, 16),
        "z_main_thread_entry": Symbol(Z_MAIN_THREAD_ENTRY, 16),
        "z_callback_return": Symbol(Z_CALLBACK_RETURN, 2),
        "k_sys_fatal_error_handler": Symbol(K_SYS_FATAL_ERROR_HANDLER, 16),
        "z_main_thread": Symbol(Z_MAIN_THREAD, STRUCT_SIZES["k_thread"]),
        "z_main_stack": Symbol(Z_MAIN_STACK, Z_MAIN_STACK_SIZE),
        "z_interrupt_stack": Symbol(Z_INTERRUPT_STACK, Z_INTERRUPT_STACK_SIZE),
    }


def runtime_layout(sections: dict[str, Symbol] | None = None) -> ImageLayout:
    """An ImageLayout with every runtime symbol the kernel needs."""
    return ImageLayout(symbols=runtime_symbols(), sections=dict(sections or {}))


def make_config(**overrides: Any) -> KernelConfig:
    """1 MHz clock, 100 ticks/s: 10 000 cycles per tick; no banner, events and k_poll enabled."""
    settings: dict[str, Any] = {
        "clock_hz": 1_000_000,
        "ticks_per_second": 100,
        "tickless": True,
        "boot_banner": False,
        "events": True,
        "poll": True,
    }
    settings.update(overrides)
    return KernelConfig(**settings)


def returning_fatal_handler(_: Args) -> Script:
    """A k_sys_fatal_error_handler that returns: the kernel aborts the faulting thread."""
    yield from ()


def halting_fatal_handler(args: Args) -> Script:
    """Zephyr's default handler: k_fatal_halt(reason)."""
    yield ("syscall", "k_fatal_halt", args[0])


def empty_script(_: Args) -> Script:
    yield from ()


# ---- a whole system -------------------------------------------------------------------------


class MockSystem:
    """An image built in the mock's memory (static objects, threads, scripts) and a kernel.

    Static objects go into their linker sections in the order they are declared; static
    threads are created in declaration order after main, as the kernel boots them.
    """

    def __init__(self, config: KernelConfig | None = None, *, inline_svcs: bool = False,
                 **config_overrides: Any) -> None:
        self.config = config if config is not None else make_config(**config_overrides)
        self.cpu = MockCpu()
        self.cpu.inline_svcs = inline_svcs
        self.console = bytearray()
        self.trace: list[dict[str, Any]] = []
        self._records: dict[str, list[int]] = {kind: [] for kind in STATIC_SECTIONS}
        self._next_function = APP_CODE
        self._next_ram = APP_RAM
        self._next_string = FLASH_STRINGS
        self._kernel: Kernel | None = None
        # More symbols of the image (z_kernel_pool, ...), set before boot.
        self.extra_symbols: dict[str, Symbol] = {}
        # Kernel objects the image declares (as its debug information would), set before boot.
        self.image_objects: list[KernelObjectSymbol] = []
        # What `levante run` installs in a kernel before it boots (domains, a policy).
        self.before_boot: list[Callable[[Kernel], None]] = []
        self.cpu.map_script(Z_MAIN_THREAD_ENTRY, empty_script, "main")
        self.cpu.map_script(K_SYS_FATAL_ERROR_HANDLER, halting_fatal_handler, "fatal_handler")

    # ---- building ----------------------------------------------------------------------

    def function(self, script: ScriptFactory, name: str | None = None) -> int:
        """Give a script a function address (Thumb bit set, as a C function pointer)."""
        address = self._next_function
        self._next_function += FUNCTION_SPACING
        label = name if name is not None else str(getattr(script, "__name__", "fn"))
        self.cpu.map_script(address, script, label)
        return address | 1

    def main(self, script: ScriptFactory) -> None:
        self.cpu.map_script(Z_MAIN_THREAD_ENTRY, script, "main")

    def fatal_handler(self, script: ScriptFactory) -> None:
        self.cpu.map_script(K_SYS_FATAL_ERROR_HANDLER, script, "fatal_handler")

    def ram(self, size: int, align: int = 8) -> int:
        address = -(-self._next_ram // align) * align
        self._next_ram = address + size
        assert self._next_ram <= RAM_BASE + RAM_SIZE
        return address

    def string(self, text: str) -> int:
        address = self._next_string
        data = text.encode() + b"\0"
        self.cpu.write_memory(address, data)
        self._next_string += -(-len(data) // 4) * 4
        return address

    def _static(self, kind: str, fields: dict[str, int]) -> int:
        size = STRUCT_SIZES["static_thread_data" if kind == "thread" else kind]
        records = self._records[kind]
        if kind == "thread":
            base = STATIC_THREAD_DATA
        else:
            base = OBJECT_SECTIONS + OBJECT_AREA * list(STATIC_SECTIONS).index(kind)
        address = base + size * len(records)
        capacity = 0x1000 if kind == "thread" else OBJECT_AREA
        assert size * (len(records) + 1) <= capacity, f"too many static {kind} records"
        records.append(address)
        self.cpu.write_memory(address, bytes(size))
        prefix = "static_thread_data" if kind == "thread" else kind
        for name, value in fields.items():
            self.cpu.write_u32(address + FIELD_OFFSETS[f"{prefix}.{name}"], value)
        return address

    def thread(
        self,
        name: str,
        script: ScriptFactory,
        priority: int,
        options: int = 0,
        delay_ms: int = 0,
        parameters: tuple[int, int, int] = (0, 0, 0),
        stack_size: int = 1024,
    ) -> int:
        """K_THREAD_DEFINE: returns the address of the thread's struct k_thread."""
        thread = self.ram(STRUCT_SIZES["k_thread"])
        stack = self.ram(stack_size, align=32)  # a stack is an MPU region (ARMv8-M grid)
        self._static(
            "thread",
            {
                "thread": thread,
                "stack": stack,
                "stack_size": stack_size,
                "entry": self.function(script, name),
                "p1": parameters[0],
                "p2": parameters[1],
                "p3": parameters[2],
                "priority": priority,
                "options": options,
                "delay_ms": delay_ms,
                "name": self.string(name),
            },
        )
        return thread

    def sem(self, count: int, limit: int) -> int:
        return self._static("k_sem", {"count": count, "limit": limit})

    def mutex(self) -> int:
        return self._static("k_mutex", {})

    def msgq(self, msg_size: int, max_msgs: int) -> int:
        buffer = self.ram(msg_size * max_msgs)
        return self._static(
            "k_msgq", {"msg_size": msg_size, "max_msgs": max_msgs, "buffer_start": buffer}
        )

    def event(self) -> int:
        return self._static("k_event", {})

    def timer(self, expiry: ScriptFactory | None = None, stop: ScriptFactory | None = None,
              name: str = "timer") -> int:
        return self._static(
            "k_timer",
            {
                "expiry_fn": self.function(expiry, f"{name}_expiry") if expiry else 0,
                "stop_fn": self.function(stop, f"{name}_stop") if stop else 0,
            },
        )

    def layout(self) -> ImageLayout:
        sections = {}
        for kind, records in self._records.items():
            if records:
                size = STRUCT_SIZES["static_thread_data" if kind == "thread" else kind]
                sections[STATIC_SECTIONS[kind]] = Symbol(records[0], size * len(records))
        layout = runtime_layout(sections)
        layout.symbols.update(self.extra_symbols)
        return replace(layout, kernel_objects=tuple(self.image_objects))

    # ---- running -----------------------------------------------------------------------

    def boot(self, trace: bool = True,
             observer: Callable[[dict[str, Any]], None] | None = None) -> Kernel:
        """Create and boot the kernel; `observer` sees every trace event as it happens."""
        assert self._kernel is None, "already booted"

        def sink(event: dict[str, Any]) -> None:
            self.trace.append(event)
            if observer is not None:
                observer(event)

        kernel = Kernel(self.cpu, self.config, self.layout(), self.console.extend,
                        sink if trace else None)
        self.cpu.clock = lambda: kernel.now
        self._kernel = kernel
        for install in self.before_boot:
            install(kernel)
        kernel.boot()
        return kernel

    @property
    def kernel(self) -> Kernel:
        if self._kernel is None:
            return self.boot()
        return self._kernel

    def run(self, until: int | None = None) -> RunEnd:
        return self.kernel.run(until)

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.trace if event["event"] == kind]

    def labels(self, context: str | None = None) -> list[str]:
        return [m.label for m in self.cpu.marks if context is None or m.context == context]

    def mark_cycle(self, label: str) -> int:
        cycles = [m.cycle for m in self.cpu.marks if m.label == label]
        assert len(cycles) == 1, f"{label}: {cycles}"
        return cycles[0]

    def thread_named(self, name: str) -> Thread:
        for thread in self.kernel.threads.values():
            if thread.name == name:
                return thread
        raise KeyError(name)

    def output(self) -> str:
        return self.console.decode(errors="replace")
