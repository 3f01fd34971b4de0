"""The interface's side of the C API (<zephyr/net/net_if.h>, net_mgmt.h, dhcpv4.h): its
state as struct net_if shows it, address changes, the DHCPv4 client, and the net_mgmt
events the C runtime's net_mgmt thread hands to application callbacks."""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import TYPE_CHECKING

from levante.codecs.addresses import ipv4_from_text
from levante.devices.connection_manager import ConnectionMonitor
from levante.kernel.net_port import ADDRESS_TYPES, EVENT_INFO_MAX, InterfaceState
from levante.kernel.waitq import WaitQueue
from levante.net.stack import NetworkStack
from levante.net.stack.dhcpv4_client import DhcpState, Dhcpv4Client
from levante.net.stack.ipv6_addresses import AddressState
from levante.net.stack.ipv6_settings import is_link_local, is_multicast
from levante.net.stack.settings import Ipv4Settings, SettingsError

if TYPE_CHECKING:
    from levante.kernel.kernel import Kernel

# <zephyr/net/net_event.h>: event bit, interface bit, layer L3, IPv4 core code 0x004.
IPV4_EVENT_BASE = (1 << 31) | (1 << 30) | (2 << 28) | (0x004 << 16)
IPV4_EVENTS = {"IPV4_ADDR_ADD": 1, "IPV4_ADDR_DEL": 2, "IPV4_ROUTER_ADD": 5,
               "IPV4_DHCP_START": 7, "IPV4_DHCP_BOUND": 8, "IPV4_DHCP_STOP": 9}
# Transport events (the connection manager's): layer L4, core code 0x114.
L4_EVENT_BASE = (1 << 31) | (1 << 30) | (3 << 28) | (0x114 << 16)
L4_EVENTS = {"L4_CONNECTED": 1, "L4_DISCONNECTED": 2, "L4_IPV4_CONNECTED": 3,
             "L4_IPV4_DISCONNECTED": 4, "L4_IPV6_CONNECTED": 5, "L4_IPV6_DISCONNECTED": 6}
EVENT_QUEUE_LENGTH = 16  # events not yet taken; the oldest makes room
# Zephyr's enum net_dhcpv4_state, by the client's state.
DHCP_STATES = {DhcpState.DISABLED: 0, DhcpState.INIT: 1, DhcpState.SELECTING: 2,
               DhcpState.REQUESTING: 3, DhcpState.RENEWING: 4, DhcpState.REBINDING: 5,
               DhcpState.BOUND: 6}
NO_ADDRESS = bytes(4)
# Zephyr's enum net_addr_state, by an IPv6 address's state.
ADDRESS_STATES = {AddressState.TENTATIVE: 0, AddressState.PREFERRED: 1,
                  AddressState.DEPRECATED: 2}


def _raw(address: str | None) -> bytes:
    return ipv4_from_text(address, SettingsError) if address else NO_ADDRESS


class InterfaceControl:
    """What kernel functions of applications do to the interface."""

    def __init__(self, stack: NetworkStack) -> None:
        self.stack = stack
        self.client: Dhcpv4Client | None = None
        self.kernel: Kernel | None = None
        self.events: deque[tuple[int, bytes]] = deque()  # code, information
        self.waiters = WaitQueue()
        # CONFIG_NET_CONNECTION_MANAGER: set when the build has it.
        self.connections: ConnectionMonitor | None = None
        self.config_waiters = WaitQueue()  # net_config's wait before main()

    def config_ready(self) -> bool:
        """net_config's condition: the configured IPv6 address, if any, is preferred
        (its DAD passed). A static IPv4 address is usable at once."""
        ipv6 = self.stack.ipv6
        if ipv6 is None or ipv6.settings.static_address is None:
            return True
        entry = ipv6.addresses.find(ipv6.settings.static_address)
        return entry is not None and entry.state is AddressState.PREFERRED

    def watch_connectivity(self) -> None:
        """Raise the connection manager's L4 events from now on."""
        self.connections = ConnectionMonitor(self.raise_event)
        self.update_connectivity()

    def update_connectivity(self) -> None:
        """Tell net_config's waiter and the connection manager the interface's state
        (after anything that may change it: frames, timers, address calls)."""
        if self.config_waiters.best() is not None and self.config_ready() \
                and self.kernel is not None:
            while (waiter := self.config_waiters.pop_best()) is not None:
                self.kernel.wake(waiter, 0)
        if self.connections is None:
            return
        stack = self.stack
        ipv4 = stack.settings.ipv4
        ipv6 = stack.ipv6
        has_ipv6 = ipv6 is not None and any(
            not is_link_local(entry.address) for entry in ipv6.addresses.preferred())
        self.connections.update(stack.is_up, ipv4 is not None, has_ipv6)

    # --- Events ----------------------------------------------------------------------

    def raise_event(self, name: str) -> None:
        """Queue a NET_EVENT_* for the net_mgmt thread and wake it."""
        if len(self.events) >= EVENT_QUEUE_LENGTH:
            self.events.popleft()
            self.stack.stats.count("net_mgmt.events_dropped")
        code = IPV4_EVENT_BASE | IPV4_EVENTS[name] if name in IPV4_EVENTS \
            else L4_EVENT_BASE | L4_EVENTS[name]
        self.queue_event(code, b"")

    def queue_event(self, code: int, info: bytes) -> None:
        """Queue an event (with its information, at most EVENT_INFO_MAX bytes) and wake
        the net_mgmt thread; the oldest makes room when the queue is full."""
        if len(self.events) >= EVENT_QUEUE_LENGTH:
            self.events.popleft()
            self.stack.stats.count("net_mgmt.events_dropped")
        self.events.append((code, info[:EVENT_INFO_MAX]))
        waiter = self.waiters.pop_best()
        if waiter is not None and self.kernel is not None:
            self.kernel.wake(waiter, 0)

    def take_event(self) -> int | None:
        taken = self.take_event_with_info()
        return None if taken is None else taken[0]

    def take_event_with_info(self) -> tuple[int, bytes] | None:
        return self.events.popleft() if self.events else None

    # --- State -----------------------------------------------------------------------

    def state(self) -> InterfaceState:
        stack = self.stack
        settings = stack.settings
        ipv4 = settings.ipv4
        base = InterfaceState(
            up=stack.is_up, mtu=settings.mtu,
            mac=bytes(int(part, 16) for part in settings.mac.split(":")),
            address=_raw(ipv4.address if ipv4 else None),
            netmask=_raw(ipv4.netmask if ipv4 else None),
            gateway=_raw(ipv4.gateway if ipv4 else None),
            address_type=ADDRESS_TYPES.get(stack.address_origin, 3) if ipv4 else 0)
        client = self.client
        if client is None:
            return base
        lease = client.lease
        base = replace(base, dhcp_state=DHCP_STATES[client.state],
                       dhcp_attempts=client.attempts)
        if lease is None:
            return base
        return replace(base, lease_time=lease.lease_time, renewal_time=lease.renewal_time,
                       rebinding_time=lease.rebinding_time, dhcp_server=_raw(lease.server))

    def set_ipv6(self, what: str, address: str, now: int) -> str | None:
        """net_if_ipv6_addr_add/_rm and net_ipv6_mld_join/_leave (Zephyr's errors)."""
        ipv6 = self.stack.ipv6
        if ipv6 is None:
            return "ENOTSUP"
        multicast = is_multicast(address)
        if what in ("join", "leave"):
            if not multicast:
                return "EINVAL"
            joined = ipv6.addresses.listens_to(address)
            if what == "join":
                if joined:
                    return "EALREADY"
                return None if ipv6.addresses.join(address, now) else "ENOMEM"
            if not joined or address not in ipv6.addresses.groups:
                return "ENOENT"
            ipv6.addresses.leave(address, now)
            return None
        if multicast or address == "::":
            return "EINVAL"
        if what == "add":
            return None if ipv6.autoconf.add_manual(address, now) else "ENOMEM"
        if ipv6.addresses.find(address) is None:
            return "ENOENT"
        ipv6.addresses.remove(address, now)
        return None

    def ipv6_address_state(self, address: str) -> int | None:
        ipv6 = self.stack.ipv6
        entry = ipv6.addresses.find(address) if ipv6 is not None else None
        return None if entry is None else ADDRESS_STATES[entry.state]

    def set_ipv4(self, what: str, value: str, address_type: int) -> str | None:
        stack = self.stack
        current = stack.settings.ipv4
        origins = {number: name for name, number in ADDRESS_TYPES.items()}
        try:
            if what == "address":
                origin = origins.get(address_type, "manual")
                netmask = current.netmask if current else "255.255.255.0"
                gateway = current.gateway if current else None
                try:
                    settings = Ipv4Settings(value, netmask, gateway)
                except SettingsError:
                    settings = Ipv4Settings(value, netmask)
                stack.set_ipv4(settings, origin)
                self.raise_event("IPV4_ADDR_ADD")
                return None
            if current is None:
                return "EINVAL"  # a netmask or gateway needs an address (Zephyr's rule)
            if what == "remove":
                if value != current.address:
                    return "ENOENT"
                stack.set_ipv4(None)
                self.raise_event("IPV4_ADDR_DEL")
                return None
            if what == "netmask":
                stack.set_ipv4(Ipv4Settings(current.address, value, None),
                               stack.address_origin)
                if current.gateway and stack.settings.ipv4 is not None \
                        and stack.settings.ipv4.is_on_link(current.gateway):
                    stack.set_ipv4(replace(stack.settings.ipv4, gateway=current.gateway),
                                   stack.address_origin)
                return None
            if what == "gateway":
                gateway = None if value == "0.0.0.0" else value
                stack.set_ipv4(Ipv4Settings(current.address, current.netmask, gateway),
                               stack.address_origin)
                if gateway is not None:
                    self.raise_event("IPV4_ROUTER_ADD")
                return None
        except SettingsError:
            return "EINVAL"
        return "EINVAL"
