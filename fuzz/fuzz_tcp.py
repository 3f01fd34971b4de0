"""Fuzz the TCP codec: headers and options (decoded without a checksum check)."""

from __future__ import annotations

import dataclasses

import atheris

with atheris.instrument_imports():
    from levante.codecs import tcp
    from levante.codecs import tcp_options as opt

SOURCE, DESTINATION = "192.0.2.1", "192.0.2.2"
SEEDS = [
    tcp.encode(tcp.TcpSegment(
        source_port=40000, destination_port=1883, flags=("SYN",),
        options=(opt.MaximumSegmentSize(value=1460), opt.SackPermitted(),
                 opt.Timestamps(value=1, echo_reply=0), opt.NoOperation(),
                 opt.WindowScale(shift=7))), source=SOURCE, destination=DESTINATION),
    tcp.encode(tcp.TcpSegment(
        source_port=1883, destination_port=40000, flags=("ACK",),
        options=(opt.NoOperation(), opt.NoOperation(), opt.Sack(blocks=((1, 2), (5, 9)))),
        payload=b"\xc0\x00"), source=SOURCE, destination=DESTINATION),
]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    try:
        segment = tcp.decode(data)
    except tcp.TcpError:
        return
    unsummed = dataclasses.replace(segment, checksum=None)
    encoded = tcp.encode(unsummed, source=SOURCE, destination=DESTINATION)
    again = tcp.decode(encoded, source=SOURCE, destination=DESTINATION)
    if dataclasses.replace(again, checksum=None) != unsummed:
        raise AssertionError(f"round trip changed {segment!r} into {again!r}")


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
