"""IPC protocol fuzz under the mock CPU: threads of several priorities call, receive,
reply and answer with errors on two endpoints in random orders, with stale, forged and
other servers' tokens, short and long messages and buffers, timeouts, nested calls from
servers and aborts of either side mid-call.  Whatever they do, the kernel raises nothing,
its validate stages change nothing, and when the run is over no call is left in service
whose client or server is gone and every thread serving nothing is back at its own
priority."""

from __future__ import annotations

import random
from typing import Any

import pytest
from ipc_fixture import DOOR_ID, IpcSystem, unlock_reply, unlock_request
from mock_cpu import K_FOREVER, K_NO_WAIT, Args, Script, call, returning_fatal_handler
from stage_checks import validation_checked

from levante.kernel.kernel import RunEnd
from levante.kernel.objects.ipc_endpoint import IpcEndpoint
from levante.kernel.thread import ThreadState

SEEDS = range(200)  # each a program for every thread, drawn from random.Random(seed)
THREADS = (("a", 2), ("b", 7), ("c", 5), ("d", 9))  # two clients, then two servers
MESSAGES = (unlock_request(), unlock_reply(), unlock_request()[:-1], b"\0" * 40, b"")
# Mostly well-formed (so that calls get through and are answered), some hostile.
HOSTILE_LENGTHS = (0, 15, 16, 2048, 2049, 0xFFFFFFFF)
HOSTILE_CAPACITIES = (0, 15, 16, 17, 4096, 0xFFFFFFFF)
TIMEOUTS = (K_FOREVER, K_FOREVER, K_FOREVER, K_NO_WAIT, 1, 5, 20)
TOKENS = ("mine", "mine", "mine", "mine_old", "theirs", 0, 1, 2, 0xFFFFFFFF)


def _operation(draw: random.Random, kind: str) -> tuple[Any, ...]:
    hostile = draw.random() < 0.25
    endpoint = draw.choice((0, 0, 1))
    length: object = draw.choice(HOSTILE_LENGTHS) if hostile else "exact"
    capacity = draw.choice(HOSTILE_CAPACITIES) if hostile else 256
    if kind == "call":
        message = draw.randrange(len(MESSAGES)) if hostile else 0
        return ("call", endpoint, message, length, capacity, draw.choice(TIMEOUTS))
    if kind == "receive":
        return ("receive", endpoint, capacity, draw.choice(TIMEOUTS))
    if kind == "reply":
        message = draw.randrange(len(MESSAGES)) if hostile else 1
        return ("reply", endpoint, draw.choice(TOKENS), message, length)
    if kind == "error":
        return ("error", endpoint, draw.choice(TOKENS), draw.choice((-1, -5, 0, -4096, 3)))
    if kind == "abort":
        return ("abort", draw.choice([name for name, _ in THREADS]))
    if kind == "lower":
        return ("lower", draw.randrange(4))
    return ("sleep", draw.randrange(1, 7))


# Clients mostly call; servers mostly receive and answer, and sometimes call (nested).
CLIENT_KINDS = ("call",) * 6 + ("abort", "lower", "sleep")
SERVER_KINDS = ("receive",) * 4 + ("reply",) * 3 + ("error", "call", "abort", "lower",
                                                     "sleep")


def _programs(seed: int) -> list[list[tuple[Any, ...]]]:
    draw = random.Random(seed)
    return [[_operation(draw, draw.choice(CLIENT_KINDS if index < 2 else SERVER_KINDS))
             for _ in range(draw.randrange(1, 9))] for index in range(len(THREADS))]


def _thread(ipc: IpcSystem, endpoints: list[int], name: str, program: list[Any],
            tokens: dict[str, list[int]]) -> Any:
    # Made before the kernel boots (a 0xFFFFFFFF length or capacity is refused whatever
    # lies behind it).
    buffer, reply, token = ipc.buffer(size=2048), ipc.buffer(size=2048), ipc.buffer(size=4)

    def script(_: Args) -> Script:
        mine = tokens.setdefault(name, [])
        for operation in program:
            kind = operation[0]
            if kind in ("call", "reply"):
                message = MESSAGES[operation[3] if kind == "reply" else operation[2]]
                length = operation[3] if kind == "call" else operation[4]
                length = len(message) if length == "exact" else length
                ipc.system.cpu.write_memory(buffer, message)
            if kind == "call":
                yield call("z_levante_ipc_call", endpoints[operation[1]], buffer, length,
                           reply, operation[4], operation[5])
            elif kind == "receive":
                got = yield call("z_levante_ipc_receive", endpoints[operation[1]], buffer,
                                 operation[2], token, operation[3])
                if got >= 0:
                    mine.append(int.from_bytes(ipc.read(token, 4), "little"))
            elif kind in ("reply", "error"):
                chosen = _token(operation[2], mine, tokens)
                if kind == "reply":
                    yield call("z_levante_ipc_reply", endpoints[operation[1]], chosen, buffer,
                               length)
                else:
                    yield call("z_levante_ipc_reply_error", endpoints[operation[1]], chosen,
                               operation[3])
            elif kind == "abort":
                yield call("k_thread_abort", ipc.system.thread_named(operation[1]).address)
            elif kind == "lower":
                me = ipc.system.thread_named(name)
                yield call("k_thread_priority_set", me.address,
                           min(me.priority + operation[1], 14))
            else:
                yield call("k_sleep", operation[1])
    return script


def _token(choice: object, mine: list[int], tokens: dict[str, list[int]]) -> int:
    if choice == "mine":
        return mine[-1] if mine else 0
    if choice == "mine_old":
        return mine[0] if mine else 0
    if choice == "theirs":
        others = [token for owned in tokens.values() if owned is not mine for token in owned]
        return others[-1] if others else 0
    assert isinstance(choice, int)
    return choice


@pytest.mark.parametrize("seed", SEEDS)
def test_random_ipc_between_threads_leaves_the_kernel_whole(seed: int) -> None:
    programs = _programs(seed)
    ipc = IpcSystem()
    ipc.system.fatal_handler(returning_fatal_handler)
    endpoints = [ipc.endpoint,
                 ipc.system._static("levante_ipc_endpoint", {"interface": DOOR_ID})]
    tokens: dict[str, list[int]] = {}
    for (name, priority), program in zip(THREADS, programs, strict=True):
        ipc.system.thread(name, _thread(ipc, endpoints, name, program, tokens), priority)
    ipc.boot()
    with validation_checked(ipc.system):
        end = ipc.system.kernel.run(until=400_000)
    assert end in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert ipc.system.events("kernel_defect") == []
    kernel = ipc.system.kernel
    states = [kernel.objects.unchecked(address, IpcEndpoint) for address in endpoints]
    serving: set[str] = set()
    for state in states:
        for pending in state.in_service.values():
            assert pending.server is not None and pending.server.state is not ThreadState.DEAD
            assert pending.client_waits(), "a call in service whose client is gone"
            serving.add(pending.server.name)
        for queue in (state.callers, state.receivers):
            assert all(thread.state is ThreadState.PENDING for thread in queue.threads())
    for name, _ in THREADS:
        thread = ipc.system.thread_named(name)
        if thread.state is not ThreadState.DEAD and name not in serving:
            assert thread.priority == thread.base_priority, (name, thread.priority)
