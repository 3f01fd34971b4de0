"""MQTT property tests: every packet type round-trips at both levels, in any chunking."""

from __future__ import annotations

import pytest
from appsupport import any_packet, packet_strategies
from hypothesis import given, settings
from hypothesis import strategies as st

from levante.codecs import mqtt

CASES = [(level, kind) for level in (4, 5) for kind in packet_strategies(level)]


@pytest.mark.parametrize(("level", "kind"), CASES, ids=[f"v{lv}-{k}" for lv, k in CASES])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_every_packet_type_round_trips(level: int, kind: str, data: st.DataObject) -> None:
    packet = data.draw(packet_strategies(level)[kind])
    raw = mqtt.encode(packet, level)  # type: ignore[arg-type]
    assert raw[0] >> 4 == mqtt.PacketType[kind]
    assert mqtt.decode(raw, level) == packet
    assert mqtt.encode(mqtt.decode(raw, level), level) == raw


@settings(max_examples=40, deadline=None)
@given(
    level=st.sampled_from([4, 5]),
    data=st.data(),
)
def test_stream_decoder_yields_the_same_packets_in_any_chunking(
    level: int, data: st.DataObject
) -> None:
    packets = data.draw(st.lists(any_packet(level), min_size=1, max_size=6))
    stream = b"".join(mqtt.encode(packet, level) for packet in packets)  # type: ignore[arg-type]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    decoder = mqtt.StreamDecoder(protocol_level=level)
    decoded = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        decoded += decoder.feed(stream[start:end])
        assert decoder.pending <= len(stream)
    assert decoded == packets and decoder.pending == 0


def mutations(level: int) -> st.SearchStrategy[bytes]:
    """Valid packets with one byte changed, dropped or inserted: near-misses reach deep."""
    def mutate(raw: bytes, data: st.DataObject) -> bytes:
        where = data.draw(st.integers(0, len(raw)))
        byte = bytes((data.draw(st.integers(0, 255)),))
        how = data.draw(st.sampled_from(["replace", "drop", "insert"]))
        tail = raw[where + 1 :] if how != "insert" else raw[where:]
        return raw[:where] + (b"" if how == "drop" else byte) + tail

    return st.tuples(any_packet(level).map(lambda p: mqtt.encode(p, level)), st.data()).map(  # type: ignore[arg-type]
        lambda pair: mutate(*pair)
    )


@settings(max_examples=80, deadline=None)
@given(level=st.sampled_from([4, 5]), data=st.data())
def test_arbitrary_bytes_decode_or_raise_an_mqtt_error(level: int, data: st.DataObject) -> None:
    raw = data.draw(st.binary(max_size=48) | mutations(level))
    try:
        packet = mqtt.decode(raw, level)
    except mqtt.MqttError:
        pass
    else:
        assert mqtt.decode(mqtt.encode(packet, level), level) == packet
    decoder = mqtt.StreamDecoder(max_packet_size=64, protocol_level=level)
    try:
        for index in range(0, len(raw), 5):
            decoder.feed(raw[index : index + 5])
            assert decoder.pending <= 64
    except mqtt.MqttError:
        pass
