"""CTR_DRBG with AES-256 and no derivation function (NIST SP 800-90A Rev. 1, 10.2.1):
the deterministic random bit generator behind sys_csrand_get.

Without a derivation function the entropy input is used as the seed directly, so it
must be exactly `SEED_LENGTH` bytes of full entropy (SP 800-90A 10.2.1.3.1), and a
personalization string or additional input may be at most that long (it is padded with
zeros).  Every call is deterministic: the same entropy and inputs give the same bytes.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_LENGTH = 32  # AES-256
BLOCK_LENGTH = 16  # outlen: the AES block
SEED_LENGTH = KEY_LENGTH + BLOCK_LENGTH  # seedlen = 384 bits
MAX_REQUEST_BYTES = 1 << 16  # max_number_of_bits_per_request = 2^19 bits (Table 3)
RESEED_INTERVAL = 1 << 48  # reseed_interval, the largest Table 3 allows


class DrbgError(Exception):
    """A request the DRBG refuses: bad input lengths, or a reseed is due."""


class ReseedRequired(DrbgError):
    """The reseed counter passed the reseed interval (10.2.1.5.1 step 1)."""


class CtrDrbg:
    """One CTR_DRBG instance; `instantiate` before `generate`."""

    def __init__(self, reseed_interval: int = RESEED_INTERVAL) -> None:
        if not 1 <= reseed_interval <= RESEED_INTERVAL:
            raise DrbgError(f"reseed interval must be 1..2^48, not {reseed_interval}")
        self.reseed_interval = reseed_interval
        self._key = bytes(KEY_LENGTH)
        self._v = bytes(BLOCK_LENGTH)
        self.reseed_counter = 0  # 0: not instantiated

    @property
    def instantiated(self) -> bool:
        return self.reseed_counter > 0

    # 10.2.1.3.1 CTR_DRBG_Instantiate_algorithm (no derivation function)
    def instantiate(self, entropy: bytes, personalization: bytes = b"") -> None:
        seed_material = _xor(_full_entropy(entropy), _padded(personalization, "personalization"))
        self._key = bytes(KEY_LENGTH)
        self._v = bytes(BLOCK_LENGTH)
        self._update(seed_material)
        self.reseed_counter = 1

    # 10.2.1.4.1 CTR_DRBG_Reseed_algorithm (no derivation function)
    def reseed(self, entropy: bytes, additional_input: bytes = b"") -> None:
        self._require_instantiated()
        self._update(_xor(_full_entropy(entropy), _padded(additional_input, "additional input")))
        self.reseed_counter = 1

    # 10.2.1.5.1 CTR_DRBG_Generate_algorithm (no derivation function)
    def generate(self, length: int, additional_input: bytes = b"") -> bytes:
        self._require_instantiated()
        if not 0 <= length <= MAX_REQUEST_BYTES:
            raise DrbgError(f"a request is 0..{MAX_REQUEST_BYTES} bytes, not {length}")
        if self.reseed_counter > self.reseed_interval:
            raise ReseedRequired("the DRBG must be reseeded before it generates again")
        additional = _padded(additional_input, "additional input")
        if additional_input:
            self._update(additional)
        output = self._keystream(length)
        self._update(additional)
        self.reseed_counter += 1
        return output

    # 10.2.1.2 CTR_DRBG_Update
    def _update(self, provided_data: bytes) -> None:
        temp = _xor(self._keystream(SEED_LENGTH), provided_data)
        self._key, self._v = temp[:KEY_LENGTH], temp[KEY_LENGTH:]

    def _keystream(self, length: int) -> bytes:
        """Encrypt V+1, V+2, ... (ctr_len = outlen, so V wraps mod 2^128) and keep the
        first `length` bytes; V is left at the last counter used."""
        blocks = -(-length // BLOCK_LENGTH)
        counter = int.from_bytes(self._v, "big")
        counters = b"".join(((counter + i) % (1 << 128)).to_bytes(BLOCK_LENGTH, "big")
                            for i in range(1, blocks + 1))
        if blocks:
            self._v = counters[-BLOCK_LENGTH:]
        encryptor = Cipher(algorithms.AES(self._key), modes.ECB()).encryptor()
        return (encryptor.update(counters) + encryptor.finalize())[:length]

    def _require_instantiated(self) -> None:
        if not self.instantiated:
            raise DrbgError("the DRBG is not instantiated")


def _full_entropy(entropy: bytes) -> bytes:
    if len(entropy) != SEED_LENGTH:
        raise DrbgError(f"entropy input must be {SEED_LENGTH} bytes without a derivation "
                        f"function, not {len(entropy)}")
    return entropy


def _padded(data: bytes, what: str) -> bytes:
    if len(data) > SEED_LENGTH:
        raise DrbgError(f"{what} is at most {SEED_LENGTH} bytes, not {len(data)}")
    return data + bytes(SEED_LENGTH - len(data))


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))
