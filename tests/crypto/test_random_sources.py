"""The entropy sources, xoshiro128++, and the kernel's RandomService over them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levante.crypto.ctr_drbg import SEED_LENGTH
from levante.crypto.entropy import HostEntropy, SeededEntropy, parse_seed
from levante.crypto.xoshiro import Xoshiro128PlusPlus
from levante.kernel.random import NoEntropy, RandomService
from levante.kernel.settings import KernelConfig


def test_xoshiro128plusplus_reference_outputs() -> None:
    # State {1, 2, 3, 4}: the first words of the authors' reference implementation.
    generator = Xoshiro128PlusPlus(bytes.fromhex("01000000020000000300000004000000"))
    assert [generator.next32() for _ in range(6)] == [
        641, 1573767, 3222811527, 3517856514, 836907274, 4247214768,
    ]


def test_xoshiro_refuses_an_all_zero_seed() -> None:
    with pytest.raises(ValueError, match="not all zero"):
        Xoshiro128PlusPlus(bytes(16))


@given(st.binary(max_size=8), st.lists(st.integers(0, 70), max_size=6))
def test_a_seeded_stream_does_not_depend_on_how_it_is_read(
        seed: bytes, sizes: list[int]) -> None:
    whole = SeededEntropy(seed).get(sum(sizes))
    pieces = SeededEntropy(seed)
    assert b"".join(pieces.get(size) for size in sizes) == whole


def test_seeds_give_unrelated_streams_and_the_host_is_not_deterministic() -> None:
    assert SeededEntropy(b"\x01").get(32) != SeededEntropy(b"\x02").get(32)
    assert HostEntropy().get(32) != HostEntropy().get(32)
    assert SeededEntropy.deterministic and not HostEntropy.deterministic


@pytest.mark.parametrize(("text", "seed"), [("7", b"\x07"), ("0x0102", b"\x01\x02"),
                                            ("0x1", b"\x01"), ("256", b"\x00\x01")])
def test_parse_seed(text: str, seed: bytes) -> None:
    assert parse_seed(text) == seed


@pytest.mark.parametrize("text", ["", "-1", "0xzz", "seven"])
def test_parse_seed_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_seed(text)


def _service(source: SeededEntropy | None = None, **settings: object) -> RandomService:
    config = KernelConfig(clock_hz=1, ticks_per_second=1, **settings)  # type: ignore[arg-type]
    return RandomService(config, source, lambda: 1234)


def test_the_drbg_reseeds_from_the_device_at_its_interval() -> None:
    source = SeededEntropy(b"reseed")
    service = _service(source, drbg_reseed_interval=2)
    for _ in range(5):
        service.csrand(16)
    # Instantiate, then a reseed before the 3rd and the 5th request.
    assert service.entropy_bytes_read == 3 * SEED_LENGTH


def test_canaries_keep_a_zero_low_byte() -> None:
    service = _service(SeededEntropy(b"canary"))
    canaries = [service.canary() for _ in range(50)]
    assert all(canary & 0xFF == 0 for canary in canaries)
    assert len(set(canaries)) == 50


def test_without_an_entropy_device_nothing_is_drawn() -> None:
    service = _service(None, entropy_driver=False, rng="none", csprng="none")
    for draw in (service.entropy, service.rand, service.csrand):
        with pytest.raises(NoEntropy):
            draw(4)


def test_the_timer_generator_ignores_the_entropy() -> None:
    first = _service(SeededEntropy(b"a"), rng="timer", test_random_generator=True)
    second = _service(SeededEntropy(b"b"), rng="timer", test_random_generator=True)
    assert first.rand(16) == second.rand(16)
    assert first.insecure and first.entropy_bytes_read == 0
