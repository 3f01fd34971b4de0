"""A TLS session delivers every record's plaintext whatever pieces the stream arrives
in: one octet at a time, many records in one piece, records cut anywhere, the
handshake's last flight together with application data, more than mbedTLS's 32 KiB
input ring at once."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tls_material import Link, psk_store, session

from levante.abi import ERRNO
from levante.abi.tls import DtlsRole
from levante.net.tls import SessionState, TlsSession


def established() -> Link:
    link = Link(session(DtlsRole.CLIENT, psk_store(1).resolve(1), False),
                session(DtlsRole.SERVER, psk_store(7).resolve(7), False))
    link.run_until_established()
    assert link.client.state is SessionState.ESTABLISHED
    return link


def ciphertext_of(sender: TlsSession, messages: list[bytes]) -> bytes:
    for message in messages:
        assert sender.send(message) == len(message)
    return b"".join(sender.take_outgoing())


def pieces(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % len(stream) for cut in cuts} - {0})
    return [stream[start:end] for start, end in zip([0, *points], [*points, len(stream)],
                                                    strict=True)]


def read_all(receiver: TlsSession) -> bytes:
    return b"".join(iter(lambda: receiver.read(100_000), b""))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(1, 20_000), min_size=1, max_size=6),
       cuts=st.lists(st.integers(0, 2**20), max_size=16),
       read_between=st.booleans())
def test_every_records_plaintext_arrives_whatever_the_split_points(
        sizes: list[int], cuts: list[int], read_between: bool) -> None:
    link = established()
    messages = [bytes([index + 1]) * size for index, size in enumerate(sizes)]
    stream = ciphertext_of(link.server, messages)
    received = b""
    for piece in pieces(stream, cuts):
        link.client.receive(piece, link.now)
        if read_between:
            received += read_all(link.client)
    received += read_all(link.client)
    assert received == b"".join(messages)
    assert link.client.state is SessionState.ESTABLISHED


def test_one_octet_at_a_time_from_the_first_hello_to_the_last_record() -> None:
    client = session(DtlsRole.CLIENT, psk_store(1).resolve(1), False)
    server = session(DtlsRole.SERVER, psk_store(7).resolve(7), False)
    client.start(0)
    for _ in range(10):  # the handshake's flights, each fed an octet at a time
        moved = False
        for source, target in ((client, server), (server, client)):
            for data in source.take_outgoing():
                moved = True
                for octet in range(len(data)):
                    target.receive(data[octet:octet + 1], 0)
        if not moved:
            break
    assert client.state is server.state is SessionState.ESTABLISHED
    stream = ciphertext_of(server, [b"first", b"second", b"third"])
    for octet in range(len(stream)):
        client.receive(stream[octet:octet + 1], 0)
    assert read_all(client) == b"firstsecondthird"


def test_the_servers_finished_and_application_data_in_one_piece() -> None:
    client = session(DtlsRole.CLIENT, psk_store(1).resolve(1), False)
    server = session(DtlsRole.SERVER, psk_store(7).resolve(7), False)
    client.start(0)
    for _ in range(10):
        for data in client.take_outgoing():
            server.receive(data, 0)
        if server.state is SessionState.ESTABLISHED:
            break
        for data in server.take_outgoing():
            client.receive(data, 0)
    assert server.state is SessionState.ESTABLISHED
    stream = ciphertext_of(server, [b"early", b"later"])
    client.receive(stream, 0)
    assert client.state is SessionState.ESTABLISHED
    assert read_all(client) == b"earlylater"


def test_more_than_the_librarys_input_ring_in_one_piece() -> None:
    link = established()
    big = bytes(range(256)) * 400  # 102 400 octets: seven records, 100 KiB of ciphertext
    stream = ciphertext_of(link.server, [big])
    assert len(stream) > 65536
    link.client.receive(stream, 0)
    assert read_all(link.client) == big


def test_a_record_longer_than_tls_allows_fails_the_session_with_eio() -> None:
    link = established()
    link.client.receive(b"\x17\x03\x03\x50\x00" + b"x" * 64, 0)
    assert link.client.state is SessionState.FAILED
    assert link.client.error is not None and link.client.error.errno == ERRNO["EIO"]
    link.client.receive(ciphertext_of(link.server, [b"after"]), 0)
    assert read_all(link.client) == b""
