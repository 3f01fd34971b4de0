"""The network shell's calls (supervisor code only): a `net` command's text, an echo
request from the device and its reply, served through the board's NetworkPort.

A command line and a host are read once, bounded; the text buffer is checked whole
before anything is written. Without a network interface every call is -ENODEV.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL, ENODEV, EAGAIN = (-ERRNO[name] for name in ("EINVAL", "ENODEV", "EAGAIN"))
MAX_COMMAND = 128  # a shell line is at most 80 characters
MAX_HOST = 64
MAX_PING_DATA = 1400  # echo data that fits one Ethernet frame with the headers
_REPLY = struct.Struct("<III")  # ttl, data length, round trip in microseconds


def _words(text: bytes) -> list[str] | None:
    try:
        return text.decode("ascii").split()
    except UnicodeDecodeError:
        return None


def _valid_shell(kernel: Inspect, caller: Caller, command: int, text: int,
                 size: int) -> int | Plan:
    words = _words(kernel.memory.read_string(caller, command, MAX_COMMAND))
    kernel.memory.check(caller, text, size, AccessKind.WRITE)
    if words is None or size == 0:
        return EINVAL
    return (words, text, size)


@syscall("z_levante_net_shell", validate=_valid_shell)
def z_levante_net_shell(kernel: Services, caller: Caller, words: list[str], text: int,
                        size: int) -> int:
    """Writes as much of the command's text as fits, NUL-terminated; returns the whole
    text's length (more than `size - 1`: it was cut)."""
    if kernel.network is None:
        return ENODEV
    output = kernel.network.shell_command(words).encode("ascii", "replace")
    kernel.memory.write(caller, text, output[:size - 1] + b"\0")
    return len(output)


def _valid_ping(kernel: Inspect, caller: Caller, host: int, sequence: int,
                data_length: int) -> int | Plan:
    words = _words(kernel.memory.read_string(caller, host, MAX_HOST))
    if words is None or len(words) != 1 or not 0 <= data_length <= MAX_PING_DATA:
        return EINVAL
    return (words[0], sequence & 0xFFFF, data_length)


@syscall("z_levante_net_ping", validate=_valid_ping)
def z_levante_net_ping(kernel: Services, caller: Caller, host: str, sequence: int,
                       data_length: int) -> int:
    if kernel.network is None:
        return ENODEV
    refused = kernel.network.ping(host, sequence, data_length)
    return 0 if refused is None else -ERRNO.get(refused, ERRNO["EINVAL"])


def _valid_ping_reply(kernel: Inspect, caller: Caller, sequence: int,
                      reply: int) -> int | Plan:
    kernel.memory.check(caller, reply, _REPLY.size, AccessKind.WRITE)
    return (sequence & 0xFFFF, reply)


@syscall("z_levante_net_ping_reply", validate=_valid_ping_reply)
def z_levante_net_ping_reply(kernel: Services, caller: Caller, sequence: int,
                             reply: int) -> int:
    """0 and the reply's TTL, data length and round trip (µs) once it came; -EAGAIN
    before."""
    if kernel.network is None:
        return ENODEV
    answer = kernel.network.ping_reply(sequence)
    if answer is None:
        return EAGAIN
    kernel.memory.write(caller, reply, _REPLY.pack(answer.ttl, answer.data_length,
                                                   min(answer.round_trip_us, 0xFFFF_FFFF)))
    return 0
