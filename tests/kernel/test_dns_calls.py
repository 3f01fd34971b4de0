"""getaddrinfo's resolver call under the run loop (mock CPU, a scripted name service in
place of the interface): the caller pends until the answer comes and finds it in its
array; an answer at hand returns at once; a timeout cancels the lookup and answers
EAI_AGAIN; a thread aborted while it waits is never written to."""

from __future__ import annotations

import struct
from collections.abc import Callable

from mock_cpu import K_FOREVER, Args, MockSystem, Script, call, mark, s32

from levante.kernel.kernel import RunEnd
from levante.kernel.net_port import NameAnswer

AF_UNSPEC, AF_INET, AF_INET6 = 0, 1, 2
EAI_AGAIN, EAI_NONAME = -3, -2
ENTRY = struct.Struct("<i16s")


class ScriptedNames:
    """The interface's resolve_name, answered when the test says."""

    def __init__(self, at_once: NameAnswer | None = None) -> None:
        self.at_once = at_once
        self.asked: list[tuple[str, int, Callable[[NameAnswer], None]]] = []
        self.cancelled = 0

    def resolve_name(self, name: str, family: int,
                     on_done: Callable[[NameAnswer], None]) -> Callable[[], None] | None:
        if self.at_once is not None:
            on_done(self.at_once)
            return None
        self.asked.append((name, family, on_done))
        return self.cancel

    def cancel(self) -> None:
        self.cancelled += 1


def resolving(timeout: int, results: dict[str, int],
              where: dict[str, int]) -> Callable[[Args], Script]:
    def main(_: Args) -> Script:
        result = yield call("z_levante_dns_resolve", where["name"], AF_UNSPEC, where["out"],
                            2, timeout)
        results["result"] = s32(result)
        yield mark("resolved")
    return main


def system_with(names: ScriptedNames, timeout: int = K_FOREVER
                ) -> tuple[MockSystem, dict[str, int], dict[str, int]]:
    results: dict[str, int] = {}
    where: dict[str, int] = {}
    system = MockSystem(dns_resolver=True)
    system.main(resolving(timeout, results, where))
    where.update(name=system.string("dual.test"), out=system.ram(2 * ENTRY.size))
    system.boot().network = names  # type: ignore[assignment]
    return system, results, where


def test_the_caller_pends_until_the_answer_and_finds_it_in_its_array() -> None:
    names = ScriptedNames()
    system, results, where = system_with(names)
    system.run()
    assert [(name, family) for name, family, _ in names.asked] == [("dual.test", AF_UNSPEC)]
    assert not results  # waiting
    ipv4, ipv6 = bytes([192, 0, 2, 79]), bytes.fromhex("20010db8" + "0" * 22 + "79")
    names.asked[0][2](NameAnswer(((AF_INET, ipv4), (AF_INET6, ipv6), (AF_INET, ipv4))))
    system.run()
    assert results == {"result": 2}  # as many as fit
    assert system.cpu.read_memory(where["out"], 2 * ENTRY.size) == \
        ENTRY.pack(AF_INET, ipv4) + ENTRY.pack(AF_INET6, ipv6)


def test_an_answer_at_hand_returns_at_once() -> None:
    system, results, _ = system_with(ScriptedNames(NameAnswer(error="EAI_NONAME")))
    system.run()
    assert results == {"result": EAI_NONAME}


def test_a_timeout_cancels_the_lookup_and_is_again() -> None:
    names = ScriptedNames()
    system, results, _ = system_with(names, timeout=5)
    assert system.run() is RunEnd.IDLE
    assert results == {"result": EAI_AGAIN} and names.cancelled == 1
    names.asked[0][2](NameAnswer(error="EAI_NONAME"))  # too late: nothing changes
    assert results == {"result": EAI_AGAIN}


def test_an_aborted_waiter_is_not_written_to() -> None:
    names = ScriptedNames()
    system, results, where = system_with(names)
    system.run()
    kernel = system.kernel
    kernel.abort_thread(system.thread_named("main"))
    names.asked[0][2](NameAnswer(((AF_INET, bytes(4)),)))
    system.run()
    assert not results
    assert system.cpu.read_memory(where["out"], ENTRY.size) == bytes(ENTRY.size)
