"""levante_policy_query: code asks the policy about an action of its own.

KasperskyOS's security interface: an entity asks the security subsystem "may I do
this?" (may this request open the door?) and acts on the answer.  The policy judges the
event `query NAME` (docs/policy.md, "Events") with the fields the code passes, plus the
caller's `thread` and `domain`, which the kernel fills in: code cannot pass them, so it
cannot ask in another's name.  The validate stage copies the name and every field in
and bounds them; perform asks the policy, whose verdict (Flow transitions, limits,
audit) is the one any event gets.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.kernel import costs
from levante.kernel.policy import QUERY_NAME_MAX, is_query_name
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL = -ERRNO["EINVAL"]
# struct levante_policy_field (<levante/policy.h>): the field's name, its string value
# (NULL: the field is the integer), its integer value.
FIELD = struct.Struct("<IIq")
FIELDS_MAX = 16  # LEVANTE_POLICY_QUERY_FIELDS_MAX
FIELD_NAME_MAX = 31  # bytes, without the NUL
STRING_MAX = 255  # a string value's bytes, without the NUL
# Named by the kernel, never by the code that asks.
RESERVED_FIELDS = frozenset({"thread", "domain"})


def _text(kernel: Inspect, caller: Caller, address: int, limit: int) -> str | None:
    """The NUL-terminated UTF-8 string at `address` of at most `limit` bytes, or None
    when it is longer or not UTF-8.  Memory the caller cannot read faults it."""
    data = kernel.memory.read_string(caller, address, limit + 1)
    if len(data) > limit:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _valid_query(kernel: Inspect, caller: Caller, name: int, fields: int,
                 count: int) -> int | Plan:
    if name == 0 or count > FIELDS_MAX or (count and fields == 0):
        return EINVAL
    query = _text(kernel, caller, name, QUERY_NAME_MAX)
    if query is None or not is_query_name(query):
        return EINVAL
    values: dict[str, int | str] = {}
    # count is at most FIELDS_MAX: the size cannot overflow.
    table = kernel.memory.read(caller, fields, count * FIELD.size) if count else b""
    for field_name, string, integer in FIELD.iter_unpack(table):
        label = _text(kernel, caller, field_name, FIELD_NAME_MAX) if field_name else None
        if label is None or not label.isidentifier() or not label.isascii() \
                or label in RESERVED_FIELDS or label in values:
            return EINVAL
        if string:
            text = _text(kernel, caller, string, STRING_MAX)
            if text is None:
                return EINVAL
            values[label] = text
        else:
            values[label] = integer
    return query, values


@syscall("levante_policy_query", validate=_valid_query)
def levante_policy_query(kernel: Services, caller: Caller, query: str,
                         values: dict[str, int | str]) -> int:
    """0 when the policy grants the query (or none is installed: every call is allowed
    then), else the deciding rule's negative errno."""
    policy = kernel.query_policy
    if policy is None:
        return 0
    refusal = policy.judge_query(caller, query, values)
    # The query's own verdict costs what any verdict costs (the call's was charged too).
    kernel.now += costs.POLICY_VERDICT_CYCLES
    if refusal is not None:
        kernel.trace("policy_query_refused", thread=caller.thread.name, query=query,
                     errno=refusal)
        return refusal
    return 0
