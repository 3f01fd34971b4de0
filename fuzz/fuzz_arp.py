"""Fuzz the ARP codec."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from levante.codecs import arp

SEEDS = [arp.encode(arp.ArpPacket(
    operation=arp.ArpOperation.REQUEST, sender_mac="02:00:00:00:00:01",
    sender_ip="192.0.2.1", target_mac="00:00:00:00:00:00", target_ip="192.0.2.2"))]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    try:
        packet = arp.decode(data)
    except arp.ArpError:
        return
    if arp.decode(arp.encode(packet)) != packet:
        raise AssertionError(f"round trip changed {packet!r}")


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
