"""GDB's packets answered (sans-IO): registers, memory, breakpoints, threads, resuming.

`GdbTarget.handle` takes one packet's payload and says what to do: send a reply, or
resume the system (continue, or step one thread), detach, or kill.  The session carries
that out and, when the system stops again, tells `stopped` why and sends its reply.  What is
debugged is a `Debuggee` (threads with GDB's ids, their registers, memory through a
view, breakpoints, monitor commands), so the protocol is tested without a system.

All-stop mode only: when one thread stops, everything stops.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from levante.arch.memview import ADDRESS_SPACE_END
from levante.debug.rsp import PACKET_SIZE, RspError, escape_binary, unescape_binary
from levante.debug.target_xml import FEATURE_DOCUMENTS, REGISTER_NAMES

# Signals as GDB numbers them in stop replies.
SIGINT = 2
SIGILL = 4
SIGTRAP = 5
SIGABRT = 6
SIGFPE = 8
SIGSEGV = 11

# Error replies (the numbers are errno values; GDB shows them only as "E..").
_NO_SUCH_THREAD = b"E03"
_MEMORY_REFUSED = b"E0e"  # EFAULT
_BAD_REQUEST = b"E16"  # EINVAL
_NO_ROOM = b"E1c"  # ENOSPC: no more breakpoints

REGISTER_COUNT = len(REGISTER_NAMES)
_ANY_THREAD = (0, -1)
# The most memory one `m` reply carries (two hex digits a byte).
MAX_READ = (PACKET_SIZE - 4) // 2
_BREAKPOINT_KINDS = {b"0": False, b"1": True}  # Z0 software, Z1 hardware
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


@dataclass(frozen=True)
class Stop:
    """Why the system stopped, as GDB hears it: a signal and the thread it concerns."""

    signal: int
    thread: int  # GDB's id of the thread
    breakpoint: str = ""  # "swbreak" or "hwbreak" when a breakpoint stopped it


@dataclass(frozen=True)
class Reply:
    payload: bytes
    compressible: bool = False  # text (hex): may be run-length encoded
    then_stop_acknowledging: bool = False  # the answer to QStartNoAckMode


@dataclass(frozen=True)
class Resume:
    """Let the system run: everything runs, and `step` (a GDB thread id), if given,
    executes one instruction and stops the system."""

    step: int | None = None


@dataclass(frozen=True)
class Detach:
    """Reply OK, remove breakpoints, and let the system run on without a debugger."""


@dataclass(frozen=True)
class Kill:
    """End the run; `reply` is sent first when the packet expects one (vKill)."""

    reply: bytes | None = None


Action = Reply | Resume | Detach | Kill


class Debuggee(Protocol):
    """The system GDB debugs, with threads named by GDB's ids (positive integers)."""

    def thread_ids(self) -> list[int]:
        """The live threads."""
        ...

    def describe_thread(self, thread: int) -> str | None:
        """Name and state of a live thread (None: no such thread)."""
        ...

    def registers(self, thread: int) -> tuple[int, ...]:
        """r0-r12, sp, lr, pc, xpsr of a live thread."""
        ...

    def write_register(self, thread: int, index: int, value: int) -> None: ...

    def read_memory(self, thread: int, address: int, size: int) -> bytes:
        """As much of [address, +size) as the memory view in force lets the debugger
        read, from the start (b"": not even the first byte)."""
        ...

    def write_memory(self, thread: int, address: int, data: bytes) -> bool:
        """Whether the view in force let the debugger write all of it (then it did)."""
        ...

    def insert_breakpoint(self, address: int, hardware: bool) -> bool: ...

    def remove_breakpoint(self, address: int, hardware: bool) -> None: ...

    def monitor(self, command: str) -> str:
        """Run a `monitor` command; its output (a message for a command it refuses)."""
        ...


def _hex_number(text: bytes) -> int:
    """Hex digits only (no sign, prefix or spaces), at most 64 bits."""
    if not text or len(text) > 16 or not set(text) <= _HEX_DIGITS:
        raise RspError(f"not a hex number: {text!r}")
    return int(text, 16)


def _address(text: bytes) -> int:
    address = _hex_number(text)
    if address >= ADDRESS_SPACE_END:
        raise RspError(f"not a 32-bit address: {text!r}")
    return address


def _thread_id(text: bytes) -> int:
    """A thread id: hex, or -1 for all threads, 0 for any."""
    return -1 if text == b"-1" else _hex_number(text)


def _address_and_length(text: bytes) -> tuple[int, int]:
    address, _, length = text.partition(b",")
    return _address(address), _hex_number(length)


def _word(value: int) -> bytes:
    return struct.pack("<I", value & 0xFFFF_FFFF).hex().encode()


class GdbTarget:
    """One GDB connection's protocol state: selected threads, negotiated features, and
    the last stop."""

    def __init__(self, debuggee: Debuggee) -> None:
        self.debuggee = debuggee
        self._general_thread = 0  # Hg: whose registers and memory (0: the stopped one)
        self._resume_thread = 0  # Hc: which thread `s` steps (0: the stopped one)
        self._last_stop: Stop | None = None
        self._stop_reasons = False  # GDB understands swbreak/hwbreak in stop replies
        self._handlers: dict[int, Callable[[bytes], Action]] = {
            ord("?"): self._why_stopped, ord("g"): self._read_registers,
            ord("G"): self._write_registers, ord("p"): self._read_register,
            ord("P"): self._write_register, ord("m"): self._read_memory,
            ord("M"): self._write_memory_hex, ord("X"): self._write_memory_binary,
            ord("Z"): self._insert_breakpoint, ord("z"): self._remove_breakpoint,
            ord("c"): self._continue, ord("s"): self._step, ord("C"): self._continue_signal,
            ord("S"): self._step_signal, ord("H"): self._select_thread,
            ord("T"): self._thread_alive, ord("q"): self._query, ord("Q"): self._set,
            ord("v"): self._verbose, ord("D"): self._detach, ord("k"): self._kill,
        }

    # ---- the session's side ----------------------------------------------------------

    def handle(self, payload: bytes) -> Action:
        """What to do about one packet (an empty reply: not supported)."""
        handler = self._handlers.get(payload[0]) if payload else None
        if handler is None:
            return Reply(b"")
        try:
            return handler(payload[1:])
        except RspError:
            return Reply(_BAD_REQUEST)

    def stopped(self, stop: Stop) -> bytes:
        """The system stopped: the T packet that says so (sent at once if GDB waits for
        it, else when it asks with '?').  The stopped thread becomes the selected one,
        as GDB assumes once it has read the reply."""
        self._last_stop = stop
        self._general_thread = self._resume_thread = 0
        reason = f"{stop.breakpoint}:;" if stop.breakpoint and self._stop_reasons else ""
        return f"T{stop.signal:02x}thread:{stop.thread:x};{reason}".encode()

    @staticmethod
    def exit_reply(status: int) -> bytes:
        """The system's run ended with this exit status."""
        return f"W{status & 0xFF:02x}".encode()

    # ---- threads ---------------------------------------------------------------------

    def _stopped_thread(self) -> int:
        return self._last_stop.thread if self._last_stop is not None else 0

    def _thread(self, selected: int) -> int:
        thread = self._stopped_thread() if selected in _ANY_THREAD else selected
        if self.debuggee.describe_thread(thread) is None:
            raise RspError(f"no thread {thread}")
        return thread

    def _select_thread(self, body: bytes) -> Action:
        operation, thread = body[:1], _thread_id(body[1:])
        if thread not in _ANY_THREAD and self.debuggee.describe_thread(thread) is None:
            return Reply(_NO_SUCH_THREAD)
        if operation == b"g":
            self._general_thread = thread
        elif operation == b"c":
            self._resume_thread = thread
        else:
            return Reply(_BAD_REQUEST)
        return Reply(b"OK")

    def _thread_alive(self, body: bytes) -> Action:
        alive = self.debuggee.describe_thread(_thread_id(body)) is not None
        return Reply(b"OK" if alive else _NO_SUCH_THREAD)

    def _why_stopped(self, _: bytes) -> Action:
        if self._last_stop is None:
            return Reply(f"S{SIGTRAP:02x}".encode())
        return Reply(self.stopped(self._last_stop))

    # ---- registers -------------------------------------------------------------------

    def _read_registers(self, _: bytes) -> Action:
        values = self.debuggee.registers(self._thread(self._general_thread))
        return Reply(b"".join(_word(value) for value in values), compressible=True)

    def _write_registers(self, body: bytes) -> Action:
        thread = self._thread(self._general_thread)
        if len(body) != REGISTER_COUNT * 8:
            raise RspError("G needs every register")
        for index in range(REGISTER_COUNT):
            self.debuggee.write_register(thread, index, self._register_value(
                body[index * 8:index * 8 + 8]))
        return Reply(b"OK")

    def _read_register(self, body: bytes) -> Action:
        index = _hex_number(body)
        if index >= REGISTER_COUNT:
            return Reply(_BAD_REQUEST)
        value = self.debuggee.registers(self._thread(self._general_thread))[index]
        return Reply(_word(value), compressible=True)

    def _write_register(self, body: bytes) -> Action:
        number, _, value = body.partition(b"=")
        index = _hex_number(number)
        if index >= REGISTER_COUNT or len(value) != 8:
            return Reply(_BAD_REQUEST)
        thread = self._thread(self._general_thread)
        self.debuggee.write_register(thread, index, self._register_value(value))
        return Reply(b"OK")

    @staticmethod
    def _register_value(text: bytes) -> int:
        try:
            value: int = struct.unpack("<I", bytes.fromhex(text.decode()))[0]
        except (ValueError, struct.error):
            raise RspError(f"not a register value: {text!r}") from None
        return value

    # ---- memory ----------------------------------------------------------------------

    def _read_memory(self, body: bytes) -> Action:
        address, length = _address_and_length(body)
        data = self.debuggee.read_memory(self._thread(self._general_thread), address,
                                         min(length, MAX_READ))
        if length and not data:
            return Reply(_MEMORY_REFUSED)
        return Reply(data.hex().encode(), compressible=True)

    def _write_memory_hex(self, body: bytes) -> Action:
        where, _, text = body.partition(b":")
        try:
            data = bytes.fromhex(text.decode())
        except ValueError:
            raise RspError("M data is not hex") from None
        return self._write(where, data)

    def _write_memory_binary(self, body: bytes) -> Action:
        where, _, data = body.partition(b":")
        return self._write(where, unescape_binary(data))

    def _write(self, where: bytes, data: bytes) -> Action:
        address, length = _address_and_length(where)
        if length != len(data):
            return Reply(_BAD_REQUEST)
        if not data:
            return Reply(b"OK")  # GDB's probe for X
        written = self.debuggee.write_memory(self._thread(self._general_thread), address, data)
        return Reply(b"OK" if written else _MEMORY_REFUSED)

    # ---- breakpoints -----------------------------------------------------------------

    def _breakpoint(self, body: bytes) -> tuple[bool, int] | None:
        kind, _, rest = body.partition(b",")
        if kind not in _BREAKPOINT_KINDS:
            return None  # watchpoints: not supported
        address = _address(rest.split(b",")[0])
        return _BREAKPOINT_KINDS[kind], address

    def _insert_breakpoint(self, body: bytes) -> Action:
        breakpoint = self._breakpoint(body)
        if breakpoint is None:
            return Reply(b"")
        hardware, address = breakpoint
        inserted = self.debuggee.insert_breakpoint(address, hardware)
        return Reply(b"OK" if inserted else _NO_ROOM)

    def _remove_breakpoint(self, body: bytes) -> Action:
        breakpoint = self._breakpoint(body)
        if breakpoint is None:
            return Reply(b"")
        hardware, address = breakpoint
        self.debuggee.remove_breakpoint(address, hardware)
        return Reply(b"OK")

    # ---- resuming --------------------------------------------------------------------

    def _resume_at(self, thread: int, address: bytes) -> None:
        if address:
            self.debuggee.write_register(thread, REGISTER_NAMES.index("pc"), _address(address))

    def _continue(self, body: bytes) -> Action:
        if body:
            self._resume_at(self._thread(self._resume_thread), body)
        return Resume()

    def _step(self, body: bytes) -> Action:
        thread = self._thread(self._resume_thread)
        self._resume_at(thread, body)
        return Resume(step=thread)

    def _continue_signal(self, body: bytes) -> Action:
        _, _, address = body.partition(b";")
        return self._continue(address)

    def _step_signal(self, body: bytes) -> Action:
        _, _, address = body.partition(b";")
        return self._step(address)

    def _resume_actions(self, body: bytes) -> Action:
        """vCont;action[:thread]...: the first step action names the thread to step;
        in all-stop mode everything else continues."""
        for action in body.split(b";")[1:]:
            verb, _, thread = action.partition(b":")
            if verb[:1] in (b"s", b"S"):
                return Resume(step=self._thread(_thread_id(thread) if thread else 0))
            if verb[:1] not in (b"c", b"C"):
                return Reply(b"")  # t, r: not supported in all-stop mode
        return Resume()

    def _detach(self, _: bytes) -> Action:
        return Detach()

    def _kill(self, _: bytes) -> Action:
        return Kill()

    # ---- queries ---------------------------------------------------------------------

    def _query(self, body: bytes) -> Action:
        name, _, arguments = body.partition(b":")
        if name.startswith(b"Rcmd,"):
            return self._monitor(name[5:])
        if name.startswith(b"ThreadExtraInfo,"):
            description = self.debuggee.describe_thread(_thread_id(name[16:]))
            if description is None:
                return Reply(_NO_SUCH_THREAD)
            return Reply(description.encode().hex().encode())
        if name == b"Supported":
            return self._supported(arguments)
        if name == b"Xfer":
            return self._transfer(arguments)
        simple = {
            b"Attached": b"1",  # the system ran before GDB came: quitting detaches
            b"C": f"QC{self._thread_or_none(self._general_thread):x}".encode(),
            b"fThreadInfo": self._thread_list(),
            b"sThreadInfo": b"l",
        }
        return Reply(simple.get(name, b""))

    def _thread_or_none(self, selected: int) -> int:
        return self._stopped_thread() if selected in _ANY_THREAD else selected

    def _thread_list(self) -> bytes:
        threads = self.debuggee.thread_ids()
        if not threads:
            return b"l"
        return b"m" + b",".join(f"{thread:x}".encode() for thread in threads)

    def _supported(self, arguments: bytes) -> Action:
        offered = set(arguments.split(b";"))
        self._stop_reasons = b"swbreak+" in offered and b"hwbreak+" in offered
        features = [f"PacketSize={PACKET_SIZE:x}", "QStartNoAckMode+",
                    "qXfer:features:read+", "vContSupported+"]
        if self._stop_reasons:
            features += ["swbreak+", "hwbreak+"]
        return Reply(";".join(features).encode())

    def _transfer(self, arguments: bytes) -> Action:
        """qXfer:features:read:ANNEX:OFFSET,LENGTH (the target description)."""
        parts = arguments.split(b":")
        if len(parts) != 4 or parts[:2] != [b"features", b"read"]:
            return Reply(b"")
        document = FEATURE_DOCUMENTS.get(parts[2].decode(errors="replace"))
        if document is None:
            return Reply(b"E00")
        offset, length = _address_and_length(parts[3])
        chunk = document[offset:offset + min(length, MAX_READ)]
        more = offset + len(chunk) < len(document)
        return Reply((b"m" if more else b"l") + escape_binary(chunk))

    def _monitor(self, hex_command: bytes) -> Action:
        try:
            command = bytes.fromhex(hex_command.decode()).decode()
        except ValueError:
            raise RspError("qRcmd needs a hex-encoded command") from None
        output = self.debuggee.monitor(command)
        return Reply(output.encode().hex().encode() if output else b"OK")

    def _set(self, body: bytes) -> Action:
        if body == b"StartNoAckMode":
            return Reply(b"OK", then_stop_acknowledging=True)
        return Reply(b"")

    def _verbose(self, body: bytes) -> Action:
        if body == b"Cont?":
            return Reply(b"vCont;c;C;s;S")
        if body.startswith(b"Cont;"):
            return self._resume_actions(body)
        if body.startswith(b"Kill"):
            return Kill(reply=b"OK")
        return Reply(b"")  # vMustReplyEmpty and everything unsupported
