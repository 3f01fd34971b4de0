"""The `thread start` event: its fields (the starting thread's name, entry function,
priority, mode and creator), the checker's view of it, and scenarios over it."""

from __future__ import annotations

from levante.abi import ERRNO
from levante.kernel.policy import ThreadStartEvent
from levante.policy.check import check_policy
from levante.policy.engine import PolicyEngine
from levante.policy.language import compile_policy
from levante.policy.scenario import parse_scenarios, run_scenarios

POLICY = """\
default deny
domain sensors = { "sampler", "filter" }
grant thread start from sensors when priority >= 5 and not user
grant thread start from "main"
deny thread start when entry ~ "^debug_" errno EACCES
"""
ENTRIES = {0x1000: "sample_loop", 0x2000: "debug_shell"}


def engine() -> PolicyEngine:
    return PolicyEngine(compile_policy(POLICY, "p.lvp"),
                        entry_of=lambda address: ENTRIES.get(address, ""))


def start(name: str, entry: int = 0x1000, priority: int = 7, user: bool = False,
          creator: str = "main") -> ThreadStartEvent:
    return ThreadStartEvent(name, entry, priority, user, creator)


def test_a_start_is_judged_by_name_domain_entry_priority_and_mode() -> None:
    policy = engine()
    assert policy.judge_start(start("sampler")) is None
    assert policy.judge_start(start("main", creator="")) is None
    assert policy.judge_start(start("sampler", priority=2)) == -ERRNO["EPERM"]
    assert policy.judge_start(start("filter", user=True)) == -ERRNO["EPERM"]
    assert policy.judge_start(start("stranger")) == -ERRNO["EPERM"]  # the default
    # Forbid wins, over the domain's grant; the entry is matched by its function name.
    assert policy.judge_start(start("sampler", entry=0x2000)) == -ERRNO["EACCES"]
    # A grant whose condition fails decides nothing: the default refused those three.
    assert [(record.thread, record.event, record.line) for record in policy.audit] == [
        ("sampler", "thread start", None), ("filter", "thread start", None),
        ("stranger", "thread start", None), ("sampler", "thread start", 5)]


def test_the_checker_knows_the_event_and_its_fields() -> None:
    def findings(text: str) -> list[str]:
        return [finding.render("p.lvp") for finding in check_policy(text, "p.lvp")]

    assert findings("grant thread stop\n") == [
        "p.lvp:1: error: unknown thread event 'stop' (start)"]
    assert findings("grant thread start when stack > 3\n") == [
        "p.lvp:1: error: unknown field 'stack' (known: creator, domain, entry, "
        "entry_address, priority, thread, user)"]
    assert not [finding for finding in check_policy(POLICY, "p.lvp")
                if finding.severity == "error"]


def test_scenarios_name_thread_starts() -> None:
    scenarios = parse_scenarios(
        'scenario "starts"\n'
        '    thread start from "sampler" { priority: 6, user: false, entry: "x" } -> grant\n'
        '    thread start from "sampler" { priority: 1, user: false, entry: "x" } -> deny\n',
        "s.lvs")
    assert run_scenarios(compile_policy(POLICY, "p.lvp"), scenarios, "s.lvs") == (2, [])
