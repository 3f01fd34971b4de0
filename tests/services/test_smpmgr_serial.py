"""smpmgr (from PyPI), the command-line SMP manager, drives a device whose console is a
pseudo-terminal, as it drives a board on a serial port: upload, test, reset, see the
swap, reset and see the revert; test again, confirm, and the image stays."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Builder

APP = Path(__file__).resolve().parent / "smp_serial_app"
SMPMGR = Path(sys.executable).parent / "smpmgr"
READY_TRIES = 30


def smpmgr(port: str, *arguments: str) -> str:
    result = subprocess.run([str(SMPMGR), "--port", port, "--timeout", "5", *arguments],
                            capture_output=True, text=True, timeout=300, check=False,
                            env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def console_port(builder: Builder, tmp_path: Path) -> Iterator[str]:
    """A running device whose console is the pseudo-terminal this yields the name of."""
    if not SMPMGR.exists():
        pytest.fail("smpmgr is not installed (pip install -e .[dev])")
    build = builder.build(APP)
    update = builder.build(APP, extra=("v2.conf",))
    master, slave = os.openpty()
    tty.setraw(slave)  # a serial line: no echo, no line editing
    # The slave stays open here: with no process on it, the device's reads would fail.
    process = subprocess.Popen(
        [sys.executable, "-m", "levante.cli", "run", str(build), "--flash-dir",
         str(tmp_path / "flash"), "--known-build", str(update)],
        stdin=master, stdout=master, stderr=subprocess.DEVNULL)
    try:
        yield os.ttyname(slave)
    finally:
        process.kill()
        process.wait()
        os.close(master)
        os.close(slave)


def image_states(port: str) -> list[dict[str, str]]:
    """Each image's fields as smpmgr prints them (after the device answers again)."""
    for _ in range(READY_TRIES):
        try:
            text = smpmgr(port, "image", "state-read")
        except AssertionError:
            continue  # still rebooting
        return [dict(re.findall(r"(\w+)=(?:HashBytes\(\s*)?'?([\w.]+)'?", block))
                for block in text.split("ImageState(")[1:]]
    raise AssertionError("the device never answered")


def running_version(port: str) -> tuple[str, bool]:
    """The active image's version, and whether it is confirmed."""
    [active] = [image for image in image_states(port) if image["active"] == "True"]
    return active["version"], active["confirmed"] == "True"


def test_smpmgr_updates_a_device_over_its_console(builder: Builder,
                                                  console_port: str) -> None:
    assert "r='hello'" in smpmgr(console_port, "os", "echo", "hello")
    assert running_version(console_port) == ("1.0.0", True)
    image = builder.build(APP, extra=("v2.conf",)) / "levante.signed.bin"
    smpmgr(console_port, "image", "upload", str(image))
    [update] = [state for state in image_states(console_port) if state["slot"] == "1"]
    assert update["version"] == "2.0.0"
    smpmgr(console_port, "image", "state-write", update["hash"])
    smpmgr(console_port, "os", "reset")
    assert running_version(console_port) == ("2.0.0", False)
    smpmgr(console_port, "os", "reset")  # not confirmed: the boot stage reverts
    assert running_version(console_port) == ("1.0.0", True)
    smpmgr(console_port, "image", "state-write", update["hash"])
    smpmgr(console_port, "os", "reset")
    smpmgr(console_port, "image", "state-write", "--confirm")
    assert running_version(console_port) == ("2.0.0", True)
    smpmgr(console_port, "os", "reset")
    assert running_version(console_port) == ("2.0.0", True)
