"""Whatever arrives, a TLS or DTLS session neither raises nor grows: garbage, truncated
and corrupted records end in a failure with Zephyr's errno or are ignored."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tls_material import Link, psk_store, session

from levante.abi.tls import DtlsRole
from levante.net.tls import SessionState

SERVER = DtlsRole.SERVER
_handshake_traffic: dict[bool, list[bytes]] = {}


def _client_flights(datagram: bool) -> list[bytes]:
    """What a real client sends during a handshake, to corrupt."""
    if datagram not in _handshake_traffic:
        link = Link(session(DtlsRole.CLIENT, psk_store().resolve(1), datagram),
                    session(SERVER, psk_store().resolve(1), datagram))
        link.run_until_established()
        _handshake_traffic[datagram] = [data for name, data in link.sent if name == "c"]
    return _handshake_traffic[datagram]


def _server(datagram: bool):  # type: ignore[no-untyped-def]
    return session(SERVER, psk_store().resolve(1), datagram)


@settings(max_examples=150, deadline=None)
@given(datagram=st.booleans(), pieces=st.lists(st.binary(max_size=300), max_size=8))
def test_garbage_into_a_server_never_raises(datagram: bool, pieces: list[bytes]) -> None:
    server = _server(datagram)
    for now, piece in enumerate(pieces):
        server.receive(piece, now)
        server.on_timer(now)
    server.take_outgoing()
    assert server.state in (SessionState.HANDSHAKING, SessionState.FAILED)
    if server.state is SessionState.FAILED:
        assert server.error is not None and server.error.errno > 0


@settings(max_examples=150, deadline=None)
@given(datagram=st.booleans(), data=st.data())
def test_corrupted_handshakes_never_raise(datagram: bool, data: st.DataObject) -> None:
    flights = list(_client_flights(datagram))
    index = data.draw(st.integers(0, len(flights) - 1))
    victim = bytearray(flights[index])
    position = data.draw(st.integers(0, len(victim) - 1))
    victim[position] ^= data.draw(st.integers(1, 255))
    cut = data.draw(st.integers(1, len(victim)))
    flights[index] = bytes(victim[:cut])
    server = _server(datagram)
    for flight in flights:
        server.receive(flight, 0)
    server.take_outgoing()
    assert server.state in (SessionState.HANDSHAKING, SessionState.FAILED,
                            SessionState.ESTABLISHED)


def test_a_failed_session_ignores_what_follows() -> None:
    server = _server(False)
    server.receive(b"\x16\x03\x03\x00\x04\x01\x00\x00\x00" + b"\0" * 40, 0)
    assert server.state is SessionState.FAILED
    server.take_outgoing()
    server.receive(b"more", 1)
    assert server.take_outgoing() == []
    assert server.readable == 0


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(1, 200), min_size=1, max_size=30))
def test_a_tls_stream_cut_anywhere_still_makes_the_handshake(cuts: list[int]) -> None:
    client = session(DtlsRole.CLIENT, psk_store().resolve(1), False)
    server = _server(False)
    client.start(0)
    for _ in range(10):
        for source, target in ((client, server), (server, client)):
            stream = b"".join(source.take_outgoing())
            position, index = 0, 0
            while position < len(stream):  # TCP may deliver any split of the stream
                size = cuts[index % len(cuts)]
                target.receive(stream[position:position + size], 0)
                position, index = position + size, index + 1
    assert client.state is server.state is SessionState.ESTABLISHED
    client.send(b"through the cuts")
    for piece in client.take_outgoing():
        for offset in range(len(piece)):
            server.receive(piece[offset:offset + 1], 0)
    assert server.read(100) == b"through the cuts"
