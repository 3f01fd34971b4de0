"""Fuzz the UDP codec, checksum verified against a fixed pseudo-header."""

from __future__ import annotations

import dataclasses

import atheris

with atheris.instrument_imports():
    from levante.codecs import udp

SOURCE, DESTINATION = "192.0.2.1", "192.0.2.2"
SEEDS = [
    udp.encode(udp.UdpDatagram(source_port=40000, destination_port=5683, payload=b"x"),
               source=SOURCE, destination=DESTINATION),
    udp.encode(udp.UdpDatagram(source_port=1, destination_port=2)),
]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    try:
        udp.decode(data, source=SOURCE, destination=DESTINATION)
    except udp.UdpChecksumError:
        pass
    except udp.UdpError:
        return
    datagram = udp.decode(data)  # no checksum check: the rest of the parser still runs
    unsummed = dataclasses.replace(datagram, checksum=None)
    again = udp.decode(udp.encode(unsummed, source=SOURCE, destination=DESTINATION),
                       source=SOURCE, destination=DESTINATION)
    if dataclasses.replace(again, checksum=None) != unsummed:
        raise AssertionError(f"round trip changed {datagram!r} into {again!r}")


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
