"""Signing keys and the public keys a boot stage trusts: ECDSA P-256 and Ed25519.

Keys are PEM files as imgtool writes them (PKCS#8 private keys, SubjectPublicKeyInfo
public keys), so the same key file works with both tools. A published development key
pair ships in ``keys/``; anything signed with it is marked as insecure at boot.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

from levante.boot.image import TLV_ECDSA_SIG, TLV_ED25519
from levante.errors import LevanteError

if TYPE_CHECKING:
    from levante.config.kconfig import Config

KEY_TYPES = ("ecdsa-p256", "ed25519")
DEVELOPMENT_KEY_PATH = Path(__file__).with_name("keys") / "dev-insecure-ecdsa-p256.pem"
SIGNATURE_KEY_SYMBOL = "BOOT_SIGNATURE_KEY_FILE"  # MCUboot's CONFIG_BOOT_SIGNATURE_KEY_FILE

PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
PublicKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey
_PREHASHED_ECDSA = ec.ECDSA(utils.Prehashed(hashes.SHA256()))


class KeyFileError(LevanteError):
    """A key file that is missing, unreadable or of an unsupported kind (exit status 2)."""


@dataclass(frozen=True)
class TrustedKey:
    """A public key: what signed images name (KEYHASH) and what verifies them."""

    kind: str
    public: PublicKey
    public_der: bytes  # SubjectPublicKeyInfo, DER: what KEYHASH hashes and PUBKEY holds
    is_development: bool

    @property
    def key_hash(self) -> bytes:
        return hashlib.sha256(self.public_der).digest()

    @property
    def signature_tlv(self) -> int:
        return TLV_ECDSA_SIG if self.kind == "ecdsa-p256" else TLV_ED25519

    def verifies(self, signature: bytes, digest: bytes) -> bool:
        """Whether ``signature`` signs the image ``digest`` (MCUboot signs the hash)."""
        try:
            if isinstance(self.public, ec.EllipticCurvePublicKey):
                self.public.verify(_strip_der_padding(signature), digest, _PREHASHED_ECDSA)
            else:
                self.public.verify(signature, digest)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """A private key and its public half."""

    private: PrivateKey
    trusted: TrustedKey

    @property
    def kind(self) -> str:
        return self.trusted.kind

    def sign(self, digest: bytes) -> bytes:
        """ECDSA: a DER signature of the SHA-256 digest; Ed25519: a signature of the
        32-byte digest used as the message, as imgtool and MCUboot do."""
        if isinstance(self.private, ec.EllipticCurvePrivateKey):
            return self.private.sign(digest, _PREHASHED_ECDSA)
        return self.private.sign(digest)


def _strip_der_padding(signature: bytes) -> bytes:
    # imgtool --pad-sig appends zeros to reach 72 bytes; the DER length says what counts.
    if len(signature) >= 2 and signature[0] == 0x30 and len(signature) > signature[1] + 2:
        return signature[:signature[1] + 2]
    return signature


def _public_der(public: PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.DER,
                               serialization.PublicFormat.SubjectPublicKeyInfo)


def _kind_of(key: PrivateKey | PublicKey, path: Path) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if key.curve.name != "secp256r1":
            raise KeyFileError(f"{path}: EC curve {key.curve.name} is not supported "
                               "(use ecdsa-p256)")
        return "ecdsa-p256"
    return "ed25519"


def trusted_key_from_public(public: PublicKey, path: Path) -> TrustedKey:
    der = _public_der(public)
    return TrustedKey(_kind_of(public, path), public, der, der == _development_public_der())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"cannot read key file: {error.strerror}: {path}") from None


def load_signing_key(path: Path) -> SigningKey:
    """The private key in ``path`` (PEM); KeyFileError if it is not one we can sign with."""
    try:
        private = serialization.load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError) as error:
        raise KeyFileError(f"{path}: not an unencrypted PEM private key ({error})") from None
    if not isinstance(private, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        raise KeyFileError(f"{path}: unsupported key type (use ecdsa-p256 or ed25519)")
    _kind_of(private, path)
    return SigningKey(private, trusted_key_from_public(private.public_key(), path))


def load_trusted_key(path: Path) -> TrustedKey:
    """The public key in ``path``, which may hold a private or a public PEM key."""
    data = _read(path)
    if b"PRIVATE KEY" in data:
        return load_signing_key(path).trusted
    return trusted_key_from_pem(data, path)


def trusted_key_from_pem(data: bytes, path: Path) -> TrustedKey:
    """A public PEM key (SubjectPublicKeyInfo) read from ``path``."""
    try:
        public = serialization.load_pem_public_key(data)
    except ValueError as error:
        raise KeyFileError(f"{path}: not a PEM key ({error})") from None
    if not isinstance(public, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        raise KeyFileError(f"{path}: unsupported key type (use ecdsa-p256 or ed25519)")
    return trusted_key_from_public(public, path)


def generate_key(kind: str) -> PrivateKey:
    if kind == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise KeyFileError(f"unknown key type '{kind}' (use {' or '.join(KEY_TYPES)})")


def write_private_key(key: PrivateKey, path: Path, overwrite: bool = False) -> None:
    """PKCS#8 PEM without a password, the format `imgtool keygen` writes, readable by
    its owner only (0600, from the moment the file exists).  An existing file is kept
    unless `overwrite`: a key lost is every image signed with it orphaned."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        raise KeyFileError(f"{path}: already exists (a key is not overwritten without "
                           "--force)") from None
    except OSError as error:
        raise KeyFileError(f"cannot write key file: {error.strerror}: {path}") from None
    with os.fdopen(descriptor, "wb") as stream:
        os.fchmod(descriptor, 0o600)  # an overwritten file keeps no wider mode
        stream.write(pem)


@cache
def _development_public_der() -> bytes:
    private = serialization.load_pem_private_key(DEVELOPMENT_KEY_PATH.read_bytes(), None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    return _public_der(private.public_key())


def development_signing_key() -> SigningKey:
    return load_signing_key(DEVELOPMENT_KEY_PATH)


def signature_key_path(config: Config | None, base_dir: Path | None = None) -> Path:
    """The key a build signs with: CONFIG_BOOT_SIGNATURE_KEY_FILE, or the development key
    when it is unset or empty. A relative path is taken from ``base_dir`` (the
    application's folder), like MCUboot's build resolves it from its own tree."""
    value = config.values.get(SIGNATURE_KEY_SYMBOL) if config is not None else None
    if not isinstance(value, str) or not value:
        return DEVELOPMENT_KEY_PATH
    path = Path(value)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path


def signing_key_from_config(config: Config | None, base_dir: Path | None = None) -> SigningKey:
    return load_signing_key(signature_key_path(config, base_dir))


def trusted_keys_from_config(config: Config | None,
                             base_dir: Path | None = None) -> tuple[TrustedKey, ...]:
    """The keys the boot stage embeds: the public half of the build's signing key."""
    return (load_trusted_key(signature_key_path(config, base_dir)),)
