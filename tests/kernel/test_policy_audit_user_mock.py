"""z_levante_policy_audit_read from user mode under the mock CPU: a user thread reads
the audit trail only when a grant names the call and its thread (by kernel domain where
the application declares domains); `default allow`, a wildcard and a grant from anyone
open nothing; the copy-out is checked against the caller's memory."""

from __future__ import annotations

from mock_cpu import Args, MockSystem, Script, call, returning_fatal_handler

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.kernel.kernel import Kernel
from levante.kernel.syscalls.policy_calls import RECORD
from levante.policy.install import install_policy
from levante.policy.language import compile_policy

K_USER = THREAD_OPTIONS["K_USER"]
EPERM = -ERRNO["EPERM"]
OOPS = "K_ERR_KERNEL_OOPS"


def read_as(name: str, policy: str | None,
            manifest: dict[str, list[str]] | None = None,
            array: int | None = None) -> tuple[MockSystem, list[object], bytes]:
    """The user thread `name` is refused a give (audited under `audit denials`), then
    reads up to two records into its stack (or into `array`) and the dropped count."""
    got: list[object] = []
    where: dict[str, int] = {}

    def reader(_: Args) -> Script:
        stack = system.thread_named(name).stack_info[0]
        where["records"] = stack if array is None else array
        where["dropped"] = stack + 2 * RECORD.size
        system.cpu.write_u32(where["dropped"], 99)
        yield call("k_sem_give", where["sem"])
        got.append((yield call("z_levante_policy_audit_read", where["records"], 2,
                               where["dropped"])))
        got.append(system.cpu.read_u32(where["dropped"]))

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", where["sem"], where["thread"])
        yield call("k_sleep", 100)

    system = MockSystem(userspace=True)
    system.fatal_handler(returning_fatal_handler)
    system.main(main)
    if manifest is not None:
        compiled = {domain: {"threads": threads} for domain, threads in manifest.items()}
        system.before_boot.append(lambda kernel: kernel.security_domains.install(compiled))
    if policy is not None:
        def install(kernel: Kernel) -> None:
            install_policy(kernel, compile_policy(policy, "p.lvp"))
        system.before_boot.append(install)
    where["thread"] = system.thread(name, reader, priority=2, options=K_USER, delay_ms=1)
    where["sem"] = system.sem(0, 5)
    system.run()
    data = b""
    if got and isinstance(got[0], int) and got[0] > 0:
        data = system.cpu.read_memory(where["records"], RECORD.size * got[0])
    return system, got, data


DENY_GIVE = "default allow\naudit denials\ndeny syscall k_sem_give\n"


def test_a_grant_that_names_the_thread_opens_the_audit_trail() -> None:
    _, got, data = read_as(
        "auditor", DENY_GIVE + 'grant syscall z_levante_policy_audit_read from "auditor"')
    assert got == [1, 0]
    _, line, granted, thread, event = RECORD.unpack(data)
    assert (line, granted) == (3, 0)
    assert thread.rstrip(b"\0") == b"auditor" and event.rstrip(b"\0") == b"syscall k_sem_give"


def test_no_grant_by_name_leaves_it_refused() -> None:
    for policy in (DENY_GIVE,                                            # default allow
                   DENY_GIVE + "grant syscall * from \"auditor\"",       # a wildcard
                   DENY_GIVE + "grant syscall z_levante_policy_audit_read",  # anyone
                   DENY_GIVE + 'grant syscall z_levante_policy_audit_read from "other"',
                   None):                                                # no policy
        _, got, _ = read_as("auditor", policy)
        # Refused before the kernel wrote anything: the dropped count is untouched.
        assert got == [EPERM, 99], policy


def test_a_deny_still_refuses_what_a_grant_names() -> None:
    policy = (DENY_GIVE + 'grant syscall z_levante_policy_audit_read from "auditor"\n'
              'deny syscall z_levante_policy_audit_read when count > 1')
    system, got, _ = read_as("auditor", policy)
    assert got == [EPERM, 99]
    assert [event["call"] for event in system.events("policy_refused")] == [
        "k_sem_give", "z_levante_policy_audit_read"]


def test_with_domains_the_grant_names_the_kernel_domain_not_the_thread() -> None:
    policy = (DENY_GIVE + 'domain audit = { "nobody" }\ndomain network = { "auditor" }\n'
              "grant syscall z_levante_policy_audit_read from audit")
    _, got, _ = read_as("auditor", policy, {"audit": ["auditor"]})
    assert got == [1, 0]
    # A thread named "auditor" in the network domain: refused; the policy's own lists
    # of names are not consulted for kernel domains.
    _, got, _ = read_as("auditor", policy, {"audit": [], "network": ["auditor"]})
    assert got == [EPERM, 99]


def test_the_copy_out_is_checked_against_the_callers_memory() -> None:
    system, got, _ = read_as(
        "auditor", DENY_GIVE + 'grant syscall z_levante_policy_audit_read from "auditor"',
        array=0x10)
    assert got == []  # the call faulted the caller
    faults = [(event["thread"], event["reason"]) for event in system.events("fault")]
    assert faults == [("auditor", OOPS)]
