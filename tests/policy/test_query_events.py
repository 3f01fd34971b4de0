"""Explicit queries from code (`query NAME`): the language's names and wildcards, the
engine's verdicts by field, Flow, limit and deny, the audit, `levante policy check` and
`levante policy test` scenarios with query steps."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_support import Clocked
from reference import reference_decide

from conftest import levante
from levante.kernel.policy import QUERY_NAME_MAX, is_query_name
from levante.policy.check import check_policy
from levante.policy.engine import PolicyEngine
from levante.policy.events import wildcards_of
from levante.policy.language import PolicyError, compile_policy
from levante.policy.scenario import parse_scenarios, run_scenarios

DOOR = """domain control = { "ctl" }
flow door {
    states locked, authenticated, unlocked
    initial locked
    transition authenticate: locked -> authenticated
    transition unlock: authenticated -> unlocked
    transition lock: unlocked -> locked
}
grant query door.authenticate from control when pin == 1234 perform door.authenticate
grant query door.open from control when side == "front" and level <= 3 perform door.unlock
grant query door.close from control perform door.lock
deny query door.* from "net" errno EACCES
limit query door.open to 2 per 1 s
"""


def query(policy: Clocked, name: str, thread: str = "ctl", **fields: object) -> bool:
    return policy.engine.decide(f"query {name}", thread, {**fields, "thread": thread}).granted


def test_a_query_is_granted_by_its_fields_and_advances_the_flow() -> None:
    door = Clocked(DOOR)
    assert not query(door, "door.open", side="front", level=1)  # locked
    assert not query(door, "door.authenticate", pin=1111)
    assert query(door, "door.authenticate", pin=1234)
    assert not query(door, "door.open", side="back", level=1)
    assert not query(door, "door.open", side="front", level=4)
    assert not query(door, "door.open", side="front")  # no level: undefined, not granted
    assert query(door, "door.open", side="front", level=3)
    assert door.engine.state.flows == {("door", None): "unlocked"}
    assert query(door, "door.close")
    assert not query(door, "door.close")  # locked already: the transition is impossible


def test_the_limit_counts_granted_queries_in_simulated_time() -> None:
    door = Clocked(DOOR)
    for _ in range(2):
        assert query(door, "door.authenticate", pin=1234)
        assert query(door, "door.open", side="front", level=1)
        assert query(door, "door.close")
    assert query(door, "door.authenticate", pin=1234)
    assert not query(door, "door.open", side="front", level=1)  # a third within 1 s
    door.now = 1_000_001
    assert query(door, "door.open", side="front", level=1)


def test_a_deny_covers_its_wildcard_and_is_audited_with_its_errno() -> None:
    door = Clocked(DOOR)
    verdict = door.engine.decide("query door.lock.front", "net", {"thread": "net"})
    assert (verdict.granted, verdict.errno, verdict.line) == (False, -13, 12)
    assert [(record.thread, record.event, record.verdict, record.line)
            for record in door.engine.audit] == [("net", "query door.lock.front", "deny", 12)]
    assert door.traced[-1]["policy_event"] == "query door.lock.front"


def test_wildcards_go_from_the_closest_to_every_query() -> None:
    assert wildcards_of("query door.lock.front") == (
        "query door.lock.*", "query door.*", "query *")
    assert wildcards_of("query door") == ("query *",)
    policy = Clocked('grant query *\ndeny query door.* when armed')
    assert query(policy, "window.open")
    assert query(policy, "door.open", armed=False)
    assert not query(policy, "door.open", armed=True)
    assert not query(policy, "door.open")  # a deny that cannot be evaluated refuses


@pytest.mark.parametrize("name", ["do*r", "door.*.front", "door.**", "x" * (QUERY_NAME_MAX + 1),
                                  "*door"])
def test_a_malformed_query_name_is_an_error(name: str) -> None:
    with pytest.raises(PolicyError, match="malformed query name"):
        compile_policy(f"grant query {name}", "p.lvp")


def test_the_kernel_and_the_language_agree_on_names() -> None:
    for name in ("door.open", "a", "_x.y_2.z", "d" * QUERY_NAME_MAX):
        assert is_query_name(name)
        compile_policy(f"grant query {name}", "p.lvp")
    for name in ("door.*", "*", "door..open", "door.", "2door", "d" * (QUERY_NAME_MAX + 1),
                 "door open", "dör"):
        assert not is_query_name(name)


def test_the_plans_agree_with_the_rules_read_one_by_one() -> None:
    events: list[tuple[str, dict[str, object]]] = [
              ("door.authenticate", {"pin": 1234}), ("door.open", {"side": "front"}),
              ("door.open", {"side": "front", "level": 2}), ("door.close", {}),
              ("door.lock.front", {}), ("door.open", {"side": 7, "level": "x"})]
    planned = PolicyEngine(compile_policy(DOOR, "p.lvp"))
    reference = PolicyEngine(compile_policy(DOOR, "p.lvp"))
    for round_ in range(3):
        for thread in ("ctl", "net", "other"):
            for name, fields in events:
                key = f"query {name}"
                data: dict[str, object] = {**fields, "thread": thread}
                assert planned.decide(key, thread, data) == \
                    reference_decide(reference, key, thread, data), (round_, thread, name)


def test_check_does_not_flag_a_query_s_fields_but_flags_its_name() -> None:
    findings = [finding.render("p.lvp") for finding in check_policy(DOOR, "p.lvp")]
    assert findings == []
    text = "grant query door.x*\ngrant query ok when anything"
    bad = [finding.render("p.lvp") for finding in check_policy(text, "p.lvp")]
    assert len(bad) == 1 and bad[0].startswith("p.lvp:1: error: malformed query name 'door.x*'")


SCENARIOS = """scenario "the PIN, then the door"
    at 0 ms query door.open from "ctl" { side: "front", level: 1 } -> deny
    query door.authenticate from "ctl" { pin: 1234 } -> grant
    query door.open from "ctl" { side: "front", level: 1 } -> grant
    query door.open from "net" -> deny
scenario "state starts fresh"
    query door.open from "ctl" { side: "front", level: 1 } -> deny
"""


def test_scenarios_have_query_steps() -> None:
    compiled = compile_policy(DOOR, "p.lvp")
    steps, failures = run_scenarios(compiled, parse_scenarios(SCENARIOS, "s.lvs"), "s.lvs")
    assert (steps, failures) == (5, [])
    with pytest.raises(PolicyError, match="s.lvs:2: error: not a scenario step"):
        parse_scenarios('scenario "x"\n    query door.* from "ctl" -> grant\n', "s.lvs")


def test_the_commands_with_query_events(tmp_path: Path) -> None:
    policy, scenarios = tmp_path / "p.lvp", tmp_path / "s.lvs"
    policy.write_text(DOOR)
    scenarios.write_text(SCENARIOS.replace("-> grant\n    query door.open from \"net\"",
                                           "-> deny\n    query door.open from \"net\""))
    assert levante("policy", "check", str(policy)).returncode == 0
    tested = levante("policy", "test", "-p", str(policy), str(scenarios))
    assert tested.returncode == 1
    assert "s.lvs:4: scenario 'the PIN, then the door': expected deny, got grant (line 10" \
        in tested.stdout + tested.stderr
    policy.write_text("grant query door.*.x\n")
    checked = levante("policy", "check", str(policy))
    assert checked.returncode == 1 and "malformed query name" in checked.stdout + checked.stderr


def test_rbac_type_enforcement_and_a_neverallow_over_a_wildcard() -> None:
    text = """domain control = { "ctl" }
domain network = { "net" }
role opener { query door.open, query window.* }
assign opener to control
allow network query door.status
neverallow network query door.*
"""
    policy = Clocked(text)
    assert query(policy, "door.open") and query(policy, "window.tilt")
    assert not query(policy, "door.close")
    assert not query(policy, "door.status", thread="net")  # the neverallow refuses
    findings = [finding.render("p.lvp") for finding in check_policy(text, "p.lvp")]
    assert "p.lvp:5: error: grants query door.* against the neverallow on line 6" in findings
