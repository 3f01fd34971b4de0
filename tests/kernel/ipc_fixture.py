"""A mock system with an IPC endpoint of a small interface, for the IPC tests."""

from __future__ import annotations

from typing import Any

from mock_cpu import K_FOREVER, Args, MockSystem, Script, call

from levante.idl.checker import MessageChecker
from levante.idl.language import compile_idl
from levante.idl.wire import encode
from levante.kernel.objects.ipc_endpoint import IpcEndpoint

DOOR_IDL = """
enum mode { open, closed }
interface door @ 0x44 {
    method unlock(in code: u32, in who: string<8>, in m: mode, in fast: bool,
                  out ok: bool, out tries: u16);
    method give(in h: handle<transfer>, out h2: handle);
    method lend(in h: handle<signal>, out ok: bool);
    method pair(in a: handle<signal>, in b: handle<signal>, out ok: bool);
    method fetch(in want: u32, out h: handle<wait>);
}
"""
DOOR = compile_idl(DOOR_IDL, "door.idl")
DOOR_ID = 0x44
UNLOCK = DOOR["interfaces"][0]["methods"][0]
GIVE = DOOR["interfaces"][0]["methods"][1]
LEND, PAIR, FETCH = DOOR["interfaces"][0]["methods"][2:5]


def unlock_request(code: int = 7, who: str = "ann", m: str = "open",
                   fast: bool = True) -> bytes:
    return encode(DOOR_ID, UNLOCK, {"code": code, "who": who, "m": m, "fast": fast})


def unlock_reply(ok: bool = True, tries: int = 3) -> bytes:
    return encode(DOOR_ID, UNLOCK, {"ok": ok, "tries": tries}, reply=True)


class IpcSystem:
    """A MockSystem with one `door` endpoint, the checker installed, and message
    buffers in RAM."""

    def __init__(self, checker: bool = True, **config: Any) -> None:
        self.system = MockSystem(**config)
        self.endpoint = self.system._static("levante_ipc_endpoint", {"interface": DOOR_ID})
        self.checker = MessageChecker(DOOR) if checker else None

    def buffer(self, data: bytes = b"", size: int = 256) -> int:
        address = self.system.ram(size)
        self.system.cpu.write_memory(address, data.ljust(size, b"\0"))
        return address

    def read(self, address: int, size: int) -> bytes:
        return self.system.cpu.read_memory(address, size)

    def boot(self) -> None:
        kernel = self.system.kernel
        kernel.ipc_checker = self.checker


def serve_once(ipc: IpcSystem, results: dict[str, Any], reply: bytes,
                before_reply: Any = None) -> Any:
    """A server script: receive one call, record it, reply with `reply`."""

    def server(_: Args) -> Script:
        buffer, token = ipc.buffer(), ipc.buffer(size=4)
        length = yield call("z_levante_ipc_receive", ipc.endpoint, buffer, 256, token,
                            K_FOREVER)
        results["received"] = ipc.read(buffer, length) if length > 0 else length
        results["token"] = int.from_bytes(ipc.read(token, 4), "little")
        if before_reply is not None:
            yield from before_reply()
        out = ipc.buffer(reply)
        results["reply"] = yield call("z_levante_ipc_reply", ipc.endpoint,
                                      results["token"], out, len(reply))
    return server


def client_of(ipc: IpcSystem, results: dict[str, Any], request: bytes,
            timeout: int = K_FOREVER, key: str = "call") -> Any:
    def client(_: Args) -> Script:
        message, reply = ipc.buffer(request), ipc.buffer()
        length = yield call("z_levante_ipc_call", ipc.endpoint, message, len(request),
                            reply, 256, timeout)
        results[key] = length
        if length > 0:
            results[f"{key}_reply"] = ipc.read(reply, length)
    return client


def endpoint_state(ipc: IpcSystem) -> IpcEndpoint:
    return ipc.system.kernel.objects.unchecked(ipc.endpoint, IpcEndpoint)
