"""smpmgr (from PyPI), the command-line SMP manager, drives a device whose console is a
pseudo-terminal, as it drives a board on a serial port: upload, test, reset, see the
swap, reset and see the revert; test again, confirm, and the image stays."""

from __future__ import annotations

import os
import subprocess
import sys
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
from smpmgr_support import SMPMGR, Smpmgr

from conftest import Builder

APP = Path(__file__).resolve().parent / "smp_serial_app"


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


def test_smpmgr_updates_a_device_over_its_console(builder: Builder,
                                                  console_port: str) -> None:
    smpmgr = Smpmgr(("--port", console_port))
    assert "r='hello'" in smpmgr("os", "echo", "hello")
    image = builder.build(APP, extra=("v2.conf",)) / "levante.signed.bin"
    smpmgr.update_and_revert_then_confirm(image, "1.0.0", "2.0.0")
