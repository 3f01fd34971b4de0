"""The policy point of the system-call path: one question per call, asked before it acts.

Mechanism in the kernel, policy outside (Tock's `SyscallFilter`, KasperskyOS's security
subsystem): after a call is decoded and its kernel objects are validated, the kernel asks
the installed `SyscallPolicy` once, with the caller, the call and its decoded arguments.
With none installed every call is allowed and nothing is asked; a policy engine plugs
in here.  A refusal returns its errno to the caller and performs nothing of the call.
The start of a thread is asked about the same way (`ThreadStartPolicy`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from levante.abi import Syscall
    from levante.kernel.caller import Caller


class SyscallPolicy(Protocol):
    """Judges one system call; returns None to allow it or a negative errno to refuse."""

    def judge(self, caller: Caller, call: Syscall, arguments: Sequence[object]) -> int | None:
        ...


@dataclass(frozen=True)
class ThreadStartEvent:
    """A thread about to be made ready for the first time: its name then, its entry
    function's address, priority, whether it runs in user mode, the thread that
    created it ("" for the threads the image defines) and its security domain."""

    name: str
    entry: int
    priority: int
    user: bool
    creator: str
    domain: str = ""


class ThreadStartPolicy(Protocol):
    """Judges the start of a thread; returns None to let it run or a negative errno."""

    def judge_start(self, start: ThreadStartEvent) -> int | None:
        ...


# An explicit query's name (levante_policy_query, `query NAME` in a policy): dotted
# identifiers, "door.open", at most QUERY_NAME_MAX bytes, so that "query NAME" fits an
# audit record's event (struct levante_audit_record).
QUERY_NAME_MAX = 47
_QUERY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def is_query_name(name: str) -> bool:
    """Whether `name` names one query (not a wildcard)."""
    return len(name) <= QUERY_NAME_MAX and _QUERY_NAME.fullmatch(name) is not None


class QueryPolicy(Protocol):
    """Judges an explicit query from code (levante_policy_query): the caller asks about
    an action of its own, named `name`, with the fields it passes.  Returns None when
    granted or the refusal's negative errno."""

    def judge_query(self, caller: Caller, name: str,
                    fields: Mapping[str, int | str]) -> int | None:
        ...


class AuditEntry(Protocol):
    """One record of the policy's audit buffer: when, who, which event, the verdict
    ("grant" or "deny") and the deciding rule's line (None for the default)."""

    @property
    def time_us(self) -> int: ...

    @property
    def thread(self) -> str: ...

    @property
    def event(self) -> str: ...

    @property
    def verdict(self) -> str: ...

    @property
    def line(self) -> int | None: ...


class PolicyAudit(Protocol):
    """The policy's bounded audit buffer, as a privileged thread reads it."""

    def take_audit(self, limit: int) -> tuple[Sequence[AuditEntry], int]:
        """Remove and return up to `limit` of the oldest records, with the number of
        records dropped (the buffer full) since the last take."""
        ...

    def grants_by_name(self, call: str, thread: str, domain: str) -> bool:
        """Whether a grant of the system call `call` itself names the thread `thread`
        (of kernel domain `domain`, "" for none): the explicit grant a user thread
        needs for a call the policy must open to it by name."""
        ...
