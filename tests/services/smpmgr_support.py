"""Driving smpmgr (the command-line SMP manager from PyPI) from tests, over a serial
port or UDP, and reading the image states it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SMPMGR = Path(sys.executable).parent / "smpmgr"
READY_TRIES = 30


@dataclass(frozen=True)
class Smpmgr:
    """smpmgr with its connection options (`--port PTY` or `--ip ADDRESS`), run after
    `prefix` (e.g. `ip netns exec NAME`)."""

    connection: tuple[str, ...]
    prefix: tuple[str, ...] = ()

    def __call__(self, *arguments: str) -> str:
        result = subprocess.run([*self.prefix, str(SMPMGR), *self.connection, "--timeout",
                                 "5", *arguments], capture_output=True, text=True,
                                timeout=300, check=False, env={**os.environ, "COLUMNS": "200"})
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def image_states(self) -> list[dict[str, str]]:
        """Each image's fields as smpmgr prints them (once the device answers again)."""
        for _ in range(READY_TRIES):
            try:
                text = self("image", "state-read")
            except AssertionError:
                continue  # still rebooting
            return [dict(re.findall(r"(\w+)=(?:HashBytes\(\s*)?'?([\w.]+)'?", block))
                    for block in text.split("ImageState(")[1:]]
        raise AssertionError("the device never answered")

    def running_version(self) -> tuple[str, bool]:
        """The active image's version, and whether it is confirmed."""
        [active] = [image for image in self.image_states() if image["active"] == "True"]
        return active["version"], active["confirmed"] == "True"

    def update_and_revert_then_confirm(self, image: Path, old: str, new: str) -> None:
        """Upload, test, reset: `new` runs; reset: `old` again; test, reset, confirm,
        reset: `new` stays."""
        assert self.running_version() == (old, True)
        self("image", "upload", str(image))
        [update] = [state for state in self.image_states() if state["slot"] == "1"]
        assert update["version"] == new
        self("image", "state-write", update["hash"])
        self("os", "reset")
        assert self.running_version() == (new, False)
        self("os", "reset")  # not confirmed: the boot stage reverts
        assert self.running_version() == (old, True)
        self("image", "state-write", update["hash"])
        self("os", "reset")
        self("image", "state-write", "--confirm")
        assert self.running_version() == (new, True)
        self("os", "reset")
        assert self.running_version() == (new, True)
