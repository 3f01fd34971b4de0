"""The per-message control point of the kernel's services: every decoded MQTT, CoAP or
SMP message (and every socket connect or bind they make) is judged here, once.

The services decode untrusted protocol bytes with the kernel's codecs; before a decoded
message reaches an application or acts on the device, its service hands it to `judge`
with the thread it is for, the peer, and the message's decoded fields.  With no
`ServicePolicy` installed every message is allowed; either way the decision is traced
(`service_message`), so the trace shows each message.  The policy engine plugs in as the
installed `ServicePolicy`, as the system-call policy does in `kernel/policy.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class ServiceMessage:
    """One decoded message: `service` is "mqtt", "coap", "smp" or "socket"; `action` the
    message's verb (e.g. "publish", "GET", "image.upload", "connect"); `fields` what the
    decoder found (topic, path, group and command, address and port, ...)."""

    service: str
    action: str
    fields: Mapping[str, object] = field(default_factory=dict)


class ServicePolicy(Protocol):
    """Judges one service message; returns None to allow it or a negative errno."""

    def judge(self, thread: str, peer: str, message: ServiceMessage) -> int | None:
        ...


@runtime_checkable
class AuditsRefusals(Protocol):
    """A policy that also audits the messages the kernel refuses on its own (a
    malformed IPC message, which no verdict could let through)."""

    def refused(self, thread: str, peer: str, message: ServiceMessage) -> None: ...


class Judging(Protocol):
    """What `judge` uses of the kernel (a perform stage's `Services` has both)."""

    @property
    def service_policy(self) -> ServicePolicy | None: ...

    def trace(self, event: str, **fields: object) -> None: ...


def judge(kernel: Judging, thread: str, peer: str, message: ServiceMessage) -> int | None:
    """Ask the installed policy about `message` (allow when none) and trace the verdict."""
    policy = kernel.service_policy
    refusal = None if policy is None else policy.judge(thread, peer, message)
    kernel.trace("service_message", thread=thread, peer=peer, service=message.service,
                 action=message.action, fields=traced_fields(message),
                 verdict="allow" if refusal is None else "deny")
    return refusal


def refuse(kernel: Judging, thread: str, peer: str, message: ServiceMessage) -> None:
    """Trace a message the kernel refused itself, and tell the policy's audit."""
    policy = kernel.service_policy
    if isinstance(policy, AuditsRefusals):
        policy.refused(thread, peer, message)
    kernel.trace("service_message", thread=thread, peer=peer, service=message.service,
                 action=message.action, fields=traced_fields(message), verdict="deny")


def traced_fields(message: ServiceMessage) -> dict[str, object]:
    """A message's fields as the trace shows them.  An IPC method's parameters are the
    application's own data and may be secrets (a PIN, a key): the trace gives a string's
    or byte sequence's length (`"<6 bytes>"`), never its content; the policy still
    judges the values themselves."""
    if message.service != "ipc":
        return dict(message.fields)
    return {name: value if name in _IPC_ENVELOPE else _redacted(value)
            for name, value in message.fields.items()}


# What the kernel itself says about an IPC message, beside the method's parameters.
_IPC_ENVELOPE = frozenset({"direction", "interface", "method", "status", "reason"})


class HandleView(dict[str, object]):
    """A handle slot of an IPC message as the kernel looked it up (`value`, `rights`,
    `type`, `live`): the kernel's own account, traced as it is."""


def _redacted(value: object) -> object:
    if isinstance(value, HandleView):
        return dict(value)
    if isinstance(value, str):
        return f"<{len(value.encode())} bytes>"
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {name: _redacted(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value
