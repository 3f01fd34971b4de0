"""One way for tests to make a network namespace holding an up TAP device, and to
remove it whatever happens: the host's side of the link gets the addresses the test
names, and the namespace is named after the test so parallel workers never collide."""

from __future__ import annotations

import os
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def needs_root(*tools: str) -> pytest.MarkDecorator:
    """Skip unless this process is root with /dev/net/tun and has every peer tool."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    reason = "a network namespace and a TAP device need root and /dev/net/tun"
    if tools:
        reason += f"; the peers are {', '.join(tools)} (make setup installs them)"
    return pytest.mark.skipif(
        os.geteuid() != 0 or not Path("/dev/net/tun").exists() or bool(missing),
        reason=reason)


def ip(*arguments: str) -> None:
    subprocess.run(["ip", *arguments], check=True, capture_output=True, timeout=30)


def namespace_name(prefix: str, test_id: str) -> str:
    """A name unique to this worker process and this test (stable across runs)."""
    return f"{prefix}{os.getpid() % 100000}x{zlib.crc32(test_id.encode()) % 100000}"


@contextmanager
def tap_namespace(prefix: str, test_id: str, tap: str, addresses: tuple[str, ...] = (),
                  linux_dad: bool = False, loopback: bool = False) -> Iterator[str]:
    """The namespace, with TAP device `tap` up and holding `addresses` (CIDR; IPv6 ones
    skip Linux's DAD unless `linux_dad`, so they are usable at once)."""
    name = namespace_name(prefix, test_id)
    ip("netns", "add", name)
    try:
        run = ("netns", "exec", name, "ip")
        ip(*run, "tuntap", "add", "dev", tap, "mode", "tap")
        for address in addresses:
            if ":" in address:
                ip(*run, "-6", "addr", "add", address, "dev", tap,
                   *(() if linux_dad else ("nodad",)))
            else:
                ip(*run, "addr", "add", address, "dev", tap)
        ip(*run, "link", "set", tap, "up")
        if loopback:
            ip(*run, "link", "set", "lo", "up")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=30,
                       check=False)
