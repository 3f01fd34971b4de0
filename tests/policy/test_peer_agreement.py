"""Levante, Cedar and casbin give the same verdict on every request of the comparison's
policies (small versions of the benchmark's ACL, RBAC and Flow), so that comparing their
speed compares the same decisions."""

from __future__ import annotations

from bench import policy_peers as peers
from bench.policy_peers import Request


def _verdicts(engines: peers.Engines, request: Request) -> tuple[bool, bool, bool]:
    return engines.levante(request), engines.cedar(request), engines.casbin(request)


def test_the_acl_verdicts_agree() -> None:
    engines = peers.acl(limit=3)
    requests = [Request(thread, call, count) for thread in (peers.ACL_THREAD, "operator6")
                for call in (peers.ACL_CALL, "k_sem_take") for count in range(5)]
    verdicts = [_verdicts(engines, request) for request in requests]
    assert all(len(set(three)) == 1 for three in verdicts), (requests, verdicts)
    # Granted exactly for the thread, the call and a count below the limit.
    assert [three[0] for three in verdicts] == [
        request.thread == peers.ACL_THREAD and request.call == peers.ACL_CALL
        and request.count < 3 for request in requests]


def test_the_rbac_verdicts_agree() -> None:
    engines = peers.rbac(roles=3, permissions=4)
    calls = peers.rbac_calls(6)  # the last two are in no role
    requests = [Request(f"operator{thread}", call) for thread in range(4) for call in calls]
    verdicts = [_verdicts(engines, request) for request in requests]
    assert all(len(set(three)) == 1 for three in verdicts), (requests, verdicts)
    assert [three[0] for three in verdicts] == [
        request.thread != "operator3" and request.call in calls[:4] for request in requests]


def test_the_flow_verdicts_agree_with_the_state_kept_by_the_caller() -> None:
    for cycle in (False, True):
        engines = peers.flow(states=3, cycle=cycle)
        state, seen = 0, []
        for _ in range(5):
            request = Request("main", peers.FLOW_CALL, state=state)
            three = _verdicts(engines, request)
            assert len(set(three)) == 1, (cycle, state, three)
            seen.append(three[0])
            state = peers.next_state(3, cycle, three[0], state)
        # An open chain of 3 states allows two steps; a cycle never stops.
        assert seen == ([True] * 5 if cycle else [True, True, False, False, False])
