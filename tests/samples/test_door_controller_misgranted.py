"""samples/security/door_controller with its object permissions got wrong: a copy whose
monitor grants the network thread the actuator's queue, the controller's token and the
GPIO device. The exploit of the network parser (door_support.exploit) now passes the
kernel's object checks on those paths, and the policy alone stops them: each call is
refused and audited, by the rule that says why (type enforcement's `neverallow`, the
integrity levels' no write up), the thread survives, and the bolt never moves.
Writing the actuator's memory still faults (the MPU): the monitor restarts the network
domain and the owner's unlock works."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from door_support import (
    ACTUATOR_MEMORY,
    ACTUATOR_QUEUE,
    GPIO,
    LEGITIMATE,
    PIN,
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

GRANTS = "k_thread_access_grant(&network_thread, &request_queue, &reply_pipe, &status_queue);"
MISGRANTS = ("k_thread_access_grant(&network_thread, &request_queue, &reply_pipe, "
             "&status_queue, &unlock_queue, &door_auth);\n"
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
        for step in (GPIO, ACTUATOR_QUEUE, TOKEN):
            device.send(exploit(step, payload))
            device.wait_console(f"attack: path {step} survived")
        # The parser still calls the attacker's code: a fault (the MPU keeps the actuator's
        # memory out of reach) ends the thread, and the monitor's restart puts it right.
        device.send(exploit(ACTUATOR_MEMORY, payload))
        device.wait_online()
        assert device.request(LEGITIMATE, PIN) == 0
        device.wait_status(LEGITIMATE, "locked")
        unlock = policy_line("grant syscall k_msgq_put from controller")
        device.wait_console(
            f"monitor: audit granted syscall k_msgq_put by controller (rule line {unlock})")
    finally:
        finished = device.stop()
    return finished


def test_the_policy_alone_refuses_what_the_permissions_let_through(
        misgranted: Finished) -> None:
    finished = misgranted
    assert finished.status == SIGINT_STATUS, finished.errors
    assert [event["reason"] for event in finished.events("fault")] == ["K_ERR_CPU_EXCEPTION"]
    assert finished.lines("attack: gpio: -1")  # -EPERM
    assert finished.lines("attack: unlock_queue: -1")
    assert finished.lines("attack: door_auth given")  # k_sem_give returns nothing
    refused = [(event["policy_event"], event["rule_line"])
               for event in finished.events("policy_audit")
               if event["thread"] == "net_rx" and event["verdict"] == "deny"]
    assert refused == [
        ("syscall gpio_port_set_bits_raw",
         policy_line("neverallow network syscall gpio_port_set_bits_raw")),
        ("syscall k_msgq_put", policy_line("writes syscall k_msgq_put on msgq")),
        ("syscall k_sem_give", policy_line("neverallow network syscall k_sem_give")),
    ]
    assert [event["call"] for event in finished.events("policy_refused")
            if event["thread"] == "net_rx"] == [
        "gpio_port_set_bits_raw", "k_msgq_put", "k_sem_give"]


def test_the_bolt_moves_only_for_the_legitimate_request(misgranted: Finished) -> None:
    finished = misgranted
    bolt = [event["level"] for event in finished.events("gpio") if event["line"] == "led0"]
    assert bolt == [1, 0]
    assert finished.lines("actuator: request ") == [
        f"actuator: request {LEGITIMATE}: bolt open (0)",
        f"actuator: request {LEGITIMATE}: bolt closed (0)"]
    # The token the attacker tried to give was never given: the owner's unlock took the
    # controller's, and no other unlock was granted.
    unlock = policy_line("grant syscall k_msgq_put from controller")
    assert [line for line in finished.lines("monitor: audit ") if "granted" in line] == [
        f"monitor: audit granted syscall k_msgq_put by controller (rule line {unlock})"]
