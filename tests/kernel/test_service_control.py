"""The services' control point: allows and traces with no policy installed; with one, its
refusal comes back and the trace says `deny`."""

from __future__ import annotations

from typing import Any, cast

from levante.kernel.base import KernelState
from levante.kernel.service_control import HandleView, ServiceMessage, judge


class Recorder:
    def __init__(self) -> None:
        self.service_policy: Any = None
        self.events: list[dict[str, object]] = []

    def trace(self, event: str, **fields: object) -> None:
        self.events.append({"event": event, **fields})


class RefuseTopic:
    def judge(self, thread: str, peer: str, message: ServiceMessage) -> int | None:
        return -13 if message.fields.get("topic") == "secret" else None


def test_without_a_policy_every_message_is_allowed_and_traced() -> None:
    kernel = Recorder()
    message = ServiceMessage("mqtt", "publish", {"topic": "sensors/t", "qos": 1})
    assert judge(cast(KernelState, kernel), "main", "192.0.2.2:1883", message) is None
    assert kernel.events == [{"event": "service_message", "thread": "main",
                              "peer": "192.0.2.2:1883", "service": "mqtt",
                              "action": "publish", "fields": {"topic": "sensors/t", "qos": 1},
                              "verdict": "allow"}]


def test_an_installed_policy_refuses_and_the_trace_says_deny() -> None:
    kernel = Recorder()
    kernel.service_policy = RefuseTopic()
    refused = ServiceMessage("mqtt", "subscribe", {"topic": "secret"})
    allowed = ServiceMessage("mqtt", "subscribe", {"topic": "public"})
    assert judge(cast(KernelState, kernel), "main", "broker", refused) == -13
    assert judge(cast(KernelState, kernel), "main", "broker", allowed) is None
    assert [event["verdict"] for event in kernel.events] == ["deny", "allow"]


class SeesPin:
    def __init__(self) -> None:
        self.pins: list[object] = []

    def judge(self, thread: str, peer: str, message: ServiceMessage) -> int | None:
        self.pins.append(message.fields.get("pin"))
        return None


def test_the_trace_gives_an_ipc_parameters_length_but_the_policy_its_value() -> None:
    kernel = Recorder()
    kernel.service_policy = SeesPin()
    bell = HandleView(value=0x8021, rights=4, type="k_sem", live=True)
    fields = {"pin": "123456", "key": b"\x01\x02\x03", "tags": ["ab", 7], "id": 6, "bell": bell,
              "direction": "request", "interface": "door", "method": "authenticate"}
    judge(cast(KernelState, kernel), "net_rx", "door_ep",
          ServiceMessage("ipc", "door.authenticate", fields))
    assert kernel.service_policy.pins == ["123456"]
    traced = kernel.events[0]["fields"]
    # A handle slot is the kernel's own account of the handle: traced as it is.
    assert traced == {"pin": "<6 bytes>", "key": "<3 bytes>", "tags": ["<2 bytes>", 7],
                      "id": 6, "bell": dict(bell), "direction": "request", "interface": "door",
                      "method": "authenticate"}
    # Other services' fields are traced as they are (a topic is not a secret).
    judge(cast(KernelState, kernel), "net_rx", "broker",
          ServiceMessage("mqtt", "publish", {"topic": "door/status"}))
    assert kernel.events[1]["fields"] == {"topic": "door/status"}
