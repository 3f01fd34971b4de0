"""Handles in IPC messages under the mock CPU with the real handle registry: a client in
domain alpha passes semaphore handles to a server in domain beta and back; every message
moves all its handles or none, each with exactly the rights its slot declares."""

from __future__ import annotations

from typing import Any

import pytest
from ipc_fixture import DOOR_ID, FETCH, LEND, PAIR, IpcSystem, client_of
from mock_cpu import K_FOREVER, Args, Script, call, returning_fatal_handler

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.idl.wire import encode
from levante.kernel.handles import RIGHTS, SAME_RIGHTS, TABLE_SIZE, HandleTable
from levante.kernel.kernel import Kernel
from levante.policy.install import install_policy
from levante.policy.language import compile_policy

SIGNAL, WAIT, TRANSFER, DUPLICATE = (RIGHTS[name] for name in
                                     ("SIGNAL", "WAIT", "TRANSFER", "DUPLICATE"))
EBADF, EPERM, EACCES, EINVAL, ENOSPC, EAGAIN = (
    -ERRNO[name] for name in ("EBADF", "EPERM", "EACCES", "EINVAL", "ENOSPC", "EAGAIN"))
K_USER = THREAD_OPTIONS["K_USER"]
OOPS = "K_ERR_KERNEL_OOPS"
OK_REPLY = {"ok": True}


def _system(policy: str | None = None, beta: tuple[str, ...] = ("server",)) -> IpcSystem:
    """main in domain alpha; the server (and a worker) in domain beta."""
    ipc = IpcSystem(userspace=True)
    ipc.system.fatal_handler(returning_fatal_handler)
    compiled = {"alpha": {"threads": ["main"]}, "beta": {"threads": list(beta)}}
    ipc.system.before_boot.append(lambda kernel: kernel.security_domains.install(compiled))
    if policy is not None:
        def install(kernel: Kernel) -> None:
            install_policy(kernel, compile_policy(policy, "p.lvp"))
        ipc.system.before_boot.append(install)
    return ipc


def _run(ipc: IpcSystem, until: int = 2_000_000) -> None:
    ipc.boot()  # after every thread is defined: the kernel boots here
    ipc.system.run(until=until)


def _table(ipc: IpcSystem, thread: str) -> HandleTable:
    kernel = ipc.system.kernel
    return kernel.security_domains.of(ipc.system.thread_named(thread)).handles


def _serve(ipc: IpcSystem, got: dict[str, Any], method: dict[str, Any],
           reply: dict[str, Any] | None = None, timeout: int = K_FOREVER) -> Script:
    """Receive one call (recorded as got["received"]) and reply to it."""
    buffer, token = ipc.buffer(), ipc.buffer(size=4)
    length = yield call("z_levante_ipc_receive", ipc.endpoint, buffer, 256, token, timeout)
    got["received"] = ipc.read(buffer, length) if length > 0 else length
    if length > 0:
        message = encode(DOOR_ID, method, reply or OK_REPLY, reply=True)
        out = ipc.buffer(message)
        got["replied"] = yield call("z_levante_ipc_reply", ipc.endpoint,
                                    int.from_bytes(ipc.read(token, 4), "little"), out,
                                    len(message))


def _slot(message: bytes, index: int = 0) -> int:
    """The value of the index-th handle slot of a message whose payload is handles."""
    return int.from_bytes(message[16 + 4 * index:20 + 4 * index], "little")


def test_a_lent_signal_handle_gives_in_the_receivers_domain_and_revokes_from_the_root() -> None:
    ipc = _system(beta=("server", "worker"))
    sem = ipc.system.sem(0, 5)
    got: dict[str, Any] = {}

    def main(args: Args) -> Script:
        root = yield call("levante_handle_create", sem, SIGNAL | WAIT | TRANSFER | DUPLICATE)
        got["child"] = child = yield call("levante_handle_duplicate", root, SIGNAL | TRANSFER)
        yield from client_of(ipc, got, encode(DOOR_ID, LEND, {"h": child}))(args)
        got["stale close"] = yield call("levante_handle_close", child)
        yield call("k_sleep", 50)  # the worker gives, then faults on a take
        got["revoked"] = yield call("levante_handle_revoke", root)

    def server(_: Args) -> Script:
        yield from _serve(ipc, got, LEND)
        got["moved"] = ipc.system.kernel.security_domains.handles.find(
            ipc.system.thread_named("server"), _slot(got["received"]))
        yield call("k_sleep", 100)  # past the revoke
        got["after revoke"] = yield call("levante_handle_replace", _slot(got["received"]),
                                         SAME_RIGHTS)

    def worker(_: Args) -> Script:
        yield call("k_sleep", 20)
        got["give"] = yield call("k_sem_give", sem)
        got["take"] = yield call("k_sem_take", sem, 0)

    ipc.system.main(main)
    ipc.system.thread("server", server, 5)
    ipc.system.thread("worker", worker, 6, options=K_USER)
    _run(ipc)
    assert got["call"] == 17 and got["replied"] == 0
    received = _slot(got["received"])
    assert received not in (0, got["child"])
    assert got["moved"] is not None and got["moved"].rights == SIGNAL  # as `lend` declares
    assert got["stale close"] == EBADF  # alpha's value names nothing now
    assert "give" in got and "take" not in got
    assert [(event["thread"], event["reason"]) for event in ipc.system.events("fault")] == [
        ("worker", OOPS)]
    assert got["revoked"] == 2 and got["after revoke"] == EBADF
    assert _table(ipc, "server").count == 0 and _table(ipc, "main").count == 0


@pytest.mark.parametrize(("second", "errno"), [
    ("no transfer", EPERM), ("no signal", EACCES), ("the first again", EINVAL),
    ("closed", EBADF)])
def test_a_message_whose_second_handle_is_bad_moves_neither(second: str, errno: int) -> None:
    ipc = _system()
    sem = ipc.system.sem(0, 5)
    got: dict[str, Any] = {}

    def main(args: Args) -> Script:
        first = yield call("levante_handle_create", sem, SIGNAL | TRANSFER)
        rights = {"no transfer": SIGNAL, "no signal": WAIT | TRANSFER}.get(
            second, SIGNAL | TRANSFER)
        other = yield call("levante_handle_create", sem, rights)
        if second == "the first again":
            other = first
        elif second == "closed":
            yield call("levante_handle_close", other)
        yield from client_of(ipc, got, encode(DOOR_ID, PAIR, {"a": first, "b": other}))(args)
        got["first kept"] = yield call("levante_handle_replace", first, SAME_RIGHTS)

    def server(_: Args) -> Script:
        yield from _serve(ipc, got, PAIR, timeout=30)

    ipc.system.main(main)
    ipc.system.thread("server", server, 5)
    _run(ipc)
    assert got["call"] == errno and got["received"] == EAGAIN
    assert got["first kept"] > 0  # still alpha's: replace gave it a new value
    assert _table(ipc, "server").count == 0
    refused = [event for event in ipc.system.events("ipc_refused")
               if event["reason"] == "handle transfer"]
    assert [event["errno"] for event in refused] == [errno]


def test_a_receiver_without_room_for_every_handle_refuses_the_whole_message() -> None:
    ipc = _system()
    sem = ipc.system.sem(0, 5)
    got: dict[str, Any] = {}

    def main(args: Args) -> Script:
        yield call("k_sleep", 10)  # the server fills its table first
        first = yield call("levante_handle_create", sem, SIGNAL | TRANSFER)
        other = yield call("levante_handle_create", sem, SIGNAL | TRANSFER)
        yield from client_of(ipc, got, encode(DOOR_ID, PAIR, {"a": first, "b": other}),
                             key="pair")(args)
        got["kept"] = []
        for value in (first, other):
            got["kept"].append((yield call("levante_handle_replace", value, SAME_RIGHTS)))
        yield from client_of(ipc, got, encode(DOOR_ID, LEND, {"h": got["kept"][0]}),
                             key="one")(args)

    def server(_: Args) -> Script:
        for _filled in range(TABLE_SIZE - 1):
            assert (yield call("levante_handle_create", sem, SIGNAL)) > 0
        yield from _serve(ipc, got, LEND)

    ipc.system.main(main)
    ipc.system.thread("server", server, 5)
    _run(ipc, 5_000_000)
    assert got["pair"] == ENOSPC
    assert all(value > 0 for value in got["kept"])  # both still alpha's
    assert got["one"] == 17  # one handle fits the last free slot
    assert _table(ipc, "server").full and _table(ipc, "main").count == 1


@pytest.mark.parametrize(("rights", "expected"), [(SIGNAL | WAIT | TRANSFER, None),
                                                  (SIGNAL | TRANSFER, EACCES)])
def test_a_reply_moves_its_handle_to_the_client_with_the_declared_rights(
        rights: int, expected: int | None) -> None:
    ipc = _system()
    sem = ipc.system.sem(0, 5)
    got: dict[str, Any] = {}

    def main(args: Args) -> Script:
        yield call("k_sleep", 10)
        yield from client_of(ipc, got, encode(DOOR_ID, FETCH, {"want": 1}))(args)

    def server(_: Args) -> Script:
        got["handle"] = handle = yield call("levante_handle_create", sem, rights)
        yield from _serve(ipc, got, FETCH, {"h": handle})
        got["server kept"] = yield call("levante_handle_replace", handle, SAME_RIGHTS)

    ipc.system.main(main)
    ipc.system.thread("server", server, 5)
    _run(ipc)
    handles = ipc.system.kernel.security_domains.handles
    if expected is None:
        value = _slot(got["call_reply"])
        moved = handles.find(ipc.system.thread_named("main"), value)
        assert moved is not None and moved.rights == WAIT  # as `fetch` declares
        assert got["replied"] == 0 and got["server kept"] == EBADF
    else:
        assert got["call"] == got["replied"] == expected
        assert got["server kept"] > 0 and _table(ipc, "main").count == 0


def test_the_policy_refuses_a_transfer_by_the_handles_type_and_rights() -> None:
    ipc = _system("default allow\naudit denials\n"
                  'deny service ipc.door.lend when direction == "request" and '
                  'h.type == "k_sem" and h.rights != 36 errno EACCES\n')
    sem = ipc.system.sem(0, 5)
    got: dict[str, Any] = {}

    def main(args: Args) -> Script:
        wide = yield call("levante_handle_create", sem, SIGNAL | WAIT | TRANSFER)
        yield from client_of(ipc, got, encode(DOOR_ID, LEND, {"h": wide}), key="wide")(args)
        got["wide kept"] = yield call("levante_handle_replace", wide, SAME_RIGHTS)
        narrow = yield call("levante_handle_create", sem, SIGNAL | TRANSFER)
        yield from client_of(ipc, got, encode(DOOR_ID, LEND, {"h": narrow}),
                             key="narrow")(args)

    def server(_: Args) -> Script:
        yield from _serve(ipc, got, LEND)

    ipc.system.main(main)
    ipc.system.thread("server", server, 5)
    _run(ipc)
    assert SIGNAL | TRANSFER == 36
    assert got["wide"] == EACCES and got["wide kept"] > 0
    assert got["narrow"] == 17 and _table(ipc, "server").count == 1
    denied = [event["policy_event"] for event in ipc.system.events("policy_audit")
              if event["verdict"] == "deny"]
    assert denied == ["service ipc.door.lend"]
