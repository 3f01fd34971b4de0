"""The events a policy judges and the fields each one carries (for the validator)."""

from __future__ import annotations

import re

from levante.abi import SYSCALLS_BY_NAME
from levante.kernel.policy import QUERY_NAME_MAX

# Fields every event has: who asks, and for a service message who it came from.
COMMON_FIELDS = frozenset({"thread", "domain"})  # domain: the thread's kernel domain
SERVICE_COMMON_FIELDS = frozenset({"thread", "peer"})

# The services' decoded fields, as their control points fill them in; an action not
# listed here is judged with whatever its decoder found, and its fields are not checked.
SERVICE_FIELDS: dict[str, frozenset[str]] = {
    "mqtt.publish": frozenset({"direction", "topic", "qos", "retain", "payload_length"}),
    "mqtt.subscribe": frozenset({"topics"}),
    "mqtt.unsubscribe": frozenset({"topics"}),
    "mqtt.connect": frozenset({"client_id", "clean_session", "keepalive", "will_topic"}),
    "ipc.malformed": frozenset({"direction", "interface", "reason"}),
}

# "ipc": an IPC message, `service ipc.INTERFACE.METHOD` (docs/ipc.md), whose fields are
# its decoded parameters; `service ipc.malformed` a message its checker refused.
SERVICES = frozenset({"mqtt", "coap", "smp", "socket", "ipc"})

# The start of a thread: `thread` is the starting thread's own name.
THREAD_EVENTS = frozenset({"start"})
THREAD_START_FIELDS = frozenset({"thread", "domain", "entry", "entry_address", "priority",
                                 "user", "creator"})

# An explicit query from code (levante_policy_query, <levante/policy.h>): a dotted name of
# the code's choosing, "door.open"; its fields are whatever the code passes, besides
# `thread` and `domain`, which the kernel fills in and code cannot pass.
# The rule for a query's name is the kernel's (kernel/policy.py), which checks it first.
_QUERY_PATTERN = re.compile(r"(\*|[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\.\*)?)")


def event_key(kind: str, name: str) -> str:
    """An event's index in the compiled policy: "syscall k_sem_give", "service mqtt.publish"."""
    return f"{kind} {name}"


def unknown_event(kind: str, name: str) -> str | None:
    """Why `kind name` names no event (None when it names one, or a wildcard)."""
    if kind == "syscall":
        if name == "*" or name in SYSCALLS_BY_NAME:
            return None
        return f"unknown system call {name!r}"
    if kind == "thread":
        return None if name in THREAD_EVENTS else f"unknown thread event {name!r} (start)"
    if kind == "query":
        if len(name) <= QUERY_NAME_MAX and _QUERY_PATTERN.fullmatch(name) is not None:
            return None
        return (f"malformed query name {name!r} (dotted names of letters, digits and _, "
                f"at most {QUERY_NAME_MAX} characters, or ending in .*)")
    service, _, action = name.partition(".")
    if name == "*":
        return None
    if service not in SERVICES or not action:
        return (f"unknown service event {name!r} (SERVICE.ACTION with SERVICE one of "
                f"{', '.join(sorted(SERVICES))})")
    return None


def known_fields(kind: str, name: str) -> frozenset[str] | None:
    """The fields an event is known to have, or None when they are not known."""
    if kind == "syscall":
        call = SYSCALLS_BY_NAME.get(name)
        if call is None:
            return COMMON_FIELDS if name == "*" else None
        return COMMON_FIELDS | {parameter.name for parameter in call.parameters}
    if kind == "thread":
        return THREAD_START_FIELDS
    if kind == "query":
        return None  # whatever the code passes
    if name in SERVICE_FIELDS:
        return SERVICE_COMMON_FIELDS | SERVICE_FIELDS[name]
    if name.startswith("ipc."):
        return None  # an IPC method's fields are its parameters, from the .idl files
    if name == "*" or name.endswith(".*"):
        return SERVICE_COMMON_FIELDS
    return None


def wildcards_of(key: str) -> tuple[str, ...]:
    """The wildcard indexes whose rules also apply to the event `key`, most general last."""
    kind, _, name = key.partition(" ")
    if kind == "syscall":
        return (event_key(kind, "*"),)
    if kind == "thread":
        return ()
    if kind == "query":  # query a.b.c: a.b.*, a.*, then *
        parts = name.split(".")
        return tuple(event_key(kind, ".".join(parts[:count] + ["*"]))
                     for count in range(len(parts) - 1, -1, -1))
    service, _, action = name.partition(".")
    if service == "ipc" and action.count(".") == 1:  # ipc.INTERFACE.METHOD
        interface = action.partition(".")[0]
        return (event_key(kind, f"ipc.{interface}.*"), event_key(kind, "ipc.*"),
                event_key(kind, "*"))
    return (event_key(kind, f"{service}.*"), event_key(kind, "*"))
