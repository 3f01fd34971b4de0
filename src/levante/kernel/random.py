"""The kernel's random numbers: the entropy device, sys_rand_get and sys_csrand_get, as
the configuration chooses them (Zephyr's subsys/random model).

- entropy: the board's TRNG device, backed by an `EntropySource` the system attaches
  (the host's randomness, or a seeded stream in test mode);
- sys_rand_get: xoshiro128++ seeded from the device, the device itself, or the
  cycle counter (TIMER_RANDOM_GENERATOR, insecure);
- sys_csrand_get: a CTR_DRBG (SP 800-90A, AES-256) instantiated and reseeded from the
  device, the device itself, or sys_rand_get (TEST_CSPRNG_GENERATOR, insecure).
Nothing is drawn before it is needed, so a run that never asks for randomness reads no
entropy at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from levante.crypto.ctr_drbg import MAX_REQUEST_BYTES, SEED_LENGTH, CtrDrbg, ReseedRequired
from levante.crypto.xoshiro import STATE_BYTES, Xoshiro128PlusPlus

if TYPE_CHECKING:
    from levante.crypto.entropy import EntropySource
    from levante.kernel.settings import KernelConfig

# Distinguishes this DRBG instance from any other seeded with the same entropy.
_PERSONALIZATION = b"Levante sys_csrand_get CTR_DRBG"
_TIMER_INCREMENT = 1_000_000_003  # an odd step, so successive calls never repeat soon
_WORD = 0xFFFFFFFF


class NoEntropy(Exception):
    """The configuration has no entropy device (or the system attached no source)."""


class RandomService:
    """Entropy, non-cryptographic and cryptographic random numbers for one system."""

    def __init__(self, config: KernelConfig, source: EntropySource | None,
                 cycles: Callable[[], int]) -> None:
        self.config = config
        self.source = source if config.entropy_driver else None
        self._cycles = cycles
        self._xoshiro: Xoshiro128PlusPlus | None = None
        self._drbg: CtrDrbg | None = None
        self._timer_counter = 0
        self.entropy_bytes_read = 0

    def attach_source(self, source: EntropySource) -> None:
        """The board's TRNG (its entropy device attaches it); unused without
        CONFIG_ENTROPY_GENERATOR."""
        if self.config.entropy_driver:
            self.source = source

    @property
    def insecure(self) -> bool:
        """Predictable numbers are allowed (CONFIG_TEST_RANDOM_GENERATOR)."""
        return self.config.test_random_generator

    @property
    def has_csprng(self) -> bool:
        return self.config.csprng != "none"

    def unavailable(self, service: str) -> str | None:
        """Why `service` ("entropy", "rand" or "csrand") cannot draw bytes, or None when
        it can: asked before a call draws anything, so that drawing never fails."""
        if service == "csrand":
            generator = self.config.csprng
            if generator == "hardware":
                return self.unavailable("entropy")
            if generator == "test":
                return self.unavailable("rand")
            if generator == "ctr_drbg":  # seeded and reseeded from the entropy device
                return self.unavailable("entropy")
            return "no cryptographically secure generator configured"
        if service == "rand":
            generator = self.config.rng
            if generator == "entropy":
                return self.unavailable("entropy")
            if generator == "xoshiro":  # seeded once from the entropy device
                return None if self._xoshiro is not None else self.unavailable("entropy")
            return None if generator == "timer" else "no random generator configured"
        return None if self.source is not None else "no entropy device"

    def _check(self, service: str) -> None:
        problem = self.unavailable(service)
        if problem is not None:
            raise NoEntropy(problem)

    def entropy(self, length: int) -> bytes:
        """entropy_get_entropy: bytes straight from the device."""
        self._check("entropy")
        assert self.source is not None
        self.entropy_bytes_read += length
        return self.source.get(length)

    def rand(self, length: int) -> bytes:
        """sys_rand_get."""
        self._check("rand")
        generator = self.config.rng
        if generator == "entropy":
            return self.entropy(length)
        if generator == "xoshiro":
            return self._seeded_xoshiro().fill(length)
        return self._timer_bytes(length)

    def csrand(self, length: int) -> bytes:
        """sys_csrand_get."""
        self._check("csrand")
        generator = self.config.csprng
        if generator == "hardware":
            return self.entropy(length)
        if generator == "ctr_drbg":
            return self._drbg_bytes(length)
        return self.rand(length)

    def canary(self) -> int:
        """A stack canary: 32 random bits with the lowest byte zero, so that a string
        copy running over the canary stops at it (a terminator canary)."""
        data = self.csrand(4) if self.has_csprng else self.rand(4)
        return int.from_bytes(data, "little") & 0xFFFFFF00

    def below(self, bound: int) -> int:
        """A number in [0, bound), from sys_rand_get (stack pointer randomization)."""
        if bound <= 1:
            return 0
        return int.from_bytes(self.rand(4), "little") % bound

    # ---- generators ------------------------------------------------------------------

    def _seeded_xoshiro(self) -> Xoshiro128PlusPlus:
        while self._xoshiro is None:
            seed = self.entropy(STATE_BYTES)
            if any(seed):  # an all-zero state would stay zero forever
                self._xoshiro = Xoshiro128PlusPlus(seed)
        return self._xoshiro

    def _timer_bytes(self, length: int) -> bytes:
        words = []
        for _ in range(-(-length // 4)):
            self._timer_counter = (self._timer_counter + _TIMER_INCREMENT) & _WORD
            words.append(((self._cycles() & _WORD) + self._timer_counter) & _WORD)
        return b"".join(word.to_bytes(4, "little") for word in words)[:length]

    def _drbg_bytes(self, length: int) -> bytes:
        drbg = self._drbg
        if drbg is None:
            drbg = CtrDrbg(self.config.drbg_reseed_interval)
            drbg.instantiate(self.entropy(SEED_LENGTH), _PERSONALIZATION)
            self._drbg = drbg
        output = bytearray()
        while len(output) < length:
            request = min(MAX_REQUEST_BYTES, length - len(output))
            try:
                output += drbg.generate(request)
            except ReseedRequired:
                drbg.reseed(self.entropy(SEED_LENGTH))
        return bytes(output)
