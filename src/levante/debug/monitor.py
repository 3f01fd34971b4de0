"""The GDB session attached to the run loop: it holds the CPU while GDB has it.

This is the kernel's debugger (kernel/debug.py).  The run loop calls it between CPU runs;
when the system must stop (the first run, a breakpoint, a finished step, a fault, GDB's
Ctrl-C) it tells GDB why and answers GDB's packets until GDB resumes, detaches or kills.
Nothing runs meanwhile, so simulated time stands still; only the wall clock moves.

While the system runs the session polls the connection between runs, once per
`max_run_cycles` of simulated time at most (a run lasts no longer), and stops at the next
run when GDB has sent Ctrl-C.  A connection that breaks counts as a detach: the system
runs on.
"""

from __future__ import annotations

from collections import deque

from levante.abi import SVC_EXCEPT
from levante.arch.cortex_m.cpu import UnicornCpu
from levante.arch.cortex_m.debugging import PC_INDEX
from levante.arch.interface import StopEvent, StopKind
from levante.debug.gdb_target import (
    SIGABRT,
    SIGINT,
    SIGSEGV,
    SIGTRAP,
    Detach,
    GdbTarget,
    Kill,
    Reply,
    Resume,
    Stop,
)
from levante.debug.rsp import Event, Interrupt, RspFraming, run_length_encode
from levante.debug.system_debuggee import SystemDebuggee
from levante.debug.transport import GdbConnection
from levante.kernel.kernel import Kernel
from levante.kernel.thread import Thread

# A few milliseconds of emulation: GDB's Ctrl-C is noticed about that soon.
RUN_CYCLES_WHILE_DEBUGGED = 1 << 20


class GdbSession:
    """One GDB connection driving a booted system (the kernel's `DebugMonitor`)."""

    max_run_cycles = RUN_CYCLES_WHILE_DEBUGGED

    def __init__(self, kernel: Kernel, cpu: UnicornCpu, connection: GdbConnection) -> None:
        self.kernel = kernel
        self.cpu = cpu
        self.connection = connection
        self.debuggee = SystemDebuggee(kernel, cpu)
        self.target = GdbTarget(self.debuggee)
        self.framing = RspFraming()
        self.killed = False
        self._events: deque[Event] = deque()
        self._gdb_waits = False  # GDB resumed the system and waits for a stop reply
        self._stepping: Thread | None = None
        self._step_finished: Thread | None = None  # stepped; reported at the next run
        self._first_run = True
        self._next_poll = 0  # simulated time of the next look for GDB's Ctrl-C

    def attach(self) -> None:
        """From the next run on, the system runs under GDB (which finds it stopped)."""
        self.kernel.debugger = self

    @property
    def attached(self) -> bool:
        return self.kernel.debugger is self

    # ---- the run loop's side (kernel/debug.py) ---------------------------------------

    def before_run(self, thread: Thread) -> None:
        self.cpu.watched = thread.context
        if self._first_run:
            self._first_run = False
            self._hold(SIGTRAP, thread)
        elif self._step_finished is not None:
            stepped, self._step_finished = self._step_finished, None
            # A thread the step ended (its last instruction) is reported as this one.
            self._hold(SIGTRAP, stepped if stepped.is_alive() and stepped.context else thread)
        elif self.kernel.now >= self._next_poll and self._interrupted():
            self._hold(SIGINT, thread)
        if self.attached and self._stepping is thread:
            self.cpu.request_step(thread.context)

    def thread_stopped(self, thread: Thread, event: StopEvent) -> None:
        stepped = self._stepping is thread and self.cpu.step_requested is None
        self.cpu.cancel_step()
        if event.kind is StopKind.BREAKPOINT:
            address = self.cpu.debug_registers(thread.context)[PC_INDEX]
            self._hold(SIGTRAP, thread, self.debuggee.breakpoint_kind(address))
        elif event.kind is StopKind.STEP:
            self._hold(SIGTRAP, thread)
        elif event.kind is StopKind.FAULT:
            self._hold(SIGSEGV, thread)  # before the kernel's fatal error
        elif event.kind is StopKind.SVC and event.svc_number == SVC_EXCEPT:
            self._hold(SIGABRT, thread)  # k_oops, k_panic, a failed assertion
        elif stepped:
            # The step was a system call (or WFI) the kernel is about to serve: GDB hears
            # of the step once the kernel has, before the next run.
            self._stepping = None
            self._step_finished = thread

    # ---- the command's side ----------------------------------------------------------

    def run_ended(self, status: int) -> None:
        """The run is over (idle for good, halted, time limit): GDB hears the exit
        status levante run exits with, and the connection closes."""
        if self.attached and not self.killed:
            self._send(self.target.exit_reply(status))
        self._detach()

    # ---- holding the CPU -------------------------------------------------------------

    def _hold(self, signal: int, thread: Thread, breakpoint: str = "") -> None:
        """Tell GDB why the system stopped (`signal`, in `thread`) and serve it until it
        lets the system go."""
        self._stepping = None
        reply = self.target.stopped(Stop(signal, self.debuggee.id_of(thread), breakpoint))
        if self._gdb_waits:
            self._gdb_waits = False
            self._send(reply)
        while self.attached:
            event = self._next_event()
            if event is None:
                self._detach()  # GDB has gone: the system runs on
                return
            if isinstance(event, Interrupt):
                continue  # already stopped
            action = self.target.handle(event.payload)
            if isinstance(action, Reply):
                self._send(action.payload, action.compressible)
                if action.then_stop_acknowledging:
                    self.framing.stop_acknowledging()
            elif isinstance(action, Resume):
                self._resume(action)
                return
            elif isinstance(action, Detach):
                self._send(b"OK")
                self._detach()
                return
            elif isinstance(action, Kill):
                if action.reply is not None:
                    self._send(action.reply)
                self._kill()
                return

    def _resume(self, action: Resume) -> None:
        self._gdb_waits = True
        if action.step is not None:
            self._stepping = self.debuggee.thread(action.step)

    def _detach(self) -> None:
        if self.kernel.debugger is self:
            self.kernel.debugger = None
        self.debuggee.remove_all_breakpoints()
        self.cpu.cancel_step()
        self.cpu.watched = None
        self._stepping = self._step_finished = None
        self.connection.close()

    def _kill(self) -> None:
        self.killed = True
        self._detach()
        self.kernel.end_run()

    # ---- the connection --------------------------------------------------------------

    def _interrupted(self) -> bool:
        """Whether GDB asked the running system to stop (Ctrl-C), without waiting."""
        self._next_poll = self.kernel.now + self.max_run_cycles
        while (data := self.connection.poll()) is not None:
            if not data:
                self._detach()  # GDB has gone: the system runs on
                return False
            self._take(data)
        interrupts = [event for event in self._events if isinstance(event, Interrupt)]
        if not interrupts:
            return False  # (packets sent while running wait for the next stop)
        for interrupt in interrupts:
            self._events.remove(interrupt)
        return True

    def _next_event(self) -> Event | None:
        """The next packet or interrupt from GDB, waiting for it (None: GDB has gone)."""
        while not self._events:
            data = self.connection.receive()
            if not data:
                return None
            self._take(data)
        return self._events.popleft()

    def _take(self, data: bytes) -> None:
        self._events.extend(self.framing.receive(data))
        self.connection.send(self.framing.data_to_send())  # acknowledgements, resends

    def _send(self, payload: bytes, compressible: bool = False) -> None:
        if compressible:
            payload = run_length_encode(payload)
        self.connection.send(self.framing.frame(payload))

