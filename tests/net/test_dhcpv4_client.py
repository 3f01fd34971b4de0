"""The DHCPv4 client (RFC 2131 §4.4) against a scripted server: every state, the
timers on simulated time, and hostile replies dropped and counted."""

from __future__ import annotations

from dataclasses import replace

import pytest
from dhcp_server import (
    OFFERED,
    SERVER_IP,
    bind,
    client_messages,
    make_client,
    reply,
    run_until_message,
    server_arp_reply,
    server_frame,
)
from netpeer import SECOND, echo_request, sent

from levante.codecs import dhcpv4
from levante.codecs.dhcpv4 import MessageType
from levante.net.stack.dhcpv4_client import DhcpState


def test_discover_offer_request_ack_binds_the_address() -> None:
    events: list[str] = []
    stack, client = make_client(events=events)
    client.start(0)
    assert client.state is DhcpState.INIT and not client_messages(stack)
    now, packet, discover = run_until_message(stack)
    # RFC 2131 §4.4.1: a random delay of 1..10 s before the first DISCOVER.
    assert 1 * SECOND <= now <= 10 * SECOND
    assert (packet.source, packet.destination) == ("0.0.0.0", "255.255.255.255")
    assert discover.message_type is MessageType.DISCOVER and discover.wants_broadcast
    assert discover.client_mac == stack.settings.mac and client.state is DhcpState.SELECTING
    stack.receive(server_frame(reply(discover, MessageType.OFFER)), now)
    (packet, request), = client_messages(stack)
    assert client.state is DhcpState.REQUESTING and packet.source == "0.0.0.0"
    assert (request.message_type, request.requested_address, request.server_identifier) == \
        (MessageType.REQUEST, OFFERED, SERVER_IP)
    assert request.transaction_id == discover.transaction_id
    stack.receive(server_frame(reply(request, MessageType.ACK)), now)
    assert client.state is DhcpState.BOUND
    ipv4 = stack.settings.ipv4
    assert ipv4 is not None and (ipv4.address, ipv4.netmask, ipv4.gateway) == \
        (OFFERED, "255.255.255.0", "192.0.2.254")
    assert stack.address_origin == "DHCP"
    assert client.lease is not None and client.lease.dns_servers == ("192.0.2.53",)
    assert events == ["IPV4_DHCP_START", "IPV4_ADDR_ADD", "IPV4_DHCP_BOUND"]
    announcement = sent(stack)
    assert announcement[0].arp is not None and announcement[0].arp.sender_ip == OFFERED
    # The device now answers at the leased address.
    stack.receive(echo_request(destination=OFFERED), now)
    stack.receive(server_arp_reply(), now)
    assert any(item.ip is not None and item.ip.source == OFFERED for item in sent(stack))


def test_transaction_ids_come_from_the_entropy() -> None:
    ids = set()
    for seed in (1, 2, 3):
        stack, client = make_client(seed)
        client.start(0)
        ids.add(run_until_message(stack)[2].transaction_id)
    assert len(ids) == 3
    again, client = make_client(1)
    client.start(0)
    assert run_until_message(again)[2].transaction_id in ids  # the same seed, the same id


def test_discover_is_retransmitted_with_randomized_exponential_backoff() -> None:
    stack, client = make_client()
    client.start(0)
    times = [run_until_message(stack)[0] for _ in range(8)]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    for gap, base in zip(gaps, (4, 8, 16, 32, 64, 64, 64), strict=True):
        assert (base - 1) * SECOND <= gap <= (base + 1) * SECOND
    assert client.state is DhcpState.SELECTING


def test_requesting_gives_up_after_four_requests_and_starts_over() -> None:
    stack, client = make_client()
    client.start(0)
    now, _, discover = run_until_message(stack)
    stack.receive(server_frame(reply(discover, MessageType.OFFER)), now)
    requests = len(client_messages(stack))
    while client.state is DhcpState.REQUESTING:
        now = stack.next_deadline() or now
        stack.advance(now)
        requests += len(client_messages(stack))
    assert requests == 4 and client.state is DhcpState.INIT
    assert stack.stats.get("dhcpv4.request_timeouts") == 1
    new_discover = run_until_message(stack)[2]
    assert new_discover.transaction_id != discover.transaction_id


def test_a_nak_sends_the_client_back_to_init() -> None:
    stack, client = make_client()
    client.start(0)
    now, _, discover = run_until_message(stack)
    stack.receive(server_frame(reply(discover, MessageType.OFFER)), now)
    (_, request), = client_messages(stack)
    stack.receive(server_frame(reply(request, MessageType.NAK)), now)
    assert client.state is DhcpState.INIT and stack.settings.ipv4 is None


def hostile_offers(discover: dhcpv4.DhcpMessage) -> dict[str, bytes]:
    good = dhcpv4.encode(reply(discover, MessageType.OFFER))
    # Option 51 (lease time) with 3 octets instead of 4, spliced in before END.
    bad_length = good[:good.rindex(b"\xff")] + bytes([51, 3, 0, 0, 1, 255])
    return {
        "no-server-id": dhcpv4.encode(reply(discover, MessageType.OFFER,
                                            server_identifier=None)),
        "malformed": bad_length,
        "xid-mismatch": dhcpv4.encode(reply(discover, MessageType.OFFER,
                                            transaction_id=discover.transaction_id ^ 1)),
        "chaddr-mismatch": dhcpv4.encode(reply(discover, MessageType.OFFER,
                                               client_mac="00:00:5e:00:53:99")),
        "not-a-reply": dhcpv4.encode(replace(reply(discover, MessageType.OFFER),
                                             operation=dhcpv4.Operation.BOOTREQUEST)),
        "no-message-type": dhcpv4.encode(reply(discover, MessageType.OFFER,
                                               message_type=None)),
        "bad-offer": dhcpv4.encode(reply(discover, MessageType.OFFER,
                                         your_address="127.0.0.1")),
        "unexpected-message": dhcpv4.encode(reply(discover, MessageType.ACK)),
    }


@pytest.mark.parametrize("reason", ["no-server-id", "malformed", "xid-mismatch",
                                    "chaddr-mismatch", "not-a-reply", "no-message-type",
                                    "bad-offer", "unexpected-message"])
def test_hostile_offers_are_dropped_and_counted(reason: str) -> None:
    stack, client = make_client()
    client.start(0)
    now, _, discover = run_until_message(stack)
    stack.receive(server_frame(hostile_offers(discover)[reason]), now)
    assert stack.stats.get(f"dhcpv4.drop.{reason}") == 1
    assert client.state is DhcpState.SELECTING and not client_messages(stack)
    stack.receive(server_frame(reply(discover, MessageType.OFFER)), now)  # still works
    assert client.state is DhcpState.REQUESTING


def test_an_ack_from_another_server_or_for_another_address_is_refused() -> None:
    stack, client = make_client()
    client.start(0)
    now, _, discover = run_until_message(stack)
    stack.receive(server_frame(reply(discover, MessageType.OFFER)), now)
    (_, request), = client_messages(stack)
    stack.receive(server_frame(reply(request, MessageType.ACK,
                                     server_identifier="192.0.2.3")), now)
    stack.receive(server_frame(reply(request, MessageType.ACK,
                                     your_address="192.0.2.51")), now)
    assert stack.stats.get("dhcpv4.drop.other-server") == 1
    assert stack.stats.get("dhcpv4.drop.bad-ack") == 1
    assert client.state is DhcpState.REQUESTING and stack.settings.ipv4 is None


def test_t1_renews_by_unicast_and_an_ack_extends_the_lease() -> None:
    stack, client = make_client()
    began = bind(stack, client)
    sent(stack)
    assert stack.next_deadline() == began + 1800 * SECOND  # T1 = half of 3600 s
    stack.advance(began + 1800 * SECOND)
    assert client.state is DhcpState.RENEWING
    stack.receive(server_arp_reply(), began + 1800 * SECOND)  # the server's MAC
    (packet, request), = client_messages(stack)
    assert (packet.source, packet.destination) == (OFFERED, SERVER_IP)
    assert request.client_address == OFFERED and request.requested_address is None
    assert request.server_identifier is None
    renewed_at = began + 1801 * SECOND
    stack.receive(server_frame(reply(request, MessageType.ACK), destination=OFFERED,
                               link_destination=stack.settings.mac), renewed_at)
    assert client.state is DhcpState.BOUND
    assert client.lease is not None and client.lease.began_at == renewed_at


def test_t2_rebinds_by_broadcast_and_expiry_removes_the_address() -> None:
    events: list[str] = []
    stack, client = make_client(events=events)
    began = bind(stack, client)
    sent(stack)
    requests_before = stack.stats.get("dhcpv4.sent")
    while client.state in (DhcpState.BOUND, DhcpState.RENEWING):
        now = stack.next_deadline()
        assert now is not None
        stack.advance(now)
        # Unicast requests wait for ARP (the server never answers); the last batch
        # holds the broadcast of REBINDING.
        messages = client_messages(stack)
    renewals = stack.stats.get("dhcpv4.sent") - requests_before - 1  # less the rebind
    assert client.state is DhcpState.REBINDING and now == began + 3150 * SECOND  # T2
    assert renewals >= 2  # T1, then half the time left (at least 60 s) until T2
    (packet, request), = messages
    assert (packet.source, packet.destination) == (OFFERED, "255.255.255.255")
    stack.advance(began + 3600 * SECOND)
    assert client.state is DhcpState.INIT and stack.settings.ipv4 is None
    assert events[-1] == "IPV4_ADDR_DEL"
    assert stack.stats.get("dhcpv4.lease_expired") == 1


def test_an_infinite_lease_has_no_timer_and_stop_removes_the_address() -> None:
    stack, client = make_client()
    client.start(0)
    now, _, discover = run_until_message(stack)
    stack.receive(server_frame(reply(discover, MessageType.OFFER,
                                     lease_time=dhcpv4.INFINITE_LEASE)), now)
    (_, request), = client_messages(stack)
    stack.receive(server_frame(reply(request, MessageType.ACK,
                                     lease_time=dhcpv4.INFINITE_LEASE)), now)
    assert client.state is DhcpState.BOUND and stack.next_deadline() is None
    client.stop()
    assert client.state is DhcpState.DISABLED and stack.settings.ipv4 is None
    assert stack.udp.endpoints == {}


def test_answers_while_bound_change_nothing() -> None:
    stack, client = make_client()
    bind(stack, client)
    lease = client.lease
    request = dhcpv4.DhcpMessage(operation=dhcpv4.Operation.BOOTREQUEST,
                                 transaction_id=client.transaction_id,
                                 client_mac=stack.settings.mac)
    stack.receive(server_frame(reply(request, MessageType.ACK, your_address="192.0.2.60")), 5)
    assert client.lease == lease and client.state is DhcpState.BOUND
    assert stack.stats.get("dhcpv4.drop.not-waiting") == 1
