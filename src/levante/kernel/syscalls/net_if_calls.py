"""The kernel functions of <zephyr/net/net_if.h>, <zephyr/net/dhcpv4.h> and
<zephyr/net/net_mgmt.h> (supervisor code only), served through the board's NetworkPort.

The C runtime keeps struct net_if and the net_mgmt callback list; these calls give it
the interface's state, change addresses, start and stop the DHCPv4 client, and hand
the net_mgmt thread the interface's events (it pends until one comes).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.codecs.addresses import ipv6_to_text
from levante.kernel.net_port import EVENT_INFO_MAX
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL, ENODEV, EAGAIN, ENOENT = (-ERRNO[name] for name in
                                  ("EINVAL", "ENODEV", "EAGAIN", "ENOENT"))
# struct z_levante_net_if_state (levante/net_if_state.h): flags, addresses in network
# order, the DHCPv4 lease.
STATE = struct.Struct("<BBBBH6s4s4s4sIII4sI")
IPV4_FIELDS = {0: "address", 1: "netmask", 2: "gateway", 3: "remove"}
MAX_OPTION_CODE = 254
NET_MGMT_EVENT_BIT = 1 << 31  # <zephyr/net/net_mgmt_codes.h>


def _valid_state(kernel: Inspect, caller: Caller, state: int) -> int | Plan:
    kernel.memory.check(caller, state, STATE.size, AccessKind.WRITE)
    return (state,)


@syscall("z_levante_net_if_state", validate=_valid_state)
def z_levante_net_if_state(kernel: Services, caller: Caller, state: int) -> int:
    if kernel.network is None:
        return ENODEV
    now = kernel.network.interface_state()
    kernel.memory.write(caller, state, STATE.pack(
        now.up, now.address_type, now.dhcp_state, 0, now.mtu, now.mac, now.address,
        now.netmask, now.gateway, now.lease_time, now.renewal_time, now.rebinding_time,
        now.dhcp_server, now.dhcp_attempts))
    return 0


def _valid_ipv4_set(kernel: Inspect, caller: Caller, what: int, address: int,
                    address_type: int) -> int | Plan:
    if what not in IPV4_FIELDS:
        return EINVAL
    # s_addr as the CPU loaded it: its bytes in memory are the network order.
    raw = (address & 0xFFFF_FFFF).to_bytes(4, "little")
    return (IPV4_FIELDS[what], ".".join(str(octet) for octet in raw), address_type)


@syscall("z_levante_net_if_ipv4_set", validate=_valid_ipv4_set)
def z_levante_net_if_ipv4_set(kernel: Services, caller: Caller, what: str, address: str,
                              address_type: int) -> int:
    if kernel.network is None:
        return ENODEV
    refused = kernel.network.set_ipv4(what, address, address_type)
    return 0 if refused is None else -ERRNO.get(refused, ERRNO["EINVAL"])


# What z_levante_net_if_ipv6_set does with its address (runtime/net_if.c's enum).
IPV6_REQUESTS = {0: "add", 1: "remove", 2: "join", 3: "leave", 4: "state"}


def _valid_ipv6_set(kernel: Inspect, caller: Caller, what: int, address: int) -> int | Plan:
    if what not in IPV6_REQUESTS:
        return EINVAL
    return (IPV6_REQUESTS[what], ipv6_to_text(kernel.memory.read(caller, address, 16)))


@syscall("z_levante_net_if_ipv6_set", validate=_valid_ipv6_set)
def z_levante_net_if_ipv6_set(kernel: Services, caller: Caller, what: str,
                              address: str) -> int:
    """Add or remove an IPv6 address, join or leave a group, or ask an address's state;
    after an add or a question, the address's state (enum net_addr_state), else 0;
    -errno when refused (-ENOENT: not the interface's)."""
    network = kernel.network
    if network is None:
        return ENODEV
    if what != "state":
        refused = network.set_ipv6(what, address)
        if refused is not None:
            return -ERRNO.get(refused, ERRNO["EINVAL"])
    if what not in ("add", "state"):
        return 0
    state = network.ipv6_address_state(address)
    return ENOENT if state is None else state


@syscall("z_levante_net_dhcpv4_start")
def z_levante_net_dhcpv4_start(kernel: Services, caller: Caller) -> int:
    if kernel.network is None:
        return ENODEV
    kernel.network.dhcpv4_start()
    return 0


@syscall("z_levante_net_dhcpv4_stop")
def z_levante_net_dhcpv4_stop(kernel: Services, caller: Caller) -> int:
    if kernel.network is None:
        return ENODEV
    kernel.network.dhcpv4_stop()
    return 0


def _valid_option(kernel: Inspect, caller: Caller, code: int, data: int,
                  size: int) -> int | Plan:
    kernel.memory.check(caller, data, size, AccessKind.WRITE)
    return (code, data, size) if 1 <= code <= MAX_OPTION_CODE else EINVAL


@syscall("z_levante_net_dhcpv4_option", validate=_valid_option)
def z_levante_net_dhcpv4_option(kernel: Services, caller: Caller, code: int, data: int,
                                size: int) -> int:
    """The option's length, its first `size` octets copied; -ENOENT when the last ACK
    did not carry it."""
    if kernel.network is None:
        return ENODEV
    value = kernel.network.dhcpv4_option(code)
    if value is None:
        return ENOENT
    if size:
        kernel.memory.write(caller, data, value[:size])
    return len(value)


def _valid_request(kernel: Inspect, caller: Caller, code: int) -> int | Plan:
    return (code,) if 1 <= code <= MAX_OPTION_CODE else EINVAL


@syscall("z_levante_net_dhcpv4_request_option", validate=_valid_request)
def z_levante_net_dhcpv4_request_option(kernel: Services, caller: Caller, code: int) -> int:
    if kernel.network is None:
        return ENODEV
    refused = kernel.network.dhcpv4_request_option(code)
    return 0 if refused is None else -ERRNO.get(refused, ERRNO["EINVAL"])


@syscall("z_levante_net_mgmt_wait")
def z_levante_net_mgmt_wait(kernel: Services, caller: Caller, timeout: int) -> int | Blocked:
    """0 once an event is queued (at once if one is); -EAGAIN when none came in time."""
    network = kernel.network
    if network is None:
        return ENODEV
    if network.take_event_ready():
        return 0
    if timeout == 0:
        return EAGAIN
    return kernel.pend(caller, network.event_waiters, timeout, EAGAIN)


def _valid_take(kernel: Inspect, caller: Caller, event: int) -> int | Plan:
    kernel.memory.check(caller, event, 4, AccessKind.WRITE)
    return (event,)


@syscall("z_levante_net_mgmt_take", validate=_valid_take)
def z_levante_net_mgmt_take(kernel: Services, caller: Caller, event: int) -> int:
    if kernel.network is None:
        return ENODEV
    code = kernel.network.take_event()
    if code is None:
        return ENOENT
    kernel.memory.write(caller, event, code.to_bytes(4, "little"))
    return 0


def _valid_raise(kernel: Inspect, caller: Caller, event: int, info: int,
                 length: int) -> int | Plan:
    """The event must be one (Zephyr's NET_MGMT_EVENT_BIT); its information is copied now,
    at most EVENT_INFO_MAX bytes."""
    if not event & NET_MGMT_EVENT_BIT or length > EVENT_INFO_MAX:
        return EINVAL
    return (event, kernel.memory.read(caller, info, length) if length else b"")


@syscall("z_levante_net_mgmt_raise", validate=_valid_raise)
def z_levante_net_mgmt_raise(kernel: Services, caller: Caller, event: int,
                             info: bytes) -> int:
    """Queue an event of the C runtime's (net_mgmt_event_notify_with_info) for the
    net_mgmt thread, behind the interface's own."""
    if kernel.network is None:
        return ENODEV
    kernel.network.raise_application_event(event, info)
    return 0


def _valid_take_info(kernel: Inspect, caller: Caller, event: int, info: int, size: int,
                     length: int) -> int | Plan:
    kernel.memory.check(caller, event, 4, AccessKind.WRITE)
    kernel.memory.check(caller, length, 4, AccessKind.WRITE)
    if size:
        kernel.memory.check(caller, info, size, AccessKind.WRITE)
    return (event, info, size, length)


@syscall("z_levante_net_mgmt_take_info", validate=_valid_take_info)
def z_levante_net_mgmt_take_info(kernel: Services, caller: Caller, event: int, info: int,
                                 size: int, length: int) -> int:
    """The oldest event, its information's first `size` bytes and their count."""
    if kernel.network is None:
        return ENODEV
    taken = kernel.network.take_event_with_info()
    if taken is None:
        return ENOENT
    code, data = taken
    data = data[:size]
    kernel.memory.write(caller, event, code.to_bytes(4, "little"))
    if data:
        kernel.memory.write(caller, info, data)
    kernel.memory.write(caller, length, len(data).to_bytes(4, "little"))
    return 0


@syscall("z_levante_net_config_wait")
def z_levante_net_config_wait(kernel: Services, caller: Caller,
                              timeout: int) -> int | Blocked:
    """0 once the interface is set up as net_config wants it (the configured IPv6
    address passed DAD), at once if it is; -EAGAIN when that did not come in time."""
    network = kernel.network
    if network is None:
        return ENODEV
    if network.config_ready():
        return 0
    if timeout == 0:
        return EAGAIN
    return kernel.pend(caller, network.config_waiters, timeout, EAGAIN)


# <zephyr/net/conn_mgr_monitor.h>'s requests: resend the status, ignore the interface,
# watch it again, ask whether it is ignored.
CONN_MGR_REQUESTS = range(4)


def _valid_conn_mgr(kernel: Inspect, caller: Caller, request: int) -> int | Plan:
    return (request,) if request in CONN_MGR_REQUESTS else EINVAL


@syscall("z_levante_conn_mgr", validate=_valid_conn_mgr)
def z_levante_conn_mgr(kernel: Services, caller: Caller, request: int) -> int:
    if kernel.network is None:
        return ENODEV
    answer = kernel.network.connection_request(request)
    return ENODEV if answer is None else answer
