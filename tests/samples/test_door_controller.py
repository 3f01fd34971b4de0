"""samples/security/door_controller, the legitimate flow: over MQTT through the rootless
link, a request with the right PIN opens the bolt (led0) and it closes again; a wrong
PIN is refused by the controller; the fourth unlock within a minute is refused by the
policy's limit on the controller's bolt.open IPC requests, with the audit records (trace
and the monitor's levante_policy_audit_read) naming the rule; malformed frames are
refused by the parser. (An unlock asked for out
of the Flow's order is refused too: tests/samples/test_door_controller_attack.py.) The
policy itself passes `levante policy check` and the sample's scenarios under `levante
policy test`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from door_support import (
    APP,
    EACCES,
    EBADMSG,
    EPERM,
    PIN,
    POLICY,
    SIGINT_STATUS,
    DoorDevice,
    Finished,
    Mosquitto,
    policy_line,
)

from conftest import Builder, levante

# Frames the parser refuses: too short, not the magic, a credential past the frame's end.
MALFORMED = (b"\xd0\x01", b"\x00\x01\x07\x00\x06482916", b"\xd0\x01\x08\x00\x09482916")


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Mosquitto]:
    running = Mosquitto(tmp_path)
    yield running
    running.close()


def test_the_policy_is_valid_and_its_scenarios_hold() -> None:
    checked = levante("policy", "check", str(POLICY))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 error(s), 0 warning(s)" in checked.stdout
    tested = levante("policy", "test", str(APP / "scenarios.lvs"), "--policy", str(POLICY))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert ", 0 not" in tested.stdout


def test_the_configuration_passes_the_hardening_audit(builder: Builder) -> None:
    audited = levante("harden", str(builder.build(APP) / ".config"))
    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert " 0 failed," in audited.stdout


def test_a_broken_scenario_fails_policy_test(tmp_path: Path) -> None:
    """The scenarios are checked, not decorative: a wrong expectation fails the run."""
    wrong = tmp_path / "wrong.lvs"
    wrong.write_text('scenario "the network opens the door"\n'
                     '    at 0 ms syscall gpio_port_set_bits_raw from "net_rx" {} -> grant\n')
    tested = levante("policy", "test", str(wrong), "--policy", str(POLICY))
    assert tested.returncode == 1


def _legitimate_run(builder: Builder, broker: Mosquitto, tmp_path: Path) -> Finished:
    device = DoorDevice(builder.build(APP), broker, tmp_path / "trace.jsonl")
    try:
        device.wait_online()
        for malformed in MALFORMED:
            device.send(malformed)
        assert device.request(1, PIN) == 0
        device.wait_status(1, "unlocked")
        device.wait_status(1, "locked")
        assert device.request(2, b"000000") == -EACCES
        assert device.request(3, PIN + b"0") == -EACCES  # a longer credential is no PIN
        for request_id in (4, 5):
            assert device.request(request_id, PIN) == 0
            device.wait_status(request_id, "locked")
        # The fourth unlock within the minute: the controller checked the PIN, the
        # policy's limit refused the command.
        assert device.request(6, PIN) == -EPERM
        limit_rule = policy_line("limit service ipc.bolt.open from controller")
        device.wait_console("monitor: audit refused service ipc.bolt.open by controller "
                            f"(rule line {limit_rule})")
    finally:
        finished = device.stop()
    return finished


def test_authenticated_unlocks_work_until_the_limit(
        builder: Builder, broker: Mosquitto, tmp_path: Path) -> None:
    finished = _legitimate_run(builder, broker, tmp_path)
    assert finished.status == SIGINT_STATUS, finished.errors
    # The bolt moved three times, open then closed each time.
    bolt = [event["level"] for event in finished.events("gpio") if event["line"] == "led0"]
    assert bolt == [1, 0, 1, 0, 1, 0]
    assert finished.lines("controller: request 6: refused (-1)")
    assert not finished.lines("actuator: request 6")
    assert finished.lines("controller: credential refused (-13)") and len(
        finished.lines("controller: credential refused")) == 2
    # The audit: three unlocks (the controller's bolt.open requests) granted by the
    # Flow's rule, the fourth refused by the limit; each names the kernel domain.
    unlock_rule = policy_line("grant service ipc.bolt.open from controller")
    limit_rule = policy_line("limit service ipc.bolt.open from controller")
    audits = [(event["thread"], event["domain"], event["policy_event"], event["verdict"],
               event["rule_line"]) for event in finished.events("policy_audit")]
    unlock = ("controller", "controller", "service ipc.bolt.open")
    assert audits == [(*unlock, "grant", unlock_rule)] * 3 + [(*unlock, "deny", limit_rule)]
    refused = [(event["thread"], event["message"], event["reason"], event["errno"])
               for event in finished.events("ipc_refused")]
    assert refused == [("controller", "bolt.open", "policy", -EPERM)]
    # The only message refused is that bolt.open, as the kernel decoded it; the refusal
    # came back to the network as the controller's error answer to door.unlock.
    denied = [(event["action"], event["fields"]) for event in finished.events("service_message")
              if event["verdict"] == "deny"]
    assert [(action, fields.get("id")) for action, fields in denied] == [("bolt.open", 6)]
    errors = [event["fields"] for event in finished.events("service_message")
              if event["action"] == "door.unlock" and event["fields"]["direction"] == "error"]
    assert [fields.get("status") for fields in errors] == [-EPERM]
    # The monitor read the same records from the kernel's audit buffer.
    assert finished.lines("monitor: audit ") == [
        f"monitor: audit granted service ipc.bolt.open by controller (rule line {unlock_rule})"
    ] * 3 + [
        f"monitor: audit refused service ipc.bolt.open by controller (rule line {limit_rule})"]
    assert not finished.lines("E: ")
    # The malformed frames were refused by the parser, and the device served on.
    assert finished.lines("network: frame of ") == [
        f"network: frame of {len(malformed)} bytes refused: -{EBADMSG}" for malformed in MALFORMED]
