"""samples/security/door_controller under attack: crafted request frames overflow the
network domain's parser (its deliberate flaw: a credential longer than its buffer runs
into the parser's `forward` pointer) and redirect the network thread, through the real
input path (the broker, the rootless link, the kernel's MQTT session, the C parser).

The redirected thread runs the attacker's code (door_attack/payload.c, added to a copy
of the sample) and tries every way to move the bolt: rename itself `controller` and
serve the door's endpoint in the controller's place, publish on a topic that is not its
own, forge a credential, ask the controller for an unlock out of the Flow's order, send
a malformed IPC message, flood the controller, drive the GPIO pin, call the actuator's
endpoint, write the actuator's memory, and (with no added code) jump into the bytes it
sent. The bolt never moves, each attempt is refused or faults only the network thread,
the monitor restarts it, and the controller then serves a legitimate unlock. The trace
and the monitor's audit records say why: the kernel judged the thread by its domain,
`network`, whatever it called itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from door_support import (
    ACTUATOR_ENDPOINT,
    ACTUATOR_MEMORY,
    EACCES,
    EBADMSG,
    EPERM,
    GPIO,
    INJECTED,
    LEGITIMATE,
    PIN,
    RETURNING,
    SIGINT_STATUS,
    DoorDevice,
    Finished,
    Mosquitto,
    attack_build,
    exploit,
    policy_line,
)

from conftest import Builder

FAULTING = (GPIO, ACTUATOR_ENDPOINT, ACTUATOR_MEMORY, INJECTED)


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
        device.wait_console(f"attack: path {RETURNING} survived")
        # The network thread survived that path (its parser still calls the attacker's
        # code: only a restart puts it right); the paths that follow fault it.
        for step in FAULTING:
            device.send(exploit(step, credential if step == INJECTED else payload))
            device.wait_online()  # the monitor restarted the network domain
        # The device still serves its owner, within the limit.
        assert device.request(LEGITIMATE, PIN) == 0
        device.wait_status(LEGITIMATE, "unlocked")
        device.wait_status(LEGITIMATE, "locked")
        unlock = policy_line("grant service ipc.bolt.open from controller")
        device.wait_console("monitor: audit granted service ipc.bolt.open by controller "
                            f"(rule line {unlock})")
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
    assert finished.lines("controller: request ") == [
        f"controller: request {LEGITIMATE}: unlock (0); 1 granted, "
        f"{len(finished.lines('controller: credential refused'))} refused"]
    # The only unlock the policy granted is the legitimate one.
    unlock = policy_line("grant service ipc.bolt.open from controller")
    assert [(event["thread"], event["domain"], event["policy_event"], event["rule_line"])
            for event in finished.events("policy_audit") if event["verdict"] == "grant"] == [
        ("controller", "controller", "service ipc.bolt.open", unlock)]


def test_the_returning_paths_are_refused(attacked: tuple[Finished, int]) -> None:
    finished, _ = attacked
    # Renaming is allowed, and changes nothing: the thread is still in `network`.
    assert finished.lines("attack: rename to controller: 0")
    assert finished.lines(f"attack: serve door as controller: -{EPERM}")
    assert finished.lines(f"attack: publish door/lock/set: -{EPERM}")
    assert finished.lines(f"attack: forged credential: -{EACCES}")  # the controller's check
    assert finished.lines(f"attack: unlock out of order: -{EPERM}")  # the Flow's
    assert finished.lines(f"attack: malformed authenticate: -{EBADMSG}")  # the checker's
    flood = finished.lines("attack: flood: ")
    assert len(flood) == 1
    forwarded, refused = (int(word) for word in flood[0].split() if word.isdigit())
    # Four a 100 ms, the forged credential first: the limit refused the rest.
    assert forwarded + refused == 8 and refused >= 5
    assert f"attack: path {RETURNING} survived" in finished.output.splitlines()
    # Each refusal is in the trace, judged in the kernel domain `network` although the
    # thread was called `controller` by then.
    audits = [(event["thread"], event.get("domain"), event["policy_event"],
               event["rule_line"])
              for event in finished.events("policy_audit") if event["verdict"] == "deny"]
    renamed = ("controller", "network")
    assert (*renamed, "syscall z_levante_ipc_receive", None) in audits  # no rule grants it
    assert (*renamed, "service mqtt.publish", None) in audits
    # The Flow is still "locked": the rule that grants an unlock does not apply.
    assert (*renamed, "service ipc.door.unlock", None) in audits
    assert (*renamed, "service ipc.malformed", None) in audits  # refused by the checker
    limit = policy_line("limit service ipc.door.authenticate from network")
    assert audits.count((*renamed, "service ipc.door.authenticate", limit)) == refused
    malformed = [event for event in finished.events("ipc_refused")
                 if event["reason"] != "policy"]
    assert len(malformed) == 1 and "pin" in malformed[0]["reason"]
    # The messages refused, as the kernel decoded them.
    denied = [(event["service"], event["action"], event["fields"])
              for event in finished.events("service_message") if event["verdict"] == "deny"]
    assert [(service, action) for service, action, _ in denied] == [
        ("mqtt", "publish"), ("ipc", "door.unlock"), ("ipc", "malformed")] + [
        ("ipc", "door.authenticate")] * refused
    assert denied[0][2]["topic"] == "door/lock/set"
    assert denied[1][2]["id"] == 900
    assert denied[2][2]["reason"] == malformed[0]["reason"]
    # The controller checked two credentials of the attacker's, never the actuator.
    assert len(finished.lines("controller: credential refused")) == forwarded + 1


def test_every_faulting_path_ends_only_the_network_thread(
        attacked: tuple[Finished, int]) -> None:
    finished, credential = attacked
    faults = finished.events("fault")
    # The thread the attacker renamed `controller` (path 1) ran paths 2 and 3; the monitor
    # made the next ones.
    assert [event["thread"] for event in faults] == [
        "controller", "controller", "net_rx", "net_rx"]
    reasons = [event["reason"] for event in faults]
    # No permission on the GPIO device or the actuator's endpoint: the kernel's object
    # check oopses the caller before the call is judged or performed.
    assert reasons[:2] == ["K_ERR_KERNEL_OOPS"] * 2
    # The actuator's partition is not in the network's memory domain: the MPU faults.
    assert reasons[2] == "K_ERR_CPU_EXCEPTION"
    # Injected bytes are data: the MPU does not let the thread execute them.
    assert reasons[3] == "K_ERR_CPU_EXCEPTION"
    assert faults[3]["pc"] == credential
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
    limit = policy_line("limit service ipc.door.authenticate from network")
    unlock = policy_line("grant service ipc.bolt.open from controller")
    assert "monitor: audit refused syscall z_levante_ipc_receive by controller " \
        "(rule line -1)" in records
    assert "monitor: audit refused service ipc.malformed by controller (rule line -1)" \
        in records
    assert "monitor: audit refused service mqtt.publish by controller (rule line -1)" \
        in records
    assert ("monitor: audit refused service ipc.door.authenticate by controller "
            f"(rule line {limit})") in records
    assert [line for line in records if "granted" in line] == [
        f"monitor: audit granted service ipc.bolt.open by controller (rule line {unlock})"]
    assert len(records) == len(finished.events("policy_audit"))
