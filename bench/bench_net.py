"""Network figures, each side by side in one run (issue 15 §6; docs/performance.md):

- ICMP echo round trip: Linux `ping` to a device (samples/net/udp_echo) over a TAP device
  vs `ping` between two namespaces over a veth pair — the physical limit of this machine;
- UDP request/response rate: one datagram at a time to the device's echo port vs to a
  Python echo server over the veth pair;
- TCP bulk transfer device→host: Levante's TCP engine vs PyTCP 2.7.6, each on the same
  TAP device into the same Linux receiver. Levante's stream sockets are not there yet, so
  Levante's side is the stack itself without the emulator (tests/net/tcp_tap_harness.py);
  Linux's own TCP over the veth pair is given beside it.

Needs root (network namespaces, TAP and veth devices) and, for PyTCP, one `pip install
--target` into build/bench (PyTCP is GPL: a peer only, never part of Levante). Without
root the benchmark is skipped with one line, as the peer comparison is; without PyTCP
only its result is. Namespaces are named lvbn<pid>…, addresses are 192.0.2.0/24, and
everything is deleted whatever happens.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bench.common import BUILD, REPO, Result
from levante.config import load_board
from levante.sdk.build import build

HERE = Path(__file__).resolve().parent
PYTCP = BUILD / "pytcp"
PYTCP_REQUIREMENT = "PyTCP==2.7.6"
DEVICE_IP, HOST_IP = "192.0.2.1", "192.0.2.2"
TAP = "lvbntap0"
PINGS = 50
UDP_REQUESTS = 500
TCP_BYTES = 4 << 20
PING_RTT = re.compile(r"= [\d.]+/([\d.]+)/")


def skip_reason() -> str | None:
    if os.geteuid() != 0 or not Path("/dev/net/tun").exists():
        return "network benchmarks skipped: they need root and /dev/net/tun (namespaces, " \
               "TAP and veth devices)"
    if shutil.which("ip") is None or shutil.which("ping") is None:
        return "network benchmarks skipped: ip and ping are needed (make setup installs them)"
    return None


def _environment(*paths: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [*map(str, paths), str(REPO / "src"), environment.get("PYTHONPATH", "")])
    return environment


def _ip(*arguments: str) -> None:
    subprocess.run(["ip", *arguments], check=True, capture_output=True, timeout=30)


@contextmanager
def namespaces() -> Iterator[tuple[str, str, str]]:
    """(tap namespace, veth client namespace, veth server namespace)."""
    prefix = f"lvbn{os.getpid() % 100000}"
    names = (f"{prefix}t", f"{prefix}a", f"{prefix}b")
    try:
        for name in names:
            _ip("netns", "add", name)
        tap, client, server = names
        _ip("netns", "exec", tap, "ip", "tuntap", "add", "dev", TAP, "mode", "tap")
        _ip("netns", "exec", tap, "ip", "addr", "add", f"{HOST_IP}/24", "dev", TAP)
        _ip("netns", "exec", tap, "ip", "link", "set", TAP, "up")
        _ip("netns", "exec", client, "ip", "link", "add", "lvbnva", "type", "veth", "peer",
            "name", "lvbnvb", "netns", server)
        _ip("netns", "exec", client, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "lvbnva")
        _ip("netns", "exec", server, "ip", "addr", "add", f"{DEVICE_IP}/24", "dev", "lvbnvb")
        for name, device in ((client, "lvbnva"), (server, "lvbnvb")):
            _ip("netns", "exec", name, "ip", "link", "set", device, "up")
            _ip("netns", "exec", name, "ip", "link", "set", "lo", "up")
        yield names
    finally:
        for name in names:
            subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=30,
                           check=False)


class Background:
    """A process in a namespace, past its {"ready": true} line when it prints one."""

    def __init__(self, namespace: str, command: list[str], *, ready_line: bool,
                 environment: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(["ip", "netns", "exec", namespace, *command],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=environment or _environment())
        if ready_line:
            assert self.process.stdout is not None
            line = self.process.stdout.readline()
            if not json.loads(line or "{}").get("ready"):
                self.stop()
                raise RuntimeError(f"{command[1:3]} did not start: {line!r}")

    def result(self, timeout: float = 120) -> dict[str, float]:
        try:
            output, errors = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"no result within {timeout:.0f} s") from None
        finally:
            self.stop()
        lines = output.strip().splitlines()
        if not lines:
            raise RuntimeError(f"no result (status {self.process.returncode}): "
                               f"{errors.strip().splitlines()[-1:]}")
        return json.loads(lines[-1])  # type: ignore[no-any-return]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def _run(namespace: str, *command: str, timeout: float = 120) -> str:
    result = subprocess.run(["ip", "netns", "exec", namespace, *command], capture_output=True,
                            text=True, timeout=timeout, check=False, env=_environment())
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {(result.stdout + result.stderr)[-300:]}")
    return result.stdout


def _role(*arguments: str) -> list[str]:
    return [sys.executable, str(HERE / "net_roles.py"), *arguments]


def ping_rtt_ms(namespace: str, address: str) -> float:
    output = _run(namespace, "ping", "-q", "-c", str(PINGS), "-i", "0.02", address)
    match = PING_RTT.search(output)
    if match is None:
        raise RuntimeError(f"no round-trip figure in {output!r}")
    return float(match.group(1))


def udp_rate(namespace: str) -> dict[str, float]:
    output = _run(namespace, *_role("udp-rate", DEVICE_IP, "4242",
                                    str(UDP_REQUESTS)))
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def tcp_into_sink(namespace: str, sender: list[str], *, sink_namespace: str, sink_host: str,
                  environment: dict[str, str] | None = None) -> float:
    """Bytes per second `sender` (in `namespace`) delivered into Linux's receiver."""
    sink = Background(sink_namespace, _role("tcp-sink", sink_host, "9000"), ready_line=True)
    try:
        Background(namespace, sender, ready_line=False, environment=environment).result()
    finally:
        result = sink.result(timeout=30)
    if result["received"] != TCP_BYTES:
        raise RuntimeError(f"the sink got {result['received']} of {TCP_BYTES} octets")
    return result["bytes_per_second"]


def install_pytcp() -> str | None:
    """PyTCP into build/bench/pytcp (never into the repository); None, or why not."""
    if (PYTCP / "pytcp" / "__init__.py").exists():
        return None
    result = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                             "--target", str(PYTCP), PYTCP_REQUIREMENT], capture_output=True,
                            text=True, timeout=300, check=False)
    if result.returncode != 0:
        return f"pip could not install {PYTCP_REQUIREMENT}: " \
               f"{result.stderr.strip().splitlines()[-1:]}"
    return None


def _not_measured(names: tuple[tuple[str, float, bool], ...],
                  error: Exception) -> tuple[Result, ...]:
    """Results that say the figure could not be taken (ratio nan: below), and why."""
    return tuple(Result(name, math.nan, target, higher, f"not measured: {error}")
                 for name, target, higher in names)


ROUND_TRIP = (("icmp_rtt_tap_vs_veth", 50.0, False), ("udp_rate_tap_vs_veth", 0.02, True))
TCP_LINUX = (("tcp_bulk_stack_vs_linux_veth", 0.01, True),)
TCP_PYTCP = (("tcp_bulk_stack_vs_pytcp", 1.0, True),)


def round_trips(build_dir: Path, tap: str, client: str, server: str) -> tuple[Result, ...]:
    """Ping and the UDP rate: the device over TAP, then Linux over veth."""
    echo_server = Background(server, _role("udp-echo", DEVICE_IP, "4242"),
                             ready_line=True)
    try:
        veth_rtt = ping_rtt_ms(client, DEVICE_IP)
        veth_udp = udp_rate(client)
    finally:
        echo_server.stop()
    device = Background(tap, [sys.executable, "-m", "levante.cli", "run", str(build_dir),
                              "--net", f"tap:{TAP}"], ready_line=False)
    try:
        _run(tap, "ping", "-c", "1", "-w", "60", DEVICE_IP)  # booted and resolved
        device_rtt = ping_rtt_ms(tap, DEVICE_IP)
        device_udp = udp_rate(tap)
    finally:
        device.stop()
    (rtt_name, rtt_target, _), (udp_name, udp_target, _) = ROUND_TRIP
    return (
        Result(rtt_name, device_rtt / veth_rtt, rtt_target, False,
               f"ping's average round trip {device_rtt:.3f} ms to the device over TAP vs "
               f"{veth_rtt:.3f} ms between two namespaces over veth ({PINGS} pings each)"),
        Result(udp_name, device_udp["per_second"] / veth_udp["per_second"], udp_target, True,
               f"{device_udp['per_second']:.0f} requests/s answered by the device's UDP "
               f"echo (lost {device_udp['lost']:.0f}) vs {veth_udp['per_second']:.0f}/s by a "
               f"Python echo server over veth ({UDP_REQUESTS} one at a time)"))


def tcp_transfers(tap: str, client: str, server: str) -> tuple[Result, ...]:
    """The stack's TCP engine, Linux's and PyTCP's, each into Linux's receiver."""
    harness = [sys.executable, str(REPO / "tests" / "net" / "tcp_tap_harness.py"), TAP,
               "send", HOST_IP, "9000", str(TCP_BYTES)]
    try:
        levante_rate = tcp_into_sink(tap, harness, sink_namespace=tap, sink_host=HOST_IP)
    except RuntimeError as error:
        return _not_measured(TCP_LINUX + TCP_PYTCP, error)
    results: list[Result] = []
    try:
        linux_rate = tcp_into_sink(client, _role("tcp-send", DEVICE_IP, "9000",
                                                 str(TCP_BYTES)), sink_namespace=server,
                                   sink_host=DEVICE_IP)
    except RuntimeError as error:
        results += _not_measured(TCP_LINUX, error)
    else:
        results.append(Result(
            TCP_LINUX[0][0], levante_rate / linux_rate, TCP_LINUX[0][1], True,
            f"{levante_rate / 1e6:.2f} MB/s from Levante's TCP engine over TAP (the stack "
            f"without the emulator) vs {linux_rate / 1e6:.1f} MB/s Linux to Linux over veth "
            f"({TCP_BYTES >> 20} MiB)"))
    why_not = install_pytcp()
    if why_not is not None:
        print(f"tcp_bulk_stack_vs_pytcp skipped: {why_not}", flush=True)
        return tuple(results)
    pytcp = [sys.executable, "-O", str(HERE / "pytcp_sender.py"), TAP, HOST_IP, "9000",
             str(TCP_BYTES)]
    try:
        pytcp_rate = tcp_into_sink(tap, pytcp, sink_namespace=tap, sink_host=HOST_IP,
                                   environment=_environment(PYTCP))
    except RuntimeError as error:
        return (*results, *_not_measured(TCP_PYTCP, error))
    return (*results, Result(
        TCP_PYTCP[0][0], levante_rate / pytcp_rate, TCP_PYTCP[0][1], True,
        f"{levante_rate / 1e6:.2f} MB/s from Levante's TCP engine vs {pytcp_rate / 1e6:.2f} "
        f"MB/s from PyTCP 2.7.6, each on the same TAP into the same Linux receiver "
        f"({TCP_BYTES >> 20} MiB)"))


def run() -> tuple[Result, ...]:
    reason = skip_reason()
    if reason is not None:
        print(reason, flush=True)
        return ()
    build_dir = BUILD / "udp_echo_lv_m4"
    build(REPO / "samples" / "net" / "udp_echo", build_dir, load_board("lv_m4"))
    with namespaces() as (tap, client, server):
        try:
            first = round_trips(build_dir, tap, client, server)
        except RuntimeError as error:
            first = _not_measured(ROUND_TRIP, error)
        return (*first, *tcp_transfers(tap, client, server))


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        for result in run():
            print(f"{result.name}: {result.details}")
            print(result.line())
