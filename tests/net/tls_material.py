"""Test credentials made at test time with `cryptography` (no key is committed), and a
driver that joins two sans-IO sessions in one process on simulated time."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from levante.abi.tls import DtlsRole, TlsCredentialType
from levante.net.tls import ResolvedCredentials, SessionSettings, TlsSession, resolve

PEM = serialization.Encoding.PEM
PSK = b"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
PSK_ID = b"levante-device"


@dataclass
class Identity:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def make_identity(name: str, issuer: Identity | None = None, *, ca: bool = False,
                  valid_days: tuple[int, int] = (-1, 30)) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder().subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=valid_days[0]))
        .not_valid_after(now + datetime.timedelta(days=valid_days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
    signer = issuer.key if issuer else key
    return Identity(key, builder.sign(signer, hashes.SHA256()))


@dataclass
class Store:
    """A credential store in the shape the kernel's answers: (tag, type) → bytes."""

    entries: dict[tuple[int, TlsCredentialType], bytes] = field(default_factory=dict)

    def add(self, tag: int, kind: TlsCredentialType, blob: bytes) -> Store:
        self.entries[(tag, kind)] = blob
        return self

    def lookup(self, tag: int, kind: TlsCredentialType) -> bytes | None:
        return self.entries.get((tag, kind))

    def resolve(self, *tags: int) -> ResolvedCredentials:
        return resolve(tags, self.lookup)


def psk_store(tag: int = 1) -> Store:
    return (Store().add(tag, TlsCredentialType.PSK, PSK)
            .add(tag, TlsCredentialType.PSK_ID, PSK_ID))


def server_store(ca: Identity, server: Identity, tag: int = 2) -> Store:
    return (Store().add(tag, TlsCredentialType.SERVER_CERTIFICATE, server.certificate_pem)
            .add(tag, TlsCredentialType.PRIVATE_KEY, server.key_pem)
            .add(tag + 100, TlsCredentialType.CA_CERTIFICATE, ca.certificate_pem))


def client_store(ca: Identity, tag: int = 3) -> Store:
    return Store().add(tag, TlsCredentialType.CA_CERTIFICATE, ca.certificate_pem)


def session(role: DtlsRole, credentials: ResolvedCredentials, datagram: bool,
            peer: bytes = b"198.51.100.7:5684", **options: object) -> TlsSession:
    settings = SessionSettings(role=role, datagram=datagram, credentials=credentials,
                               **options)  # type: ignore[arg-type]
    return TlsSession(settings, peer)


@dataclass
class Link:
    """Carries what each side sends to the other; `drop` decides which to lose."""

    client: TlsSession
    server: TlsSession
    now: int = 0
    sent: list[tuple[str, bytes]] = field(default_factory=list)

    def exchange(self, rounds: int = 20, drop: object = None) -> None:
        for _ in range(rounds):
            moved = False
            for source, target, name in ((self.client, self.server, "c"),
                                         (self.server, self.client, "s")):
                for data in source.take_outgoing():
                    moved = True
                    self.sent.append((name, data))
                    if drop is not None and drop(name, data, len(self.sent)):  # type: ignore[operator]
                        continue
                    target.receive(data, self.now)
            if not moved:
                return

    def run_until_established(self, limit_us: int = 200_000_000,
                              drop: object = None) -> None:
        self.client.start(self.now)
        while self.now < limit_us:
            self.exchange(drop=drop)
            deadlines = [d for d in (self.client.deadline, self.server.deadline)
                         if d is not None]
            if not deadlines:
                return
            self.now = min(deadlines)
            self.client.on_timer(self.now)
            self.server.on_timer(self.now)
