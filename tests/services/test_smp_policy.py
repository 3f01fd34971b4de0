"""smpclient against a device whose `policy.lvp` refuses image uploads until a Flow is
opened: the first upload is answered with the access-denied rc and writes nothing, an
echo of "maintenance" opens the window, and the same upload then goes through; the
trace shows the deny and the grant at the control point."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from smpclient.generics import success
from smpclient.requests.image_management import ImageUploadWrite
from smpclient.requests.os_management import EchoWrite
from test_smp_interop import (
    APP,
    RunningDevice,
    connect,
    free_udp_port,
    running_images,
    upload,
    wait_ready,
)

from conftest import Builder
from levante.services.smp.results import Mgmt

POLICY = """\
default deny
grant syscall *
grant thread start
flow updates {
    states closed, open
    initial closed
    transition open_window: closed -> open
}
grant service smp.os.echo when request.d == "maintenance" perform updates.open_window
grant service smp.os.echo when request.d != "maintenance"
grant service smp.image.state
grant service smp.os.mcumgr_params
grant service smp.image.upload require updates is open
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    copy = tmp_path / "smp_app"
    shutil.copytree(APP, copy)
    (copy / "policy.lvp").write_text(POLICY)
    return copy


@pytest.fixture
def device(builder: Builder, app: Path, tmp_path: Path) -> Iterator[RunningDevice]:
    build = builder.build(app)
    port = free_udp_port()
    console, trace = tmp_path / "console.txt", tmp_path / "trace.jsonl"
    with console.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "levante.cli", "run", str(build), "--flash-dir",
             str(tmp_path / "flash"), "--net", "user", "--forward", f"udp:{port}:1337",
             "--trace", str(trace)],
            stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=os.environ.copy())
    running = RunningDevice(process, port, console, trace)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_an_upload_is_refused_until_the_flow_opens_the_window(
        builder: Builder, app: Path, device: RunningDevice) -> None:
    update = (builder.build(app, extra=("v2.conf",)) / "levante.signed.bin").read_bytes()

    async def scenario() -> None:
        client = await connect(device.port)
        await wait_ready(client)
        refused = await client.request(
            ImageUploadWrite(off=0, data=update[:256], image=0, len=len(update)), 5)
        # smpclient reads a version 1 rc into the response it expected.
        assert refused.rc == Mgmt.EACCESSDENIED and refused.off is None
        assert [slot for slot, *_ in await running_images(client)] == [0]
        opened = await client.request(EchoWrite(d="maintenance"), 5)
        assert success(opened) and opened.r == "maintenance"
        assert await upload(client, update) == len(update)
        assert [slot for slot, *_ in await running_images(client)] == [0, 1]
        await client.disconnect()

    asyncio.run(scenario())
    events = device.stop()
    uploads = [event["verdict"] for event in events
               if event["event"] == "service_message" and event["action"] == "image.upload"]
    assert uploads[0] == "deny" and set(uploads[1:]) == {"allow"} and len(uploads) > 1
    audits = [event for event in events if event["event"] == "policy_audit"]
    assert [event["policy_event"] for event in audits] == ["service smp.image.upload"]
