"""samples/security/door_controller with its object permissions got wrong: a copy whose
monitor grants the network thread the actuator's endpoint and the GPIO device. The
exploit of the network parser (door_support.exploit) now passes the kernel's object
checks on those paths, and the policy alone stops them: each call is refused and
audited by the rule that says why (type enforcement's `neverallow`), in the kernel
domain `network` although the thread has renamed itself `controller`; the thread
survives, and the bolt never moves. Writing the actuator's memory still faults (the
MPU): the monitor restarts the network domain and the owner's unlock works."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from door_support import (
    ACTUATOR_ENDPOINT,
    ACTUATOR_MEMORY,
    EPERM,
    GPIO,
    LEGITIMATE,
    PIN,
    SIGINT_STATUS,
    DoorDevice,
    Finished,
    Mosquitto,
    attack_build,
    exploit,
    policy_line,
)

from conftest import Builder

GRANTS = "k_thread_access_grant(&network_thread, &door_ep, &status_queue);"
MISGRANTS = ("k_thread_access_grant(&network_thread, &door_ep, &status_queue, &bolt_ep);\n"
             "\tk_object_access_grant(gpio0, &network_thread);")


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    running = Mosquitto(tmp_path_factory.mktemp("broker"))
    yield running
    running.close()


@pytest.fixture(scope="module")
def misgranted(builder: Builder, broker: Mosquitto,
               tmp_path_factory: pytest.TempPathFactory) -> Finished:
    tmp_path = tmp_path_factory.mktemp("misgranted")
    build, payload, _ = attack_build(builder, tmp_path, "lv_m4", (GRANTS, MISGRANTS))
    device = DoorDevice(build, broker, tmp_path / "trace.jsonl")
    try:
        device.wait_online()
        for step in (GPIO, ACTUATOR_ENDPOINT):
            device.send(exploit(step, payload))
            device.wait_console(f"attack: path {step} survived")
        # The parser still calls the attacker's code: a fault (the MPU keeps the actuator's
        # memory out of reach) ends the thread, and the monitor's restart puts it right.
        device.send(exploit(ACTUATOR_MEMORY, payload))
        device.wait_online()
        assert device.request(LEGITIMATE, PIN) == 0
        device.wait_status(LEGITIMATE, "locked")
        unlock = policy_line("grant service ipc.bolt.open from controller")
        device.wait_console("monitor: audit granted service ipc.bolt.open by controller "
                            f"(rule line {unlock})")
    finally:
        finished = device.stop()
    return finished


def test_the_policy_alone_refuses_what_the_permissions_let_through(
        misgranted: Finished) -> None:
    finished = misgranted
    assert finished.status == SIGINT_STATUS, finished.errors
    assert [event["reason"] for event in finished.events("fault")] == ["K_ERR_CPU_EXCEPTION"]
    assert finished.lines(f"attack: gpio: -{EPERM}")
    assert finished.lines(f"attack: bolt.open: -{EPERM}")
    refused = [(event["thread"], event["domain"], event["policy_event"], event["rule_line"])
               for event in finished.events("policy_audit")
               if event["domain"] == "network" and event["verdict"] == "deny"]
    assert refused == [
        ("net_rx", "network", "syscall gpio_port_set_bits_raw",
         policy_line("neverallow network syscall gpio_port_set_bits_raw")),
        ("controller", "network", "service ipc.bolt.open",
         policy_line("neverallow network service ipc.bolt.open")),
    ]
    assert [event["call"] for event in finished.events("policy_refused")
            if event["thread"] == "net_rx"] == ["gpio_port_set_bits_raw"]
    assert [(event["thread"], event["message"], event["reason"], event["errno"])
            for event in finished.events("ipc_refused")] == [
        ("controller", "bolt.open", "policy", -EPERM)]


def test_the_bolt_moves_only_for_the_legitimate_request(misgranted: Finished) -> None:
    finished = misgranted
    bolt = [event["level"] for event in finished.events("gpio") if event["line"] == "led0"]
    assert bolt == [1, 0]
    assert finished.lines("actuator: request ") == [
        f"actuator: request {LEGITIMATE}: bolt open (0)",
        f"actuator: request {LEGITIMATE}: bolt closed (0)"]
    # The actuator served only the controller: the one unlock granted is the owner's.
    unlock = policy_line("grant service ipc.bolt.open from controller")
    assert [line for line in finished.lines("monitor: audit ") if "granted" in line] == [
        f"monitor: audit granted service ipc.bolt.open by controller (rule line {unlock})"]
