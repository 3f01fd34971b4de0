"""SMP over the console UART: requests framed by the `smp` client library on the
console's input, responses read back from its output; an update through it boots."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import cbor2
from smp import packet
from smp.image_management import (
    ImageStatesReadRequest,
    ImageStatesWriteRequest,
    ImageUploadWriteRequest,
)
from smp.os_management import EchoWriteRequest, ResetWriteRequest

from conftest import Builder
from levante.boot.image import TLV_SHA256, parse_image

APP = Path(__file__).resolve().parent / "smp_serial_app"
CHUNK = 200  # upload data per frame: a frame fits the 384-octet serial buffer


def lines(request: bytes) -> bytes:
    return b"".join(packet.encode(request))


def responses(console: bytes) -> list[dict[str, object]]:
    """The bodies of the SMP responses among the console's output lines."""
    bodies = []
    pending: list[bytes] = []
    for line in console.splitlines(keepends=True):
        if line.startswith(b"\x06\x09"):
            pending = [line]
        elif line.startswith(b"\x04\x14") and pending:
            pending.append(line)
        else:
            continue
        decoder = packet.decode()
        next(decoder)
        for part in pending:
            try:
                decoder.send(part)
            except StopIteration as done:
                bodies.append(cbor2.loads(bytes(done.value)[8:]))
                pending = []
                break
    return bodies


def run(build: Path, flash: Path, known: Path, console_input: bytes,
        trace: Path | None = None) -> bytes:
    tracing = ["--trace", str(trace)] if trace is not None else []
    result = subprocess.run(
        [sys.executable, "-m", "levante.cli", "run", str(build), "--flash-dir", str(flash),
         "--known-build", str(known), "--max-time", "20s", *tracing],
        input=console_input, capture_output=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_update_over_the_console(builder: Builder, tmp_path: Path) -> None:
    build = builder.build(APP)
    update_build = builder.build(APP, extra=("v2.conf",))
    update = (update_build / "levante.signed.bin").read_bytes()
    digest = parse_image(update).find(TLV_SHA256)[0].value
    requests = [bytes(EchoWriteRequest(d="over the wire"))]
    for offset in range(0, len(update), CHUNK):
        first = offset == 0
        requests.append(bytes(ImageUploadWriteRequest(
            off=offset, data=update[offset:offset + CHUNK],
            len=len(update) if first else None,
            sha=hashlib.sha256(update).digest() if first else None)))
    requests += [bytes(ImageStatesWriteRequest(hash=digest)), bytes(ResetWriteRequest()),
                 bytes(ImageStatesReadRequest())]
    typed = b"not for SMP\n" + b"".join(lines(request) for request in requests)
    trace = tmp_path / "trace.jsonl"
    output = run(build, tmp_path / "flash", update_build, typed, trace)
    answers = responses(output)
    assert answers[0] == {"r": "over the wire"}
    uploads = answers[1:-3]
    assert uploads[-1] == {"off": len(update), "match": True}
    assert answers[-3]["images"][1]["pending"] is True
    assert answers[-2] == {}
    # After the reset: the boot stage swapped the update in, and it answers.
    assert answers[-1]["images"][0]["version"] == "2.0.0"
    assert b"levante-boot: image 0: swapping (TEST)" in output
    assert b"smp_svr: running version 2.0.0+0" in output
    # One service_message per command, in order, each for the console's peer.
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    judged = [(event["action"], event["peer"]) for event in events
              if event["event"] == "service_message"]
    uploads_sent = len(requests) - 4
    assert judged == [(action, "uart") for action in (
        ["os.echo"] + ["image.upload"] * uploads_sent + ["image.state", "os.reset",
                                                         "image.state"])]


def test_broken_serial_packets_are_dropped_and_the_next_one_served(
        builder: Builder, tmp_path: Path) -> None:
    build = builder.build(APP)
    echo = lines(bytes(EchoWriteRequest(d="fine")))
    corrupt = bytearray(echo)
    corrupt[6] = ord("B") if corrupt[6] != ord("B") else ord("C")
    oversized = b"\x06\x09" + b"//8A" + b"\n"  # a packet of 65535 octets announced
    typed = bytes(corrupt) + oversized + b"\x06\x09" + b"A" * 300 + b"\n" + echo
    output = run(build, tmp_path / "flash", builder.build(APP, extra=("v2.conf",)),
                 typed)
    assert responses(output) == [{"r": "fine"}]
