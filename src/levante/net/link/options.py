"""The `--net` and `--forward` values: which link the board's interface is plugged into."""

from __future__ import annotations

from pathlib import Path

from levante.errors import UsageError
from levante.net.link.link import Link
from levante.net.link.switch import SwitchLink
from levante.net.link.tap import TapLink, check_tap_name
from levante.net.link.user.gateway import Forward
from levante.net.link.user.link import UserLink
from levante.net.link.user.plan import GatewayPlan
from levante.net.link.user.plan6 import Gateway6Plan

NET_FORMS = "user, tap:NAME or switch:PATH"
FORWARD_FORM = "udp:HOSTPORT:DEVPORT or tcp:HOSTPORT:DEVPORT"


def check_link(value: str) -> None:
    """A `--net` value that names no link is a `UsageError` (one line, exit status 2)."""
    kind, separator, argument = value.partition(":")
    if value == "user":
        return
    if kind == "tap" and separator:
        problem = check_tap_name(argument)
        if problem is not None:
            raise UsageError(f"--net {value!r}: {problem}")
        return
    if kind == "switch" and separator:
        if not argument:
            raise UsageError(f"--net {value!r}: the switch's socket path is empty")
        return
    raise UsageError(f"--net {value!r}: unknown link (use {NET_FORMS})")


def open_link(value: str, plan: GatewayPlan | None = None,
              forwards: list[Forward] | None = None,
              plan6: Gateway6Plan | None = None) -> Link:
    """The open link `value` names (`user` needs the gateway's `plan`); a link that
    cannot be opened is a `LinkError` (one line, exit status 2)."""
    check_link(value)
    kind, _, argument = value.partition(":")
    if forwards and value != "user":
        raise UsageError("--forward: only the user-mode link (--net user) forwards ports")
    if kind == "tap":
        return TapLink(argument)
    if kind == "switch":
        return SwitchLink(Path(argument))
    assert plan is not None
    return UserLink(plan, forwards or [], plan6=plan6)


def parse_forward(value: str) -> Forward:
    """`udp:HOSTPORT:DEVPORT` or `tcp:...` → (protocol, host port, device port)."""
    parts = value.split(":")
    if len(parts) != 3 or parts[0] not in ("udp", "tcp"):
        raise UsageError(f"--forward {value!r}: use {FORWARD_FORM}")
    ports = []
    for text in parts[1:]:
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
            raise UsageError(f"--forward {value!r}: {text!r} is not a port (1..65535)")
        ports.append(int(text))
    return parts[0], ports[0], ports[1]


def parse_forwards(values: tuple[str, ...]) -> list[Forward]:
    forwards = [parse_forward(value) for value in values]
    host_ports = [(kind, host) for kind, host, _ in forwards]
    for kind, port in host_ports:
        if host_ports.count((kind, port)) > 1:
            raise UsageError(f"--forward: {kind} host port {port} is forwarded twice")
    return forwards
