"""The stack's ARP: answering, learning only what RFC 826 allows, a bounded and aged
cache, bounded queues for unresolved addresses, and the announcement on link-up."""

from __future__ import annotations

from netpeer import (
    DEVICE_IP,
    DEVICE_MAC,
    PEER_IP,
    PEER_MAC,
    SECOND,
    arp_reply,
    arp_request,
    make_stack,
    sent,
)

from levante.codecs.arp import ArpOperation
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack
from levante.net.stack.arp_table import ENTRY_LIFETIME_US


def test_link_up_announces_the_address_once() -> None:
    stack = NetworkStack(InterfaceSettings(mac=DEVICE_MAC, ipv4=Ipv4Settings(DEVICE_IP)))
    assert stack.take_outgoing() == []  # nothing goes out before the carrier is up
    stack.link_up(0)
    stack.link_up(5)
    [announcement] = sent(stack)
    assert announcement.frame.destination == "ff:ff:ff:ff:ff:ff"
    assert announcement.arp is not None
    assert announcement.arp.operation is ArpOperation.REQUEST
    assert announcement.arp.sender_ip == announcement.arp.target_ip == DEVICE_IP


def test_a_request_for_us_is_answered_and_its_sender_learned() -> None:
    stack = make_stack()
    stack.receive(arp_request(), 10)
    [reply] = sent(stack)
    assert reply.frame.destination == PEER_MAC
    assert reply.arp is not None and reply.arp.operation is ArpOperation.REPLY
    assert (reply.arp.sender_mac, reply.arp.sender_ip) == (DEVICE_MAC, DEVICE_IP)
    assert stack.arp.table.entries() == {PEER_IP: PEER_MAC}


def test_a_request_for_someone_else_teaches_nothing_new() -> None:
    stack = make_stack()
    stack.receive(arp_request(target_ip="192.0.2.77"), 10)
    assert sent(stack) == []
    assert stack.arp.table.entries() == {}


def test_senders_that_cannot_be_neighbours_are_refused() -> None:
    stack = make_stack()
    stack.receive(arp_request(sender_ip=DEVICE_IP, sender_mac="00:00:5e:00:53:66"), 1)
    stack.receive(arp_request(sender_ip="198.51.100.9"), 2)  # off our subnet
    stack.receive(arp_request(sender_ip="192.0.2.255"), 3)  # the subnet's broadcast
    stack.receive(arp_request(sender_mac="01:00:5e:00:00:01"), 4)  # a group MAC
    assert sent(stack) == []
    assert stack.arp.table.entries() == {}
    assert stack.stats.get("arp.drop.address-conflict") == 1
    assert stack.stats.get("arp.drop.bad-sender") == 2
    assert stack.stats.get("ethernet.drop.bad-source") == 1


def test_a_probe_is_answered_but_not_learned() -> None:
    stack = make_stack()
    stack.receive(arp_request(sender_ip="0.0.0.0"), 1)
    [reply] = sent(stack)
    assert reply.arp is not None and reply.arp.target_ip == "0.0.0.0"
    assert stack.arp.table.entries() == {}


def test_a_flood_of_senders_keeps_the_cache_at_its_size() -> None:
    stack = make_stack(arp_table_size=2)
    for host in range(1, 250):
        if f"192.0.2.{host}" == DEVICE_IP:
            continue
        mac = f"02:00:00:00:00:{host:02x}"
        stack.receive(arp_request(sender_ip=f"192.0.2.{host}", sender_mac=mac), host)
        assert len(stack.arp.table) <= 2
    stack.take_outgoing()
    assert stack.stats.get("arp.evicted") == 246
    # The most recent senders survive, and the device still answers.
    assert set(stack.arp.table.entries()) == {"192.0.2.248", "192.0.2.249"}
    stack.receive(arp_request(), 300)
    assert [item.arp.operation for item in sent(stack) if item.arp] == [ArpOperation.REPLY]


def test_entries_age_out_and_are_asked_for_again() -> None:
    stack = make_stack()
    stack.receive(arp_request(), 0)
    stack.take_outgoing()
    endpoint = stack.udp.bind(7)
    assert stack.udp.send(endpoint, PEER_IP, 9, b"fresh", ENTRY_LIFETIME_US - 1)
    [fresh] = sent(stack)
    assert fresh.ip is not None and fresh.frame.destination == PEER_MAC
    assert stack.udp.send(endpoint, PEER_IP, 9, b"stale", ENTRY_LIFETIME_US)
    [request] = sent(stack)
    assert request.arp is not None and request.arp.target_ip == PEER_IP
    assert stack.stats.get("arp.expired") == 1


def test_queued_datagrams_go_out_once_resolved_and_the_queue_is_bounded() -> None:
    stack = make_stack()
    endpoint = stack.udp.bind(7)
    for number in range(5):
        stack.udp.send(endpoint, PEER_IP, 9, bytes([number]), 100)
    [request] = sent(stack)  # one request for all of them
    assert request.arp is not None and request.arp.target_ip == PEER_IP
    assert stack.stats.get("arp.drop.queue-full") == 2
    stack.receive(arp_reply(), 200)
    released = sent(stack)
    assert [item.ip.payload[8:] for item in released if item.ip] == [b"\2", b"\3", b"\4"]
    assert all(item.frame.destination == PEER_MAC for item in released)
    assert stack.next_deadline() is None


def test_an_unanswered_address_is_asked_once_a_second_then_given_up() -> None:
    stack = make_stack()
    endpoint = stack.udp.bind(7)
    stack.udp.send(endpoint, PEER_IP, 9, b"x", 0)
    requests = len(sent(stack))
    assert stack.next_deadline() == SECOND
    stack.advance(SECOND - 1)
    assert sent(stack) == []
    for instant in (SECOND, 2 * SECOND):
        stack.advance(instant)
        requests += len(sent(stack))
    assert requests == 3
    stack.advance(3 * SECOND)
    assert sent(stack) == []
    assert stack.stats.get("arp.drop.unresolved") == 1
    assert stack.next_deadline() is None


def test_resolutions_in_flight_are_bounded_too() -> None:
    stack = make_stack(arp_table_size=2)
    endpoint = stack.udp.bind(7)
    for host in (10, 11, 12, 13):
        stack.udp.send(endpoint, f"192.0.2.{host}", 9, b"x", 0)
    assert len(sent(stack)) == 2
    assert stack.stats.get("arp.drop.too-many-unresolved") == 2
