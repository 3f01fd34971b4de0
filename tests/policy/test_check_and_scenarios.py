"""`levante policy check`'s findings and `levante policy test`'s scenarios, as functions
and as commands with their exit statuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import levante
from levante.policy.check import check_policy
from levante.policy.language import PolicyError, compile_policy
from levante.policy.scenario import parse_scenarios, run_scenarios

FLOW = """domain control = { "ctl" }
flow door {
    states locked, open, broken
    initial locked
    transition open: locked -> open
    transition close: open -> locked
    transition fix: broken -> locked
}
grant syscall k_sem_give from control perform door.open
"""


def lines(text: str) -> list[str]:
    return [finding.render("p.lvp") for finding in check_policy(text, "p.lvp")]


def test_unreachable_states_and_transitions_no_rule_performs() -> None:
    assert lines(FLOW) == [
        "p.lvp:2: warning: flow door: state 'broken' is unreachable from 'locked'",
        "p.lvp:6: warning: flow door: no rule performs transition 'close'",
        "p.lvp:7: warning: flow door: no rule performs transition 'fix'",
    ]


def test_shadowed_and_overridden_grants() -> None:
    assert lines('domain a = { "a", "b" }\ngrant syscall k_yield from a\n'
                 'grant syscall k_yield from "a" when thread == "a"\n'
                 'deny syscall * from "c"\ngrant syscall k_sleep from "c"\n') == [
        "p.lvp:3: warning: this grant is shadowed by line 2, which grants syscall k_yield "
        "to these threads unconditionally",
        "p.lvp:5: warning: this grant never applies: the deny on line 4 refuses syscall "
        "k_sleep for these threads",
    ]
    assert lines('grant syscall k_yield from "a"\ngrant syscall k_yield from "b"\n') == []


def test_neverallow_violations_are_errors() -> None:
    found = lines('domain guests = { "g" }\nneverallow guests syscall k_thread_abort\n'
                  "grant syscall *\n")
    assert "p.lvp:3: error: grants syscall k_thread_abort against the neverallow on line 2" \
        in found


SCENARIOS = """
# Each scenario starts locked, at time 0.
scenario "open once"
    at 0 ms syscall k_sem_give from "ctl" { sem: { count: 0, limit: 1 } } -> grant
    at 1 ms syscall k_sem_give from "ctl" -> deny
scenario "fresh state"
    syscall k_sem_give from "ctl" -> grant
    syscall k_sem_give from "intruder" -> grant
"""


def test_scenarios_roll_state_back_and_report_the_unexpected() -> None:
    compiled = compile_policy(FLOW, "p.lvp")
    steps, failures = run_scenarios(compiled, parse_scenarios(SCENARIOS, "s.lvs"), "s.lvs")
    assert steps == 4
    assert failures == ["s.lvs:8: scenario 'fresh state': expected grant, got deny "
                        "(the default of the policy decided)"]


def test_the_commands_exit_statuses(tmp_path: Path) -> None:
    policy = tmp_path / "p.lvp"
    policy.write_text(FLOW)
    scenarios = tmp_path / "s.lvs"
    scenarios.write_text(SCENARIOS)
    checked = levante("policy", "check", str(policy))
    assert checked.returncode == 0
    assert checked.stdout.splitlines()[-1] == f"levante: {policy}: 0 error(s), 3 warning(s)"
    tested = levante("policy", "test", "-p", str(policy), str(scenarios))
    assert tested.returncode == 1
    assert tested.stdout.splitlines()[-1] == \
        "levante: 2 scenario(s), 4 step(s): 3 as expected, 1 not"
    scenarios.write_text(SCENARIOS.replace('"intruder" -> grant', '"intruder" -> deny'))
    assert levante("policy", "test", "-p", str(policy), str(scenarios)).returncode == 0

    policy.write_text(FLOW + "neverallow control syscall k_sem_give\n")
    assert levante("policy", "check", str(policy)).returncode == 1


def test_bad_input_is_one_line_and_status_2(tmp_path: Path) -> None:
    policy = tmp_path / "p.lvp"
    policy.write_text("grant syscall k_yield when (")
    result = levante("policy", "check", str(policy))
    assert (result.returncode, result.stderr) == (
        2, f"levante: error: {policy}:1: error: unexpected end of the policy\n")
    missing = levante("policy", "check", str(tmp_path / "none.lvp"))
    assert missing.returncode == 2
    assert missing.stderr == (f"levante: error: {tmp_path / 'none.lvp'}: cannot read: "
                              "No such file or directory\n")
    policy.write_text("grant syscall k_yield\n")
    scenarios = tmp_path / "s.lvs"
    scenarios.write_text('scenario "x"\n  syscall k_yeld from "a" -> grant\n')
    result = levante("policy", "test", "-p", str(policy), str(scenarios))
    assert (result.returncode, result.stderr) == (
        2, f"levante: error: {scenarios}:2: error: unknown system call 'k_yeld'\n")
    scenarios.write_text('scenario "x"\n  at 2 ms syscall k_yield from "a" -> grant\n'
                         '  at 1 ms syscall k_yield from "a" -> grant\n')
    result = levante("policy", "test", "-p", str(policy), str(scenarios))
    assert (result.returncode, result.stderr) == (
        2, f"levante: error: {scenarios}:3: error: time goes backwards\n")


def test_names_declared_and_never_used_are_warned_about() -> None:
    assert lines('domain a = { "a" }\ndomain b = { "b" }\nset s = { 1 }\nmap m = { 1: 2 }\n'
                 "role r { syscall k_yield }\nflow f {\n states x\n initial x\n}\n"
                 "grant syscall k_yield from a when 1 in s\n") == [
        "p.lvp:2: warning: 'b' is never used",
        "p.lvp:4: warning: 'm' is never used",
        "p.lvp:5: warning: 'r' is never used",
        "p.lvp:6: warning: 'f' is never used",
    ]


def test_the_target_tests_policy_checks_clean_and_meets_its_scenarios() -> None:
    app = Path(__file__).parents[1] / "target" / "policy_gate"
    checked = levante("policy", "check", str(app / "policy.lvp"))
    assert checked.returncode == 0 and "0 error(s), 0 warning(s)" in checked.stdout
    tested = levante("policy", "test", "--policy", str(app / "policy.lvp"),
                     str(app / "scenarios.lvs"))
    assert tested.returncode == 0, tested.stdout
    assert tested.stdout.splitlines()[-1] == \
        "levante: 2 scenario(s), 10 step(s): 10 as expected, 0 not"


@pytest.mark.parametrize("value", ["9" * 5000, "[" * 3000 + "]" * 3000])
def test_a_huge_or_deep_scenario_value_is_one_error_not_a_crash(value: str) -> None:
    """They raised ValueError (past Python's digit limit) and RecursionError."""
    text = f'scenario "s"\n  syscall k_yield from "main" {{ a: {value} }} -> grant\n'
    with pytest.raises(PolicyError) as raised:
        parse_scenarios(text, "s.lvs")
    assert str(raised.value).startswith("s.lvs:2: error: ")
