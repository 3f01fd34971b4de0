"""The connection manager's L4 events (CONFIG_NET_CONNECTION_MANAGER) from the
interface's state, net_config's boot condition, and UDP ports shared by an IPv4 and an
IPv6 socket (what Zephyr's echo_server needs)."""

from __future__ import annotations

import pytest
from netpeer6 import SECOND, make_stack

from levante.devices.connection_manager import IGNORE, IS_IGNORED, RESEND, WATCH
from levante.devices.network_control import L4_EVENT_BASE, InterfaceControl
from levante.net.stack.settings import Ipv4Settings
from levante.net.stack.udp import PortInUse

CONNECTED, DISCONNECTED = L4_EVENT_BASE | 1, L4_EVENT_BASE | 2
IPV4_CONNECTED, IPV4_DISCONNECTED = L4_EVENT_BASE | 3, L4_EVENT_BASE | 4
IPV6_CONNECTED, IPV6_DISCONNECTED = L4_EVENT_BASE | 5, L4_EVENT_BASE | 6


def drained(control: InterfaceControl) -> list[int]:
    events = []
    while (event := control.take_event()) is not None:
        events.append(event)
    return events


def watched(**settings: object) -> InterfaceControl:
    control = InterfaceControl(make_stack(settle=False, **settings))
    control.watch_connectivity()
    return control


def test_ipv6_connects_once_dad_passes_and_the_codes_are_zephyrs() -> None:
    control = watched()
    assert drained(control) == []  # the address is tentative: nothing is ready
    assert not control.config_ready()
    control.stack.advance(SECOND)
    control.update_connectivity()
    assert drained(control) == [CONNECTED, IPV6_CONNECTED]
    assert CONNECTED == 0xF1140001 and IPV6_CONNECTED == 0xF1140005
    assert control.config_ready()
    control.update_connectivity()
    assert drained(control) == []  # no change, no event


def test_an_ipv4_address_connects_and_its_removal_disconnects() -> None:
    control = watched(static=None)
    control.stack.advance(SECOND)
    control.update_connectivity()
    assert drained(control) == []  # a link-local IPv6 address is no global one
    control.set_ipv4("address", "192.0.2.1", 1)
    control.update_connectivity()
    assert drained(control)[-2:] == [CONNECTED, IPV4_CONNECTED]
    control.stack.set_ipv4(None)
    control.update_connectivity()
    assert drained(control) == [DISCONNECTED, IPV4_DISCONNECTED]


def test_link_down_disconnects_every_family() -> None:
    control = watched()
    control.stack.set_ipv4(Ipv4Settings("192.0.2.1", "255.255.255.0"))
    control.stack.advance(SECOND)
    control.update_connectivity()
    assert drained(control) == [CONNECTED, IPV4_CONNECTED, IPV6_CONNECTED]
    control.stack.link_down()
    control.update_connectivity()
    assert drained(control) == [DISCONNECTED, IPV4_DISCONNECTED, IPV6_DISCONNECTED]


def test_resend_repeats_the_state_and_ignore_disconnects_until_watched() -> None:
    control = watched()
    control.stack.advance(SECOND)
    control.update_connectivity()
    drained(control)
    monitor = control.connections
    assert monitor is not None
    assert monitor.request(RESEND) == 0
    assert drained(control) == [CONNECTED, IPV4_DISCONNECTED, IPV6_CONNECTED]
    assert monitor.request(IGNORE) == 0 and monitor.request(IS_IGNORED) == 1
    control.update_connectivity()
    assert drained(control) == [DISCONNECTED, IPV6_DISCONNECTED]
    assert monitor.request(WATCH) == 0 and monitor.request(IS_IGNORED) == 0
    control.update_connectivity()
    assert drained(control) == [CONNECTED, IPV6_CONNECTED]


def test_without_the_connection_manager_no_l4_event_is_raised() -> None:
    control = InterfaceControl(make_stack())
    control.update_connectivity()
    assert control.connections is None and drained(control) == []


def test_an_ipv4_and_an_ipv6_socket_share_a_port_but_not_a_family() -> None:
    stack = make_stack()
    four = stack.udp.bind(4242, 4)
    six = stack.udp.bind(4242, 6)
    assert four is not six
    for family in (4, 6, None):
        with pytest.raises(PortInUse):
            stack.udp.bind(4242, family)
    stack.udp.unbind(six)
    with pytest.raises(PortInUse):
        stack.udp.bind(4242, None)  # both families: the IPv4 one still holds it
    stack.udp.unbind(four)
    both = stack.udp.bind(4242)
    with pytest.raises(PortInUse):
        stack.udp.bind(4242, 6)
    assert sorted(endpoint.port for endpoint in stack.udp.all_endpoints()) == [4242]
    assert both.family is None
