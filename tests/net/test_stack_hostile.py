"""Hostile input through the whole stack: any bytes, and valid frames with any byte
changed or cut, never raise, never grow the stack's state past its limits, and leave it
answering."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from netpeer import (
    PEER_IP,
    arp_request,
    echo_request,
    make_stack,
    sent,
    udp_frame,
)

from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack
from levante.net.stack.settings import SettingsError

VALID_FRAMES = [arp_request(), echo_request(), udp_frame(4242), udp_frame(9999)]


def still_answers_ping(stack: NetworkStack) -> bool:
    stack.take_outgoing()
    stack.receive(arp_request(), 10**9)
    stack.receive(echo_request(sequence=99), 10**9)
    return any(item.ip is not None and item.ip.source != PEER_IP for item in sent(stack))


@given(st.lists(st.binary(max_size=120), max_size=20))
def test_arbitrary_bytes_are_dropped_without_raising(frames: list[bytes]) -> None:
    stack = make_stack()
    for number, data in enumerate(frames):
        stack.receive(data, number)
    assert len(stack.arp.table) <= stack.arp.table.size
    assert still_answers_ping(stack)


@given(st.sampled_from(VALID_FRAMES), st.integers(0, 200), st.integers(1, 255),
       st.integers(0, 200))
def test_corrupted_and_cut_frames_are_handled(valid: bytes, position: int, flip: int,
                                              cut: int) -> None:
    stack = make_stack()
    stack.udp.bind(4242)
    data = bytearray(valid)
    if position < len(data):
        data[position] ^= flip
    stack.receive(bytes(data[:max(0, len(data) - cut)]), 1)
    assert stack.udp.endpoints[4242].received.maxlen is None
    assert len(stack.udp.endpoints[4242].received) <= 1
    assert still_answers_ping(stack)


@pytest.mark.parametrize(("address", "netmask", "gateway"), [
    ("192.0.2", "255.255.255.0", None),
    ("127.0.0.1", "255.0.0.0", None),
    ("224.0.0.5", "255.255.255.0", None),
    ("192.0.2.0", "255.255.255.0", None),
    ("192.0.2.255", "255.255.255.0", None),
    ("192.0.2.1", "255.0.255.0", None),
    ("192.0.2.1", "255.255.255.0", "198.51.100.1"),
    ("192.0.2.1", "255.255.255.0", "192.0.2.1"),
])
def test_settings_that_cannot_work_are_refused(address: str, netmask: str,
                                               gateway: str | None) -> None:
    with pytest.raises(SettingsError):
        Ipv4Settings(address, netmask, gateway)


@pytest.mark.parametrize("mac", ["01:00:5e:00:00:01", "00:00:5e:00:53", "zz:00:00:00:00:00"])
def test_group_or_malformed_macs_are_refused(mac: str) -> None:
    with pytest.raises(SettingsError):
        InterfaceSettings(mac=mac)
