"""IPC under attack (mock CPU): a server of several endpoints at once, nested calls,
and the priority it runs at through them."""

from __future__ import annotations

from typing import Any

from ipc_fixture import DOOR_ID, IpcSystem, unlock_reply, unlock_request
from mock_cpu import K_FOREVER, Args, Script, call


def _client(ipc: IpcSystem, endpoint: int, results: dict[str, Any], key: str) -> Any:
    def client(_: Args) -> Script:
        request = unlock_request()
        message, reply = ipc.buffer(request), ipc.buffer()
        results[key] = yield call("z_levante_ipc_call", endpoint, message, len(request),
                                  reply, 256, K_FOREVER)
    return client


def test_a_server_of_two_endpoints_keeps_inheriting_and_restores_its_own_priority() -> None:
    """Serving calls on two endpoints at once: answering one must leave the server at
    the other's client priority, and answering both at its own, never above it."""
    ipc = IpcSystem()
    second = ipc.system._static("levante_ipc_endpoint", {"interface": DOOR_ID})
    results: dict[str, Any] = {}
    seen: list[int] = []

    def server(_: Args) -> Script:
        tokens = []
        for endpoint in (ipc.endpoint, second):
            buffer, token = ipc.buffer(), ipc.buffer(size=4)
            yield call("z_levante_ipc_receive", endpoint, buffer, 256, token, K_FOREVER)
            tokens.append(int.from_bytes(ipc.read(token, 4), "little"))
            seen.append(ipc.system.thread_named("server").priority)
        out = ipc.buffer(unlock_reply())
        for endpoint, token in zip((ipc.endpoint, second), tokens, strict=True):
            yield call("z_levante_ipc_reply", endpoint, token, out, len(unlock_reply()))
            seen.append(ipc.system.thread_named("server").priority)

    ipc.system.thread("server", server, 10)
    ipc.system.thread("urgent", _client(ipc, ipc.endpoint, results, "urgent"), 4)
    ipc.system.thread("later", _client(ipc, second, results, "later"), 6)
    ipc.boot()
    ipc.system.run(until=1_000_000)
    assert results == {"urgent": len(unlock_reply()), "later": len(unlock_reply())}
    assert seen == [4, 4, 6, 10]


def test_a_server_that_sets_its_own_priority_while_serving_keeps_it_after() -> None:
    """k_thread_priority_set while serving is the thread's new own priority: the end of
    the service must not put back the one it had before (found by test_ipc_fuzz_mock)."""
    ipc = IpcSystem()
    results: dict[str, Any] = {}
    seen: list[int] = []

    def server(_: Args) -> Script:
        buffer, token = ipc.buffer(), ipc.buffer(size=4)
        yield call("z_levante_ipc_receive", ipc.endpoint, buffer, 256, token, K_FOREVER)
        me = ipc.system.thread_named("server")
        seen.append(me.priority)
        yield call("k_thread_priority_set", me.address, 12)
        out = ipc.buffer(unlock_reply())
        yield call("z_levante_ipc_reply", ipc.endpoint,
                   int.from_bytes(ipc.read(token, 4), "little"), out, len(unlock_reply()))
        seen.append(me.priority)

    ipc.system.thread("server", server, 9)
    ipc.system.thread("client", _client(ipc, ipc.endpoint, results, "call"), 7)
    ipc.boot()
    ipc.system.run(until=1_000_000)
    assert results == {"call": len(unlock_reply())}
    assert seen == [7, 12]
