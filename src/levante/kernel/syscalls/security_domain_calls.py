"""levante_domain_*: place a thread in a security domain, name a thread's domain.

Placing is a privileged act (supervisor-only, and judged by the policy with the target
domain decoded as `into`, so a rule can say `when into.name == "network"`), allowed
only before the thread starts: a running thread's domain never changes, so what it
did and holds stays in one domain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.syscalls.registry import syscall
from levante.kernel.syscalls.thread_calls import target_thread
from levante.kernel.thread import ThreadState

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.domains import SecurityDomain
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.thread import Thread


def _valid_add(kernel: Inspect, caller: Caller, into: SecurityDomain | None,
               target: int) -> int | Plan:
    if into is None:
        return -ERRNO["EINVAL"]  # not a LEVANTE_DOMAIN_DEFINE'd domain
    thread = target_thread(kernel, caller, target)
    if thread.state is not ThreadState.PRESTART:
        return -ERRNO["EBUSY"]  # started (or ended): its domain is settled
    userspace = kernel.userspace
    if into.memory is not None and userspace is not None and \
            not userspace.fits(thread, into.memory.partitions):
        return -ERRNO["EINVAL"]  # the MPU cannot give it the domain's partitions
    return into, thread


@syscall("levante_domain_add_thread", validate=_valid_add)
def levante_domain_add_thread(kernel: Services, caller: Caller, into: SecurityDomain,
                              thread: Thread) -> int:
    kernel.security_domains.place(thread, into)
    if into.memory is not None and kernel.userspace is not None:
        kernel.userspace.move_to_domain(thread, into.memory)  # its memory goes with it
    kernel.trace("domain_place", thread=thread.name, domain=into.name)
    return 0


def _valid_name_get(kernel: Inspect, caller: Caller, target: int, buf: int,
                    size: int) -> int | Plan:
    thread = target_thread(kernel, caller, target, null_is_caller=True)
    name = kernel.security_domains.of(thread).name.encode() + b"\0"
    kernel.memory.check(caller, buf, size, AccessKind.WRITE)
    if len(name) > size:
        return -ERRNO["ENOSPC"]
    return buf, name


@syscall("levante_domain_name_get", validate=_valid_name_get)
def levante_domain_name_get(kernel: Services, caller: Caller, buf: int, name: bytes) -> int:
    kernel.memory.write(caller, buf, name)
    return 0
