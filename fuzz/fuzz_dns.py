"""Fuzz the DNS codec: whatever decodes encodes back (uncompressed) to the same message."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from levante.codecs import dns

SEEDS = [
    dns.encode(dns.DnsMessage(identifier=1, recursion_desired=True, questions=(
        dns.Question(name="localhost", record_type=dns.RecordType.A),))),
    # An answer whose second name is a compression pointer to the first.
    bytes.fromhex("000181800001000100000000") + b"\x01a\x07example\x00\x00\x01\x00\x01"
    + b"\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x04\x01b\xc0\x0e",
]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    try:
        message = dns.decode(data)
    except dns.DnsError:
        return
    try:
        encoded = dns.encode(message)
    except dns.DnsError:
        return  # expanded names can outgrow the largest message
    again = dns.decode(encoded)
    if again != message:
        raise AssertionError(f"round trip changed {message!r} into {again!r}")


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
