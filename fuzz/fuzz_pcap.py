"""Fuzz the pcap reader: any file yields records and record errors, or raises PcapError."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from levante.codecs import pcap

SEEDS = [
    pcap.write_pcap([(1, 2, bytes(60)), (3, 4, bytes(14))]),
    pcap.write_pcap([(1, 2, bytes(20))], nanoseconds=True, byte_order="big", snaplen=16),
]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    try:
        _, events = pcap.read_pcap(data)
    except pcap.PcapError:
        return
    for event in events:
        if isinstance(event, pcap.PcapRecord) and len(event.data) > pcap.MAX_RECORD_LENGTH:
            raise AssertionError("a record beyond the limit was returned")


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
