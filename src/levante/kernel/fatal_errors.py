"""Fatal errors and callbacks in interrupt context (timer expiries, the fatal handler)."""

from __future__ import annotations

import struct

from levante.abi import SVC_CALLBACK_RETURN, SVC_EXCEPT, SVC_SYSCALL
from levante.arch.interface import Context, CpuFault, StopEvent, StopKind, ThreadStart
from levante.kernel import costs
from levante.kernel.caller import Caller
from levante.kernel.fatal import K_ERR_CPU_EXCEPTION, FaultRecord
from levante.kernel.serving import SyscallService

EXCEPTION_FRAME_BYTES = 32


class FatalErrors(SyscallService):
    """Fatal errors and callbacks in interrupt context (timer expiries, the fatal handler)."""

    def run_callback(self, function: int, arguments: tuple[int, ...], what: str) -> None:
        """Run a C function in interrupt context on the interrupt stack until it returns
        (or the boot ends: a callback that calls sys_reboot never returns)."""
        if self.boot_over:
            return
        stack = self.image.symbols["z_interrupt_stack"]
        self._run_callback(function, arguments, stack.address + stack.size, what)

    def _run_callback(self, function: int, arguments: tuple[int, ...], stack_top: int,
                      what: str) -> None:
        context = self.cpu.new_context(
            ThreadStart(
                entry=function,
                stack_top=stack_top & ~7,
                arguments=arguments,
                return_address=self.image.address_of("z_callback_return"),
            )
        )
        self.cpu.set_memory_view(context, self.supervisor_view(None))
        interrupted = self.current
        caller = Caller(interrupted, in_isr=True)
        # Privileged code must not follow a thread pointer a user thread may have forged.
        self.thread_tls.install(interrupted)
        self._in_callback += 1
        self.now += costs.INTERRUPT_ENTRY_CYCLES
        self.trace("isr", function=what)
        try:
            while not self.boot_over:
                if self.now >= self.limit:
                    # A callback still running when the run's time is up is cut off
                    # there: no handler, however it loops, holds a run past its limit.
                    self.trace("callback_cut_off", function=what)
                    return
                event = self.cpu.run(context, max(1, self.limit - self.now))
                self.now += event.cycles
                if event.kind in (StopKind.BUDGET, StopKind.WAIT_FOR_INTERRUPT):
                    continue
                if event.kind is StopKind.SVC and event.svc_number == SVC_CALLBACK_RETURN:
                    return
                if event.kind is StopKind.SVC and event.svc_number == SVC_SYSCALL:
                    self._serve_syscall(caller, context)
                    continue
                reason = (
                    self.cpu.syscall_registers(context)[0]
                    if event.kind is StopKind.SVC and event.svc_number == SVC_EXCEPT
                    else K_ERR_CPU_EXCEPTION
                )
                description = event.fault.description if event.fault else "raised in ISR"
                self.fatal_error(caller, reason, description, event)
                return
        finally:
            self._in_callback -= 1
            self.cpu.release_context(context)

    def _serve_syscall(self, caller: Caller, context: Context | None) -> None:
        fault = self._serve_once(caller, context)
        if fault is not None:
            self.fatal_error(caller, fault.reason, fault.description, None, fault.cpu_fault)

    def fatal_error(
        self, caller: Caller, reason: int, description: str, event: StopEvent | None,
        cpu_fault: CpuFault | None = None,
    ) -> None:
        """Report a fatal error, give the application's handler its say, then either halt
        or abort only the faulting thread (Zephyr's z_fatal_error)."""
        thread = caller.thread
        in_isr = caller.in_isr or self._in_callback > 0
        fault = event.fault if event is not None else cpu_fault
        context = thread.context
        frame = self.cpu.exception_frame(context) if context is not None and not in_isr else ()
        pc = fault.pc if fault is not None else (frame[6] if frame else 0)
        record = FaultRecord(thread.name, reason, description, pc, in_isr, fault,
                             thread.address)
        self.faults.append(record)
        self.fault_count += 1
        self.now += costs.FAULT_CYCLES
        fields = record.to_trace()
        self.trace(str(fields.pop("event")), **fields)
        for line in record.report_lines():
            self.print(f"E: {line}\n")
        if self._in_fatal_handler:
            self.halt(reason)
            return
        self._call_fatal_handler(reason, frame)
        if self.boot_over:
            return  # halted, or the handler rebooted the board (a common choice)
        if in_isr or thread.essential:
            where = "ISR" if in_isr else "essential thread"
            self.print(f"E: Attempted to recover from a fatal error in an {where}\n")
            self.halt(reason)
            return
        self.abort_thread(thread)

    def _call_fatal_handler(self, reason: int, frame: tuple[int, ...]) -> None:
        stack = self.image.symbols["z_interrupt_stack"]
        frame_address = (stack.address + stack.size - EXCEPTION_FRAME_BYTES) & ~7
        values = frame if frame else (0,) * 8
        self.memory.kernel_write(frame_address, struct.pack("<8I", *values))
        self._in_fatal_handler = True
        try:
            self._run_callback(
                self.image.address_of("k_sys_fatal_error_handler"),
                (reason, frame_address),
                frame_address,
                "k_sys_fatal_error_handler",
            )
        finally:
            self._in_fatal_handler = False

    def halt(self, reason: int) -> None:
        if not self.boot_over:
            self.print("E: Halting system\n")
            self.trace("halt", reason=reason)
            self.halted_reason = reason

