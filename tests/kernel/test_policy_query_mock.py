"""levante_policy_query under the mock CPU: a user thread's query is judged by its fields,
its thread and a limit; malformed queries get -EINVAL, and pointers the thread cannot
read fault it, whatever the arguments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from mock_cpu import K_FOREVER, Args, MockSystem, Script, call, returning_fatal_handler, s32

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.kernel import costs
from levante.kernel.kernel import Kernel
from levante.kernel.syscalls.query_calls import FIELD
from levante.policy.install import install_policy
from levante.policy.language import compile_policy

K_USER = THREAD_OPTIONS["K_USER"]
EINVAL, EPERM, EACCES = -ERRNO["EINVAL"], -ERRNO["EPERM"], -ERRNO["EACCES"]
POLICY = """
grant thread start
grant syscall *
grant query door.open from "asker" when code == 1234 and side == "front"
deny query door.* when code == 0 errno EACCES
limit query door.open to 2 per 1 s
"""


def _constant(data: bytes) -> Callable[[dict[str, int]], bytes]:
    return lambda _: data


def _install(policy: str) -> Callable[[Kernel], None]:
    def install(kernel: Kernel) -> None:
        install_policy(kernel, compile_policy(policy, "test.lvp"))
    return install


class Layout:
    """Bytes written into a user thread's own stack after boot, by name."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Callable[[dict[str, int]], bytes]]] = []
        self.at: dict[str, int] = {}

    def put(self, name: str, data: bytes | Callable[[dict[str, int]], bytes]) -> None:
        self.items.append((name, data if callable(data) else _constant(data)))

    def write(self, system: MockSystem, base: int) -> None:
        position = base
        sizing: dict[str, int] = defaultdict(int)  # a table's size does not depend on the addresses
        for name, make in self.items:  # addresses first: a table may point at later items
            self.at[name] = position
            position += -(-len(make(sizing)) // 8) * 8
        for name, make in self.items:
            system.cpu.write_memory(self.at[name], make(self.at))


def fields(*entries: tuple[str | None, str | None, int]) -> Callable[[dict[str, int]], bytes]:
    return lambda at: b"".join(FIELD.pack(at[name] if name else 0, at[text] if text else 0,
                                          value) for name, text, value in entries)


def run(policy: str | None, user_script: Callable[[Layout], Callable[[Args], Script]],
        layout: Layout, extra: dict[str, Callable[[Args], Script]] | None = None,
        ) -> MockSystem:
    system = MockSystem(userspace=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("asker", user_script(layout), 5, options=K_USER, stack_size=2048)
    for name, script in (extra or {}).items():
        system.thread(name, script, 6, options=K_USER)
    if policy is not None:
        system.before_boot.append(_install(policy))
    system.boot()
    layout.write(system, system.thread_named("asker").stack_start + 64)
    system.run()
    return system


def standard_layout() -> Layout:
    layout = Layout()
    for name, text in (("open", b"door.open\0"), ("close", b"door.close\0"),
                       ("code", b"code\0"), ("side", b"side\0"), ("front", b"front\0"),
                       ("back", b"back\0"), ("thread", b"thread\0"),
                       ("bad_name", b"door..open\0"), ("star", b"door.*\0"),
                       ("not_utf8", b"\xff\xfe\0"), ("bad_field", b"9lives\0"),
                       ("long_name", b"d" * 48 + b"\0"), ("tail", b"x" * 256 + b"\0")):
        layout.put(name, text)
    layout.put("good", fields(("code", None, 1234), ("side", "front", 0)))
    layout.put("wrong_code", fields(("code", None, 99), ("side", "front", 0)))
    layout.put("zero", fields(("code", None, 0)))
    layout.put("forged", fields(("thread", "front", 0), ("code", None, 1234)))
    layout.put("twice", fields(("code", None, 1234), ("code", None, 1234)))
    layout.put("no_name", fields((None, None, 1)))
    layout.put("non_utf8_value", fields(("side", "not_utf8", 0)))
    layout.put("long_value", fields(("side", "tail", 0)))
    layout.put("bad_label", fields(("bad_field", None, 1)))
    return layout


def test_a_user_thread_is_granted_or_refused_by_its_fields_and_the_limit() -> None:
    results: list[int] = []
    layout = standard_layout()

    def asker(layout: Layout) -> Callable[[Args], Script]:
        def script(_: Args) -> Script:
            at = layout.at
            for table, count in (("wrong_code", 2), ("good", 2), ("zero", 1), ("good", 2),
                                 ("good", 2)):
                results.append(s32((yield call("levante_policy_query", at["open"],
                                                at[table], count))))
            # The deny covers door.close through its wildcard; no grant: the default.
            results.append(s32((yield call("levante_policy_query", at["close"],
                                            at["good"], 2))))
        return script

    system = run(POLICY, asker, layout)
    # Refused by its code, granted twice, refused by the deny, then over the limit.
    assert results == [EPERM, 0, EACCES, 0, EPERM, EPERM]
    audits = [(event["policy_event"], event["verdict"], event["rule_line"])
              for event in system.events("policy_audit")]
    assert audits == [("query door.open", "deny", None), ("query door.open", "deny", 5),
                      ("query door.open", "deny", 6), ("query door.close", "deny", None)]
    refused = [event["query"] for event in system.events("policy_query_refused")]
    assert refused == ["door.open"] * 3 + ["door.close"]


def test_malformed_queries_get_einval() -> None:
    results: list[int] = []
    layout = standard_layout()

    def asker(layout: Layout) -> Callable[[Args], Script]:
        def script(_: Args) -> Script:
            at = layout.at
            for name, table, count in (
                    (0, at["good"], 2),  # no name
                    (at["bad_name"], at["good"], 2),
                    (at["star"], at["good"], 2),  # a wildcard is no query
                    (at["long_name"], at["good"], 2),
                    (at["not_utf8"], 0, 0),
                    (at["open"], at["good"], 17),  # more than 16 fields
                    (at["open"], at["good"], 0xFFFFFFFF),
                    (at["open"], 0, 1),  # no table for a count
                    (at["open"], at["forged"], 2),  # the kernel says who asks
                    (at["open"], at["twice"], 2),
                    (at["open"], at["no_name"], 1),
                    (at["open"], at["non_utf8_value"], 1),
                    (at["open"], at["long_value"], 1),
                    (at["open"], at["bad_label"], 1)):
                results.append(s32((yield call("levante_policy_query", name, table, count))))
            yield call("k_sleep", K_FOREVER)  # stay: only the queries may fault it
        return script

    system = run(POLICY, asker, layout)
    assert results == [EINVAL] * 14
    assert system.events("policy_audit") == []  # nothing malformed reaches the policy
    assert system.events("fault") == []


def test_pointers_the_thread_cannot_read_fault_it() -> None:
    layout = standard_layout()
    targets: dict[str, int] = {}

    def asker(layout: Layout) -> Callable[[Args], Script]:
        def script(_: Args) -> Script:
            yield call("levante_policy_query", targets["other"], 0, 0)
            yield call("k_sleep", K_FOREVER)  # stay: only the query may fault it
        return script

    def fields_elsewhere(_: Args) -> Script:
        yield call("levante_policy_query", layout.at["open"], targets["other"], 1)

    def unterminated(_: Args) -> Script:  # its name runs to the end of its stack
        yield call("levante_policy_query", targets["edge"], 0, 0)

    def kernel_name(_: Args) -> Script:
        yield call("levante_policy_query", targets["kernel"], 0, 0)

    system = MockSystem(userspace=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("asker", asker(layout), 5, options=K_USER, stack_size=2048)
    system.thread("fields_elsewhere", fields_elsewhere, 6, options=K_USER)
    system.thread("unterminated", unterminated, 7, options=K_USER)
    system.thread("kernel_name", kernel_name, 8, options=K_USER)
    kernel_ram = system.ram(64)
    system.before_boot.append(_install(POLICY))
    system.boot()
    layout.write(system, system.thread_named("asker").stack_start + 64)
    edge = system.thread_named("unterminated")
    system.cpu.write_memory(edge.stack_start + edge.stack_size - 32, b"a" * 32)
    system.cpu.write_memory(kernel_ram, b"door.open\0")
    targets.update(other=layout.at["open"], edge=edge.stack_start + edge.stack_size - 32,
                   kernel=kernel_ram)
    system.run()
    faulted = {event["thread"]: event["reason"] for event in system.events("fault")}
    assert faulted == {name: "K_ERR_KERNEL_OOPS" for name in
                       ("fields_elsewhere", "unterminated", "kernel_name")}
    # Only the owner's own query reached the policy (refused: it has no code).
    assert [event["thread"] for event in system.events("policy_audit")] == ["asker"]


def test_without_a_policy_every_query_is_granted() -> None:
    results: list[int] = []
    layout = standard_layout()

    def asker(layout: Layout) -> Callable[[Args], Script]:
        def script(_: Args) -> Script:
            at = layout.at
            results.append(s32((yield call("levante_policy_query", at["open"],
                                            at["zero"], 1))))
            results.append(s32((yield call("levante_policy_query", at["bad_name"], 0, 0))))
        return script

    run(None, asker, layout)
    assert results == [0, EINVAL]  # malformed is malformed, policy or not


def test_the_query_s_verdict_is_charged_as_any_verdict() -> None:
    def spacing(policy: str | None) -> list[int]:
        layout = standard_layout()

        def asker(layout: Layout) -> Callable[[Args], Script]:
            def script(_: Args) -> Script:
                for _ in range(3):
                    yield call("levante_policy_query", layout.at["open"], layout.at["good"], 2)
                yield call("k_sleep", K_FOREVER)
            return script

        system = run(policy, asker, layout)
        cycles = [event["cycle"] for event in system.events("syscall")
                  if event["call"] == "levante_policy_query"]
        return [later - earlier for earlier, later in zip(cycles, cycles[1:], strict=False)]

    free, judged = spacing(None), spacing("default allow")
    assert len(free) == len(judged) == 2
    # Two verdicts a call: the system call's and the query's.
    assert judged == [gap + 2 * costs.POLICY_VERDICT_CYCLES for gap in free]
