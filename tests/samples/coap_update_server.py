"""CoAP servers on the host's loopback for the CoAP download tests: aiocoap serving one
image block-wise (RFC 7959 Block2, as the device asks for it) or answering with an
error code, and a scripted server that bends the block-wise rules (a smaller block
size mid-transfer, a larger one, a block other than the one asked for, repeated
responses, silence after some blocks)."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass

import aiocoap
from aiocoap import Code, Message, resource

from levante.codecs.coap import CoapMessage, CoapOption, MessageType, decode, encode

IMAGE_PATH = "levante.signed.bin"
BLOCK2 = 23
URI_PATH = 11
CONTENT = 0x45  # 2.05


class ImageResource(resource.Resource):
    """GET answers the image (aiocoap cuts it into the blocks the client asks for), or
    the error code set."""

    def __init__(self) -> None:
        super().__init__()
        self.image = b""
        self.code = Code.CONTENT
        self.requests = 0

    async def render_get(self, request: Message) -> Message:
        self.requests += 1
        if self.code != Code.CONTENT:
            return Message(code=self.code)
        return Message(payload=self.image)


class AiocoapImageServer:
    """aiocoap on 127.0.0.1:`port`, in a thread of its own, serving IMAGE_PATH."""

    def __init__(self) -> None:
        self.resource = ImageResource()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        if not self.ready.wait(30):
            raise RuntimeError("aiocoap did not start")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self.ready.set()
        self.loop.run_forever()

    async def _start(self) -> None:
        site = resource.Site()
        site.add_resource([IMAGE_PATH], self.resource)
        self.context = await aiocoap.Context.create_server_context(
            site, bind=("127.0.0.1", self.port))

    def serve(self, image: bytes, code: Code = Code.CONTENT) -> None:
        self.resource.image, self.resource.code, self.resource.requests = image, code, 0

    @property
    def requests(self) -> int:
        """GETs that reached the resource (each block is one)."""
        return self.resource.requests

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.context.shutdown(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)


@dataclass
class Script:
    """How the scripted server bends the rules; all off is a well-behaved server."""

    shrink_to: int | None = None  # from the second block on, blocks of this size
    larger: bool = False  # label blocks as twice the size asked for
    skip_at: int | None = None  # asked for this block number, answer the next one
    repeat: bool = False  # every answer twice, then the previous answer again
    separate: bool = False  # an empty ACK, then the answer as a separate CON response
    silent_after: int | None = None  # answer this many requests, then nothing


def block_option(number: int, more: bool, size: int) -> bytes:
    """RFC 7959 §2.2: NUM, M and SZX (size = 2 ** (SZX + 4)), in as few bytes as fit."""
    value = (number << 4) | (0x08 if more else 0) | (size.bit_length() - 5)
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big") if value else b""


def parse_block(value: bytes) -> tuple[int, int]:
    """A Block2 option's (NUM, block size)."""
    number = int.from_bytes(value, "big")
    return number >> 4, 2 ** ((number & 0x07) + 4)


class ScriptedImageServer:
    """A raw UDP CoAP server for IMAGE_PATH that answers each Block2 GET as `script`
    says; records the block numbers asked for."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        self.image = b""
        self.script = Script()
        self.asked: list[tuple[int, int]] = []
        self.next_id = 0x4000
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def serve(self, image: bytes, script: Script) -> None:
        self.image, self.script = image, script
        self.asked.clear()

    def _answer(self, request: CoapMessage) -> bytes | None:
        """The response to `request` (piggybacked, or separate with its own message
        ID), or None for silence."""
        path = b"/".join(option.value for option in request.options
                         if option.number == URI_PATH)
        block = next((option.value for option in request.options
                      if option.number == BLOCK2), b"")
        number, size = parse_block(block)
        self.asked.append((number, size))
        script = self.script
        if path.decode() != IMAGE_PATH or \
                (script.silent_after is not None and len(self.asked) > script.silent_after):
            return None
        start = number * size
        if script.shrink_to is not None and start > 0:
            size = script.shrink_to
            number = start // size
        if script.skip_at is not None and number == script.skip_at:
            number += 1
        start = number * size
        chunk = self.image[start:start + size]
        more = start + size < len(self.image)
        if script.larger:
            # Labelled as twice the size asked for (the payload still the size asked,
            # so that the datagram fits the client's buffer).
            size, number = size * 2, start // (size * 2)
        kind, message_id = MessageType.ACKNOWLEDGEMENT, request.message_id
        if script.separate:
            self.next_id += 1
            kind, message_id = MessageType.CONFIRMABLE, self.next_id
        return encode(CoapMessage(
            kind, CONTENT, message_id, request.token,
            (CoapOption(BLOCK2, block_option(number, more, size)),), chunk))

    def _serve(self) -> None:
        previous: bytes | None = None
        while True:
            try:
                data, peer = self.sock.recvfrom(2048)
            except OSError:
                return
            request = decode(data)
            if request.code == 0:
                continue  # the client's ACK of a separate response
            answer = self._answer(request)
            if answer is None:
                continue
            if self.script.separate:  # RFC 7252 §5.2.2: the request acknowledged first
                self.sock.sendto(encode(CoapMessage(MessageType.ACKNOWLEDGEMENT, 0,
                                                    request.message_id)), peer)
            self.sock.sendto(answer, peer)
            if self.script.repeat:
                # A copy of this answer, and a late copy of the one before (its message
                # ID answers an earlier request): neither may be taken twice.
                self.sock.sendto(answer, peer)
                if previous is not None:
                    self.sock.sendto(previous, peer)
            previous = answer

    def close(self) -> None:
        self.sock.close()
