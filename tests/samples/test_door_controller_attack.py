"""samples/security/door_controller under attack: crafted request frames overflow the
network domain's parser (its deliberate flaw: a credential longer than its buffer runs
into the parser's `forward` pointer) and redirect the network thread, through the real
input path (the broker, the rootless link, the kernel's MQTT session, the C parser).

The redirected thread runs the attacker's code (door_attack/payload.c, added to a copy
of the sample) and tries every way to move the bolt: rename itself into the controller's
domain, publish on a topic that is not its own, forge unauthenticated unlocks, flood the
controller, drive the GPIO pin, write the actuator's queue, give the controller's token,
write the actuator's memory, and (with no added code) jump into the bytes it sent. The
bolt never moves, each attempt is refused or faults only the network thread, the monitor
restarts it, and the controller then serves a legitimate unlock. The trace and the
monitor's audit records say why."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from door_support import (
    ACTUATOR_MEMORY,
    ACTUATOR_QUEUE,
    EACCES,
    GPIO,
    INJECTED,
    LEGITIMATE,
    PIN,
    RETURNING,
    SIGINT_STATUS,
    TOKEN,
    DoorDevice,
    Finished,
    Mosquitto,
    attack_build,
    exploit,
    policy_line,
)

from conftest import Builder

FAULTING = (GPIO, ACTUATOR_QUEUE, TOKEN, ACTUATOR_MEMORY, INJECTED)


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    running = Mosquitto(tmp_path_factory.mktemp("broker"))
    yield running
    running.close()


@pytest.fixture(scope="module", params=["lv_m4", "lv_m33"])
def attacked(request: pytest.FixtureRequest, builder: Builder, broker: Mosquitto,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Finished, int]:
    """One run of the whole attack, then the legitimate request, on each board (an
    ARMv7-M and an ARMv8-M MPU); the tests read it."""
    tmp_path = tmp_path_factory.mktemp("attack")
    build, payload, credential = attack_build(builder, tmp_path, request.param)
    device = DoorDevice(build, broker, tmp_path / "trace.jsonl")
    try:
        device.wait_online()
        device.send(exploit(RETURNING, payload))
        # The forged unlock reaches the controller, which refuses its credential.
        assert device.request_verdict(900) == -EACCES
        # The network thread survived that path (its parser still calls the attacker's
        # code: only a restart puts it right); the paths that follow fault it.
        for step in FAULTING:
            device.send(exploit(step, credential if step == INJECTED else payload))
            device.wait_online()  # the monitor restarted the network domain
        # The device still serves its owner, within the limit.
        assert device.request(LEGITIMATE, PIN) == 0
        device.wait_status(LEGITIMATE, "unlocked")
        device.wait_status(LEGITIMATE, "locked")
        unlock = policy_line("grant syscall k_msgq_put from controller")
        device.wait_console(
            f"monitor: audit granted syscall k_msgq_put by controller (rule line {unlock})")
    finally:
        finished = device.stop()
    return finished, credential


def test_the_bolt_moves_only_for_the_legitimate_request(attacked: tuple[Finished, int]) -> None:
    finished, _ = attacked
    assert finished.status == SIGINT_STATUS, finished.errors
    bolt = [event for event in finished.events("gpio") if event["line"] == "led0"]
    assert [event["level"] for event in bolt] == [1, 0]
    last_fault = max(event["cycle"] for event in finished.events("fault"))
    assert bolt[0]["cycle"] > last_fault  # the one opening came after every attack
    assert finished.lines("actuator: request ") == [
        f"actuator: request {LEGITIMATE}: bolt open (0)",
        f"actuator: request {LEGITIMATE}: bolt closed (0)"]
    opened = [line for line in finished.lines("controller: ") if ": unlock (0)" in line]
    assert opened == [f"controller: request {LEGITIMATE}: unlock (0); 1 granted, "
                      f"{len(finished.lines('controller: ')) - 1} refused"]


def test_the_returning_paths_are_refused_by_the_policy(attacked: tuple[Finished, int]) -> None:
    finished, _ = attacked
    assert "attack: path 1" in finished.lines("attack: path 1")
    assert finished.lines("attack: rename to controller: -1")  # -EPERM
    assert finished.lines("attack: publish door/lock/set: -1")
    assert finished.lines("attack: forged unlock: 0")  # forwarded, then refused by the PIN
    flood = finished.lines("attack: flood: ")
    assert len(flood) == 1
    forwarded, refused = (int(word) for word in flood[0].split() if word.isdigit())
    assert forwarded + refused == 8 and refused >= 5  # four a second, the forged one first
    assert "attack: path 1 survived" in finished.output.splitlines()
    # Each refusal is in the trace: the call refused and the engine's audit record.
    limit = policy_line("limit syscall k_msgq_put from network")
    network_audits = {(event["policy_event"], event["rule_line"])
                      for event in finished.events("policy_audit") if event["thread"] == "net_rx"}
    assert ("syscall k_thread_name_set", policy_line("neverallow network syscall "
                                                     "k_thread_name_set")) in network_audits
    assert ("service mqtt.publish", None) in network_audits  # default deny: no rule grants
    assert ("syscall k_msgq_put", limit) in network_audits
    refused_calls = [event["call"] for event in finished.events("policy_refused")
                     if event["thread"] == "net_rx"]
    assert refused_calls.count("k_msgq_put") == refused
    assert "k_thread_name_set" in refused_calls
    published = [event["fields"]["topic"] for event in finished.events("service_message")
                 if event["verdict"] == "deny"]
    assert published == ["door/lock/set"]
    # The forged requests met the controller's PIN check, never the actuator.
    for line in finished.lines("controller: request 9"):
        assert "refused (-13)" in line


def test_every_faulting_path_ends_only_the_network_thread(
        attacked: tuple[Finished, int]) -> None:
    finished, credential = attacked
    faults = finished.events("fault")
    assert [event["thread"] for event in faults] == ["net_rx"] * len(FAULTING)
    reasons = [event["reason"] for event in faults]
    # No permission on the GPIO device, the actuator's queue or the token: the kernel's
    # object check oopses the caller before the call is judged or performed.
    assert reasons[:3] == ["K_ERR_KERNEL_OOPS"] * 3
    # The actuator's partition is not in the network's memory domain: the MPU faults.
    assert reasons[3] == "K_ERR_CPU_EXCEPTION"
    # Injected bytes are data: the MPU does not let the thread execute them.
    assert reasons[4] == "K_ERR_CPU_EXCEPTION"
    assert faults[4]["pc"] == credential
    for step in FAULTING:
        assert f"attack: path {step}" in finished.output.splitlines() or step == INJECTED
        assert f"attack: path {step} survived" not in finished.output
    assert finished.lines("monitor: network domain ended; restart ") == [
        f"monitor: network domain ended; restart {count}"
        for count in range(1, len(FAULTING) + 1)]
    assert len(finished.lines("monitor: fatal error ")) == len(FAULTING)


def test_the_monitor_read_the_refusals_from_the_audit_buffer(
        attacked: tuple[Finished, int]) -> None:
    finished, _ = attacked
    records = finished.lines("monitor: audit ")
    rename = policy_line("neverallow network syscall k_thread_name_set")
    limit = policy_line("limit syscall k_msgq_put from network")
    unlock = policy_line("grant syscall k_msgq_put from controller")
    assert f"monitor: audit refused syscall k_thread_name_set by net_rx (rule line {rename})" \
        in records
    assert "monitor: audit refused service mqtt.publish by net_rx (rule line -1)" in records
    assert f"monitor: audit refused syscall k_msgq_put by net_rx (rule line {limit})" in records
    # The only unlock the policy granted is the legitimate one.
    assert [line for line in records if "granted" in line] == [
        f"monitor: audit granted syscall k_msgq_put by controller (rule line {unlock})"]
    assert len(records) == len(finished.events("policy_audit"))
