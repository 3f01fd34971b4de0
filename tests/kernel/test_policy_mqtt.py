"""The policy engine at the MQTT control point: topics restricted by regex and set, a
publish rate per window of simulated time, and incoming messages the policy drops."""

from __future__ import annotations

from test_mqtt_session import PUBLISH, Bench

from levante.abi import ERRNO
from levante.codecs import mqtt
from levante.policy.engine import PolicyEngine, ServiceJudge
from levante.policy.language import compile_policy

POLICY = """
set inbound = { "cmd/open" }
grant service mqtt.connect when client_id ~ "."
grant service mqtt.publish from "main" when direction == "out" and topic ~ "^door/"
grant service mqtt.publish when direction == "in" and topic in inbound
limit service mqtt.publish from "main" to 3 per 60 s  # both ways: main is the receiver too
"""


def test_the_engine_judges_mqtt_messages_both_ways() -> None:
    def steps(bench: Bench):  # type: ignore[no-untyped-def]
        hz = bench.kernel.config.clock_hz
        engine = PolicyEngine(compile_policy(POLICY, "door.lvp"),
                              clock=lambda: bench.kernel.now * 1_000_000 // hz,
                              trace=bench.kernel.trace)
        bench.kernel.service_policy = ServiceJudge(engine)
        yield from bench.open()
        results = bench.results
        results["other"] = yield from bench.send(PUBLISH, 0, 0, [(b"lock/state", 0)], b"x")
        results["first"] = yield from bench.send(PUBLISH, 0, 0, [(b"door/state", 0)], b"x")
        bench.broker.answer(mqtt.Publish("cmd/wipe", b"no"), mqtt.Publish("cmd/open", b"yes"))
        results["in"] = yield from bench.take()
        results["second"] = yield from bench.send(PUBLISH, 0, 0, [(b"door/state", 0)], b"y")
        results["third"] = yield from bench.send(PUBLISH, 0, 0, [(b"door/state", 0)], b"z")

    bench = Bench(steps)
    bench.run()
    eperm = -ERRNO["EPERM"]
    assert bench.results == {"connect": 0, "other": eperm, "first": 0, "in": 1,
                             "second": 0, "third": eperm}
    assert bench.rx_text(8) == b"cmd/open"  # cmd/wipe never reached the application
    sent = [packet.topic for packet in bench.broker.sent if isinstance(packet, mqtt.Publish)]
    assert sent == ["door/state", "door/state"]
    audits = [(event["policy_event"], event["rule_line"])
              for event in bench.system.events("policy_audit")]
    assert audits == [("service mqtt.publish", None), ("service mqtt.publish", None),
                      ("service mqtt.publish", 6)]
