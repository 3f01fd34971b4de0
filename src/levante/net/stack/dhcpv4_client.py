"""The interface's DHCPv4 client (RFC 2131 §4.4): INIT, SELECTING, REQUESTING, BOUND,
RENEWING and REBINDING on simulated time.

Every exchange has a transaction id from the board's entropy; messages are retransmitted
with RFC 2131 §4.1's randomized exponential backoff (4 s doubling to 64 s, ±1 s). A
reply is taken only when it is a BOOTREPLY with our transaction id and hardware address,
a message type and a server identifier, and makes sense in the current state; anything
else is dropped and counted (`dhcpv4.drop.<reason>`). The lease's T1 and T2 renew and
rebind it; when it expires, the address is removed and the client starts over.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from levante.codecs import dhcpv4, ethernet, ipv4, udp
from levante.codecs.dhcpv4 import DhcpMessage, MessageType, Operation
from levante.codecs.ipv4 import Ipv4Packet
from levante.net.stack.dhcpv4_lease import SECOND, Lease, lease_from_ack
from levante.net.stack.ethernet import BROADCAST_MAC
from levante.net.stack.settings import BROADCAST, SettingsError
from levante.net.stack.stack import NetworkStack
from levante.net.stack.udp import PortInUse, UdpEndpoint

UNSPECIFIED = "0.0.0.0"
FIRST_RETRANSMISSION_US = 4 * SECOND  # RFC 2131 §4.1
LAST_RETRANSMISSION_US = 64 * SECOND
REQUESTS_BEFORE_GIVING_UP = 4  # REQUESTING: then back to INIT (RFC 2131 §3.1 step 5)
MINIMUM_RENEW_RETRY_US = 60 * SECOND  # RFC 2131 §4.4.5: "down to a minimum of 60 seconds"
PARAMETERS = (1, 3, 6, 51, 54, 58, 59)  # subnet mask, router, DNS servers, the times
# Events for the C API's net_mgmt (Zephyr's NET_EVENT_IPV4_* names without the prefix).
Event = Callable[[str], None]


class DhcpState(enum.Enum):
    """RFC 2131 figure 5's states (INIT-REBOOT and REBOOTING are not used)."""

    DISABLED = "disabled"
    INIT = "init"
    SELECTING = "selecting"
    REQUESTING = "requesting"
    BOUND = "bound"
    RENEWING = "renewing"
    REBINDING = "rebinding"


class Dhcpv4Client:
    """One interface's client; `start` begins, `stop` ends and removes its address."""

    def __init__(self, stack: NetworkStack, random: Callable[[int], bytes],
                 initial_delay_max_s: int = 10, on_event: Event | None = None) -> None:
        self.stack = stack
        self.random = random
        self.initial_delay_max_s = max(1, initial_delay_max_s)
        self.on_event = on_event
        self.state = DhcpState.DISABLED
        self.lease: Lease | None = None
        self.transaction_id = 0
        self.attempts = 0
        self._offer: DhcpMessage | None = None
        self._deadline: int | None = None
        self._retransmission_us = FIRST_RETRANSMISSION_US
        self._exchange_began = 0
        self._endpoint: UdpEndpoint | None = None
        self._now = 0
        # Options applications asked for (net_dhcpv4_add_option_callback), and the raw
        # options of the last ACK the codec gives no field of their own.
        self.extra_parameters: list[int] = []
        self.ack_options: dict[int, bytes] = {}
        stack.services.append(self)

    # --- Control ---------------------------------------------------------------------

    def start(self, now: int) -> None:
        """net_dhcpv4_start: from INIT after RFC 2131 §4.4.1's random delay."""
        if self.state is not DhcpState.DISABLED:
            return
        self.stack.ip.unconfigured_input = self.receive_unconfigured
        try:
            self._endpoint = self.stack.udp.bind(dhcpv4.CLIENT_PORT)
            self._endpoint.on_receive = self._take_datagrams
        except (PortInUse, ValueError):  # the port is held: replies come unconfigured only
            self._endpoint = None
        self._notify("IPV4_DHCP_START")
        self._enter_init(now)

    def stop(self) -> None:
        """net_dhcpv4_stop: the lease's address is removed; nothing more is sent."""
        if self.state is DhcpState.DISABLED:
            return
        self._drop_lease()
        self.state = DhcpState.DISABLED
        self._deadline = None
        if self.stack.ip.unconfigured_input == self.receive_unconfigured:
            self.stack.ip.unconfigured_input = None
        if self._endpoint is not None:
            self.stack.udp.unbind(self._endpoint)
            self._endpoint = None
        self._notify("IPV4_DHCP_STOP")

    # --- Timers ----------------------------------------------------------------------

    def next_deadline(self) -> int | None:
        return self._deadline

    def advance(self, now: int) -> None:
        # The stack advances its services before it handles each frame, so this is also
        # the instant of the datagrams the port-68 endpoint is given.
        self._now = now
        if self._deadline is None or now < self._deadline:
            return
        state = self.state
        if state is DhcpState.INIT:
            self._discover(now)
        elif state is DhcpState.SELECTING:
            self._send_discover(now)
        elif state is DhcpState.REQUESTING:
            if self.attempts >= REQUESTS_BEFORE_GIVING_UP:
                self.stack.stats.count("dhcpv4.request_timeouts")
                self._enter_init(now)
            else:
                self._send_selecting_request(now)
        elif state in (DhcpState.BOUND, DhcpState.RENEWING, DhcpState.REBINDING):
            self._lease_timer(now)

    def _lease_timer(self, now: int) -> None:
        lease = self.lease
        assert lease is not None
        if now >= lease.expires_at:
            # RFC 2131 §4.4.5: at expiry the client MUST stop using the address.
            self.stack.stats.count("dhcpv4.lease_expired")
            self._drop_lease()
            self._enter_init(now)
        elif now >= lease.rebind_at:
            self._renew_or_rebind(DhcpState.REBINDING, lease.expires_at, now)
        else:
            self._renew_or_rebind(DhcpState.RENEWING, lease.rebind_at, now)

    def _renew_or_rebind(self, state: DhcpState, until: int, now: int) -> None:
        if self.state is not state:
            self.state = state
            self.transaction_id = self._new_transaction_id()
            self._exchange_began = now
            self.attempts = 0
        self._send_lease_request(now)
        # RFC 2131 §4.4.5: wait half the time left until T2 (or the lease's end), but at
        # least 60 s, before sending again.
        self._deadline = min(until, now + max((until - now) // 2, MINIMUM_RENEW_RETRY_US))

    # --- States ----------------------------------------------------------------------

    def _enter_init(self, now: int) -> None:
        self.state = DhcpState.INIT
        self._offer = None
        delay = SECOND + self._uniform(self.initial_delay_max_s * SECOND - SECOND)
        self._deadline = now + delay

    def _discover(self, now: int) -> None:
        self.state = DhcpState.SELECTING
        self.transaction_id = self._new_transaction_id()
        self._exchange_began = now
        self.attempts = 0
        self._retransmission_us = FIRST_RETRANSMISSION_US
        self._send_discover(now)

    def _send_discover(self, now: int) -> None:
        self._broadcast(self._message(MessageType.DISCOVER, now), now)
        self._schedule_retransmission(now)

    def _send_selecting_request(self, now: int) -> None:
        offer = self._offer
        assert offer is not None
        message = self._message(MessageType.REQUEST, now,
                                requested_address=offer.your_address,
                                server_identifier=offer.server_identifier)
        self._broadcast(message, now)
        self._schedule_retransmission(now)

    def _send_lease_request(self, now: int) -> None:
        """RENEWING (unicast to the server) or REBINDING (broadcast): ciaddr is ours,
        no requested address or server identifier (RFC 2131 §4.3.2)."""
        lease = self.lease
        assert lease is not None and self._endpoint is not None
        message = self._message(MessageType.REQUEST, now,
                                client_address=lease.settings.address, broadcast=False)
        destination = lease.server if self.state is DhcpState.RENEWING else BROADCAST
        self.attempts += 1
        if self.stack.udp.send(self._endpoint, destination, dhcpv4.SERVER_PORT,
                               dhcpv4.encode(message), now):
            self.stack.stats.count("dhcpv4.sent")

    def _schedule_retransmission(self, now: int) -> None:
        jitter = self._uniform(2 * SECOND) - SECOND  # RFC 2131 §4.1: ±1 s
        self._deadline = now + self._retransmission_us + jitter
        self._retransmission_us = min(2 * self._retransmission_us, LAST_RETRANSMISSION_US)

    # --- Receiving -------------------------------------------------------------------

    def receive_unconfigured(self, data: bytes, link_broadcast: bool, now: int) -> None:
        """A datagram while the interface has no address: only a server's UDP reply to
        port 68 is for us."""
        stats = self.stack.stats
        try:
            packet = ipv4.decode(data)
            if packet.protocol != ipv4.PROTOCOL_UDP or packet.is_fragment:
                raise ipv4.Ipv4Error("not a whole UDP datagram")
            datagram = udp.decode(packet.payload, source=packet.source,
                                  destination=packet.destination)
        except (ipv4.Ipv4Error, udp.UdpError):
            stats.drop("ipv4", "no-address")
            return
        if datagram.destination_port != dhcpv4.CLIENT_PORT:
            stats.drop("ipv4", "no-address")
            return
        self.receive(datagram.payload, now)

    def _take_datagrams(self, endpoint: UdpEndpoint) -> None:
        while (datagram := endpoint.take()) is not None:
            self.receive(datagram.payload, self._now)

    def receive(self, payload: bytes, now: int) -> None:
        """A DHCP message for the client, checked before it may change anything."""
        stats = self.stack.stats
        stats.count("dhcpv4.received")
        reason = self._refusal(payload)
        if isinstance(reason, str):
            stats.drop("dhcpv4", reason)
            return
        message = reason
        kind = message.message_type
        if self.state is DhcpState.SELECTING and kind is MessageType.OFFER:
            self._take_offer(message, now)
        elif self.state is DhcpState.REQUESTING and kind in (MessageType.ACK, MessageType.NAK):
            self._take_answer(message, now)
        elif self.state in (DhcpState.RENEWING, DhcpState.REBINDING) and \
                kind in (MessageType.ACK, MessageType.NAK):
            self._take_answer(message, now)
        else:
            stats.drop("dhcpv4", "unexpected-message")

    def _refusal(self, payload: bytes) -> DhcpMessage | str:
        """The message, or why it is dropped."""
        if self.state in (DhcpState.DISABLED, DhcpState.INIT, DhcpState.BOUND):
            return "not-waiting"
        try:
            message = dhcpv4.decode(payload)
        except dhcpv4.DhcpError:
            return "malformed"
        if message.operation is not Operation.BOOTREPLY:
            return "not-a-reply"
        if message.transaction_id != self.transaction_id:
            return "xid-mismatch"
        if message.client_mac != self.stack.settings.mac:
            return "chaddr-mismatch"
        if message.message_type is None:
            return "no-message-type"
        # RFC 2131 table 3: a server MUST send its identifier in OFFER, ACK and NAK.
        if message.server_identifier is None:
            return "no-server-id"
        return message

    def _take_offer(self, offer: DhcpMessage, now: int) -> None:
        try:  # an offer is checked as its ACK will be: a usable address and lease
            lease_from_ack(offer, offer.server_identifier or "", now)
        except SettingsError:
            self.stack.stats.drop("dhcpv4", "bad-offer")
            return
        self._offer = offer
        self.state = DhcpState.REQUESTING
        self.attempts = 0
        self._retransmission_us = FIRST_RETRANSMISSION_US
        self._send_selecting_request(now)

    def _take_answer(self, answer: DhcpMessage, now: int) -> None:
        offer = self._offer if self.state is DhcpState.REQUESTING else None
        expected_server = offer.server_identifier if offer is not None else None
        if expected_server is not None and answer.server_identifier != expected_server:
            self.stack.stats.drop("dhcpv4", "other-server")
            return
        if answer.message_type is MessageType.NAK:
            # RFC 2131 §3.1 step 5 / §4.4.5: a NAK sends the client back to INIT.
            self.stack.stats.count("dhcpv4.nak")
            self._drop_lease()
            self._enter_init(now)
            return
        if offer is not None and answer.your_address != offer.your_address:
            self.stack.stats.drop("dhcpv4", "bad-ack")
            return
        try:
            lease = lease_from_ack(answer, answer.server_identifier or "", now)
        except SettingsError:
            self.stack.stats.drop("dhcpv4", "bad-ack")
            return
        self.ack_options = dict(answer.other_options)
        self._bind(lease)

    def _bind(self, lease: Lease) -> None:
        previous = self.stack.settings.ipv4
        self.lease = lease
        self.state = DhcpState.BOUND
        self._offer = None
        self.stack.set_ipv4(lease.settings, origin="DHCP")
        self.stack.stats.count("dhcpv4.bound")
        if previous != lease.settings:
            self.stack.arp.announce()
            self._notify("IPV4_ADDR_ADD")
        self._notify("IPV4_DHCP_BOUND")
        self._deadline = None if lease.is_infinite else lease.renew_at

    def _drop_lease(self) -> None:
        if self.lease is None:
            return
        self.lease = None
        if self.stack.address_origin == "DHCP":
            self.stack.set_ipv4(None)
            self._notify("IPV4_ADDR_DEL")

    # --- Helpers ---------------------------------------------------------------------

    def _message(self, kind: MessageType, now: int, *, broadcast: bool = True,
                 client_address: str = UNSPECIFIED, requested_address: str | None = None,
                 server_identifier: str | None = None) -> DhcpMessage:
        self.attempts += 1
        return DhcpMessage(
            operation=Operation.BOOTREQUEST, transaction_id=self.transaction_id,
            client_mac=self.stack.settings.mac,
            seconds=min((now - self._exchange_began) // SECOND, 0xFFFF),
            # RFC 2131 §4.1: a client that may not receive unicast before it is
            # configured sets the broadcast bit (a static address may stand in the way).
            flags=dhcpv4.BROADCAST_FLAG if broadcast else 0,
            client_address=client_address, message_type=kind,
            requested_address=requested_address, server_identifier=server_identifier,
            parameter_requests=tuple(dict.fromkeys(PARAMETERS + tuple(self.extra_parameters))))

    def _broadcast(self, message: DhcpMessage, now: int) -> None:
        """From 0.0.0.0 to 255.255.255.255 (RFC 2131 §4.1), whatever address the
        interface has meanwhile."""
        payload = udp.encode(udp.UdpDatagram(source_port=dhcpv4.CLIENT_PORT,
                                             destination_port=dhcpv4.SERVER_PORT,
                                             payload=dhcpv4.encode(message)),
                             source=UNSPECIFIED, destination=BROADCAST)
        packet = Ipv4Packet(identification=self.stack.ip.next_identification(),
                            ttl=self.stack.settings.ttl, protocol=ipv4.PROTOCOL_UDP,
                            source=UNSPECIFIED, destination=BROADCAST, payload=payload)
        self.stack.port.send(BROADCAST_MAC, ethernet.ETHERTYPE_IPV4, ipv4.encode(packet))
        self.stack.stats.count("dhcpv4.sent")

    def _new_transaction_id(self) -> int:
        return int.from_bytes(self.random(4), "big")

    def _uniform(self, span_us: int) -> int:
        """A uniform value in 0..span_us from the board's entropy."""
        if span_us <= 0:
            return 0
        return int.from_bytes(self.random(8), "big") % (span_us + 1)

    def _notify(self, event: str) -> None:
        if self.on_event is not None:
            self.on_event(event)
