"""The policy engine: a compiled policy's verdicts on system calls and service messages.

Loading turns the compiled form's expression trees into Python closures and its rule
lists into per-event tables; each event and thread gets a plan (`plans.py`) the first
time it is judged, so a verdict is a lookup, and a closure call where a rule has a
condition.  The engine is both the kernel's `SyscallPolicy` and its `ServicePolicy`.  Its
state (Flow states, temporal windows, which events were granted) is what `reset` rolls
back.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from levante.abi import ERRNO, SYSCALLS_BY_NAME
from levante.policy.events import event_key, wildcards_of
from levante.policy.language import Compiled
from levante.policy.plans import Plan, PlanContext, make_plan
from levante.policy.predicates import Fields, Loader, Predicate, SymbolOf

if TYPE_CHECKING:
    from levante.abi import Syscall
    from levante.kernel.caller import Caller
    from levante.kernel.policy import ThreadStartEvent
    from levante.kernel.service_control import ServiceMessage

Clock = Callable[[], int]  # simulated microseconds
Trace = Callable[..., None]

_EPERM = -ERRNO["EPERM"]
ISR_THREAD = "isr"  # who a call from interrupt context is, to a policy
_TABLE_CACHE_LIMIT = 4096  # (event, thread) pairs whose plans are kept
# Each system call's event key, made once rather than formatted at every verdict.
_SYSCALL_KEYS = {name: event_key("syscall", name) for name in SYSCALLS_BY_NAME}
_NO_FIELDS: Fields = MappingProxyType({})
# Each system call's parameter names: its fields, with the thread's name ("thread" too
# where a parameter has that name, which then overrides it).
_PARAMETER_NAMES = {name: tuple(parameter.name for parameter in call.parameters)
                    for name, call in SYSCALLS_BY_NAME.items()}


@dataclass(frozen=True)
class Verdict:
    granted: bool
    errno: int | None  # the refusal's errno, None when granted
    line: int | None  # the rule that decided, None for the default
    audit: bool  # the deciding rule asked for a record
    record: bool = False  # recorded under the policy's audit profile (made at load time)


@dataclass(frozen=True)
class FlowStep:
    """A Flow requirement or transition of a rule: the machine, its key, the state or
    transition."""

    flow: str
    key: Predicate | None
    word: str
    # From the flow's table, looked up once: the transition's sources and target (for a
    # requirement, the state itself), and the machine's initial state.
    sources: frozenset[str]
    target: str
    initial: str


@dataclass(frozen=True)
class Rule:
    line: int
    threads: frozenset[str] | None  # None: any thread
    domain: str | None  # the domain its `from` names, None for a thread or anyone
    when: Predicate | None
    after: str | None
    between: tuple[int, int] | None  # granted only from..until (simulated microseconds)
    require: tuple[FlowStep, ...]
    perform: tuple[FlowStep, ...]
    errno: int
    audit: bool
    verdict: Verdict  # what the rule decides when it applies, made once


@dataclass(frozen=True)
class Limit:
    line: int
    threads: frozenset[str] | None
    domain: str | None
    count: int
    window_us: int
    verdict: Verdict


@dataclass(frozen=True)
class Access:
    """An event that reads or writes the kernel object of one of its parameters."""

    line: int
    writes: bool
    symbol: Predicate  # the object's C name
    verdict: Verdict


@dataclass(frozen=True)
class EventTable:
    """Every rule that applies to one event and thread, its wildcards' included."""

    deny: tuple[Rule, ...]
    grant: tuple[Rule, ...]
    limit: tuple[Limit, ...]
    level: int | None = None  # the thread's integrity level, where declared
    accesses: tuple[Access, ...] = ()  # judged by integrity level when `level` is set


@dataclass(frozen=True)
class AuditRecord:
    time_us: int
    thread: str
    event: str
    verdict: str
    line: int | None
    domain: str = ""  # the thread's kernel domain, "" where the application has none


@dataclass
class _State:
    """What the policy remembers between verdicts."""

    flows: dict[tuple[str, object], str] = field(default_factory=dict)
    windows: dict[tuple[int, str], deque[int]] = field(default_factory=dict)
    granted: set[str] = field(default_factory=set)


def _step(loader: Loader, flows: Mapping[str, Any], item: list[Any]) -> FlowStep:
    name, key, word = item
    flow = flows[name]
    transition = flow["transitions"].get(word)
    sources, target = ((frozenset(transition["from"]), transition["to"])
                       if transition is not None else (frozenset(), word))
    return FlowStep(name, None if key is None else loader.closure(key), word, sources,
                    target, flow["initial"])


def _verdict(profile: str, granted: bool, errno: int | None, line: int | None,
             audit: bool) -> Verdict:
    """A verdict, with whether the audit profile records it."""
    record = audit or profile == "all" or (profile == "denials" and not granted)
    return Verdict(granted, errno, line, audit, record)


def _rule(loader: Loader, flows: Mapping[str, Any], data: Mapping[str, Any],
          grants: bool, profile: str) -> Rule:
    threads = data["threads"]
    return Rule(data["line"], None if threads is None else frozenset(threads),
                data.get("domain"),
                None if data["when"] is None else loader.condition(data["when"]),
                data["after"],
                None if data["between"] is None else (data["between"][0], data["between"][1]),
                tuple(_step(loader, flows, item) for item in data["require"]),
                tuple(_step(loader, flows, item) for item in data["perform"]),
                data["errno"], data["audit"],
                _verdict(profile, grants, None if grants else data["errno"], data["line"],
                         data["audit"]))


class PolicyEngine:
    """A loaded policy: `decide` on any event, `judge` as the kernel's two policies."""

    def __init__(self, compiled: Compiled, clock: Clock = lambda: 0,
                 trace: Trace | None = None, symbol_of: SymbolOf | None = None,
                 entry_of: Callable[[int], str] | None = None) -> None:
        loader = Loader(compiled, symbol_of)
        self.audit_profile: str = compiled["audit"]
        profile = self.audit_profile
        self.default_grants = compiled["default"] == "allow"
        self.default_verdict = _verdict(profile, self.default_grants,
                                        None if self.default_grants else _EPERM, None, False)
        self.flows: dict[str, dict[str, Any]] = compiled["flows"]
        self._rules: dict[str, dict[str, tuple[Any, ...]]] = {
            key: {"deny": tuple(_rule(loader, self.flows, rule, False, profile)
                                for rule in rules["deny"]),
                  "grant": tuple(_rule(loader, self.flows, rule, True, profile)
                                 for rule in rules["grant"]),
                  "limit": tuple(Limit(limit["line"],
                                       None if limit["threads"] is None
                                       else frozenset(limit["threads"]),
                                       limit.get("domain"),
                                       limit["count"], limit["window_us"],
                                       _verdict(profile, False, _EPERM, limit["line"], False))
                                 for limit in rules["limit"])}
            for key, rules in compiled["events"].items()}
        self._plans: dict[tuple[str, str, str], Plan] = {}
        self.thread_levels: dict[str, int] = compiled["integrity"]["threads"]
        self.domain_levels: dict[str, int] = compiled["integrity"].get("domains", {})
        self.policy_domains: dict[str, list[str]] = compiled["domains"]
        self.integrity: dict[str, Any] = compiled["integrity"]
        # Whether a policy domain means the kernel's security domain of that name (the
        # application declares domains): then its threads are the kernel domain's,
        # whatever their names.  Asked when a table is built, after boot.
        self.is_kernel_domain: Callable[[str], bool] = lambda name: False
        # The kernel domain of the thread a service message is for ("" for none): the
        # services name the thread, the installer knows which one it is.
        self.service_domain: Callable[[str], str] = lambda thread: ""
        self.object_levels: dict[str, int] = compiled["integrity"]["objects"]
        self._accesses = {
            key: tuple(Access(access["line"], access["writes"],
                              loader.closure(["field", [access["parameter"], "symbol"]]),
                              _verdict(profile, False, _EPERM, access["line"], False))
                       for access in accesses)
            for key, accesses in compiled["accesses"].items()}
        self.clock = clock
        self.trace = trace
        # A thread's entry function by name ("" where the image has no symbol for it).
        self.entry_name: Callable[[int], str] = entry_of or (lambda address: "")
        self.audit: deque[AuditRecord] = deque(maxlen=compiled["audit_buffer"])
        self.audit_dropped = 0
        self.verdicts = 0
        self.state = _State()
        self._context = PlanContext(
            self.state, clock, self.object_levels, self.default_verdict,
            frozenset(rule.after for part in self._rules.values() for rule in part["grant"]
                      if rule.after is not None))

    def reset(self) -> None:
        """Forget every Flow state, window, granted event and audit record (in place:
        the plans hold the state's tables)."""
        self.state.flows.clear()
        self.state.windows.clear()
        self.state.granted.clear()
        self.audit.clear()
        self.audit_dropped = 0

    def applies(self, rule: Rule | Limit, thread: str, domain: str) -> bool:
        """Whether `rule` names the thread `thread` of kernel domain `domain`: by its
        kernel domain where the rule's domain is one, else by the thread's name."""
        if rule.domain is not None and self.is_kernel_domain(rule.domain):
            return rule.domain == domain
        return rule.threads is None or thread in rule.threads

    def _level(self, thread: str, domain: str) -> int | None:
        """The thread's integrity level: its kernel domain's where the policy gives it
        one, else the level a domain of thread names (not a kernel domain) gives it."""
        if "domains" not in self.integrity:
            return self.thread_levels.get(thread)  # compiled before domains had levels
        if self.is_kernel_domain(domain) and domain in self.domain_levels:
            return self.domain_levels[domain]
        if any(thread in members and name in self.domain_levels
               and not self.is_kernel_domain(name)
               for name, members in self.policy_domains.items()):
            return self.thread_levels.get(thread)
        return None

    def table(self, key: str, thread: str, domain: str = "") -> EventTable:
        """The rules for event `key` (its wildcards' included) that apply to `thread`
        (of kernel domain `domain`), in the policy's order: built once per event and
        thread, so that a verdict looks only at the rules that can decide it."""
        return self.plan(key, thread, domain).table

    def plan(self, key: str, thread: str, domain: str = "") -> Plan:
        """How a verdict on event `key` for `thread` (of kernel domain `domain`) is
        made: built the first time."""
        plan = self._plans.get((key, thread, domain))
        if plan is None:
            parts = [self._rules[index] for index in (key, *wildcards_of(key))
                     if index in self._rules]
            level = self._level(thread, domain)
            deny, grant, limit = (tuple(rule for part in parts for rule in part[kind]
                                        if self.applies(rule, thread, domain))
                                  for kind in ("deny", "grant", "limit"))
            table = EventTable(deny, grant, limit, level,
                               self._accesses.get(key, ()) if level is not None else ())
            plan = make_plan(key, thread, table, self._context)
            if len(self._plans) >= _TABLE_CACHE_LIMIT:
                # Thread names are the threads' to choose: never let them grow the cache.
                self._plans.clear()
            self._plans[key, thread, domain] = plan
        return plan

    # The kernel's two questions ------------------------------------------------------

    def judge(self, caller: Caller, call: Syscall, arguments: Sequence[object]) -> int | None:
        """The `SyscallPolicy` answer: the call's parameters by their C names.  Code in
        interrupt context (a timer's expiry function, the fatal error handler) is judged
        as the thread "isr", as the trace names it, never as the thread it interrupted."""
        if caller.in_isr:
            thread, domain = ISR_THREAD, ""
        else:
            thread = caller.thread.name
            security = getattr(caller.thread, "security_domain", None)  # None: no domains
            domain = security.name if security is not None else ""
        key = _SYSCALL_KEYS.get(call.name) or event_key("syscall", call.name)
        plan = self._plans.get((key, thread, domain)) or self.plan(key, thread, domain)
        verdict = plan.constant
        if verdict is None:
            fields: Fields = _NO_FIELDS  # only a plan whose rules read fields gets them
            if plan.reads_fields:
                names = _PARAMETER_NAMES.get(call.name) or tuple(
                    parameter.name for parameter in call.parameters)
                if len(names) == 1 and arguments:  # the usual case
                    fields = {"thread": thread, "domain": domain, names[0]: arguments[0]}
                else:
                    fields = {"thread": thread, "domain": domain}
                    fields.update(zip(names, arguments, strict=False))
            verdict = plan.decide(fields)
        return self._conclude(plan, thread, verdict, domain).errno

    def judge_message(self, thread: str, peer: str, message: ServiceMessage) -> int | None:
        """The `ServicePolicy` answer (see `ServiceJudge`)."""
        fields = {**message.fields, "thread": thread, "peer": peer}
        key = event_key("service", f"{message.service}.{message.action}")
        return self.decide(key, thread, fields, self.service_domain(thread)).errno

    def judge_start(self, start: ThreadStartEvent) -> int | None:
        """The `ThreadStartPolicy` answer: judged as the starting thread itself, so that
        `from DOMAIN` names the threads a domain may start as."""
        fields: dict[str, object] = {
            "thread": start.name, "entry": self.entry_name(start.entry),
            "entry_address": start.entry, "priority": start.priority, "user": start.user,
            "creator": start.creator, "domain": start.domain}
        return self.decide(event_key("thread", "start"), start.name, fields,
                           start.domain).errno

    def judge_query(self, caller: Caller, name: str,
                    fields: Mapping[str, int | str]) -> int | None:
        """The `QueryPolicy` answer: event `query NAME` with the code's fields, and the
        caller's `thread` and `domain` as the kernel knows them."""
        thread, domain = self._who(caller)
        return self.decide(event_key("query", name), thread,
                           {**fields, "thread": thread, "domain": domain}, domain).errno

    @staticmethod
    def _who(caller: Caller) -> tuple[str, str]:
        """The caller's name and kernel domain, as a policy sees them."""
        if caller.in_isr:
            return ISR_THREAD, ""
        security = getattr(caller.thread, "security_domain", None)  # None: no domains
        return caller.thread.name, security.name if security is not None else ""

    # The verdict ---------------------------------------------------------------------

    def decide(self, key: str, thread: str, fields: Fields, domain: str = "") -> Verdict:
        """Judge one event of `thread` (of kernel domain `domain`, "" when it has none
        or the application declares none), update the policy's state and audit it."""
        plan = self._plans.get((key, thread, domain)) or self.plan(key, thread, domain)
        verdict = plan.constant
        return self._conclude(plan, thread, plan.decide(fields) if verdict is None else verdict,
                              domain)

    def _conclude(self, plan: Plan, thread: str, verdict: Verdict, domain: str) -> Verdict:
        """Count the verdict, remember a grant an `after` waits for, audit it."""
        self.verdicts += 1
        if plan.marks_granted and verdict.granted:
            self.state.granted.add(plan.key)
        if verdict.record:
            self._record(AuditRecord(self.clock(), thread, plan.key,
                                     "grant" if verdict.granted else "deny", verdict.line,
                                     domain))
        return verdict

    def grants_by_name(self, call: str, thread: str, domain: str) -> bool:
        """The kernel's `PolicyAudit` question: whether a grant of `syscall CALL` itself
        (not a wildcard, not `default allow`) names this thread or its kernel domain."""
        rules = self._rules.get(event_key("syscall", call))
        return rules is not None and any(
            (rule.threads is not None or rule.domain is not None)
            and self.applies(rule, thread, domain) for rule in rules["grant"])

    def take_audit(self, limit: int) -> tuple[list[AuditRecord], int]:
        """The kernel's `PolicyAudit`: remove up to `limit` of the oldest records; the
        count of records dropped since the last take goes with them, and restarts."""
        taken = [self.audit.popleft() for _ in range(min(limit, len(self.audit)))]
        dropped, self.audit_dropped = self.audit_dropped, 0
        return taken, dropped

    def audit_refusal(self, thread: str, key: str) -> None:
        """Record a refusal the kernel made itself, with no verdict asked (a malformed
        IPC message): a deny by no rule, under every audit profile but `none`."""
        if self.audit_profile != "none":
            self._record(AuditRecord(self.clock(), thread, key, "deny", None,
                                     self.service_domain(thread)))

    def _record(self, record: AuditRecord) -> None:
        if len(self.audit) == self.audit.maxlen:
            self.audit_dropped += 1
        self.audit.append(record)
        if self.trace is not None:
            if record.domain and self.is_kernel_domain(record.domain):
                self.trace("policy_audit", thread=record.thread, domain=record.domain,
                           policy_event=record.event, verdict=record.verdict,
                           rule_line=record.line)
            else:
                self.trace("policy_audit", thread=record.thread, policy_event=record.event,
                           verdict=record.verdict, rule_line=record.line)


class ServiceJudge:
    """The engine as the services' `ServicePolicy` (its `judge` has another signature)."""

    def __init__(self, engine: PolicyEngine) -> None:
        self.engine = engine

    def judge(self, thread: str, peer: str, message: ServiceMessage) -> int | None:
        return self.engine.judge_message(thread, peer, message)

    def refused(self, thread: str, peer: str, message: ServiceMessage) -> None:
        """The kernel's `AuditsRefusals`: audit a message the kernel refused itself."""
        del peer
        self.engine.audit_refusal(
            thread, event_key("service", f"{message.service}.{message.action}"))


