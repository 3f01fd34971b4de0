"""Random numbers on the target (tests/target/random): the entropy device, sys_rand*_get
and sys_csrand_get under each generator choice, test-mode reproducibility, and the
device's permission check for user threads."""

from __future__ import annotations

import re

import pytest

from conftest import TARGET_TESTS, Builder, RunResult

APP = TARGET_TESTS / "random"
INSECURE_WARNING = "W: insecure RNG: CONFIG_TEST_RANDOM_GENERATOR is set"


def _draws(result: RunResult) -> dict[str, str]:
    """ENTROPY, RAND32, RAND8 and CSRAND lines: what the run drew."""
    assert result.status == 0, result.errors
    assert result.output.splitlines()[-1] == "DONE"
    assert "ENTROPY_RESULT 0" in result.output and "CSRAND_RESULT 0" in result.output
    return {match.group(1): match.group(2)
            for match in re.finditer(r"^(ENTROPY|RAND32|RAND8|CSRAND) (.+)$", result.output,
                                     re.MULTILINE)}


@pytest.mark.parametrize("extra", [(), ("entropy_passthrough.conf",)])
def test_the_same_seed_draws_the_same_numbers(builder: Builder, extra: tuple[str, ...]) -> None:
    first = _draws(builder.run(APP, "--entropy-seed", "7", extra=extra))
    again = _draws(builder.run(APP, "--entropy-seed", "7", extra=extra))
    other = _draws(builder.run(APP, "--entropy-seed", "0x08", extra=extra))
    assert first == again
    for name in ("ENTROPY", "RAND32", "CSRAND"):
        assert first[name] != other[name], name
    assert INSECURE_WARNING not in builder.run(APP, "--entropy-seed", "7", extra=extra).output


def test_the_host_trng_differs_on_every_boot(builder: Builder) -> None:
    first, second = _draws(builder.run(APP)), _draws(builder.run(APP))
    for name in ("ENTROPY", "RAND32", "CSRAND"):
        assert first[name] != second[name], name


def test_generators_draw_distinct_numbers(builder: Builder) -> None:
    draws = _draws(builder.run(APP, "--entropy-seed", "7"))
    words = draws["RAND32"].split()
    assert len(set(words)) == 3
    assert len({draws["ENTROPY"], draws["CSRAND"]}) == 2


def test_the_test_generators_warn_and_ignore_the_entropy(builder: Builder) -> None:
    extra = ("insecure.conf",)
    first = builder.run(APP, "--entropy-seed", "7", extra=extra)
    other = builder.run(APP, "--entropy-seed", "8", extra=extra)
    assert INSECURE_WARNING in first.output
    # Timer-derived: the same "random" numbers whatever the TRNG says (they are drawn
    # before anything that depends on the entropy).
    assert _draws(first)["RAND32"] == _draws(other)["RAND32"]
    assert _draws(first)["ENTROPY"] != _draws(other)["ENTROPY"]
    assert [event for event in first.trace if event["event"] == "insecure_rng"]


def test_a_user_thread_needs_a_grant_for_the_entropy_device(builder: Builder) -> None:
    result = builder.run(APP, "--entropy-seed", "7")
    faults = {str(event["thread"]): event for event in result.events("fault")}
    assert faults["ungranted"]["reason"] == "K_ERR_KERNEL_OOPS"
    assert "device_entropy access denied (EPERM)" in str(faults["ungranted"]["description"])
    assert "granted" not in faults
    assert "USER entropy 0" in result.output


def test_a_bad_seed_is_a_usage_error(builder: Builder) -> None:
    result = builder.run(APP, "--entropy-seed", "0xzz")
    assert result.status == 2
    assert result.errors.strip() == (
        "levante: error: bad entropy seed '0xzz': use a decimal number or 0x-prefixed hex"
    )
