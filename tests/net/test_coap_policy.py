"""The CoAP service (tests/target/coap_server) under a `policy.lvp` that refuses PUT on
one path: aiocoap gets 4.03 Forbidden for it, the resource keeps its value, every other
request is answered as before, and the trace's control-point line says `deny`."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiocoap import Code, Message
from coap_device import Device, ask_async, start_device, wait_until_answering

from conftest import TARGET_TESTS, Builder

SERVICE = 5683
POLICY = """\
default allow
deny service coap.PUT when path == "/test"
"""


@pytest.fixture(scope="module", params=["lv_m4", "lv_m33"])
def device(request: pytest.FixtureRequest, builder: Builder,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Device]:
    app = tmp_path_factory.mktemp("coap_policy") / "coap_server"
    shutil.copytree(TARGET_TESTS / "coap_server", app)
    (app / "policy.lvp").write_text(POLICY)
    build_dir = builder.build(app, board=request.param)
    trace = app.parent / "trace.jsonl"
    running = start_device(build_dir, (SERVICE,), trace)
    try:
        wait_until_answering(running, SERVICE)
        yield running
    finally:
        running.stop()


def test_a_denied_put_is_answered_4_03_and_changes_nothing(device: Device) -> None:
    target = f"coap://127.0.0.1:{device.ports[SERVICE]}"
    put, got, upload = asyncio.run(ask_async(
        Message(code=Code.PUT, uri=f"{target}/test", payload=b"refused"),
        Message(code=Code.GET, uri=f"{target}/test"),
        Message(code=Code.POST, uri=f"{target}/test", payload=b"x")))
    assert put.code == Code.FORBIDDEN
    assert (got.code, got.payload) == (Code.CONTENT, b"hello")
    assert (upload.code, upload.payload) == (Code.CREATED, b"made")


def test_the_trace_shows_the_deny_at_the_control_point(device: Device,
                                                       tmp_path: Path) -> None:
    target = f"coap://127.0.0.1:{device.ports[SERVICE]}"
    asyncio.run(ask_async(Message(code=Code.PUT, uri=f"{target}/test", payload=b"again")))
    device.stop()
    verdicts = [(event["action"], event["fields"]["path"], event["verdict"])  # type: ignore[index]
                for event in device.events
                if event.get("event") == "service_message" and event.get("service") == "coap"
                and event.get("action") in ("PUT", "GET")]
    assert ("PUT", "/test", "deny") in verdicts
    assert ("GET", "/test", "allow") in verdicts
    assert all(verdict == "deny" for action, _, verdict in verdicts if action == "PUT")
    audits = [event for event in device.events if event.get("event") == "policy_audit"]
    assert audits and all(event["policy_event"] == "service coap.PUT" for event in audits)
