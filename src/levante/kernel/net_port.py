"""What the kernel needs from the board's network interface: a port the interface
attaches, so the network calls of supervisor code (the shell's `net` commands) stay pure.

The board's `NetworkInterface` implements it over the network stack; kernel tests can
implement it over anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from levante.abi import NET_EVENT_INFO_MAX

if TYPE_CHECKING:
    from levante.kernel.waitq import WaitQueue


@dataclass(frozen=True)
class PingReply:
    """An echo reply that answered the device's request."""

    source: str
    destination: str
    ttl: int
    data_length: int
    round_trip_us: int  # simulated microseconds from the request to the reply


class ShellAccess(Protocol):
    """What the network shell's calls ask of the interface."""

    def shell_command(self, arguments: list[str]) -> str:
        """The text a `net` shell command prints (`arguments` follow `net`); a bad
        command is a one-line message, never an exception."""
        ...

    def ping(self, destination: str, sequence: int, data_length: int) -> str | None:
        """Send an echo request now; None when it went, else the errno name of why not
        (EINVAL: not an address; ENETUNREACH: no address or no route)."""
        ...

    def ping_reply(self, sequence: int) -> PingReply | None:
        """The reply to request `sequence`, once it arrived."""
        ...


EVENT_INFO_MAX = NET_EVENT_INFO_MAX  # CONFIG_NET_MGMT_EVENT_INFO (levante.abi)

# Zephyr's enum net_addr_type.
ADDRESS_TYPES = {"autoconf": 1, "DHCP": 2, "manual": 3, "overridable": 4}


@dataclass(frozen=True)
class InterfaceState:
    """What <zephyr/net/net_if.h>'s struct net_if shows of the interface (addresses as
    4 bytes in network order, all zero when unset)."""

    up: bool
    mtu: int
    mac: bytes
    address: bytes
    netmask: bytes
    gateway: bytes
    address_type: int  # ADDRESS_TYPES, 0 when there is no address
    lease_time: int = 0
    renewal_time: int = 0
    rebinding_time: int = 0
    dhcp_server: bytes = bytes(4)
    dhcp_state: int = 0  # Zephyr's enum net_dhcpv4_state: 0 disabled .. 6 bound
    dhcp_attempts: int = 0


class InterfaceControl(Protocol):
    """The net_if, net_mgmt and dhcpv4 kernel functions' view of the interface."""

    def interface_state(self) -> InterfaceState: ...

    def set_ipv4(self, what: str, value: str, address_type: int) -> str | None:
        """Set the `address` (with its Zephyr address type), `netmask` or `gateway`, or
        `remove` the address `value`; None when done, else an errno name."""
        ...

    def set_ipv6(self, what: str, address: str) -> str | None:
        """`add` the unicast `address` (by hand: it goes through DAD), `remove` it,
        `join` or `leave` the multicast group `address` (MLD reports the change); None
        when done, else an errno name."""
        ...

    def ipv6_address_state(self, address: str) -> int | None:
        """The state of one of the interface's IPv6 addresses as Zephyr's enum
        net_addr_state numbers it (0 tentative, 1 preferred, 2 deprecated); None when it
        is not the interface's."""
        ...

    def dhcpv4_start(self) -> None: ...

    def dhcpv4_stop(self) -> None: ...

    def dhcpv4_request_option(self, code: int) -> str | None: ...

    def dhcpv4_option(self, code: int) -> bytes | None:
        """Option `code` of the last ACK (one the codec keeps raw), or None."""
        ...

    def connection_request(self, request: int) -> int | None:
        """A connection manager request (devices/connection_manager.py's REQUESTS): its
        answer, or None when the build has no connection manager."""
        ...

    def config_ready(self) -> bool:
        """Whether the interface is set up as net_config waits for at boot."""
        ...

    @property
    def config_waiters(self) -> WaitQueue:
        """Threads waiting for `config_ready` (the main thread, before main())."""
        ...

    def take_event(self) -> int | None:
        """The oldest net_mgmt event not yet taken (its 32-bit NET_EVENT_* code)."""
        ...

    def take_event_with_info(self) -> tuple[int, bytes] | None:
        """As take_event, with the information the event carries (CONFIG_NET_MGMT_EVENT_INFO)."""
        ...

    def raise_application_event(self, code: int, info: bytes) -> None:
        """Queue an event the C runtime raises (net_mgmt_event_notify_with_info: the CoAP
        service's, ...) behind the interface's own, for the same net_mgmt thread."""
        ...

    def take_event_ready(self) -> bool:
        """Whether an event waits to be taken."""
        ...

    @property
    def event_waiters(self) -> WaitQueue:
        """Threads waiting for an event (the net_mgmt thread)."""
        ...


@dataclass(frozen=True)
class NameAnswer:
    """A name's addresses, each (AF_INET or AF_INET6, its 4 or 16 bytes), A records'
    first; or why there are none, as a Zephyr DNS_EAI_* name ("EAI_NONAME", ...)."""

    addresses: tuple[tuple[int, bytes], ...] = ()
    error: str | None = None


class NameResolution(Protocol):
    """getaddrinfo's way to the interface's DNS resolver."""

    def resolve_name(self, name: str, family: int,
                     on_done: Callable[[NameAnswer], None]) -> Callable[[], None] | None:
        """Resolve `name` for `family` (AF_INET, AF_INET6, or AF_UNSPEC: A then AAAA, as
        Zephyr's getaddrinfo asks).  `on_done` is called once: before this returns
        (which then returns None), or later from the network's input or timers, when
        the returned function (which cancels the lookup) has not been called."""
        ...


class NetworkPort(ShellAccess, InterfaceControl, NameResolution, Protocol):
    """The interface as supervisor code reaches it: the shell's calls and the C API's."""
