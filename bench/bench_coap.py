"""CoAP GET round trips (issue 16 §6): aiocoap's client asking a device's CoAP service
(tests/target/coap_server under `levante run --net user --forward udp:`) one request at a
time, vs the same client asking an aiocoap server on the host, in the same run. Needs no
root: the user-mode link relays the datagrams through host sockets."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time

import aiocoap
from aiocoap import Code, Message, resource

from bench.common import BUILD, REPO, Result
from levante.config import load_board
from levante.sdk.build import build

APP = REPO / "tests" / "target" / "coap_server"
REQUESTS = 200
PATIENCE_S = 120.0


def _free_port() -> int:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


async def _rate(uri: str) -> float:
    """GETs per second, one at a time, once the first has been answered."""
    context = await aiocoap.Context.create_client_context()
    try:
        started = time.monotonic()
        while True:
            try:
                await asyncio.wait_for(context.request(
                    Message(code=Code.GET, uri=uri)).response, 5)
                break
            except (TimeoutError, aiocoap.error.Error):
                if time.monotonic() - started > PATIENCE_S:
                    raise
        began = time.perf_counter()
        for _ in range(REQUESTS):
            await context.request(Message(code=Code.GET, uri=uri)).response
        return REQUESTS / (time.perf_counter() - began)
    finally:
        await context.shutdown()


class _Hello(resource.Resource):
    async def render_get(self, request: Message) -> Message:
        return Message(payload=b"hello")


async def _host_rate() -> float:
    site = resource.Site()
    site.add_resource(["test"], _Hello())
    port = _free_port()
    server = await aiocoap.Context.create_server_context(site, bind=("127.0.0.1", port))
    try:
        return await _rate(f"coap://127.0.0.1:{port}/test")
    finally:
        await server.shutdown()


def run() -> Result:
    build_dir = BUILD / "coap_server_lv_m4"
    build(APP, build_dir, load_board("lv_m4"))
    port = _free_port()
    device = subprocess.Popen(
        [sys.executable, "-m", "levante.cli", "run", str(build_dir), "--net", "user",
         "--forward", f"udp:{port}:5683", "--max-time", "3600s"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        device_rate = asyncio.run(_rate(f"coap://127.0.0.1:{port}/test"))
    finally:
        device.send_signal(signal.SIGINT)
        try:
            device.wait(timeout=60)
        except subprocess.TimeoutExpired:
            device.kill()
            device.wait()
    host_rate = asyncio.run(_host_rate())
    return Result(
        "coap_get_vs_aiocoap", device_rate / host_rate, 0.25, True,
        f"{device_rate:.0f} GET round trips/s to the device's service vs {host_rate:.0f}/s "
        f"to an aiocoap server on the host (aiocoap's client, {REQUESTS} in turn)",
    )
