"""smpclient (from PyPI) drives a running device over `--net user --forward udp:`:
list images, upload a signed image, test it, reset into it, revert, confirm; hostile
datagrams and refused images leave the device serving; the trace shows each command."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cbor2
import pytest
from smpclient import SMPClient
from smpclient.exceptions import SMPBadSequence
from smpclient.generics import error, success
from smpclient.requests.image_management import ImageStatesRead, ImageStatesWrite
from smpclient.requests.os_management import EchoWrite, ResetWrite
from smpclient.transport.udp import SMPUDPTransport

from conftest import Builder

APP = Path(__file__).resolve().parent / "smp_app"
READY_TRIES = 60  # one-second echo attempts while the device boots


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningDevice:
    process: subprocess.Popen[bytes]
    port: int
    console_path: Path
    trace_path: Path

    def console(self) -> str:
        return self.console_path.read_text(errors="replace")

    def stop(self) -> list[dict[str, object]]:
        """End the run as Ctrl-C does; the trace's events."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=60)
        return [json.loads(line) for line in self.trace_path.read_text().splitlines()]


@pytest.fixture
def device(builder: Builder, tmp_path: Path) -> Iterator[RunningDevice]:
    build = builder.build(APP)
    known = [builder.build(APP, extra=(name,)) for name in ("v2.conf", "own_key.conf")]
    port = free_udp_port()
    console = tmp_path / "console.txt"
    trace = tmp_path / "trace.jsonl"
    command = [sys.executable, "-m", "levante.cli", "run", str(build), "--flash-dir",
               str(tmp_path / "flash"), "--net", "user", "--forward", f"udp:{port}:1337",
               "--trace", str(trace)]
    for other in known:
        command += ["--known-build", str(other)]
    with console.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=os.environ.copy())
    running = RunningDevice(process, port, console, trace)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def connect(port: int) -> SMPClient:
    transport = SMPUDPTransport()
    connect_to = transport.connect
    transport.connect = lambda address, timeout: connect_to(address, timeout,  # type: ignore
                                                            port=port)
    client = SMPClient(transport, "127.0.0.1")
    await client.connect(5)
    return client


async def wait_ready(client: SMPClient) -> None:
    for _ in range(READY_TRIES):
        try:
            if success(await client.request(EchoWrite(d="up?"), 1)):
                return
        except (TimeoutError, SMPBadSequence):
            # A try the device answers after its timeout (a request that waited out a
            # reset, or a loaded machine) would be read as the next try's answer: the
            # next try goes from a new socket, which no late answer reaches.
            await client.disconnect()
            await client.connect(5)
    raise AssertionError("the device never answered")


async def running_images(client: SMPClient) -> list[tuple[int, str, bool, bool]]:
    """(slot, version, active, confirmed) of each image."""
    response = await client.request(ImageStatesRead(), 5)
    assert success(response), response
    return [(image.slot, image.version, bool(image.active), bool(image.confirmed))
            for image in response.images]


async def reset_and_wait(client: SMPClient) -> None:
    assert success(await client.request(ResetWrite(), 5))
    await asyncio.sleep(1)  # past the reset delay, so the old boot cannot answer
    await wait_ready(client)


async def upload(client: SMPClient, image: bytes, upgrade: bool = False) -> int:
    offsets = [offset async for offset in client.upload(image, upgrade=upgrade)]
    return offsets[-1]


async def secondary_hash(client: SMPClient) -> bytes:
    response = await client.request(ImageStatesRead(), 5)
    assert success(response)
    [secondary] = [image for image in response.images if image.slot == 1]
    assert secondary.hash is not None
    return bytes(secondary.hash)


def test_update_test_revert_and_confirm_with_smpclient(builder: Builder,
                                                       device: RunningDevice) -> None:
    update = (builder.build(APP, extra=("v2.conf",)) / "levante.signed.bin").read_bytes()

    async def scenario() -> None:
        client = await connect(device.port)
        await wait_ready(client)
        assert await running_images(client) == [(0, "1.0.0", True, True)]
        assert await upload(client, update) == len(update)
        wanted = await secondary_hash(client)
        tested = await client.request(ImageStatesWrite(hash=wanted), 5)
        assert success(tested) and tested.images[1].pending
        await reset_and_wait(client)
        # The boot stage swapped it in: running, not yet confirmed.
        assert await running_images(client) == [(0, "2.0.0", True, False),
                                                 (1, "1.0.0", False, True)]
        await reset_and_wait(client)  # not confirmed: the boot stage reverts
        assert (await running_images(client))[0] == (0, "1.0.0", True, True)
        assert success(await client.request(ImageStatesWrite(hash=wanted), 5))
        await reset_and_wait(client)
        confirmed = await client.request(ImageStatesWrite(confirm=True), 5)
        assert success(confirmed) and confirmed.images[0].confirmed
        await reset_and_wait(client)
        assert (await running_images(client))[0] == (0, "2.0.0", True, True)
        await client.disconnect()

    asyncio.run(scenario())
    events = device.stop()
    console = device.console()
    assert console.count("levante-boot: image 0: swapping (TEST)") == 2
    assert "levante-boot: image 0: test image not confirmed: reverting" in console
    boots = [line.split()[-1] for line in console.splitlines()
             if line.startswith("smp_svr: running version")]
    assert boots == ["1.0.0+0", "2.0.0+0", "1.0.0+0", "2.0.0+0", "2.0.0+0"]
    actions = [event["action"] for event in events if event["event"] == "service_message"]
    assert actions.count("os.reset") == 4 and "image.upload" in actions
    assert all(event["verdict"] == "allow" and event["thread"] == "mcumgr"
               for event in events if event["event"] == "service_message")


def smp_frame(body: bytes, group: int = 0, command: int = 0, length: int | None = None,
              first: int = 0x0A) -> bytes:
    size = len(body) if length is None else length
    return bytes([first, 0]) + size.to_bytes(2, "big") + group.to_bytes(2, "big") + \
        bytes([1, command]) + body


def test_hostile_datagrams_and_refused_images_leave_the_device_serving(
        builder: Builder, device: RunningDevice) -> None:
    foreign = (builder.build(APP, extra=("own_key.conf",)) / "levante.signed.bin").read_bytes()
    older = (builder.build(APP, extra=("v0_5.conf",)) / "levante.signed.bin").read_bytes()
    hostile = [
        smp_frame(b"\xa0", length=0xFFFF),  # a length past the datagram
        smp_frame(b"\x41" * 3000),  # over the 2048-octet buffer
        smp_frame(b"\xa1\x61d" + b"\x81" * 40 + b"\x00"),  # nested past the bound
        smp_frame(b"\xa1\x61d\x5a\xff\xff\xff\xf0"),  # a string longer than the frame
        smp_frame(b"\xa1\x61d\xc1\x00"),  # a tag
        b"\x0a\x00",  # no header
    ]

    async def scenario() -> None:
        client = await connect(device.port)
        await wait_ready(client)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as raw:
            raw.settimeout(5)
            for datagram in hostile:
                raw.sendto(datagram, ("127.0.0.1", device.port))
            # The body errors are answered (rc 3, EINVAL); the rest is dropped.
            answers = [cbor2.loads(raw.recv(2048)[8:]) for _ in range(3)]
        assert answers == [{"rc": 3}] * 3
        # An older image with upgrade-only: refused at its first chunk.
        with pytest.raises(Exception, match="CURRENT_VERSION_IS_NEWER"):
            await upload(client, older, upgrade=True)
        # A truncated image: the upload is refused at its end.
        truncated = foreign[:-64]
        with pytest.raises(Exception, match="NO_IMAGE|INVALID_HASH"):
            await upload(client, truncated)
        # An image signed with a key the boot stage does not trust: it uploads and can
        # be marked for test, but the boot stage refuses it.
        assert await upload(client, foreign) == len(foreign)
        assert success(await client.request(ImageStatesWrite(
            hash=await secondary_hash(client)), 5))
        await reset_and_wait(client)
        assert (await running_images(client))[0] == (0, "1.0.0", True, True)
        response = await client.request(EchoWrite(d="still here"), 5)
        assert success(response) and response.r == "still here"
        assert not error(response)
        await client.disconnect()

    asyncio.run(scenario())
    events = device.stop()
    refused = [event for event in events if event["event"] == "smp_refused"]
    assert len(refused) >= len(hostile)
    assert "smp_svr: running version 3.0.0" not in device.console()
