"""The send budget (CONFIG_NET_PKT_TX_COUNT, NET_BUF_TX_COUNT, NET_BUF_DATA_SIZE): what
waits for ARP and Neighbor Discovery together stays within its packets and buffers; one
more is dropped and counted, and room comes back once an address is resolved."""

from __future__ import annotations

from netpeer import DEVICE_IP, DEVICE_MAC, PEER_IP, SECOND, arp_reply

from levante.codecs import ethernet, ipv4
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack
from levante.net.stack.ipv6_settings import Ipv6Settings
from levante.net.stack.send_budget import SendBudget


def make_stack(budget: SendBudget) -> NetworkStack:
    settings = InterfaceSettings(mac=DEVICE_MAC, arp_table_size=4,
                                 ipv4=Ipv4Settings(DEVICE_IP, "255.255.255.0"),
                                 ipv6=Ipv6Settings(static_address="2001:db8::1"),
                                 send_budget=budget)
    stack = NetworkStack(settings)
    stack.link_up(0)
    stack.advance(SECOND)  # past DAD
    stack.take_outgoing()
    return stack


def udp_payloads_sent(stack: NetworkStack) -> list[bytes]:
    """The UDP payloads of the IPv4 frames the stack sent since last asked."""
    frames = [ethernet.decode(frame) for frame in stack.take_outgoing()]
    return [ipv4.decode(frame.payload).payload[8:] for frame in frames
            if frame.ethertype == ethernet.ETHERTYPE_IPV4]


def test_packets_held_for_arp_and_ndp_together_are_bounded() -> None:
    stack = make_stack(SendBudget(packets=3, buffers=100, buffer_size=128))
    endpoint = stack.udp.bind(7)
    now = 2 * SECOND
    assert stack.udp.send(endpoint, PEER_IP, 9, b"a", now)
    assert stack.udp.send(endpoint, PEER_IP, 9, b"b", now)
    stack.udp.send(endpoint, "2001:db8::2", 9, b"c", now)
    assert stack.stats.total_drops() == 0
    stack.udp.send(endpoint, "192.0.2.3", 9, b"d", now)
    assert stack.stats.get("arp.drop.no-send-buffer") == 1
    stack.udp.send(endpoint, "2001:db8::3", 9, b"e", now)
    assert stack.stats.get("ndp.drop.no-send-buffer") == 1
    # The peer answers: its two datagrams leave, and two more may wait again.
    stack.take_outgoing()
    stack.receive(arp_reply(), now + 1)
    assert udp_payloads_sent(stack) == [b"a", b"b"]
    stack.udp.send(endpoint, "192.0.2.3", 9, b"f", now + 2)
    stack.udp.send(endpoint, "192.0.2.4", 9, b"g", now + 2)
    assert stack.stats.get("arp.drop.no-send-buffer") == 1
    stack.udp.send(endpoint, "192.0.2.4", 9, b"h", now + 2)
    assert stack.stats.get("arp.drop.no-send-buffer") == 2


def test_buffers_bound_the_octets_held() -> None:
    stack = make_stack(SendBudget(packets=10, buffers=4, buffer_size=128))
    endpoint = stack.udp.bind(7)
    now = 2 * SECOND
    # 300 octets of payload, 328 with the UDP and IPv4 headers: three buffers.
    stack.udp.send(endpoint, PEER_IP, 9, b"x" * 300, now)
    stack.udp.send(endpoint, PEER_IP, 9, b"y", now)  # one buffer: four in all
    assert stack.stats.total_drops() == 0
    stack.udp.send(endpoint, PEER_IP, 9, b"z", now)
    assert stack.stats.get("arp.drop.no-send-buffer") == 1


def test_the_budget_counts_buffers_as_zephyr_s_pools_do() -> None:
    budget = SendBudget(packets=2, buffers=5, buffer_size=100)
    assert budget.buffers_for(b"") == 1
    assert budget.buffers_for(b"x" * 100) == 1
    assert budget.buffers_for(b"x" * 101) == 2
    assert budget.admits([b"x" * 250], b"x" * 200)  # 3 + 2 buffers
    assert not budget.admits([b"x" * 250], b"x" * 201)  # 3 + 3
    assert not budget.admits([b"", b""], b"")  # no packet left
