"""The CoAP client on the device (tests/target/coap_client: coap_client_req) against an
aiocoap server on the host, through `--net user` (the gateway stands for the host's
loopback): a confirmable GET, a non-confirmable PUT, a Block2 body fetched block by
block, a Block1 upload, an observation with its notifications, a hostile server whose
malformed responses (the CVE-2020-10063 option overflow, a Block2 with SZX 7) are
dropped while the request is retransmitted until a good one comes, and a silent server
that ends in -ETIMEDOUT after RFC 7252's retransmissions."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiocoap
import pytest
from aiocoap import Code, Message, resource
from coap_device import Device, free_udp_port, start_device

from conftest import TARGET_TESTS, Builder
from levante.codecs.coap import CoapMessage, CoapOption, MessageType, decode, encode

APP = TARGET_TESTS / "coap_client"
BIG = bytes(ord("a") + i % 26 for i in range(700))


@dataclass
class Seen:
    stored: list[bytes] = field(default_factory=list)
    uploads: list[bytes] = field(default_factory=list)


class Hello(resource.Resource):
    async def render_get(self, request: Message) -> Message:
        return Message(payload=b"world")


class Store(resource.Resource):
    def __init__(self, seen: Seen) -> None:
        super().__init__()
        self.seen = seen

    async def render_put(self, request: Message) -> Message:
        self.seen.stored.append(request.payload)
        return Message(code=Code.CHANGED)


class Big(resource.Resource):
    async def render_get(self, request: Message) -> Message:
        return Message(payload=BIG)


class Upload(resource.Resource):
    def __init__(self, seen: Seen) -> None:
        super().__init__()
        self.seen = seen

    async def render_post(self, request: Message) -> Message:
        self.seen.uploads.append(request.payload)
        return Message(code=Code.CHANGED)


class Counter(resource.ObservableResource):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    async def tick(self) -> None:
        while True:
            await asyncio.sleep(0.3)
            self.count += 1
            self.updated_state()

    async def render_get(self, request: Message) -> Message:
        return Message(payload=b"count %d" % self.count)


class AiocoapServer:
    """An aiocoap server on 127.0.0.1 in a thread of its own."""

    def __init__(self) -> None:
        self.port = free_udp_port()
        self.seen = Seen()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(30)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self.ready.set()
        self.loop.run_forever()

    async def _start(self) -> None:
        site = resource.Site()
        counter = Counter()
        site.add_resource(["hello"], Hello())
        site.add_resource(["store"], Store(self.seen))
        site.add_resource(["big"], Big())
        site.add_resource(["upload"], Upload(self.seen))
        site.add_resource(["obs"], counter)
        self.context = await aiocoap.Context.create_server_context(
            site, bind=("127.0.0.1", self.port))
        self.ticker = asyncio.ensure_future(counter.tick())

    def close(self) -> None:
        async def stop() -> None:
            self.ticker.cancel()
            await self.context.shutdown()
        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)


class HostileServer:
    """Answers each request for /evil with a malformed response carrying its token and
    message ID (an option delta overflow, then a Block2 with SZX 7), then a good one."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(2048)
            except OSError:
                return
            request = decode(data)
            self.requests += 1
            head = bytes((0x60 | len(request.token), 0x45)) + data[2:4] + request.token
            if self.requests == 1:
                answer = head + bytes((0xE0, 0xFE, 0xF0, 0xE0, 0xFE, 0xF0))
            elif self.requests == 2:
                answer = head + bytes((0xD1, 0x0A, 0x07, 0xFF)) + b"bad"
            else:
                answer = encode(CoapMessage(MessageType.ACKNOWLEDGEMENT, 0x45,
                                            request.message_id, request.token,
                                            (CoapOption(12, b""),), b"fine"))
            self.sock.sendto(answer, peer)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(params=["lv_m4", "lv_m33"])
def board(request: pytest.FixtureRequest) -> Iterator[str]:
    yield str(request.param)


def test_the_client_against_aiocoap_and_a_hostile_server(
        board: str, builder: Builder, tmp_path: Path) -> None:
    server, hostile, silent = AiocoapServer(), HostileServer(), free_udp_port()
    device: Device | None = None
    try:
        device = start_device(builder.build(APP, board=board), (), tmp_path / "trace.jsonl",
                              console=f"{server.port} {hostile.port} {silent}\n")
        device.wait_for("client done")
        device.stop()
    finally:
        server.close()
        hostile.close()
    output = device.output
    assert "client done" in output, output + device.errors
    assert "hello says world" in output
    assert "store: code 68" in output  # 2.04 Changed, to a NON request
    assert server.seen.stored == [b"abc"]
    assert "big: 700 bytes" in output
    assert output.count("big: code 69") == 3  # three 256-byte Block2 blocks
    assert "upload: code 68" in output
    assert server.seen.uploads == [bytes(ord("A") + i % 26 for i in range(600))]
    # Three notifications, then coap_client_cancel_requests ends it with -ECANCELED.
    assert output.count("obs: code 69") == 3
    assert "obs: code -140 offset 0 len 0 last" in output
    assert "evil: code 69 says fine" in output
    assert hostile.requests == 3  # two malformed answers dropped, the request sent again
    assert "silent: code -116" in output  # -ETIMEDOUT after the retransmissions
    responses = [event for event in device.events if event["event"] == "service_message"
                 and event["thread"] == "coap_client"]
    assert {event["action"] for event in responses} >= {"response"}
    refused = [event for event in device.events if event["event"] == "coap_refused"]
    assert len(refused) == 2
