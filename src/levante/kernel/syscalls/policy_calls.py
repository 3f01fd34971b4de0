"""z_levante_policy_audit_read: a privileged thread takes the policy's audit records.

The policy engine keeps a bounded buffer of its audit records (docs/policy.md, "Audit");
this call moves the oldest of them into the caller's array of struct
levante_audit_record (<levante/policy_audit.h>), so that a privileged thread can ship
or inspect them.  Reading removes: each record is delivered once.

Privileged means: a supervisor thread, or a user thread the installed policy grants the
call by name (`grant syscall z_levante_policy_audit_read from auditor`).  The audit
trail says who did what and which rule refused it, so a user thread gets it only by
such a grant: not by `default allow`, not by a wildcard (`grant syscall * ...`), not
by a grant from anyone, and never when no policy is installed.  The refusal is -EPERM
in the validate stage, before the caller's memory is looked at; the policy's verdict
on the call is still asked afterwards, as for every call.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.policy import AuditEntry
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

ENOTSUP = -ERRNO["ENOTSUP"]
EPERM = -ERRNO["EPERM"]
CALL = "z_levante_policy_audit_read"
# struct levante_audit_record: time in simulated microseconds, the deciding rule's line
# (-1: the policy's default), granted (0 or 1), then NUL-terminated names, cut to fit.
RECORD = struct.Struct("<qiB3x32s64s")
THREAD_NAME_SIZE, EVENT_NAME_SIZE = 32, 64
DEFAULT_RULE_LINE = -1


def _valid_read(kernel: Inspect, caller: Caller, records: int, count: int,
                dropped: int) -> int | Plan:
    if caller.is_user and not _granted_by_name(kernel, caller):
        return EPERM
    kernel.memory.check_array(caller, records, count, RECORD.size, AccessKind.WRITE)
    if dropped != 0:
        kernel.memory.check(caller, dropped, 4, AccessKind.WRITE)
    return (records, count, dropped)


def _granted_by_name(kernel: Inspect, caller: Caller) -> bool:
    """Whether the installed policy grants this (user) thread the call by name."""
    audit = kernel.policy_audit
    if audit is None or caller.in_isr:
        return False
    security = getattr(caller.thread, "security_domain", None)  # None: no domains
    return audit.grants_by_name(CALL, caller.thread.name,
                                security.name if security is not None else "")


@syscall(CALL, validate=_valid_read)
def z_levante_policy_audit_read(kernel: Services, caller: Caller, records: int, count: int,
                                dropped: int) -> int:
    """The number of records written, or -ENOTSUP when the image runs with no policy."""
    audit = kernel.policy_audit
    if audit is None:
        return ENOTSUP
    taken, lost = audit.take_audit(count)
    if taken:
        kernel.memory.write(caller, records, b"".join(_encode(entry) for entry in taken))
    if dropped != 0:
        kernel.memory.write(caller, dropped, min(lost, 0xFFFFFFFF).to_bytes(4, "little"))
    return len(taken)


def _encode(entry: AuditEntry) -> bytes:
    line = DEFAULT_RULE_LINE if entry.line is None else entry.line
    return RECORD.pack(entry.time_us, line, entry.verdict == "grant",
                       _c_name(entry.thread, THREAD_NAME_SIZE),
                       _c_name(entry.event, EVENT_NAME_SIZE))


def _c_name(text: str, size: int) -> bytes:
    """`text` as a C string of at most `size` bytes with its NUL (cut at a byte)."""
    return text.encode("utf-8", "replace")[:size - 1]
