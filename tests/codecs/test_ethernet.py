"""Ethernet II: decoding, refusals, round trips and interop with scapy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from netsupport import decodes_or_refuses, ethernet_frames, mutations
from scapy.layers.l2 import Ether

from levante.codecs import ethernet
from levante.codecs.ethernet import EthernetError, EthernetFrame

FRAME = bytes.fromhex("ffffffffffff" "020000000001" "0806") + b"payload"


def test_decodes_addresses_type_and_payload() -> None:
    frame = ethernet.decode(FRAME)
    assert frame == EthernetFrame(destination="ff:ff:ff:ff:ff:ff",
                                  source="02:00:00:00:00:01", ethertype=0x0806,
                                  payload=b"payload")


@pytest.mark.parametrize("data, problem", [
    (FRAME[:13], "truncated header"),
    (FRAME[:12] + b"\x05\xdc" + b"x", "IEEE 802.3 length"),
    (FRAME[:14] + bytes(ethernet.MAX_FRAME_LENGTH), "exceeds the limit"),
])
def test_refuses_malformed_frames(data: bytes, problem: str) -> None:
    with pytest.raises(EthernetError, match=problem) as caught:
        ethernet.decode(data)
    assert caught.value.protocol == "ethernet"


@pytest.mark.parametrize("frame", [
    EthernetFrame(destination="ff:ff:ff:ff:ff", source="02:00:00:00:00:01", ethertype=0x800),
    EthernetFrame(destination="zz:ff:ff:ff:ff:ff", source="02:00:00:00:00:01",
                  ethertype=0x800),
    EthernetFrame(destination="ff:ff:ff:ff:ff:ff", source="02:00:00:00:00:01", ethertype=42),
])
def test_encode_refuses_bad_fields(frame: EthernetFrame) -> None:
    with pytest.raises(EthernetError):
        ethernet.encode(frame)


@given(ethernet_frames)
def test_round_trip(frame: EthernetFrame) -> None:
    data = ethernet.encode(frame)
    assert ethernet.decode(data) == frame
    assert ethernet.encode(ethernet.decode(data)) == data


@given(mutations(ethernet_frames.map(ethernet.encode)))
def test_malformed_input_raises_only_ethernet_errors(data: bytes) -> None:
    decodes_or_refuses(ethernet.decode, data)


@given(ethernet_frames)
def test_scapy_parses_levante_frames(frame: EthernetFrame) -> None:
    parsed = Ether(ethernet.encode(frame))
    assert (parsed.dst, parsed.src, parsed.type) == (frame.destination, frame.source,
                                                     frame.ethertype)


@given(st.binary(min_size=6, max_size=6), st.binary(min_size=6, max_size=6),
       st.integers(0x0600, 0xFFFF), st.binary(max_size=32))
def test_levante_decodes_scapy_frames(dst: bytes, src: bytes, kind: int,
                                      payload: bytes) -> None:
    built = Ether(dst=dst.hex(":"), src=src.hex(":"), type=kind) / payload
    frame = ethernet.decode(bytes(built))
    assert (frame.destination, frame.source, frame.ethertype) == (built.dst, built.src, kind)
    assert frame.payload == bytes(built.payload)
