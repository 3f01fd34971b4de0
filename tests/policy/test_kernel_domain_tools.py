"""`levante policy check` and `levante policy test` with the application's kernel
domains (domains.toml): the policy's domains checked against the manifest, the
manifest's own mistakes as findings, and scenario steps judged in a kernel domain."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TARGET_TESTS, levante
from levante.errors import LevanteError
from levante.policy.check import check_policy
from levante.policy.language import compile_policy
from levante.policy.scenario import parse_scenarios, run_scenarios

MANIFEST = """[domains.network]
threads = ["controller"]

[domains.audit]
threads = ["auditor"]
"""
KERNEL_DOMAINS = {"network": ["controller"], "audit": ["auditor"], "default": []}
POLICY = """default deny
domain network = { "parser" }
domain audit = {}
grant syscall k_yield from network
grant syscall k_sem_give from audit
"""
SCENARIOS = """scenario "by kernel domain, not by name"
  syscall k_sem_give from "controller" in network -> deny
  syscall k_sem_give from "controller" in audit -> grant
  syscall k_sem_give from "auditor" -> grant
  syscall k_yield from "controller" -> grant
  syscall k_yield from "parser" -> deny
  syscall k_yield from "parser" in network -> grant
"""


def rendered(policy: str, domains: dict[str, list[str]] | None) -> list[str]:
    return [finding.render("p.lvp")
            for finding in check_policy(policy, "p.lvp", None, domains, "d.toml")]


def test_a_kernel_domains_list_of_threads_is_ignored_and_said_so() -> None:
    assert rendered(POLICY, KERNEL_DOMAINS) == [
        "p.lvp:2: warning: domain network is the kernel domain of d.toml: its threads are "
        "the manifest's ('controller'), this list is ignored"]
    # Without a manifest the same policy is about names: audit names no thread.
    assert rendered(POLICY, None) == ["p.lvp:5: warning: this rule names no thread"]


def test_a_kernel_domain_no_rule_names_is_a_warning_on_the_manifest() -> None:
    policy = POLICY.replace("grant syscall k_sem_give from audit\n", "")
    assert "d.toml: warning: domains.audit: no rule of the policy names this kernel " \
        "domain (`from audit`)" in rendered(policy, KERNEL_DOMAINS)


def test_a_from_naming_no_domain_is_an_error_that_says_what_the_manifest_has() -> None:
    policy = POLICY + "grant syscall k_yield from spare\ngrant syscall k_yield from audit2\n"
    domains = {**KERNEL_DOMAINS, "spare": []}
    found = rendered(policy, domains)
    assert "p.lvp:6: error: unknown domain 'spare': d.toml declares it; the policy names " \
        "it by declaring `domain spare = {}`" in found
    assert "p.lvp:7: error: unknown domain 'audit2'" in found


def test_scenario_steps_are_judged_in_their_kernel_domains() -> None:
    compiled = compile_policy(POLICY, "p.lvp")
    scenarios = parse_scenarios(SCENARIOS, "s.lvs")
    assert run_scenarios(compiled, scenarios, "s.lvs", KERNEL_DOMAINS) == (6, [])
    # Without the manifest "controller" is no member of the policy's network domain.
    with pytest.raises(LevanteError, match="no domains manifest"):
        run_scenarios(compiled, scenarios, "s.lvs")
    steps, failures = run_scenarios(compiled, parse_scenarios(
        'scenario "x"\n  syscall k_yield from "controller" -> grant\n', "s.lvs"), "s.lvs")
    assert steps == 1 and failures == [
        "s.lvs:2: scenario 'x': expected grant, got deny (the default of the policy decided)"]
    with pytest.raises(LevanteError, match="s.lvs:2: error: no kernel domain 'lan'"):
        run_scenarios(compiled, parse_scenarios(
            'scenario "x"\n  syscall k_yield from "a" in lan -> deny\n', "s.lvs"),
            "s.lvs", KERNEL_DOMAINS)


def test_a_scenario_sees_the_domain_field_as_the_kernel_gives_it() -> None:
    compiled = compile_policy('grant syscall k_yield when domain == "network"', "p.lvp")
    scenarios = parse_scenarios('scenario "x"\n  syscall k_yield from "controller" -> grant\n'
                                '  syscall k_yield from "auditor" -> deny\n', "s.lvs")
    assert run_scenarios(compiled, scenarios, "s.lvs", KERNEL_DOMAINS) == (2, [])
    # Without a manifest every thread is in the default domain, as in the kernel; code
    # in interrupt context is in none.
    compiled = compile_policy('grant syscall k_yield when domain == "default"', "p.lvp")
    scenarios = parse_scenarios('scenario "x"\n  syscall k_yield from "main" -> grant\n'
                                '  syscall k_yield from "isr" -> deny\n', "s.lvs")
    assert run_scenarios(compiled, scenarios, "s.lvs") == (2, [])


def write(folder: Path, manifest: str | None) -> Path:
    (folder / "policy.lvp").write_text(POLICY)
    (folder / "s.lvs").write_text(SCENARIOS)
    if manifest is not None:
        (folder / "domains.toml").write_text(manifest)
    return folder / "policy.lvp"


def test_the_commands_read_the_manifest_next_to_the_policy(tmp_path: Path) -> None:
    policy = write(tmp_path, MANIFEST)
    checked = levante("policy", "check", str(policy))
    assert checked.returncode == 0, checked.stdout
    assert "this list is ignored" in checked.stdout
    tested = levante("policy", "test", "-p", str(policy), str(tmp_path / "s.lvs"))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.splitlines()[-1] == \
        "levante: 1 scenario(s), 6 step(s): 6 as expected, 0 not"


def test_a_manifest_mistake_is_a_finding_for_check_and_status_2_for_test(
        tmp_path: Path) -> None:
    policy = write(tmp_path, "[domains.network]\nthreads = 3\n")
    manifest = tmp_path / "domains.toml"
    checked = levante("policy", "check", str(policy))
    assert checked.returncode == 1
    assert f"{manifest}: error: domains.network.threads: a list of thread names" \
        in checked.stdout.splitlines()
    tested = levante("policy", "test", "-p", str(policy), str(tmp_path / "s.lvs"))
    assert tested.returncode == 2 and "Traceback" not in tested.stderr
    assert tested.stderr.strip().splitlines() == [
        f"levante: error: {manifest}: domains.network.threads: a list of thread names"]
    # --domains names another manifest; one that is not there is an error, not a crash.
    missing = levante("policy", "check", str(policy), "--domains", str(tmp_path / "no.toml"))
    assert missing.returncode == 1
    assert f"{tmp_path / 'no.toml'}: error: cannot read: No such file or directory" \
        in missing.stdout


def test_without_a_manifest_a_step_in_a_domain_is_status_2(tmp_path: Path) -> None:
    policy = write(tmp_path, None)
    tested = levante("policy", "test", "-p", str(policy), str(tmp_path / "s.lvs"))
    assert tested.returncode == 2
    assert "s.lvs:2: error: the step names kernel domain 'network'" in tested.stderr


def test_the_audit_domains_target_policy_checks_and_meets_its_scenarios() -> None:
    app = TARGET_TESTS / "policy_audit_domains"
    checked = levante("policy", "check", str(app / "policy.lvp"))
    assert checked.returncode == 0, checked.stdout
    assert "domain network is the kernel domain" in checked.stdout
    tested = levante("policy", "test", "-p", str(app / "policy.lvp"),
                     str(app / "scenarios.lvs"))
    assert tested.returncode == 0, tested.stdout


KERNEL_POLICY = """default deny
domain network = {}
domain audit = {}
domain control = {}
neverallow network syscall k_sem_give
grant syscall k_sem_give from audit
grant syscall k_yield from control
grant syscall k_yield from audit
grant syscall k_sem_give from network
"""


def test_kernel_domains_are_told_apart_by_shadowing_and_neverallow() -> None:
    domains = {"network": [], "audit": [], "control": [], "default": []}
    # Three domains with no threads listed are three domains, not one empty set: no
    # grant shadows another's, and the neverallow catches the grant to network alone.
    assert rendered(KERNEL_POLICY, domains) == [
        "p.lvp:9: error: grants syscall k_sem_give against the neverallow on line 5",
        "p.lvp:9: warning: this grant never applies: the deny on line 5 refuses "
        "syscall k_sem_give for these threads"]
