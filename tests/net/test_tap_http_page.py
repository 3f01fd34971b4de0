"""A server built the way Zephyr's network samples are (tests/net/http_page: common.cmake,
a generated page, REQUIRES_FULL_LIBC, POSIX_API, NET_LOG at debug level, NET_STATISTICS,
NET_PKT_RX_COUNT) answers Linux's `curl` over a real TAP device, on both boards. Needs
root: the test makes its own namespace and TAP device (prefix `lvzs`), uses only
192.0.2.0/24, and deletes the namespace whatever happens."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tap_namespace import needs_root as needs_root_with
from tap_namespace import tap_namespace

from conftest import Builder

APP = Path(__file__).parent / "http_page"
PAGE = (APP / "src" / "page.html").read_bytes()
TAP = "lvzstap0"
DEVICE_IP = "192.0.2.1"
HOST_IP = "192.0.2.2"

needs_root = needs_root_with("curl", "socat")



@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> Iterator[str]:
    """A network namespace holding an up TAP device with the host's side at HOST_IP."""
    with tap_namespace("lvzs", request.node.nodeid, TAP,
                       (f"{HOST_IP}/24",)) as name:
        yield name


def curl(namespace: str, path: str) -> subprocess.CompletedProcess[bytes]:
    """One GET (curl retries while the device is still booting: connection refused)."""
    return subprocess.run(
        ["ip", "netns", "exec", namespace, "curl", "-sS", "--retry", "10",
         "--retry-connrefused", "--retry-delay", "1", "-m", "10", "-D", "/dev/stderr",
         f"http://{DEVICE_IP}:8080{path}"], capture_output=True, timeout=120, check=False)


@needs_root
@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_curl_gets_the_page_and_the_stack_logs_its_drops(builder: Builder, board: str,
                                                         namespace: str) -> None:
    build_dir = builder.build(APP, board)
    device = subprocess.Popen(
        ["ip", "netns", "exec", namespace, sys.executable, "-m", "levante.cli", "run",
         str(build_dir), "--net", f"tap:{TAP}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pages = [curl(namespace, path) for path in ("/", "/again", "/third")]
        # A datagram to a port nobody has bound: the stack drops it (and logs the drop).
        subprocess.run(["ip", "netns", "exec", namespace, "socat", "-u", "-",
                        f"UDP:{DEVICE_IP}:9"], input=b"x", capture_output=True, timeout=30,
                       check=False)
        subprocess.run(["ip", "netns", "exec", namespace, "curl", "-sS", "-m", "10",
                        f"http://{DEVICE_IP}:8080/last"], capture_output=True, timeout=30,
                       check=False)
        device.send_signal(signal.SIGINT)
        output, errors = device.communicate(timeout=60)
    finally:
        if device.poll() is None:
            device.kill()
            device.wait()
    for page in pages:
        assert page.returncode == 0, page.stderr
        assert page.stdout == PAGE
        assert page.stderr.startswith(b"HTTP/1.0 200 OK\r\n")
    assert "<inf> http_page: serving" in output
    for number in range(4):
        assert f"<inf> http_page: page {number} sent" in output, output
    # CONFIG_NET_LOG with debug compiled in: every drop is a line naming layer and reason.
    drops = [line for line in output.splitlines() if "dropped:" in line]
    assert any("<dbg> net_udp: dropped: " in line for line in drops), output
    assert device.returncode == 130, errors
