"""SOL_TLS options as Zephyr's sockets take them, and a session built from them over the
kernel's credential store (what the TLS socket adapter does)."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from tls_material import PSK, PSK_ID, Link, make_identity

from levante.abi import ERRNO
from levante.abi.tls import (
    IPPROTO_DTLS_1_2,
    IPPROTO_TLS_1_2,
    SOL_TLS,
    TLS_OPTIONS,
    DtlsRole,
    PeerVerify,
    TlsCredentialType,
)
from levante.kernel.tls_credentials import CredentialStore
from levante.net.tls import SessionState, TlsError, TlsSession
from levante.net.tls.options import TlsSocketOptions

INCLUDE = Path(__file__).parents[2] / "src/levante/sdk/include"
OPT = TLS_OPTIONS


def ints(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}i", *values)


def refused(options: TlsSocketOptions, option: int, value: bytes | None) -> int:
    with pytest.raises(TlsError) as caught:
        options.set(option, value)
    return caught.value.errno


def test_values_are_checked_as_zephyr_does() -> None:
    tls = TlsSocketOptions(datagram=False)
    einval, enoprotoopt = ERRNO["EINVAL"], ERRNO["ENOPROTOOPT"]
    assert refused(tls, OPT["TLS_SEC_TAG_LIST"], b"\1\0\0") == einval  # not whole ints
    assert refused(tls, OPT["TLS_SEC_TAG_LIST"], ints(1, 2, 3, 4, 5)) == einval  # over 4
    assert refused(tls, OPT["TLS_SEC_TAG_LIST"], None) == einval
    assert refused(tls, OPT["TLS_PEER_VERIFY"], ints(3)) == einval
    assert refused(tls, OPT["TLS_PEER_VERIFY"], b"\2\0") == einval
    assert refused(tls, OPT["TLS_DTLS_ROLE"], ints(1)) == enoprotoopt  # a TLS socket
    assert refused(tls, OPT["TLS_CIPHERSUITE_USED"], ints(1)) == enoprotoopt  # read only
    assert refused(tls, 99, ints(1)) == enoprotoopt
    dtls = TlsSocketOptions(datagram=True)
    assert refused(dtls, OPT["TLS_DTLS_ROLE"], ints(2)) == einval
    assert refused(dtls, OPT["TLS_DTLS_HANDSHAKE_TIMEOUT_MIN"], ints(1)[:2]) == einval
    with pytest.raises(TlsError) as too_many:
        dtls.set_alpn([b"a", b"b", b"c"])
    assert too_many.value.errno == einval


def test_options_read_back() -> None:
    dtls = TlsSocketOptions(datagram=True)
    dtls.set(OPT["TLS_SEC_TAG_LIST"], ints(7, 8))
    dtls.set(OPT["TLS_DTLS_HANDSHAKE_TIMEOUT_MAX"], struct.pack("<I", 5000))
    assert dtls.get(OPT["TLS_SEC_TAG_LIST"], 16, None) == ints(7, 8)
    assert dtls.get(OPT["TLS_SEC_TAG_LIST"], 4, None) == ints(7)  # cut to *optlen
    assert dtls.get(OPT["TLS_DTLS_HANDSHAKE_TIMEOUT_MAX"], 4, None) == struct.pack("<I", 5000)
    with pytest.raises(TlsError) as early:
        dtls.get(OPT["TLS_CIPHERSUITE_USED"], 4, None)
    assert early.value.errno == ERRNO["ENOTCONN"]
    dtls.set(OPT["TLS_HOSTNAME"], b"server.example\0")
    assert dtls.hostname == "server.example"
    dtls.set(OPT["TLS_HOSTNAME"], None)
    assert dtls.hostname is None


def test_sessions_built_from_socket_options_over_the_kernel_store() -> None:
    store = CredentialStore(capacity=4, max_size=4096)
    ca = make_identity("Levante Test CA", ca=True)
    server_id = make_identity("server.example", ca)
    store.add(1, TlsCredentialType.CA_CERTIFICATE, ca.certificate_pem + b"\0")
    store.add(2, TlsCredentialType.SERVER_CERTIFICATE, server_id.certificate_pem)
    store.add(2, TlsCredentialType.PRIVATE_KEY, server_id.key_pem)
    client_options = TlsSocketOptions(datagram=True)
    client_options.set(OPT["TLS_SEC_TAG_LIST"], ints(1))
    client_options.set(OPT["TLS_HOSTNAME"], b"server.example\0")
    client_options.set(OPT["TLS_CIPHERSUITE_LIST"], ints(0xC02B))  # ECDHE-ECDSA-AES128-GCM
    server_options = TlsSocketOptions(datagram=True)
    server_options.set(OPT["TLS_SEC_TAG_LIST"], ints(2))
    server_options.set(OPT["TLS_DTLS_ROLE"], ints(1))
    server_options.set(OPT["TLS_PEER_VERIFY"], ints(int(PeerVerify.NONE)))
    client = TlsSession(client_options.session_settings(DtlsRole.CLIENT, store.lookup))
    server = TlsSession(server_options.session_settings(server_options.dtls_role, store.lookup),
                        peer=b"192.0.2.1:5684")
    link = Link(client, server)
    link.run_until_established()
    assert client.state is SessionState.ESTABLISHED
    assert client_options.get(OPT["TLS_CIPHERSUITE_USED"], 4, client) == ints(0xC02B)


def test_a_tag_the_store_does_not_hold_is_enoent() -> None:
    store = CredentialStore(capacity=4, max_size=64)
    store.add(1, TlsCredentialType.PSK, PSK)
    store.add(1, TlsCredentialType.PSK_ID, PSK_ID)
    options = TlsSocketOptions(datagram=False)
    options.set(OPT["TLS_SEC_TAG_LIST"], ints(1, 5))
    with pytest.raises(TlsError) as missing:
        options.session_settings(DtlsRole.CLIENT, store.lookup)
    assert missing.value.errno == ERRNO["ENOENT"]


def _defines(header: Path) -> dict[str, int]:
    return {name: int(value) for name, value in
            re.findall(r"^#define (\w+) (\d+)", header.read_text(), re.MULTILINE)}


def test_the_c_headers_say_what_the_abi_says() -> None:
    socket_tls = INCLUDE / "levante/socket_tls.h"
    defines = _defines(socket_tls)
    assert defines["SOL_TLS"] == SOL_TLS
    assert {name: defines[name] for name in TLS_OPTIONS} == TLS_OPTIONS
    for level in PeerVerify:
        assert defines[f"TLS_PEER_VERIFY_{level.name}"] == level
    for role in DtlsRole:
        assert defines[f"TLS_DTLS_ROLE_{role.name}"] == role
    text = socket_tls.read_text()
    assert f"IPPROTO_TLS_1_2 = {IPPROTO_TLS_1_2}," in text
    assert f"IPPROTO_DTLS_1_2 = {IPPROTO_DTLS_1_2}," in text
    enum = (INCLUDE / "zephyr/net/tls_credentials.h").read_text()
    names = re.findall(r"^\t(TLS_CREDENTIAL_\w+),", enum, re.MULTILINE)
    assert names == [f"TLS_CREDENTIAL_{kind.name}" for kind in TlsCredentialType]
