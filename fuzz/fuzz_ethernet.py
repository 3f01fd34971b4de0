"""Fuzz whole frames: the Ethernet codec, then every layer above it as `levante decode` does."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from levante.codecs import ethernet
    from levante.codecs.dissect import Dissector

_HEADER = bytes.fromhex("020000000002" "020000000001")
SEEDS = [
    _HEADER + bytes.fromhex("0806") + bytes.fromhex(
        "0001080006040001020000000001c000020100000000000"
        "0c0000202"),
    _HEADER + bytes.fromhex("0800") + bytes.fromhex(
        "4500002500010000401175a8c6336407c0000202"
        "9c4016330011f0a3" "400104d2b474656d70"),
]
_DISSECTOR = Dissector()


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    _DISSECTOR.frame(data)  # codec errors become an "error" entry; anything else escapes
    try:
        frame = ethernet.decode(data)
    except ethernet.EthernetError:
        return
    if ethernet.decode(ethernet.encode(frame)) != frame:
        raise AssertionError(f"round trip changed {frame!r}")


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
