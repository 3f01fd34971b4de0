"""Bad arguments to Zephyr's MQTT calls on a real device (both boards, supervisor and
user thread): too many or no topics, a wildcard in a topic name, and a topic in memory
the caller may not read, which the kernel refuses by faulting the user thread that
passed it (a supervisor may read it, so its message goes out)."""

from __future__ import annotations

import pytest
from mqtt_peers import accepting_broker

from conftest import REPO, Builder
from levante.codecs import mqtt

APP = REPO / "tests" / "net" / "apps" / "mqtt_client"



@pytest.mark.parametrize(("board", "extra"), [("lv_m4", ()), ("lv_m33", ()),
                                              ("lv_m4", ("user.conf",)),
                                              ("lv_m33", ("user.conf",))])
def test_bad_arguments_are_refused_and_a_user_thread_cannot_publish_what_it_cannot_read(
        builder: Builder, board: str, extra: tuple[str, ...]) -> None:
    published: list[mqtt.MqttPacket] = []
    server = accepting_broker(published, 4)
    try:
        # Done within a few seconds of simulated time. The user thread's fault leaves
        # its connection open, so that run lasts its whole bound in wall-clock time.
        result = builder.run(APP, "--net", "user", board=board, extra=extra,
                             max_time="10s", stdin=f"{server.port} args\n")
    finally:
        server.close()
    lines = result.output.splitlines()
    assert result.status == 0, result.errors
    assert "nine topics: -22" in lines and "no topics: -22" in lines, result.output
    assert "publish sent: qos=0 -22" in lines and "publish sent: qos=0 0" in lines
    assert "keepalive left: ok" in lines
    topics = [packet.topic for packet in published if isinstance(packet, mqtt.Publish)]
    if extra:  # the user thread: the kernel's refusal faults it, main goes on
        assert "fatal: reason=3" in lines and "user thread: joined" in lines
        assert not any(line.startswith("private topic") for line in lines)
        assert [event["thread"] for event in result.events("fault")] != []
        assert "main" not in [event["thread"] for event in result.events("fault")]
        assert topics == ["levante/ok"]
    else:
        assert "private topic: 0" in lines and "done" in lines
        assert topics == ["levante/ok", "levante/private"]
