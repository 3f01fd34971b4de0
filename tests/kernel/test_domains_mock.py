"""Security domains and handles in a kernel under the mock CPU: the manifest places the
image's threads, a live handle stands for a permission with exactly its rights, the
policy judges by kernel domain (a rename changes nothing), and placing a thread is a
supervisor's act before the thread starts."""

from __future__ import annotations

from mock_cpu import Args, MockSystem, Script, call, returning_fatal_handler

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.image.layout import Symbol
from levante.kernel.handles import RIGHTS, SAME_RIGHTS
from levante.kernel.kernel import Kernel
from levante.policy.install import install_policy
from levante.policy.language import compile_policy

K_USER = THREAD_OPTIONS["K_USER"]
K_FOREVER = -1
SIGNAL, WAIT, DUPLICATE = RIGHTS["SIGNAL"], RIGHTS["WAIT"], RIGHTS["DUPLICATE"]
OOPS = "K_ERR_KERNEL_OOPS"
MANIFEST = {"control": ["main", "worker"], "network": ["net"]}


def with_manifest(system: MockSystem, manifest: dict[str, list[str]]) -> None:
    """Install domains.toml's compiled form: each domain's threads."""
    compiled = {name: {"threads": threads} for name, threads in manifest.items()}
    system.before_boot.append(lambda kernel: kernel.security_domains.install(compiled))


def faults(system: MockSystem) -> list[tuple[str, str]]:
    return [(event["thread"], event["reason"]) for event in system.events("fault")]


def test_a_signal_only_handle_gives_but_cannot_take() -> None:
    """main (supervisor, domain control) makes a SIGNAL-only handle to a semaphore no
    user thread has Zephyr's permission on; worker, a user thread of the same domain,
    may give through it but faults on a take; net, of another domain, may not even
    give."""
    holder: dict[str, int] = {}
    got: list[object] = []

    def main(_: Args) -> Script:
        holder["handle"] = yield call("levante_handle_create", holder["sem"], SIGNAL)
        got.append((yield call("k_sleep", 100)))

    def worker(_: Args) -> Script:
        got.append(("give", (yield call("k_sem_give", holder["sem"]))))
        got.append(("take", (yield call("k_sem_take", holder["sem"], 0))))

    def net(_: Args) -> Script:
        got.append(("net give", (yield call("k_sem_give", holder["sem"]))))

    system = MockSystem(userspace=True)
    system.fatal_handler(returning_fatal_handler)
    with_manifest(system, MANIFEST)
    system.main(main)
    system.thread("worker", worker, priority=2, options=K_USER)
    system.thread("net", net, priority=3, options=K_USER)
    holder["sem"] = system.sem(0, 5)
    system.run()
    assert holder["handle"] > 0
    assert ("give", None) in got
    assert not any(step[0] in ("take", "net give") for step in got if isinstance(step, tuple))
    assert sorted(faults(system)) == [("net", OOPS), ("worker", OOPS)]
    kernel = system.kernel
    assert kernel.objects.unchecked(holder["sem"], type(kernel.objects.entry(
        holder["sem"]).state)).count == 1  # type: ignore[union-attr]
    creates = {event["thread"]: event["domain"] for event in system.events("thread_create")}
    assert creates == {"main": "control", "worker": "control", "net": "network"}


def test_handle_calls_refuse_widening_and_revoke_reaches_copies() -> None:
    got: list[int] = []
    holder: dict[str, int] = {}

    def main(_: Args) -> Script:
        root = yield call("levante_handle_create", holder["sem"], SIGNAL | DUPLICATE)
        copy = yield call("levante_handle_duplicate", root, SIGNAL)
        got.append((yield call("levante_handle_duplicate", root, SIGNAL | WAIT)))
        got.append((yield call("levante_handle_duplicate", copy, SAME_RIGHTS)))
        got.append((yield call("levante_handle_info", copy, holder["info"])))
        got.append((yield call("levante_handle_revoke", root)))
        got.append((yield call("levante_handle_info", copy, holder["info"])))
        got.append((yield call("levante_handle_close", 0xDEADBEEF)))

    system = MockSystem()
    system.main(main)
    holder["sem"] = system.sem(0, 1)
    holder["info"] = system.ram(12)
    system.run()
    assert got == [-ERRNO["EINVAL"], -ERRNO["EPERM"], 0, 2,
                   -ERRNO["EBADF"], -ERRNO["EBADF"]]
    info = system.cpu.read_memory(holder["info"], 12)
    assert int.from_bytes(info[4:8], "little") == SIGNAL  # the copy's rights, read before


POLICY = """
domain control = { "main" }
domain network = { "net" }
grant thread start
grant syscall * from control
grant syscall k_thread_name_set from network
grant syscall k_sem_count_get from network
grant syscall k_current_get     # a thread's end
grant syscall k_thread_abort
"""


def renamed_net_gives(manifest: dict[str, list[str]] | None) -> tuple[MockSystem, list[int]]:
    """net renames itself "main" and gives the semaphore."""
    holder: dict[str, int] = {}
    got: list[int] = []

    def net(_: Args) -> Script:
        got.append((yield call("k_thread_name_set", 0, holder["name"])))
        got.append((yield call("k_sem_give", holder["sem"])))
        got.append((yield call("k_sem_count_get", holder["sem"])))

    system = MockSystem()
    if manifest is not None:
        with_manifest(system, manifest)

    def policy(kernel: Kernel) -> None:
        install_policy(kernel, compile_policy(POLICY, "p.lvp"))

    system.before_boot.append(policy)
    system.thread("net", net, priority=2)
    holder["sem"] = system.sem(0, 5)
    holder["name"] = system.string("main")
    system.run()
    return system, got


def test_a_renamed_thread_keeps_its_kernel_domain_under_the_policy() -> None:
    system, got = renamed_net_gives({"control": ["main"], "network": ["net"]})
    assert got == [0, None, 0]  # still judged as network: the give was refused
    assert [event["call"] for event in system.events("policy_refused")] == ["k_sem_give"]
    audits = [(event["thread"], event.get("domain"), event["policy_event"])
              for event in system.events("policy_audit")]
    assert audits == [("main", "network", "syscall k_sem_give")]


def test_without_domains_a_rename_changes_the_domain_as_before() -> None:
    _, got = renamed_net_gives(None)
    assert got == [0, None, 1]  # names decide: "main" is in control


def test_placing_a_thread_is_a_supervisor_act_before_it_starts() -> None:
    holder: dict[str, int] = {}
    got: list[object] = []

    def child(_: Args) -> Script:
        got.append(("child", (yield call("levante_domain_name_get", 0, holder["buf"], 32))))

    def main(_: Args) -> Script:
        thread, stack = holder["thread"], holder["stack"]
        yield call("k_thread_create", thread, stack, 1024, holder["child"], 0, 0, 0, 1, 0,
                   K_FOREVER & 0xFFFFFFFF)
        got.append((yield call("levante_domain_add_thread", holder["domain"] + 4, thread)))
        got.append((yield call("levante_domain_add_thread", holder["domain"], thread)))
        yield call("k_thread_start", thread)
        got.append((yield call("levante_domain_add_thread", holder["domain"], thread)))

    system = MockSystem()
    with_manifest(system, {"control": ["main"]})
    system.main(main)
    holder["domain"] = system.ram(4)
    system.extra_symbols["_levante_domain_network"] = Symbol(holder["domain"], 4)
    holder["thread"] = system.ram(256)
    holder["stack"] = system.ram(1024, align=32)
    holder["child"] = system.function(child, "child")
    holder["buf"] = system.ram(32)
    system.run()
    assert got == [-ERRNO["EINVAL"], 0, -ERRNO["EBUSY"], ("child", 0)]  # main runs first
    assert system.cpu.read_memory(holder["buf"], 8) == b"network\0"
    index = int.from_bytes(system.cpu.read_memory(holder["domain"], 4), "little")
    assert index == system.kernel.security_domains.by_name["network"].index != 0


def test_a_handle_to_a_freed_dynamic_object_is_dead_and_names_no_successor() -> None:
    got: list[int] = []
    holder: dict[str, int] = {}

    def main(_: Args) -> Script:
        yield call("k_thread_system_pool_assign", 0)
        sem = yield call("k_object_alloc", 4)  # K_OBJ_SEM
        yield call("k_sem_init", sem, 0, 1)
        handle = yield call("levante_handle_create", sem, SIGNAL | DUPLICATE)
        yield call("k_object_free", sem)
        got.append((yield call("levante_handle_info", handle, holder["info"])))
        got.append(int.from_bytes(system.cpu.read_memory(holder["info"] + 8, 4), "little"))
        got.append((yield call("levante_handle_duplicate", handle, SIGNAL)))
        again = yield call("k_object_alloc", 4)  # the same block, a new semaphore
        yield call("k_sem_init", again, 0, 1)
        got.append(int(again == sem))
        entry = system.kernel.objects.entry(again)
        assert entry is not None
        got.append(system.kernel.security_domains.handles.rights_on(
            system.kernel.current, entry))
        got.append((yield call("levante_handle_close", handle)))

    system = MockSystem(userspace=True, dynamic_objects=True)
    system.main(main)
    system.extra_symbols["z_kernel_pool"] = Symbol(system.ram(1024, align=1024), 1024)
    holder["info"] = system.ram(12)
    system.run()
    assert got == [0, 0, -ERRNO["ESRCH"], 1, 0, 0]


def test_hostile_handle_calls_from_user_mode_refuse_or_fault_only_the_caller() -> None:
    got: list[object] = []
    holder: dict[str, int] = {}

    def attacker(_: Args) -> Script:
        got.append((yield call("levante_handle_create", 0xDEADBEEC, SIGNAL)))
        got.append((yield call("levante_handle_create", holder["sem"], 1 << 9)))
        got.append((yield call("levante_handle_duplicate", 0x7FFFFFFF, SAME_RIGHTS)))
        got.append((yield call("levante_handle_revoke", 0xFFFFFFFF)))
        handle = yield call("levante_handle_create", holder["sem"], SIGNAL)
        got.append(handle > 0)
        got.append((yield call("levante_handle_info", handle ^ (1 << 8), 0x10)))  # forged
        yield call("levante_handle_info", handle, 0x10)  # a pointer it cannot write
        got.append("survived")

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", holder["sem"], holder["attacker"])
        yield call("k_sleep", 100)

    system = MockSystem(userspace=True)
    system.fatal_handler(returning_fatal_handler)
    system.main(main)
    holder["attacker"] = system.thread("attacker", attacker, priority=2, options=K_USER,
                                       delay_ms=1)
    holder["sem"] = system.sem(0, 1)
    system.run()
    assert got == [-ERRNO["EBADF"], -ERRNO["EINVAL"], -ERRNO["EBADF"], -ERRNO["EBADF"],
                   True, -ERRNO["EBADF"]]
    assert faults(system) == [("attacker", OOPS)]


def test_the_policy_judges_a_placement_by_its_target_domain() -> None:
    holder: dict[str, int] = {}
    stacks: dict[str, int] = {}
    got: list[object] = []

    def child(_: Args) -> Script:
        yield from ()

    def main(_: Args) -> Script:
        for name in ("first", "second"):
            yield call("k_thread_create", holder[name], stacks[name], 1024, holder["child"],
                       0, 0, 0, 1, 0, K_FOREVER & 0xFFFFFFFF)
        got.append((yield call("levante_domain_add_thread", holder["network"],
                               holder["first"])))
        got.append((yield call("levante_domain_add_thread", holder["control"],
                               holder["second"])))

    system = MockSystem()
    system.before_boot.append(lambda kernel: install_policy(kernel, compile_policy(
        'default allow\ndeny syscall levante_domain_add_thread when into.name == "network"'
        " errno EACCES\n", "p.lvp")))
    system.main(main)
    for name in ("network", "control"):
        holder[name] = system.ram(4)
        system.extra_symbols[f"_levante_domain_{name}"] = Symbol(holder[name], 4)
    for name in ("first", "second"):
        holder[name] = system.ram(256)
        stacks[name] = system.ram(1024, align=32)
    holder["child"] = system.function(child, "child")
    system.run()
    assert got == [-ERRNO["EACCES"], 0]
    kernel = system.kernel
    assert kernel.security_domains.of(kernel.thread_at(holder["first"])).name == "default"
    assert kernel.security_domains.of(kernel.thread_at(holder["second"])).name == "control"
