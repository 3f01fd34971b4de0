"""CTR_DRBG (AES-256, no derivation function) against NIST CAVP vectors and the limits of
SP 800-90A."""

from __future__ import annotations

import pytest

from levante.crypto.ctr_drbg import (
    SEED_LENGTH,
    CtrDrbg,
    DrbgError,
    ReseedRequired,
)

# NIST CAVP DRBGVS, CTR_DRBG.rsp, [AES-256 no df], EntropyInputLen = 384, NonceLen = 0,
# ReturnedBitsLen = 512, COUNT = 0 of each group named.

# drbgvectors_no_reseed, PredictionResistance = False, no personalization or additional
# input: instantiate, generate (discarded), generate (compared).
NO_RESEED_ENTROPY = bytes.fromhex(
    "df5d73faa468649edda33b5cca79b0b05600419ccb7a879ddfec9db32ee494e5"
    "531b51de16a30f769262474c73bec010")
NO_RESEED_RETURNED = bytes.fromhex(
    "d1c07cd95af8a7f11012c84ce48bb8cb87189e99d40fccb1771c619bdf82ab22"
    "80b1dc2f2581f39164f7ac0c510494b3a43c41b7db17514c87b107ae793e01c5")

# drbgvectors_pr_false: instantiate, reseed, generate (discarded), generate (compared).
RESEED_ENTROPY = bytes.fromhex(
    "e4bc23c5089a19d86f4119cb3fa08c0a4991e0a1def17e101e4c14d9c323460a"
    "7c2fb58e0b086c6c57b55f56cae25bad")
RESEED_ENTROPY_RESEED = bytes.fromhex(
    "fd85a836bba85019881e8c6bad23c9061adc75477659acaea8e4a01dfe07a183"
    "2dad1c136f59d70f8653a5dc118663d6")
RESEED_RETURNED = bytes.fromhex(
    "b2cb8905c05e5950ca31895096be29ea3d5a3b82b269495554eb80fe07de43e1"
    "93b9e7c3ece73b80e062b1c1f68202fbb1c52a040ea2478864295282234aaada")

# PersonalizationStringLen = 384: the internal state right after instantiation.
PERSONALIZED_ENTROPY = bytes.fromhex(
    "b5e2af38591a9743e5d3e458848a3998536d3b625e1694be847f95c3bfbda267"
    "f08624be4bb6aa496e1b596be523e7c4")
PERSONALIZATION = bytes.fromhex(
    "0a9a59e7605c0e12fae317bb004aecf1427bda4dca7718801895c38179fd36cd"
    "922634c3789a99b9d9c556fe50a41de4")
PERSONALIZED_KEY = bytes.fromhex(
    "ec777c24fe03afe8b6534712400ba6e2dfb1a112d901e7509ba493917cb309b2")
PERSONALIZED_V = bytes.fromhex("10c013b7048a1984667cfa1bc081cfae")

SEED = bytes(range(SEED_LENGTH))


def instantiated(entropy: bytes = SEED, **options: int) -> CtrDrbg:
    drbg = CtrDrbg(**options)
    drbg.instantiate(entropy)
    return drbg


def test_cavp_no_reseed() -> None:
    drbg = instantiated(NO_RESEED_ENTROPY)
    drbg.generate(64)
    assert drbg.generate(64) == NO_RESEED_RETURNED


def test_cavp_with_reseed() -> None:
    drbg = instantiated(RESEED_ENTROPY)
    drbg.reseed(RESEED_ENTROPY_RESEED)
    drbg.generate(64)
    assert drbg.generate(64) == RESEED_RETURNED


def test_cavp_personalization_sets_the_state() -> None:
    drbg = CtrDrbg()
    drbg.instantiate(PERSONALIZED_ENTROPY, PERSONALIZATION)
    assert (drbg._key, drbg._v) == (PERSONALIZED_KEY, PERSONALIZED_V)


def test_requests_of_any_length_are_prefixes_of_the_keystream() -> None:
    """Within one generate call the output is the AES-CTR keystream, so a shorter request
    from the same state is a prefix of a longer one."""
    long = instantiated().generate(100)
    for length in (0, 1, 15, 16, 17, 33):
        assert instantiated().generate(length) == long[:length]


def test_same_seed_same_bytes_and_calls_differ() -> None:
    first, second = instantiated(), instantiated()
    outputs = [first.generate(32) for _ in range(3)]
    assert outputs == [second.generate(32) for _ in range(3)]
    assert len(set(outputs)) == 3
    assert instantiated(bytes(SEED_LENGTH)).generate(32) != outputs[0]


def test_additional_input_changes_the_output() -> None:
    plain = instantiated().generate(32)
    assert instantiated().generate(32, b"context") != plain


def test_reseed_is_required_after_the_interval() -> None:
    drbg = instantiated(reseed_interval=2)
    drbg.generate(16)
    drbg.generate(16)
    with pytest.raises(ReseedRequired):
        drbg.generate(16)
    drbg.reseed(bytes(reversed(SEED)))
    assert drbg.reseed_counter == 1
    drbg.generate(16)


@pytest.mark.parametrize("length", [0, SEED_LENGTH - 1, SEED_LENGTH + 1])
def test_entropy_must_be_exactly_the_seed_length(length: int) -> None:
    with pytest.raises(DrbgError, match="entropy input must be 48 bytes"):
        CtrDrbg().instantiate(bytes(length))


def test_inputs_longer_than_the_seed_are_refused() -> None:
    with pytest.raises(DrbgError, match="personalization"):
        CtrDrbg().instantiate(SEED, bytes(SEED_LENGTH + 1))
    with pytest.raises(DrbgError, match="additional input"):
        instantiated().generate(16, bytes(SEED_LENGTH + 1))


def test_generate_before_instantiate_and_oversized_requests_are_refused() -> None:
    with pytest.raises(DrbgError, match="not instantiated"):
        CtrDrbg().generate(16)
    with pytest.raises(DrbgError, match="request"):
        instantiated().generate((1 << 16) + 1)
    with pytest.raises(DrbgError, match="reseed interval"):
        CtrDrbg(reseed_interval=0)


def test_the_counter_wraps_modulo_2_to_the_128() -> None:
    drbg = instantiated()
    drbg._v = b"\xff" * 16
    drbg.generate(32)  # counters 0 and 1 after the wrap; must not raise
    assert drbg.reseed_counter == 2
