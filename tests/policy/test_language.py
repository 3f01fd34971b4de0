"""The policy language's compiler: what it accepts, what it indexes, the one-line errors
it gives."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from levante.policy.engine import PolicyEngine
from levante.policy.language import PolicyError, compile_findings, compile_policy


def errors(text: str) -> list[str]:
    return [finding.render("p.lvp") for finding in compile_findings(text, "p.lvp")[1]]


def test_rules_are_indexed_by_event_with_domains_resolved_to_threads() -> None:
    compiled = compile_policy(
        'domain app = { "main", "worker" }\n'
        "grant syscall k_sem_give from app when sem.count < 3\n"
        'deny service mqtt.publish from "net" when topic ~ "^secret/"\n', "p.lvp")
    give = compiled["events"]["syscall k_sem_give"]
    assert give["grant"][0]["threads"] == ["main", "worker"]
    assert give["grant"][0]["when"] == [
        "compare", "<", ["field", ["sem", "count"]], ["const", 3]]
    publish = compiled["events"]["service mqtt.publish"]["deny"][0]
    assert publish["threads"] == ["net"] and publish["errno"] == -1
    assert json.loads(json.dumps(compiled)) == compiled  # what the build writes


def test_default_audit_and_buffer_statements() -> None:
    compiled = compile_policy("default allow\naudit all\naudit buffer 8\n", "p.lvp")
    assert (compiled["default"], compiled["audit"], compiled["audit_buffer"]) == (
        "allow", "all", 8)
    assert compile_policy("", "p.lvp")["default"] == "deny"


def test_roles_and_type_enforcement_become_rules() -> None:
    compiled = compile_policy(
        'domain ops = { "ops" }\n'
        "role operator { syscall k_sem_give, service mqtt.publish }\n"
        "assign operator to ops\n"
        "auditallow ops syscall k_sem_take\n"
        "neverallow ops syscall k_thread_abort\n", "p.lvp")
    events = compiled["events"]
    assert events["syscall k_sem_give"]["grant"][0]["threads"] == ["ops"]
    assert events["service mqtt.publish"]["grant"][0]["line"] == 3
    assert events["syscall k_sem_take"]["grant"][0]["audit"] is True
    assert events["syscall k_thread_abort"]["deny"][0]["line"] == 5
    assert compiled["neverallow"] == [
        {"event": "syscall k_thread_abort", "threads": ["ops"], "domain": "ops", "line": 5}]


@pytest.mark.parametrize(("text", "message"), [
    ("grant syscall k_sem_giv", "p.lvp:1: error: unknown system call 'k_sem_giv'"),
    ("grant service http.get", "p.lvp:1: error: unknown service event 'http.get' "
     "(SERVICE.ACTION with SERVICE one of coap, ipc, mqtt, smp, socket)"),
    ("grant syscall k_sem_give when count > 1",
     "p.lvp:1: error: unknown field 'count' (known: domain, sem, thread)"),
    ("grant service mqtt.publish when topik == \"a\"",
     "p.lvp:1: error: unknown field 'topik' (known: direction, payload_length, peer, qos, "
     "retain, thread, topic)"),
    ("grant syscall k_sem_give from nobody", "p.lvp:1: error: unknown domain 'nobody'"),
    ("grant syscall k_sem_give when thread in nothing",
     "p.lvp:1: error: unknown set or map 'nothing'"),
    ("grant syscall k_sem_give when thread ~ \"(\"",
     "p.lvp:1: error: bad regular expression '(': missing ), unterminated subpattern at "
     "position 0"),
    ("grant service mqtt.publish when topic ~ \"^(a+)+$\"",
     "p.lvp:1: error: regular expression '^(a+)+$' repeats a repetition (it could "
     "backtrack without end on hostile text)"),
    ("deny syscall k_sem_give errno ENOPE", "p.lvp:1: error: unknown errno 'ENOPE'"),
    ("grant syscall k_sem_give errno EPERM", "p.lvp:1: error: only a deny rule has an errno"),
    ("deny syscall k_sem_give perform door.open",
     "p.lvp:1: error: after, between, require and perform belong to grant rules"),
    ("grant syscall k_yield between 2 s and 1 s",
     "p.lvp:1: error: a time window ends after it starts"),
    ("grant syscall k_sem_give perform door.open", "p.lvp:1: error: unknown flow 'door'"),
    ("flow f {\n states a\n initial b\n}", "p.lvp:1: error: flow f: needs an initial state "
     "among its states"),
    ("set s = { 1 }\nmap s = { 1: 2 }", "p.lvp:2: error: 's' is already declared"),
])
def test_a_mistake_is_one_line_with_its_line(text: str, message: str) -> None:
    assert errors(text)[0] == message


@pytest.mark.parametrize("pattern", [
    "^((a+))+$",  # the repeated repetition one group further in
    "^(a|a)+$",  # a repeated choice whose branches match the same text
    "^(a|aa)+$",
    "^(.*a){12}$",  # a fixed count of a repetition backtracks as much
    "^(?:[a-z]*/?)*$",
])
def test_a_pattern_that_can_backtrack_exponentially_is_refused_whatever_its_shape(
        pattern: str) -> None:
    """Each of these, accepted, stalls the kernel for seconds on a 30-character topic."""
    text = f'grant service mqtt.publish when topic ~ "{pattern}"'
    assert errors(text) == [f"p.lvp:1: error: regular expression {pattern!r} repeats a "
                            "repetition (it could backtrack without end on hostile text)"]


@pytest.mark.parametrize("pattern", ["^door/", "^[a-z]+/(temp|hum)$", "^a{2,3}(bc)?d*$",
                                     "(ab){3}", "."])
def test_a_pattern_that_repeats_no_repetition_or_choice_is_accepted(pattern: str) -> None:
    assert errors(f'grant service mqtt.publish when topic ~ "{pattern}"') == []


def test_a_syntax_error_names_the_line_and_what_was_found() -> None:
    with pytest.raises(PolicyError) as raised:
        compile_policy("default deny\ngrant sycall k_sem_give\n", "p.lvp")
    assert raised.value.message == "p.lvp:2: error: unexpected 'sycall k_sem'"
    with pytest.raises(PolicyError) as raised:
        compile_policy("grant syscall k_sem_give when", "p.lvp")
    assert raised.value.message == "p.lvp:1: error: unexpected end of the policy"


WORDS = ["grant", "deny", "syscall", "service", "k_sem_give", "mqtt.publish", "*", "from",
         "when", "after", "between", "and", "or", "not", "in", "~", "(", ")", "{", "}", "[",
         "]", ",", ":", ".", "->", "==", "<", "+", "/", "%", "-", "0", "7", "0x1f", "ms",
         '"a"', '"("', "true", "sem", "count", "topic", "flow", "f", "states", "initial",
         "transition", "perform", "require", "is", "domain", "d", "set", "map", "role",
         "assign", "to", "allow", "neverallow", "auditallow", "limit", "per", "audit",
         "buffer", "default", "errno", "EPERM", "\n", "#"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30))
def test_any_text_compiles_or_is_refused_in_one_line(words: list[str]) -> None:
    text = " ".join(words)
    try:
        compiled, findings = compile_findings(text, "p.lvp")
    except PolicyError as error:
        assert error.message.startswith("p.lvp:") and "\n" not in error.message
        return
    if not any(finding.severity == "error" for finding in findings):
        # What compiles loads, and judges an event without raising.
        engine = PolicyEngine(compiled)
        engine.decide("syscall k_sem_give", "main", {"thread": "main", "sem": {"count": 1}})
        engine.decide("service mqtt.publish", "main", {"thread": "main", "topic": "a"})


@pytest.mark.parametrize(("text", "message"), [
    ('domain a = { "t" }\ndomain b = { "t" }\nintegrity a = 1\nintegrity b = 2',
     "p.lvp:4: error: thread 't' already has integrity level 1"),
    ('integrity object "x" = 1\nintegrity object "x" = 2',
     "p.lvp:2: error: object 'x' already has an integrity level"),
    ("writes syscall k_msgq_put on queue",
     "p.lvp:1: error: syscall k_msgq_put has no parameter 'queue' to writes (an access "
     "names one system call's object parameter)"),
    ("reads service mqtt.publish on topic",
     "p.lvp:1: error: service mqtt.publish has no parameter 'topic' to reads (an access "
     "names one system call's object parameter)"),
])
def test_integrity_mistakes(text: str, message: str) -> None:
    assert errors(text)[0] == message


@pytest.mark.parametrize("condition", [
    "not " * 500 + 'thread == "main"',
    "1 " + "+ 1 " * 400 + "== 401",
    " and ".join(['thread == "main"'] * 400),
])
def test_an_expression_nested_too_deep_is_one_error_not_a_crash(condition: str) -> None:
    """Hundreds of levels compiled, the engine recursed as deep for every event (and
    raised inside the kernel); deeper, the compiler raised RecursionError."""
    assert errors(f"grant syscall k_yield when {condition}") == [
        "p.lvp:1: error: an expression nested more than 64 levels deep"]


def test_an_expression_at_the_depth_limit_compiles_and_evaluates() -> None:
    condition = "1 " + "+ 1 " * 62 + "== 63"
    engine = PolicyEngine(compile_policy(f"grant syscall k_yield when {condition}", "p.lvp"))
    assert engine.decide("syscall k_yield", "main", {"thread": "main"}).granted


@pytest.mark.parametrize("text", [
    "grant syscall k_yield when 1 == " + "9" * 5000,  # past Python's digit limit
    "audit buffer " + "9" * 30,
    "audit buffer 0x" + "f" * 17,
])
def test_a_huge_integer_is_one_error_not_a_crash(text: str) -> None:
    with pytest.raises(PolicyError) as raised:
        PolicyEngine(compile_policy(text, "p.lvp"))
    assert str(raised.value).startswith("p.lvp:1: error: ")
    assert "\n" not in str(raised.value)


def test_a_pattern_with_more_than_two_variable_repetitions_is_refused() -> None:
    """"a*a*a*b" passed the nesting check and searched 1,024 characters for 94 s: the
    time grows as the text's length to the power of the repetitions plus one."""
    assert errors('grant service mqtt.publish when topic ~ "a*a*a*b"') == [
        "p.lvp:1: error: regular expression 'a*a*a*b' has more than 2 variable "
        "repetitions (its matching time grows as a power of the text's length)"]


def test_a_regular_expression_sees_at_most_256_characters_and_longer_text_is_undefined() -> None:
    """"a.*b" searched a 64 KiB topic for 10 s: longer text makes the condition
    undefined, which refuses (a deny matches, a grant grants nothing)."""
    engine = PolicyEngine(compile_policy(
        'default allow\ndeny service mqtt.publish when topic ~ "a.*b"\n', "p.lvp"))
    fields = {"thread": "main", "peer": "broker"}
    assert engine.decide("service mqtt.publish", "main", {**fields, "topic": "a" * 256}).granted
    assert not engine.decide("service mqtt.publish", "main",
                             {**fields, "topic": "a" * 257}).granted
