"""The same three policies (an ACL, RBAC, a Flow) in Levante, Cedar (cedarpy) and casbin,
each engine judging the same requests: for the verdict benchmarks and the test that the
three agree.

Cedar and casbin are stateless: a Flow's state is the caller's to keep, so it travels in
the request (Cedar's `context.state`, a request field in casbin), and the caller moves it
along after a grant; Levante's engine keeps the machine itself.  Each peer gets its best
case: Cedar's policies and entities are parsed once into handles, casbin's model and
policies are loaded once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace

import casbin
import cedarpy

from levante.abi import SYSCALLS_BY_NAME
from levante.kernel.caller import Caller
from levante.kernel.objects.sem import Semaphore
from levante.policy.engine import PolicyEngine
from levante.policy.language import compile_policy

ACL_THREAD, ACL_CALL = "operator7", "k_sem_give"
FLOW_CALL = "k_sem_give"


@dataclass(frozen=True)
class Request:
    """One system call to judge: who, which call, the semaphore's count, and for the
    stateless engines the Flow's state (its index) as the caller keeps it."""

    thread: str
    call: str
    count: int = 0
    state: int = 0


Judge = Callable[[Request], bool]


@dataclass(frozen=True)
class Engines:
    """One policy in the three engines: each judges a request (for a Flow, Cedar and
    casbin are given the state the caller keeps; see `flow_states`)."""

    levante: Judge
    cedar: Judge
    casbin: Judge


# The policies ---------------------------------------------------------------------------


def acl_text(limit: int) -> str:
    """One thread may give one semaphore while its count is below `limit`."""
    return f'grant syscall {ACL_CALL} from "{ACL_THREAD}" when sem.count < {limit}'


def acl(limit: int) -> Engines:
    """The ACL in the three engines (the semaphore a resource with a count)."""
    cedar = (f'permit(principal == Thread::"{ACL_THREAD}", action == Action::"{ACL_CALL}", '
             f"resource) when {{ resource.count < {limit} }};")
    enforcer = _casbin("r = sub, obj, act", "p = sub, act, rule",
                       "r.sub == p.sub && r.act == p.act && eval(p.rule)")
    enforcer.add_policy(ACL_THREAD, ACL_CALL, f"r.obj.count < {limit}")
    return Engines(_levante(acl_text(limit)), _cedar(cedar),
                   lambda request: bool(enforcer.enforce(
                       request.thread, SimpleNamespace(count=request.count), request.call)))


def rbac_calls(permissions: int) -> list[str]:
    return [name for name in SYSCALLS_BY_NAME if name.startswith("k_")][:permissions]


def rbac_text(roles: int, permissions: int) -> str:
    """`roles` roles of `permissions` system calls each; thread operatorN has role rN."""
    lines = []
    for role in range(roles):
        lines.append(f'domain d{role} = {{ "operator{role}" }}')
        lines.append(f"role r{role} {{ "
                     + ", ".join(f"syscall {c}" for c in rbac_calls(permissions)) + " }")
        lines.append(f"assign r{role} to d{role}")
    return "\n".join(lines)


def rbac(roles: int, permissions: int) -> Engines:
    """RBAC in the three engines: a Cedar `permit` and a casbin `p` line per role and
    call, the threads' roles as Cedar entity parents and casbin `g` lines."""
    calls = rbac_calls(permissions)
    cedar = []
    enforcer = _casbin("r = sub, act", "p = sub, act",
                       "g(r.sub, p.sub) && r.act == p.act", roles=True)
    for role in range(roles):
        cedar += [f'permit(principal in Role::"r{role}", action == Action::"{call}", resource);'
                  for call in calls]
        enforcer.add_policies([[f"r{role}", call] for call in calls])
        enforcer.add_grouping_policy(f"operator{role}", f"r{role}")
    entities: list[dict[str, object]] = [
        {"uid": {"type": "Thread", "id": f"operator{role}"}, "attrs": {},
         "parents": [{"type": "Role", "id": f"r{role}"}]} for role in range(roles)]
    return Engines(_levante(rbac_text(roles, permissions)), _cedar("\n".join(cedar), entities),
                   lambda request: bool(enforcer.enforce(request.thread, request.call)))


def flow_text(states: int, cycle: bool) -> str:
    """A Flow of `states` states, s0 -> s1 -> ...; back to s0 from the last when `cycle`
    (otherwise the last state has no way out and a call there is refused)."""
    names = [f"s{index}" for index in range(states)]
    steps = states if cycle else states - 1
    transitions = "\n".join(f" transition t{i}: {names[i]} -> {names[(i + 1) % states]}"
                            for i in range(steps))
    grants = "\n".join(f"grant syscall {FLOW_CALL} perform f.t{i}" for i in range(steps))
    return (f"flow f {{\n states {', '.join(names)}\n initial s0\n{transitions}\n}}\n"
            f"{grants}")


def flow(states: int, cycle: bool) -> Engines:
    """The Flow; Cedar and casbin grant in a state that has a transition out, the state
    being the request's."""
    steps = states if cycle else states - 1
    cedar = "\n".join(f'permit(principal, action == Action::"{FLOW_CALL}", resource) '
                      f'when {{ context.state == "s{i}" }};' for i in range(steps))
    enforcer = _casbin("r = act, state", "p = act, state",
                       "r.act == p.act && r.state == p.state")
    enforcer.add_policies([[FLOW_CALL, f"s{i}"] for i in range(steps)])
    return Engines(_levante(flow_text(states, cycle)), _cedar(cedar, state=True),
                   lambda request: bool(enforcer.enforce(request.call, f"s{request.state}")))


def next_state(states: int, cycle: bool, granted: bool, state: int) -> int:
    """The state a stateless engine's caller keeps: the next one after a grant."""
    if not granted:
        return state
    return (state + 1) % states if cycle else min(state + 1, states - 1)


# The engines ----------------------------------------------------------------------------


class _Thread:
    def __init__(self, name: str) -> None:
        self.name = name


def _levante(text: str) -> Judge:
    """The kernel's question, as `kernel/policy.py` asks it: the caller, the call and its
    decoded arguments (a semaphore of the request's count)."""
    engine = PolicyEngine(compile_policy(text, "peers.lvp"))

    @cache
    def caller(thread: str) -> Caller:
        return Caller(_Thread(thread))  # type: ignore[arg-type]

    @cache
    def semaphore(count: int) -> list[object]:
        return [Semaphore(count, max(count, 1))]

    def judge(request: Request) -> bool:
        errno = engine.judge(caller(request.thread), SYSCALLS_BY_NAME[request.call],
                             semaphore(request.count))
        return errno is None
    return judge


def _cedar(text: str, parents: list[dict[str, object]] | None = None,
           state: bool = False) -> Judge:
    policies = cedarpy.PolicySet.from_str(text)

    @cache
    def entities(count: int) -> cedarpy.Entities:
        semaphore = {"uid": {"type": "Semaphore", "id": "sem"},
                     "attrs": {"count": count, "limit": max(count, 1)}, "parents": []}
        return cedarpy.Entities.from_json_str(json.dumps([*(parents or []), semaphore]))

    def judge(request: Request) -> bool:
        asked = {"principal": f'Thread::"{request.thread}"',
                 "action": f'Action::"{request.call}"', "resource": 'Semaphore::"sem"',
                 "context": {"state": f"s{request.state}"} if state else {}}
        return bool(cedarpy.is_authorized(asked, policies, entities(request.count)).allowed)
    return judge


def _casbin(request: str, policy: str, matcher: str, roles: bool = False) -> casbin.Enforcer:
    model = casbin.Model()
    model.load_model_from_text(
        f"[request_definition]\n{request}\n[policy_definition]\n{policy}\n"
        + ("[role_definition]\ng = _, _\n" if roles else "")
        + "[policy_effect]\ne = some(where (p.eft == allow))\n"
        + f"[matchers]\nm = {matcher}\n")
    return casbin.Enforcer(model)
