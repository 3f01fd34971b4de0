"""IPC under attack (mock CPU): a server of several endpoints at once, nested calls,
and the priority it runs at through them."""

from __future__ import annotations

from typing import Any

from ipc_fixture import DOOR_ID, IpcSystem, endpoint_state, unlock_reply, unlock_request
from mock_cpu import K_FOREVER, Args, Script, call, returning_fatal_handler

from levante.abi import ERRNO, PARTITION_ATTRIBUTES, THREAD_OPTIONS

EAGAIN, EPIPE = -ERRNO["EAGAIN"], -ERRNO["EPIPE"]


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


# ---- a waiter's buffer that is no longer its own ---------------------------------------


def _domain_with_partition(ipc: IpcSystem) -> tuple[int, int, int]:
    """A memory domain and the partition in it: (domain, partition struct, its start)."""
    system = ipc.system
    start = system.ram(256, align=256)
    partition = system.ram(12)
    system.cpu.write_memory(partition, start.to_bytes(4, "little") + (256).to_bytes(
        4, "little") + PARTITION_ATTRIBUTES["K_MEM_PARTITION_P_RW_U_RW"].to_bytes(4, "little"))
    parts = system.ram(4)
    system.cpu.write_memory(parts, partition.to_bytes(4, "little"))
    domain = system.ram(8)
    return domain, partition, parts


def test_a_server_whose_receive_buffer_left_its_domain_faults_itself_not_its_client() -> None:
    """The server's receive buffer stopped being its own while it waited: delivering a
    call there faults the server (in its own context), as a message queue's getter does;
    the client is not blamed and its call is not lost to a dead server."""
    ipc = IpcSystem(userspace=True)
    ipc.system.fatal_handler(returning_fatal_handler)
    domain, partition, parts = _domain_with_partition(ipc)
    start = int.from_bytes(ipc.read(partition, 4), "little")
    token = start + 240
    results: dict[str, Any] = {}

    def server(_: Args) -> Script:
        results["receive"] = yield call("z_levante_ipc_receive", ipc.endpoint, start, 128,
                                        token, K_FOREVER)

    def main(_: Args) -> Script:
        server_tid = ipc.system.thread_named("server").address
        assert (yield call("k_mem_domain_init", domain, 1, parts)) == 0
        assert (yield call("k_mem_domain_add_thread", domain, server_tid)) == 0
        yield call("k_object_access_grant", ipc.endpoint, server_tid)
        yield call("k_thread_start", server_tid)
        yield call("k_sleep", 2)
        assert (yield call("k_mem_domain_remove_partition", domain, partition)) == 0
        request = unlock_request()
        message, reply = ipc.buffer(request), ipc.buffer()
        results["call"] = yield call("z_levante_ipc_call", ipc.endpoint, message,
                                     len(request), reply, 256, 5)

    ipc.system.thread("server", server, 5, options=THREAD_OPTIONS["K_USER"],
                      delay_ms=K_FOREVER)
    ipc.system.main(main)
    ipc.boot()
    ipc.system.run(until=1_000_000)
    assert [event["thread"] for event in ipc.system.events("fault")] == ["server"]
    assert "receive" not in results
    assert results["call"] == EAGAIN  # nobody served it; nothing was half-delivered
    assert ipc.system.events("kernel_defect") == []
    assert endpoint_state(ipc).in_service == {}


def test_a_client_whose_reply_buffer_left_its_domain_faults_itself_not_its_server() -> None:
    """The reply buffer stopped being the client's while it waited: the reply faults the
    client in its own context, and the server is told -EPIPE (its client is gone)."""
    ipc = IpcSystem(userspace=True)
    ipc.system.fatal_handler(returning_fatal_handler)
    domain, partition, parts = _domain_with_partition(ipc)
    start = int.from_bytes(ipc.read(partition, 4), "little")
    results: dict[str, Any] = {}
    request = unlock_request()

    def client(_: Args) -> Script:
        ipc.system.cpu.write_memory(start, request)
        results["call"] = yield call("z_levante_ipc_call", ipc.endpoint, start, len(request),
                                     start + 128, 128, K_FOREVER)

    def main(_: Args) -> Script:
        client_tid = ipc.system.thread_named("client").address
        assert (yield call("k_mem_domain_init", domain, 1, parts)) == 0
        assert (yield call("k_mem_domain_add_thread", domain, client_tid)) == 0
        yield call("k_object_access_grant", ipc.endpoint, client_tid)
        yield call("k_thread_start", client_tid)
        buffer, token = ipc.buffer(), ipc.buffer(size=4)
        results["receive"] = yield call("z_levante_ipc_receive", ipc.endpoint, buffer, 256,
                                        token, K_FOREVER)
        assert (yield call("k_mem_domain_remove_partition", domain, partition)) == 0
        out = ipc.buffer(unlock_reply())
        results["reply"] = yield call("z_levante_ipc_reply", ipc.endpoint,
                                      int.from_bytes(ipc.read(token, 4), "little"), out,
                                      len(unlock_reply()))
        yield call("k_sleep", 5)

    ipc.system.thread("client", client, 5, options=THREAD_OPTIONS["K_USER"],
                      delay_ms=K_FOREVER)
    ipc.system.main(main)
    ipc.boot()
    ipc.system.run(until=1_000_000)
    assert results == {"receive": len(request), "reply": EPIPE}
    assert [event["thread"] for event in ipc.system.events("fault")] == ["client"]
    assert ipc.system.events("kernel_defect") == []
    assert endpoint_state(ipc).in_service == {}
    assert ipc.system.thread_named("main").priority == 0
