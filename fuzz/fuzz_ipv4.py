"""Fuzz the IPv4 codec: any bytes either decode (and survive a round trip) or raise Ipv4Error."""

from __future__ import annotations

import dataclasses

import atheris

with atheris.instrument_imports():
    from levante.codecs import ipv4
    from levante.codecs import ipv4_options as opt
    from levante.codecs.checksum import internet_checksum

SEEDS = [
    ipv4.encode(ipv4.Ipv4Packet(protocol=17, source="192.0.2.1", destination="192.0.2.2",
                                payload=b"payload")),
    ipv4.encode(ipv4.Ipv4Packet(
        protocol=1, source="192.0.2.1", destination="192.0.2.2", more_fragments=True,
        options=(opt.RecordRoute(pointer=4, addresses=("0.0.0.0",)),
                 opt.Timestamp(pointer=5, overflow=0,
                               flag=opt.TimestampFlag.ADDRESS_AND_TIMESTAMP,
                               entries=(opt.TimestampEntry(address="0.0.0.0", timestamp=0),)),
                 opt.LooseSourceRoute(pointer=4, addresses=("192.0.2.9",)),
                 opt.EndOfOptionList()))),
]


def with_valid_checksum(data: bytes) -> bytes:
    """Patch the header checksum so mutations reach the code behind it."""
    if len(data) < 20:
        return data
    header_length = min(max((data[0] & 0x0F) * 4, 20), len(data))
    patched = bytearray(data)
    patched[10:12] = b"\x00\x00"
    patched[10:12] = internet_checksum(patched[:header_length]).to_bytes(2, "big")
    return bytes(patched)


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    try:
        packet = ipv4.decode(with_valid_checksum(data),
                             interface=ipv4.Interface(addresses=("192.0.2.2",)))
    except ipv4.Ipv4Error:
        return
    unsummed = dataclasses.replace(packet, checksum=None)
    again = ipv4.decode(ipv4.encode(unsummed))
    if dataclasses.replace(again, checksum=None) != unsummed:
        raise AssertionError(f"round trip changed {packet!r} into {again!r}")


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
