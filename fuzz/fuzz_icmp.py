"""Fuzz ICMP: decoding, and echo replies built from requests carrying fuzzed IP options."""

from __future__ import annotations

import dataclasses

import atheris

with atheris.instrument_imports():
    from levante.codecs import icmp, ipv4
    from levante.codecs.checksum import internet_checksum

_REQUEST = icmp.encode(icmp.IcmpEcho(type=8, identifier=1, sequence=1, payload=b"ping"))
SEEDS = [
    _REQUEST,
    icmp.encode(icmp.IcmpMessage(type=3, code=1, payload=bytes(28))),
    # An options area (fed to the echo-reply path): record route and timestamp.
    bytes.fromhex("070b08c633640100000000" "01" "440c0501" "0000000000000000"),
]


def with_valid_checksum(data: bytes) -> bytes:
    if len(data) < 4:
        return data
    patched = bytearray(data)
    patched[2:4] = b"\x00\x00"
    patched[2:4] = internet_checksum(patched).to_bytes(2, "big")
    return bytes(patched)


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    try:
        message = icmp.decode(with_valid_checksum(data))
    except icmp.IcmpError:
        pass
    else:
        unsummed = dataclasses.replace(message, checksum=None)
        again = icmp.decode(icmp.encode(unsummed))
        if dataclasses.replace(again, checksum=None) != unsummed:
            raise AssertionError(f"round trip changed {message!r} into {again!r}")
    # The same bytes as an options area of an echo request: the reply path must refuse
    # bad pointers with an error, never index outside the option.
    area = data[:40] + bytes(-len(data[:40]) % 4)
    header = bytearray(ipv4.encode(ipv4.Ipv4Packet(
        protocol=1, source="198.51.100.7", destination="192.0.2.2", payload=_REQUEST)))
    header[0] = 0x40 | (20 + len(area)) // 4
    header[2:4] = (len(header) + len(area)).to_bytes(2, "big")
    header[10:12] = b"\x00\x00"
    raw = bytes(header[:20]) + area
    raw = raw[:10] + internet_checksum(raw).to_bytes(2, "big") + raw[12:] + _REQUEST
    try:
        request = ipv4.decode(raw)
        ipv4.decode(ipv4.encode(icmp.echo_reply_for(request, timestamp=1)))
    except (ipv4.Ipv4Error, icmp.IcmpError):
        return


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
