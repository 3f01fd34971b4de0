"""The network shell's text (`net iface/conn/stats/arp`), from the stack's state."""

from __future__ import annotations

from netpeer import DEVICE_IP, PEER_IP, arp_request, make_stack, udp_frame
from tcppeer import layer, make_tcp_stack

from levante.net.shell import NetShell
from levante.net.stack import Ipv4Settings


def test_iface_shows_addresses_mac_mtu_and_state() -> None:
    stack = make_stack(gateway="192.0.2.254")
    text = NetShell(stack).run(["iface"])
    assert "Link addr : 00:00:5E:00:53:01" in text and "MTU       : 1500" in text
    assert "Flags     : UP IPv4" in text
    assert "\t192.0.2.1/255.255.255.0 manual\n" in text
    assert "IPv4 gateway : 192.0.2.254" in text
    stack.set_ipv4(Ipv4Settings("192.0.2.77", "255.255.255.128"), origin="DHCP")
    stack.link_down()
    text = NetShell(stack).run(["iface"])
    assert "\t192.0.2.77/255.255.255.128 DHCP\n" in text and "DOWN" in text
    stack.set_ipv4(None)
    assert "\t<none>\n" in NetShell(stack).run(["iface"])


def test_arp_lists_and_flushes_the_cache() -> None:
    stack = make_stack()
    shell = NetShell(stack)
    assert shell.run(["arp"]) == "ARP cache is empty.\n"
    stack.receive(arp_request(), 0)
    assert f"00:00:5E:00:53:02 {PEER_IP}" in shell.run(["arp"])
    assert shell.run(["arp", "flush"]) == "Flushing ARP cache (1 entry).\n"
    assert shell.run(["arp"]) == "ARP cache is empty.\n"


def test_conn_lists_bound_ports_and_other_transports() -> None:
    stack = make_stack()
    shell = NetShell(stack)
    assert shell.run(["conn"]) == "No connections\n"
    stack.udp.bind(68)
    stack.connection_sources.append(lambda: [("TCP", "192.0.2.1:80", "192.0.2.2:5000",
                                              "ESTABLISHED")])
    lines = shell.run(["conn"]).splitlines()
    assert lines[1].split() == ["UDP", "*:68", "*:*", "bound"]
    assert lines[2].split() == ["TCP", "192.0.2.1:80", "192.0.2.2:5000", "ESTABLISHED"]


def test_stats_are_the_counters() -> None:
    stack = make_stack()
    stack.receive(udp_frame(9), 0)  # a closed port: counted, answered unreachable
    text = NetShell(stack).run(["stats"])
    assert "udp.drop.port-unreachable" in text and "udp.received" in text
    assert text.splitlines()[-1].split(":")[-1].strip() == str(stack.stats.total_drops())


def test_bad_commands_get_the_usage() -> None:
    shell = NetShell(make_stack())
    for words in ([], ["bogus"], ["arp", "clear"], ["iface", "extra"]):
        assert "Usage: net iface" in shell.run(words)


def test_conn_lists_tcp_listeners_and_connections_of_the_stack() -> None:
    stack = make_tcp_stack()
    shell = NetShell(stack)
    stack.udp.bind(68)
    layer(stack).listen(80, 1)
    layer(stack).connect(0, PEER_IP, 7, 0)
    rows = [line.split() for line in shell.run(["conn"]).splitlines()[1:]]
    assert rows[0] == ["UDP", "*:68", "*:*", "bound"]
    assert rows[1] == ["TCP", f"{DEVICE_IP}:80", "*:*", "LISTEN"]
    assert rows[2][0] == "TCP" and rows[2][2:] == [f"{PEER_IP}:7", "SYN-SENT"]
    # A new address (a DHCP lease) is the one new connections and `net conn` show.
    stack.set_ipv4(Ipv4Settings("192.0.2.77", "255.255.255.0"), "DHCP")
    assert shell.run(["conn"]).splitlines()[2].split()[1] == "192.0.2.77:80"
