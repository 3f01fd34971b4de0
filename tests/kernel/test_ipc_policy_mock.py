"""Synchronous IPC under the mock CPU: handles moved through the installed transfer,
and the policy judging requests, replies and errors by their decoded parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ipc_fixture import (
    DOOR_ID,
    GIVE,
    IpcSystem,
    client_of,
    serve_once,
    unlock_reply,
    unlock_request,
)
from mock_cpu import Args, Script, call

from levante.abi import ERRNO
from levante.idl.wire import encode

EAGAIN, EBADMSG, ENOTSUP = -ERRNO["EAGAIN"], -ERRNO["EBADMSG"], -ERRNO["ENOTSUP"]


class FakeTransfer:
    """Moves handle v to v + 1000, refuses a message holding handle 13 with -EACCES."""

    def __init__(self) -> None:
        self.moves: list[tuple[str, str, int]] = []

    def find(self, thread: Any, value: int) -> None:
        return None

    def move_all(self, sender: Any, receiver: Any,
                 moves: Sequence[tuple[int, int]]) -> tuple[int, ...] | int:
        if any(value == 13 for value, _ in moves):
            return -ERRNO["EACCES"]
        self.moves.extend((sender.name, receiver.name, value) for value, _ in moves)
        return tuple(value + 1000 for value, _ in moves)


def _give(handle: int) -> bytes:
    return encode(DOOR_ID, GIVE, {"h": handle})


def _handle_run(transfer: FakeTransfer | None, handle: int) -> dict[str, Any]:
    ipc = IpcSystem()
    results: dict[str, Any] = {}
    reply = encode(DOOR_ID, GIVE, {"h2": 5}, reply=True)

    def server(_: Args) -> Script:
        buffer, token = ipc.buffer(), ipc.buffer(size=4)
        length = yield call("z_levante_ipc_receive", ipc.endpoint, buffer, 256, token, 20)
        results["received"] = ipc.read(buffer, length) if length > 0 else length
        if length > 0:
            out = ipc.buffer(reply)
            value = int.from_bytes(ipc.read(token, 4), "little")
            results["reply"] = yield call("z_levante_ipc_reply", ipc.endpoint, value, out,
                                          len(reply))

    ipc.system.thread("server", server, 5)
    ipc.system.thread("client", client_of(ipc, results, _give(handle)), 6)
    ipc.boot()
    ipc.system.kernel.handle_transfer = transfer
    ipc.system.run(until=1_000_000)
    return results


def test_handles_are_refused_without_a_transfer() -> None:
    results = _handle_run(None, 7)
    assert results["call"] == ENOTSUP and results["received"] == EAGAIN


def test_handles_move_through_the_installed_transfer_both_ways() -> None:
    transfer = FakeTransfer()
    results = _handle_run(transfer, 7)
    assert results["received"] == _give(1007)
    assert results["call_reply"] == encode(DOOR_ID, GIVE, {"h2": 1005}, reply=True)
    assert transfer.moves == [("client", "server", 7), ("server", "client", 5)]


def test_a_refused_transfer_refuses_the_message_with_its_errno() -> None:
    transfer = FakeTransfer()
    results = _handle_run(transfer, 13)
    assert results["call"] == -ERRNO["EACCES"] and results["received"] == EAGAIN


def test_a_zero_handle_slot_moves_nothing() -> None:
    transfer = FakeTransfer()
    results = _handle_run(transfer, 0)
    assert results["received"] == _give(0)
    assert transfer.moves == [("server", "client", 5)]


def test_the_policy_judges_requests_replies_and_errors_by_their_fields() -> None:
    from levante.policy.engine import PolicyEngine, ServiceJudge
    from levante.policy.language import compile_policy

    policy = compile_policy("""
        default allow
        audit denials
        deny service ipc.door.unlock when direction == "request" and code == 13 errno EACCES
        deny service ipc.door.unlock when direction == "reply" and tries > 100 errno EPERM
        deny service ipc.door.unlock when direction == "request" and who ~ "^mallory"
    """, "ipc.lvp")
    ipc = IpcSystem()
    results: dict[str, Any] = {}

    def server(_: Args) -> Script:
        buffer, token = ipc.buffer(), ipc.buffer(size=4)
        for reply in (unlock_reply(tries=101), unlock_reply(tries=1)):
            length = yield call("z_levante_ipc_receive", ipc.endpoint, buffer, 256, token,
                                30)
            results.setdefault("received", []).append(
                ipc.read(buffer, length) if length > 0 else length)
            value = int.from_bytes(ipc.read(token, 4), "little")
            out = ipc.buffer(reply)
            results.setdefault("replies", []).append((yield call(
                "z_levante_ipc_reply", ipc.endpoint, value, out, len(reply))))

    def client(args: Args) -> Script:
        yield from client_of(ipc, results, unlock_request(code=13), key="thirteen")(args)
        yield from client_of(ipc, results, unlock_request(who="mallory"), key="mallory")(args)
        yield from client_of(ipc, results, unlock_request(code=1), key="refused_reply")(args)
        yield from client_of(ipc, results, unlock_request(code=2), key="fine")(args)
        yield from client_of(ipc, results, unlock_request()[:-1], key="malformed")(args)

    ipc.system.thread("server", server, 5)
    ipc.system.thread("client", client, 6)
    ipc.boot()
    engine = PolicyEngine(policy, trace=ipc.system.kernel.trace)
    ipc.system.kernel.service_policy = ServiceJudge(engine)
    ipc.system.run(until=2_000_000)
    assert results["thirteen"] == -ERRNO["EACCES"] and results["mallory"] == -ERRNO["EPERM"]
    assert results["refused_reply"] == -ERRNO["EPERM"]  # the reply's rule's errno
    assert results["replies"] == [-ERRNO["EPERM"], 0]
    assert results["received"] == [unlock_request(code=1), unlock_request(code=2)]
    assert results["fine_reply"] == unlock_reply(tries=1)
    assert results["malformed"] == EBADMSG
    audited = [(event["policy_event"], event["verdict"])
               for event in ipc.system.events("policy_audit")]
    assert ("service ipc.door.unlock", "deny") in audited
    # Audited as a denial though the policy allows everything: no verdict is asked.
    assert ("service ipc.malformed", "deny") in audited
    assert engine.take_audit(10)[0][-1].event == "service ipc.malformed"


def test_an_interface_wildcard_covers_its_methods() -> None:
    from levante.policy.engine import PolicyEngine, ServiceJudge
    from levante.policy.language import compile_policy

    policy = compile_policy("""
        default deny
        grant syscall *
        grant service ipc.door.* when direction == "request" and interface == "door"
        grant service ipc.door.unlock when direction == "reply" and ok
    """, "ipc.lvp")
    ipc = IpcSystem()
    results: dict[str, Any] = {}
    ipc.system.thread("server", serve_once(ipc, results, unlock_reply(ok=False)), 5)
    ipc.system.thread("client", client_of(ipc, results, unlock_request()), 6)
    ipc.boot()
    ipc.system.kernel.service_policy = ServiceJudge(PolicyEngine(policy))
    ipc.system.run(until=500_000)
    assert results["received"] == unlock_request()  # the wildcard granted the request
    assert results["reply"] == -ERRNO["EPERM"] == results["call"]  # no grant: default deny
