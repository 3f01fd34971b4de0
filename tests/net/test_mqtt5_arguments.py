"""Bad MQTT 5.0 properties handed to Zephyr's mqtt_publish on a real device (both boards,
supervisor and user thread): a string over the kernel's 256 bytes, a user property that
is not UTF-8, a boolean property of 2 are -EINVAL before anything is sent; a user
property in memory the caller may not read faults a user thread (a supervisor may read
it, so its message goes out)."""

from __future__ import annotations

import pytest
from mqtt_peers import accepting_broker

from conftest import REPO, Builder
from levante.codecs import mqtt

APP = REPO / "tests" / "net" / "apps" / "mqtt5_client"



@pytest.mark.parametrize(("board", "extra"), [("lv_m4", ()), ("lv_m33", ()),
                                              ("lv_m4", ("user.conf",)),
                                              ("lv_m33", ("user.conf",))])
def test_bad_properties_are_refused_and_a_user_thread_cannot_send_what_it_cannot_read(
        builder: Builder, board: str, extra: tuple[str, ...]) -> None:
    received: list[mqtt.MqttPacket] = []
    server = accepting_broker(received, 5)
    try:
        # Done within a few seconds of simulated time. The user thread's fault leaves
        # its connection open, so that run lasts its whole bound in wall-clock time.
        result = builder.run(APP, "--net", "user", board=board, extra=extra,
                             max_time="10s", stdin=f"{server.port} args\n")
    finally:
        server.close()
    lines = result.output.splitlines()
    assert result.status == 0, result.errors
    assert "long content type: -22" in lines and "user not utf8: -22" in lines, result.output
    assert "format 2: -22" in lines and "good: 0" in lines
    publishes = [packet for packet in received if isinstance(packet, mqtt.Publish)]
    users = [[item.value for item in packet.properties
              if item.identifier == mqtt.PropertyId.USER_PROPERTY] for packet in publishes]
    if extra:  # the user thread: the kernel's refusal faults it, main goes on
        assert "fatal: reason=3" in lines and "user thread: joined" in lines
        assert not any(line.startswith("private user") for line in lines)
        assert "main" not in [event["thread"] for event in result.events("fault")]
        assert users == [[("k", "v")]]
    else:
        assert "private user: 0" in lines and "done" in lines
        assert users == [[("k", "v")], [("private", "v")]]
    assert not result.events("kernel_defect")
