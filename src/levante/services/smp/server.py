"""The SMP server's core, sans-IO: one request frame in, its response frame out.

Each decoded command passes the kernel's control point (`SmpTarget.judge`) before it
acts; a frame the codec refuses is answered with an error when its header could be
read, and dropped otherwise.  What the transports must do after the response (the
reset) comes back in the `Outcome`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from levante.codecs import smp
from levante.codecs.smp import SmpLimits, SmpValue
from levante.services.smp.image_group import ImageGroup
from levante.services.smp.os_group import OsGroup, OsSettings
from levante.services.smp.results import (
    GROUP_IMAGE,
    GROUP_OS,
    GROUP_SHELL,
    GROUP_STAT,
    Mgmt,
    Refusal,
)
from levante.services.smp.shell_group import ShellGroup, ShellLine
from levante.services.smp.stat_group import StatGroup
from levante.services.smp.target import SmpTarget

Body = Mapping[str, SmpValue]
Handler = Callable[[Body], dict[str, SmpValue]]
READ, WRITE = "read", "write"


@dataclass(frozen=True)
class SmpSettings:
    """What the build's CONFIG_MCUMGR_* give the server."""

    buffer_size: int = 2048  # CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE: a whole frame
    buffer_count: int = 2  # CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT
    image_group: bool = True  # CONFIG_MCUMGR_GRP_IMG
    os_group: bool = True  # CONFIG_MCUMGR_GRP_OS
    task_stats: bool = True  # CONFIG_MCUMGR_GRP_OS_TASKSTAT
    stat_group: bool = False  # CONFIG_MCUMGR_GRP_STAT
    stat_name_length: int = 32  # CONFIG_MCUMGR_GRP_STAT_MAX_NAME_LEN
    shell_group: bool = False  # CONFIG_MCUMGR_GRP_SHELL
    shell_line_max: int = 78  # octets of a line the console shell takes
    reset_delay_ms: int = 250  # CONFIG_MCUMGR_GRP_OS_RESET_MS


@dataclass(frozen=True)
class Outcome:
    """A request served: the frame to send back (None: dropped), whether the device
    resets once it went, and what the server saw (for the trace)."""

    response: bytes | None
    reset: bool = False
    action: str = ""
    refused: str = ""  # why the frame or command was refused, if it was
    # A shell group command for the console shell: the answer waits for its result.
    shell_line: str = ""
    header: smp.SmpHeader | None = None


@dataclass(frozen=True)
class Command:
    name: str  # "group.command", as the control point sees it
    read: Handler | None
    write: Handler | None


class SmpServer:
    def __init__(self, target: SmpTarget, settings: SmpSettings = SmpSettings()) -> None:
        self.target = target
        self.settings = settings
        self.limits = SmpLimits(max_frame=settings.buffer_size)
        self.images = ImageGroup(target)
        # An echo answer must fit a response buffer with its header and CBOR around it:
        # half a buffer leaves room for both.
        self.os = OsGroup(target, OsSettings(settings.buffer_size, settings.buffer_count,
                                             settings.buffer_size // 2))
        self.stats = StatGroup(target, settings.stat_name_length)
        self.shell = ShellGroup(settings.shell_line_max)
        self.commands: dict[tuple[int, int], Command] = {}
        if settings.os_group:
            self.commands.update({
                (GROUP_OS, 0): Command("os.echo", self.os.echo, self.os.echo),
                (GROUP_OS, 5): Command("os.reset", None, self._reset),
                (GROUP_OS, 6): Command("os.mcumgr_params", self.os.parameters, None),
                (GROUP_OS, 8): Command("os.bootloader_info", self.os.bootloader_info,
                                       None)})
            if settings.task_stats:
                self.commands[GROUP_OS, 2] = Command("os.taskstat", self.os.task_stats, None)
        if settings.shell_group:
            self.commands[GROUP_SHELL, 0] = Command("shell.exec", None, self._shell_line)
        if settings.stat_group:
            self.commands.update({
                (GROUP_STAT, 0): Command("stat.show", self.stats.show, None),
                (GROUP_STAT, 1): Command("stat.list", self.stats.list, None)})
        if settings.image_group:
            self.commands.update({
                (GROUP_IMAGE, 0): Command("image.state", self.images.state_read,
                                          self.images.state_write),
                (GROUP_IMAGE, 1): Command("image.upload", None, self.images.upload_write),
                (GROUP_IMAGE, 5): Command("image.erase", None, self.images.erase),
                (GROUP_IMAGE, 6): Command("image.slot_info", self.images.slot_info,
                                          None)})

    def _shell_line(self, body: Body) -> dict[str, SmpValue]:
        raise _ForTheShell(self.shell.line(body))

    def shell_answer(self, header: smp.SmpHeader, result: int, output: bytes) -> bytes:
        """The response to a shell command, once the shell ran it."""
        return self._encode(header, self.shell.answer(result, output))

    def _reset(self, body: Body) -> dict[str, SmpValue]:
        """The reset is answered first; the transport reboots once the answer went
        (`Outcome.reset`)."""
        return {}

    def handle(self, data: bytes, peer: str) -> Outcome:
        """Serve one frame from `peer` ("ADDRESS:PORT", or "uart")."""
        try:
            frame = smp.decode(data, self.limits)
        except smp.SmpBodyError as error:
            header = error.header
            return Outcome(self._answer(header, Refusal(Mgmt.EINVAL, error.message)),
                           action=_name(header.group, header.command),
                           refused=error.message)
        except smp.SmpError as error:
            return Outcome(None, refused=error.message)
        header = frame.header
        command = self.commands.get((header.group, header.command))
        name = command.name if command is not None else _name(header.group, header.command)
        if header.op not in (smp.OP_READ, smp.OP_WRITE):
            return Outcome(None, action=name, refused="a response sent to the server")
        op = READ if header.op == smp.OP_READ else WRITE
        fields: dict[str, object] = {"group": header.group, "command": header.command,
                                     "op": op, "sequence": header.sequence,
                                     "request": _summary(frame.body)}
        if self.target.judge(peer, name, fields) is not None:
            refusal = Refusal(Mgmt.EACCESSDENIED, "the control point refused it")
            return Outcome(self._answer(header, refusal), action=name,
                           refused=refusal.reason)
        handler = None if command is None else (command.read if op == READ else command.write)
        if handler is None:
            refusal = Refusal(Mgmt.ENOTSUP, f"{name}: no {op} command")
            return Outcome(self._answer(header, refusal), action=name,
                           refused=refusal.reason)
        try:
            body = handler(frame.body)
        except _ForTheShell as waiting:
            return Outcome(None, action=name, shell_line=waiting.line.text, header=header)
        except Refusal as refusal:
            return Outcome(self._answer(header, refusal), action=name,
                           refused=refusal.reason)
        return Outcome(self._encode(header, body), reset=name == "os.reset", action=name)

    def refuse(self, header: smp.SmpHeader, refusal: Refusal) -> bytes:
        """The error response to a request whose command the transport refuses."""
        return self._answer(header, refusal)

    def _answer(self, header: smp.SmpHeader, refusal: Refusal) -> bytes:
        return self._encode(header, refusal.body(header.version == smp.VERSION_2))

    def _encode(self, header: smp.SmpHeader, body: dict[str, SmpValue]) -> bytes:
        frame = smp.encode(header.response(0), body)
        if len(frame) > self.settings.buffer_size:
            frame = smp.encode(header.response(0), {"rc": int(Mgmt.EMSGSIZE)})
        return frame


class _ForTheShell(Exception):  # noqa: N818 - not a failure: the answer comes later
    def __init__(self, line: ShellLine) -> None:
        super().__init__(line.text)
        self.line = line


def _name(group: int, command: int) -> str:
    names = {GROUP_OS: "os", GROUP_IMAGE: "image", GROUP_STAT: "stat", GROUP_SHELL: "shell"}
    return f"{names.get(group, f'group{group}')}.command{command}"


def _summary(body: Body) -> dict[str, object]:
    """The request's fields as the control point sees them: scalars as they are, octet
    strings by their length (an upload's data is not copied into the trace)."""
    summary: dict[str, object] = {}
    for key, value in body.items():
        if isinstance(value, bytes):
            summary[key] = value.hex() if len(value) <= 32 else f"{len(value)} octets"
        elif isinstance(value, str | int | bool) or value is None:
            summary[key] = value if not isinstance(value, str) else value[:64]
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            # A list of words (shell exec's argv): what a policy judges a command by.
            summary[key] = [str(item)[:64] for item in value]
    return summary
