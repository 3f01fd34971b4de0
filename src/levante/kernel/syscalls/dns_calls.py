"""getaddrinfo's system call (CONFIG_DNS_RESOLVER): a name's addresses from the
interface's DNS resolver, the caller pending until they come or its timeout ends.

The name is read once, bounded (RFC 1035 §2.3.4: 255 octets); the result array is
checked whole in validate and written when the answer comes (a waiter whose memory is no
longer its own faults in its own context, `delivery.py`'s rule). A wait that times out,
or ends for any other reason, leaves its answer unwritten; a timeout cancels the lookup.
Errors are Zephyr's DNS_EAI_* codes, which getaddrinfo returns as they are.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.objects.name_request import NameRequest
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.net_port import NameAnswer
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan
    from levante.kernel.thread import Thread

# Zephyr's enum dns_resolve_status values getaddrinfo answers with.
DNS_EAI = {"EAI_NONAME": -2, "EAI_AGAIN": -3, "EAI_FAIL": -4, "EAI_NODATA": -5,
           "EAI_ADDRFAMILY": -9, "EAI_MEMORY": -10, "EAI_OVERFLOW": -12}
FAMILIES = {0: "AF_UNSPEC", 1: "AF_INET", 2: "AF_INET6"}
ADDRESS_ENTRY = struct.Struct("<i16s")  # struct z_levante_dns_address: family, address
MAX_NAME = 255
MAX_ADDRESSES = 32  # entries one call may ask for (two families x AI_MAX_ENTRIES 16)


def _valid_resolve(kernel: Inspect, caller: Caller, name: int, family: int, addresses: int,
                   count: int, timeout: int) -> int | Plan:
    if family not in FAMILIES:
        return DNS_EAI["EAI_ADDRFAMILY"]
    if not 1 <= count <= MAX_ADDRESSES:
        return DNS_EAI["EAI_OVERFLOW"]
    text = kernel.memory.read_string(caller, name, MAX_NAME + 1)
    destination = kernel.memory.buffer(caller, addresses, count * ADDRESS_ENTRY.size,
                                       AccessKind.WRITE)
    if len(text) > MAX_NAME or not text.isascii():
        return DNS_EAI["EAI_NONAME"]  # no DNS name is this long or has such octets
    return (text.decode("ascii"), family, NameRequest(destination, count), timeout)


@syscall("z_levante_dns_resolve", validate=_valid_resolve)
def z_levante_dns_resolve(kernel: Services, caller: Caller, name: str, family: int,
                          request: NameRequest, timeout: int) -> int | Blocked:
    """The number of addresses written, or a DNS_EAI_* code; pends until the resolver
    answers, or until `timeout` (EAI_AGAIN)."""
    network = kernel.network
    if network is None:
        return DNS_EAI["EAI_FAIL"]  # no interface: nothing to ask
    at_once: list[NameAnswer] = []
    waiter: list[Thread] = []  # the caller, once it pends

    def answered(answer: NameAnswer) -> None:
        if not waiter:
            at_once.append(answer)
        elif waiter[0].wait_data is request:  # still waiting for this answer
            _deliver(kernel, waiter[0], request, answer)

    cancel = network.resolve_name(name, family, answered)
    if cancel is None:
        return _write(request, at_once[0])
    waiter.append(caller.thread)
    blocked = kernel.pend(caller, None, timeout, DNS_EAI["EAI_AGAIN"], wait_data=request,
                          on_timeout=cancel)
    if isinstance(blocked, int):  # no wait (K_NO_WAIT, or an interrupt's call)
        cancel()
    return blocked


def _write(request: NameRequest, answer: NameAnswer) -> int:
    """Write the answer's addresses (as many as fit); their count, or the error."""
    if answer.error is not None:
        return DNS_EAI.get(answer.error, DNS_EAI["EAI_FAIL"])
    entries = answer.addresses[:request.count]
    request.destination.write(b"".join(ADDRESS_ENTRY.pack(family, raw)
                                       for family, raw in entries))
    return len(entries)


def _deliver(kernel: Services, waiter: Thread, request: NameRequest,
             answer: NameAnswer) -> None:
    try:
        result = _write(request, answer)
    except Oops as refused:
        kernel.fault_on_resume(waiter, kernel.refusal_fault(
            waiter.context, refused, waiter.caller.is_user))
        return
    kernel.wake(waiter, result)
