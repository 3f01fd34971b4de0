"""The sans-IO TLS/DTLS session: client and server in one process, PSK and certificates,
the failures Zephyr's sockets report, and DTLS retransmission on simulated time."""

from __future__ import annotations

import pytest
from tls_material import (
    Link,
    Store,
    client_store,
    make_identity,
    psk_store,
    server_store,
    session,
)

from levante.abi import ERRNO
from levante.abi.tls import DtlsRole, PeerVerify, TlsCredentialType
from levante.net.tls import SessionState, TlsError
from levante.net.tls.ciphersuites import ciphersuite_name
from levante.net.tls.library import LibraryProfile

CLIENT, SERVER = DtlsRole.CLIENT, DtlsRole.SERVER
CA = make_identity("Levante Test CA", ca=True)
SERVER_ID = make_identity("server.example", CA)
BOTH = pytest.mark.parametrize("datagram", [False, True], ids=["tls", "dtls"])


def certificate_pair(datagram: bool, hostname: str = "server.example",
                     client_ca: Store | None = None, server: Store | None = None) -> Link:
    client = session(CLIENT, (client_ca or client_store(CA)).resolve(3), datagram,
                     hostname=hostname)
    return Link(client, session(SERVER, (server or server_store(CA, SERVER_ID)).resolve(2),
                                datagram))


@BOTH
def test_psk_sessions_carry_data_both_ways_and_close(datagram: bool) -> None:
    link = Link(session(CLIENT, psk_store(1).resolve(1), datagram),
                session(SERVER, psk_store(7).resolve(7), datagram))
    link.run_until_established()
    assert link.client.state is link.server.state is SessionState.ESTABLISHED
    assert link.client.ciphersuite == link.server.ciphersuite
    assert ciphersuite_name(link.client.ciphersuite or 0) is not None
    assert link.client.send(b"ping") == 4
    link.exchange()
    assert link.server.read(100) == b"ping"
    reply = b"pong" * (100 if datagram else 10000)
    assert link.server.send(reply) == len(reply)
    link.exchange()
    received = b"".join(iter(lambda: link.client.read(1500), b""))
    assert received == reply
    if datagram:
        largest = link.server.max_datagram
        with pytest.raises(TlsError) as too_long:
            link.server.send(b"x" * (largest + 1))
        assert too_long.value.errno == ERRNO["EMSGSIZE"]
        link.server.send(b"x" * largest)
        link.exchange()
        assert link.client.read(2000) == b"x" * largest
        assert max(len(data) for _, data in link.sent) <= 548
    link.client.close(link.now)
    link.exchange()
    assert link.server.peer_closed and link.server.state is SessionState.CLOSED
    with pytest.raises(TlsError) as refused:
        link.client.send(b"late")
    assert refused.value.errno == ERRNO["ENOTCONN"]


@BOTH
def test_certificates_with_the_right_hostname_verify(datagram: bool) -> None:
    link = certificate_pair(datagram)
    link.run_until_established()
    assert link.client.state is SessionState.ESTABLISHED
    assert link.server.state is SessionState.ESTABLISHED


@BOTH
@pytest.mark.parametrize("case", ["wrong-hostname", "untrusted-ca", "expired", "no-ca"])
def test_bad_certificates_fail_the_handshake_with_econnaborted(datagram: bool,
                                                              case: str) -> None:
    other_ca = make_identity("Another CA", ca=True)
    if case == "wrong-hostname":
        link = certificate_pair(datagram, hostname="other.example")
    elif case == "untrusted-ca":
        link = certificate_pair(datagram, client_ca=client_store(other_ca))
    elif case == "expired":
        expired = make_identity("server.example", CA, valid_days=(-30, -1))
        link = certificate_pair(datagram, server=server_store(CA, expired))
    else:
        link = Link(session(CLIENT, Store().add(3, TlsCredentialType.PSK_ID, b"x")
                            .resolve(3), datagram, hostname="server.example"),
                    session(SERVER, server_store(CA, SERVER_ID).resolve(2), datagram))
    link.run_until_established()
    assert link.client.state is SessionState.FAILED
    assert link.client.error is not None
    assert link.client.error.errno == ERRNO["ECONNABORTED"]
    # The client's alert tells the server, which fails too.
    assert link.server.state is SessionState.FAILED


def test_peer_verify_none_accepts_any_certificate() -> None:
    link = certificate_pair(False, hostname="other.example",
                            client_ca=client_store(make_identity("Unrelated", ca=True)))
    link.client = session(CLIENT, client_store(make_identity("Unrelated", ca=True))
                          .resolve(3), False, hostname="other.example",
                          peer_verify=PeerVerify.NONE)
    link.run_until_established()
    assert link.client.state is SessionState.ESTABLISHED


def test_peer_verify_optional_lets_a_client_connect_to_an_untrusted_server() -> None:
    link = certificate_pair(False, client_ca=client_store(make_identity("Unrelated", ca=True)))
    link.client = session(CLIENT, client_store(make_identity("Unrelated", ca=True))
                          .resolve(3), False, hostname="server.example",
                          peer_verify=PeerVerify.OPTIONAL)
    link.run_until_established()
    assert link.client.state is SessionState.ESTABLISHED


def test_a_server_requiring_client_certificates_refuses_a_client_without_one() -> None:
    client = session(CLIENT, client_store(CA).resolve(3), False, hostname="server.example")
    server = session(SERVER, server_store(CA, SERVER_ID).resolve(2, 102), False,
                     peer_verify=PeerVerify.REQUIRED)
    link = Link(client, server)
    link.run_until_established()
    assert server.state is SessionState.FAILED
    assert server.error is not None and server.error.errno == ERRNO["ECONNABORTED"]


def test_mutual_authentication_succeeds() -> None:
    device = make_identity("device.example", CA)
    client_credentials = (client_store(CA)
                          .add(4, TlsCredentialType.SERVER_CERTIFICATE, device.certificate_pem)
                          .add(4, TlsCredentialType.PRIVATE_KEY, device.key_pem))
    client = session(CLIENT, client_credentials.resolve(3, 4), False,
                     hostname="server.example")
    server = session(SERVER, server_store(CA, SERVER_ID).resolve(2, 102), False,
                     peer_verify=PeerVerify.REQUIRED)
    link = Link(client, server)
    link.run_until_established()
    assert client.state is server.state is SessionState.ESTABLISHED


def test_a_chosen_ciphersuite_is_the_one_used() -> None:
    chosen = 0x00A8  # TLS_PSK_WITH_AES_128_GCM_SHA256
    link = Link(session(CLIENT, psk_store().resolve(1), False, ciphersuites=(chosen,)),
                session(SERVER, psk_store().resolve(1), False))
    link.run_until_established()
    assert link.client.ciphersuite == chosen == link.server.ciphersuite


def test_disjoint_ciphersuites_fail_and_unknown_ones_are_refused() -> None:
    link = Link(session(CLIENT, psk_store().resolve(1), False, ciphersuites=(0x00A8,)),
                session(SERVER, psk_store().resolve(1), False, ciphersuites=(0x00A9,)))
    link.run_until_established()
    assert link.client.state is SessionState.FAILED
    with pytest.raises(TlsError) as refused:
        session(CLIENT, psk_store().resolve(1), False, ciphersuites=(0x1234,))
    assert refused.value.errno == ERRNO["EINVAL"]


def test_alpn_is_negotiated() -> None:
    client = session(CLIENT, psk_store().resolve(1), False, alpn=(b"coap", b"http/1.1"))
    server = session(SERVER, psk_store().resolve(1), False, alpn=(b"http/1.1",))
    Link(client, server).run_until_established()
    assert client.alpn_protocol == "http/1.1" == server.alpn_protocol


def test_a_wrong_psk_fails_both_sides() -> None:
    wrong = Store().add(1, TlsCredentialType.PSK, b"\xff" * 16).add(
        1, TlsCredentialType.PSK_ID, b"levante-device")
    link = Link(session(CLIENT, wrong.resolve(1), True), session(SERVER, psk_store().resolve(1),
                                                                 True))
    link.run_until_established()
    assert SessionState.FAILED in (link.client.state, link.server.state)
    failed = link.client if link.client.error else link.server
    assert failed.error is not None and failed.error.errno == ERRNO["ECONNABORTED"]


def test_the_dtls_server_answers_a_first_hello_with_a_cookie() -> None:
    link = Link(session(CLIENT, psk_store().resolve(1), True),
                session(SERVER, psk_store().resolve(1), True))
    link.run_until_established()
    first_reply = next(data for name, data in link.sent if name == "s")
    assert first_reply[0] == 22 and first_reply[13] == 3  # handshake: HelloVerifyRequest


@pytest.mark.parametrize("lost", [1, 2, 3, 4, 5, 6])
def test_dtls_recovers_from_a_lost_datagram_on_simulated_time(lost: int) -> None:
    link = Link(session(CLIENT, psk_store().resolve(1), True),
                session(SERVER, psk_store().resolve(1), True))
    link.run_until_established(drop=lambda name, data, index: index == lost)
    assert link.client.state is link.server.state is SessionState.ESTABLISHED
    assert link.now >= 1_000_000  # the first retransmission waits the minimum, 1 s
    link.client.send(b"after loss")
    link.exchange()
    assert link.server.read(100) == b"after loss"


def test_dtls_handshake_times_out_after_the_maximum_wait() -> None:
    client = session(CLIENT, psk_store().resolve(1), True, handshake_timeout_min_ms=1000,
                     handshake_timeout_max_ms=8000)
    client.start(0)
    sends = len(client.take_outgoing())
    now = 0
    while client.deadline is not None:
        now = client.deadline
        client.on_timer(now)
        sends += len(client.take_outgoing())
    assert client.state is SessionState.FAILED
    assert client.error is not None and client.error.errno == ERRNO["ETIMEDOUT"]
    assert sends == 4  # at 0, 1, 3 and 7 s; the 8 s wait after that ends it
    assert now == 15_000_000


def test_dtls_datagrams_respect_the_mtu() -> None:
    link = certificate_pair(True)
    link.run_until_established()
    assert link.client.state is SessionState.ESTABLISHED
    assert max(len(data) for _, data in link.sent) <= 548


def test_credentials_follow_zephyrs_rules() -> None:
    with pytest.raises(TlsError) as empty:
        Store().resolve(5)
    assert empty.value.errno == ERRNO["ENOENT"]
    with pytest.raises(TlsError) as lone_psk:
        Store().add(1, TlsCredentialType.PSK, b"k").resolve(1)
    assert lone_psk.value.errno == ERRNO["ENOENT"]
    with pytest.raises(TlsError) as garbage:
        Store().add(1, TlsCredentialType.CA_CERTIFICATE, b"not a certificate").resolve(1)
    assert garbage.value.errno == ERRNO["EINVAL"]
    # A PEM credential may carry its C string's terminating NUL, and DER works too.
    from cryptography.hazmat.primitives.serialization import Encoding
    der = CA.certificate.public_bytes(Encoding.DER)
    resolved = (Store().add(1, TlsCredentialType.CA_CERTIFICATE, CA.certificate_pem + b"\0")
                .add(2, TlsCredentialType.CA_CERTIFICATE, der).resolve(1, 2))
    assert len(resolved.ca_certificates) == 2


def test_an_optional_verify_server_is_refused() -> None:
    with pytest.raises(TlsError) as refused:
        session(SERVER, psk_store().resolve(1), False, peer_verify=PeerVerify.OPTIONAL)
    assert refused.value.errno == ERRNO["EINVAL"]


def test_a_build_without_psk_key_exchanges_offers_none() -> None:
    no_psk = LibraryProfile(disabled_key_exchanges=frozenset(
        {"PSK", "DHE-PSK", "ECDHE-PSK", "RSA-PSK"}))
    link = Link(session(CLIENT, psk_store().resolve(1), False, library=no_psk),
                session(SERVER, psk_store().resolve(1), False))
    link.run_until_established()
    assert link.client.state is SessionState.FAILED
    with pytest.raises(TlsError) as refused:
        session(CLIENT, psk_store().resolve(1), False, library=no_psk,
                ciphersuites=(0x00A8,))
    assert refused.value.errno == ERRNO["EINVAL"]


def test_records_the_device_writes_carry_at_most_max_content_len() -> None:
    small = LibraryProfile(max_content_len=1024)
    link = Link(session(CLIENT, psk_store().resolve(1), False, library=small),
                session(SERVER, psk_store().resolve(1), False))
    link.run_until_established()
    link.sent.clear()
    link.client.send(b"a" * 5000)
    link.exchange()
    stream = b"".join(data for name, data in link.sent if name == "c")
    lengths = []
    while stream:
        length = int.from_bytes(stream[3:5], "big")
        lengths.append(length)
        stream = stream[5 + length:]
    assert len(lengths) == 5  # 4 × 1024 + 904, each with its AEAD overhead
    assert link.server.read(6000) == b"a" * 5000


def test_a_replayed_flight_is_answered_at_most_once_a_second() -> None:
    link = Link(session(CLIENT, psk_store().resolve(1), True),
                session(SERVER, psk_store().resolve(1), True))
    link.run_until_established()
    last_client_datagram = [data for name, data in link.sent if name == "c"][-1]
    answers = []
    for now in (10, 20, 30, 1_000_030):
        link.server.receive(last_client_datagram, now)
        answers.append(len(link.server.take_outgoing()))
    assert answers[0] > 0  # the final flight again: the client may have lost it
    assert answers[1:3] == [0, 0]
    assert answers[3] == answers[0]
    assert link.server.state is SessionState.ESTABLISHED


def test_impossible_dtls_settings_are_refused() -> None:
    for options in ({"mtu": 100}, {"mtu": 70000}, {"handshake_timeout_min_ms": 0},
                    {"handshake_timeout_min_ms": 5000, "handshake_timeout_max_ms": 1000}):
        with pytest.raises(TlsError) as refused:
            session(CLIENT, psk_store().resolve(1), True, **options)
        assert refused.value.errno == ERRNO["EINVAL"]
