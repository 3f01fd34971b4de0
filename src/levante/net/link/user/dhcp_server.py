"""The user-mode gateway's DHCPv4 server (RFC 2131 §4.3), on the simulated clock.

Leases are kept by client (the client identifier, else the hardware address) and timed
in simulated microseconds. The server answers DISCOVER with an OFFER, REQUEST with ACK or
NAK, INFORM with an ACK without lease, and takes back an address at RELEASE; a DECLINEd
address (another host uses it) is not offered again.
"""

from __future__ import annotations

from dataclasses import dataclass

from levante.codecs.dhcpv4 import DhcpMessage, MessageType, Operation
from levante.net.link.user.plan import GatewayPlan

LEASE_SECONDS = 86_400
# RFC 2131 §4.4.5: T1 defaults to half the lease, T2 to 7/8 of it.
RENEWAL_FRACTION, REBINDING_FRACTION = (1, 2), (7, 8)
# An offer holds its address this long for the client to REQUEST it.
OFFER_HOLD_SECONDS = 60
MICROSECONDS = 1_000_000


@dataclass
class Lease:
    client: bytes
    address: str
    expires: int     # simulated µs
    bound: bool      # False while only offered


class DhcpServer:
    """Answers the device's DHCP messages with messages to send back (or None)."""

    def __init__(self, plan: GatewayPlan, lease_seconds: int = LEASE_SECONDS) -> None:
        self.plan = plan
        self.lease_seconds = lease_seconds
        self.leases: dict[bytes, Lease] = {}
        self.declined: set[str] = set()

    def answer(self, request: DhcpMessage, now: int) -> DhcpMessage | None:
        if request.operation != Operation.BOOTREQUEST or not self.plan.pool:
            return None
        client = request.client_identifier or bytes.fromhex(request.client_mac.replace(":", ""))
        kind = request.message_type
        if kind == MessageType.DISCOVER:
            return self._discover(request, client, now)
        if kind == MessageType.REQUEST:
            return self._request(request, client, now)
        if kind == MessageType.RELEASE:
            lease = self.leases.get(client)
            if lease is not None and lease.address == request.client_address:
                del self.leases[client]
            return None
        if kind == MessageType.DECLINE:
            if request.requested_address in self.plan.pool:
                self.declined.add(request.requested_address or "")
                self.leases.pop(client, None)
            return None
        if kind == MessageType.INFORM:
            # RFC 2131 §3.4: configuration only: no yiaddr, no lease time.
            return self._reply(request, MessageType.ACK, "0.0.0.0", lease=False)
        return None

    def _discover(self, request: DhcpMessage, client: bytes, now: int) -> DhcpMessage | None:
        address = self._choose(client, request.requested_address, now)
        if address is None:
            return None  # RFC 2131 §4.3.1: no address to offer, no answer
        lease = self.leases.get(client)
        if lease is None or lease.address != address or not lease.bound:
            self.leases[client] = Lease(client, address,
                                        now + OFFER_HOLD_SECONDS * MICROSECONDS, False)
        return self._reply(request, MessageType.OFFER, address)

    def _request(self, request: DhcpMessage, client: bytes, now: int) -> DhcpMessage | None:
        # RFC 2131 §4.3.2: SELECTING names a server; INIT-REBOOT gives only the address
        # it remembers; RENEWING/REBINDING give it in ciaddr.
        if request.server_identifier is not None and request.server_identifier != self.plan.router:
            lease = self.leases.get(client)
            if lease is not None and not lease.bound:
                del self.leases[client]  # the client chose another server
            return None
        wanted = request.requested_address
        if wanted is None and request.client_address != "0.0.0.0":
            wanted = request.client_address
        if wanted is None:
            return None
        lease = self.leases.get(client)
        holds = lease is not None and lease.address == wanted
        # §4.3.2: an address that is wrong or on the wrong network is NAKed, so the
        # client starts again at once. The RFC asks a server with no record of the
        # client to stay silent so that servers can share a wire; this one is alone on
        # its segment, and a free address of its pool is simply given.
        if not holds and (wanted not in self.plan.pool or wanted in self.declined
                          or self._taken_by_other(wanted, client, now)):
            return self._nak(request)
        self.leases[client] = Lease(client, wanted, now + self.lease_seconds * MICROSECONDS,
                                    True)
        return self._reply(request, MessageType.ACK, wanted)

    def _choose(self, client: bytes, requested: str | None, now: int) -> str | None:
        """RFC 2131 §4.3.1's order: the client's current (or last) address, the address
        it asks for if free, else a free one."""
        lease = self.leases.get(client)
        if lease is not None:
            return lease.address
        if requested in self.plan.pool and requested not in self.declined \
                and requested is not None and not self._taken_by_other(requested, client, now):
            return requested
        for address in self.plan.pool:
            if address not in self.declined and not self._taken_by_other(address, client, now):
                return address
        return None

    def _taken_by_other(self, address: str, client: bytes, now: int) -> bool:
        return any(lease.address == address and lease.client != client
                   and lease.expires > now for lease in self.leases.values())

    def _reply(self, request: DhcpMessage, kind: MessageType, address: str,
               lease: bool = True) -> DhcpMessage:
        seconds = self.lease_seconds
        return DhcpMessage(
            operation=Operation.BOOTREPLY, transaction_id=request.transaction_id,
            client_mac=request.client_mac, flags=request.flags,
            client_address=request.client_address if kind == MessageType.ACK else "0.0.0.0",
            your_address=address, server_address=self.plan.router,
            relay_address=request.relay_address, message_type=kind,
            subnet_mask=self.plan.netmask, routers=(self.plan.router,),
            dns_servers=(self.plan.dns,), server_identifier=self.plan.router,
            lease_time=seconds if lease else None,
            renewal_time=seconds * RENEWAL_FRACTION[0] // RENEWAL_FRACTION[1] if lease else None,
            rebinding_time=(seconds * REBINDING_FRACTION[0] // REBINDING_FRACTION[1]
                            if lease else None))

    def _nak(self, request: DhcpMessage) -> DhcpMessage:
        # RFC 2131 table 3: a NAK carries the server identifier and nothing to configure.
        return DhcpMessage(
            operation=Operation.BOOTREPLY, transaction_id=request.transaction_id,
            client_mac=request.client_mac, flags=request.flags,
            relay_address=request.relay_address, message_type=MessageType.NAK,
            server_identifier=self.plan.router, message=b"address not available")
