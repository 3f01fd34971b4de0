"""A DHCPv4 lease (RFC 2131 §4.4.5): what an ACK gave, and when it is to be renewed,
rebound and given up, on simulated time."""

from __future__ import annotations

from dataclasses import dataclass

from levante.codecs.dhcpv4 import INFINITE_LEASE, DhcpMessage
from levante.net.stack.settings import Ipv4Settings, SettingsError, address_value

SECOND = 1_000_000


@dataclass(frozen=True)
class Lease:
    """An address from a server: its settings, the server, and the lease's times."""

    settings: Ipv4Settings
    server: str
    dns_servers: tuple[str, ...]
    lease_time: int  # seconds; INFINITE_LEASE: never expires
    renewal_time: int  # T1, seconds after the lease began
    rebinding_time: int  # T2
    began_at: int  # simulated microseconds

    @property
    def is_infinite(self) -> bool:
        return self.lease_time == INFINITE_LEASE

    @property
    def renew_at(self) -> int:
        return self.began_at + self.renewal_time * SECOND

    @property
    def rebind_at(self) -> int:
        return self.began_at + self.rebinding_time * SECOND

    @property
    def expires_at(self) -> int:
        return self.began_at + self.lease_time * SECOND


def classful_netmask(address: str) -> str:
    """RFC 1122 §3.3.1.3's fallback when a server sends no subnet mask: the network
    class's mask (A /8, B /16, C /24)."""
    first = address_value(address) >> 24
    return "255.0.0.0" if first < 128 else "255.255.0.0" if first < 192 else "255.255.255.0"


def lease_from_ack(ack: DhcpMessage, server: str, now: int) -> Lease:
    """The lease an ACK grants; raises `SettingsError` for an address, mask or lease
    time that cannot configure the interface."""
    if ack.lease_time is None or ack.lease_time == 0:
        raise SettingsError("an ACK without a lease time (option 51)")
    netmask = ack.subnet_mask or classful_netmask(ack.your_address)
    # RFC 2132 §3.5: routers in order of preference; the first on our subnet is taken.
    on_link = Ipv4Settings(ack.your_address, netmask)
    gateway = next((router for router in ack.routers
                    if router != ack.your_address and on_link.is_on_link(router)), None)
    settings = Ipv4Settings(ack.your_address, netmask, gateway)
    lease = ack.lease_time
    # RFC 2131 §4.4.5: T1 defaults to 0.5 and T2 to 0.875 of the lease; T1 < T2 < lease.
    rebinding = ack.rebinding_time if ack.rebinding_time is not None else lease * 7 // 8
    renewal = ack.renewal_time if ack.renewal_time is not None else lease // 2
    if lease != INFINITE_LEASE:
        rebinding = min(rebinding, lease)
        renewal = min(renewal, rebinding)
    return Lease(settings, server, ack.dns_servers, lease, renewal, rebinding, now)


