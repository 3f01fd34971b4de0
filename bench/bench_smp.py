"""SMP upload throughput: smpclient uploading a signed 64 KiB image to a running device
(samples/mgmt/smp_svr, `levante run --net user --forward udp:`) vs the same client and
upload to a host-side SMP server on loopback that only keeps the bytes (the transport
and client floor: the codec, CBOR and UDP without the device, its network stack and its
flash)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import cast

from smpclient import SMPClient
from smpclient.generics import success
from smpclient.requests.os_management import EchoWrite
from smpclient.transport.udp import SMPUDPTransport

from bench.common import BUILD, REPO, Result
from levante.boot import ImageVersion, SignOptions, development_signing_key, sign_image
from levante.codecs import smp
from levante.config import load_board
from levante.sdk.build import build

IMAGE_BYTES = 64 * 1024
UPLOADS = 5
READY_TRIES = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _HostReference(asyncio.DatagramProtocol):
    """An SMP server on the host that answers uploads and echoes, and keeps nothing."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, address: tuple[str, int]) -> None:
        frame = smp.decode(data)
        body = frame.body
        if (frame.header.group, frame.header.command) == (1, 1):
            offset, chunk = body["off"], body["data"]
            assert isinstance(offset, int) and isinstance(chunk, bytes)
            answer: dict[str, smp.SmpValue] = {"off": offset + len(chunk)}
        elif (frame.header.group, frame.header.command) == (0, 6):
            answer = {"buf_size": 2048, "buf_count": 2}
        else:
            answer = {"r": body.get("d", "")}
        self.transport.sendto(smp.encode(frame.header.response(0), answer), address)


def _wait_listening(port: int) -> None:
    """Until something listens on the UDP port (the run's forward is open)."""
    for _ in range(READY_TRIES * 10):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on UDP port {port}")


async def _client(port: int) -> SMPClient:
    transport = SMPUDPTransport()
    connect = transport.connect
    transport.connect = lambda address, timeout: connect(address, timeout,  # type: ignore
                                                         port=port)
    client = SMPClient(transport, "127.0.0.1")
    await client.connect(5)
    for _ in range(READY_TRIES):
        try:
            if success(await client.request(EchoWrite(d="up?"), 1)):
                return client
        except TimeoutError:
            continue
    raise RuntimeError("the SMP server never answered")


async def _throughput(port: int, image: bytes) -> float:
    """Bytes per second of UPLOADS uploads of `image`, best of them."""
    client = await _client(port)
    best = float("inf")
    for _ in range(UPLOADS):
        start = time.perf_counter()
        async for _offset in client.upload(image):
            pass
        best = min(best, time.perf_counter() - start)
    await client.disconnect()
    return len(image) / best


async def _host_throughput(image: bytes) -> float:
    loop = asyncio.get_running_loop()
    port = _free_port()
    transport, _ = await loop.create_datagram_endpoint(_HostReference,
                                                       local_addr=("127.0.0.1", port))
    try:
        return await _throughput(port, image)
    finally:
        transport.close()


def run() -> Result:
    build_dir = BUILD / "smp_svr_lv_m4"
    build(REPO / "samples" / "mgmt" / "smp_svr", build_dir, load_board("lv_m4"))
    image = sign_image(os.urandom(IMAGE_BYTES), development_signing_key(),
                       SignOptions(version=ImageVersion(2), pad_header=True,
                                   header_size=0x200, security_counter=2))
    port = _free_port()
    with tempfile.TemporaryDirectory() as flash:
        device = subprocess.Popen(
            [sys.executable, "-m", "levante.cli", "run", str(build_dir), "--flash-dir",
             flash, "--net", "user", "--forward", f"udp:{port}:1337"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_listening(port)
            ours = asyncio.run(_throughput(port, image))
        finally:
            device.send_signal(signal.SIGINT)
            device.wait(timeout=60)
    host = asyncio.run(_host_throughput(image))
    return Result(
        "smp_upload_vs_host_reference", ours / host, 0.15, True,
        f"64 KiB signed image uploaded by smpclient over UDP (1472-octet datagrams): "
        f"device {ours / 1024:.0f} KiB/s (user link, NOR flash programmed) vs a host SMP "
        f"server on loopback keeping nothing {host / 1024:.0f} KiB/s")


if __name__ == "__main__":
    print(run().details, Path(__file__).name)
