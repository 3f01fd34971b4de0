"""`levante run`: power the board on and run the booted system on simulated time."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from levante.commands.support import EXIT_FAILED, EXIT_OK, fail
from levante.debug.transport import HOST, GdbListener
from levante.errors import LevanteError, UsageError

if TYPE_CHECKING:
    from levante.board.system import System
    from levante.crypto.entropy import EntropySource
    from levante.debug.monitor import GdbSession
    from levante.kernel.kernel import RunEnd

EXIT_HALTED = EXIT_FAILED
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command Ctrl-C stopped

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h)\s*$")
_SECONDS_PER_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """'500ms', '20s', '2m' → seconds."""
    match = _DURATION.match(text)
    if match is None:
        raise UsageError(f"bad duration '{text}': use a number and a unit (us, ms, s, m, h)")
    return float(match.group(1)) * _SECONDS_PER_UNIT[match.group(2)]


class _TraceWriter:
    """Writes one JSON object per kernel event.

    The file is checked (opened for appending) at once but only truncated by `start`,
    after the build has loaded: events from boot wait in memory until then, so a run
    that fails to load leaves an existing trace file as it was.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._created = not path.exists()
        self.stream = self._open("a")
        self._pending: list[str] | None = []

    def _open(self, mode: str) -> IO[str]:
        try:
            return self.path.open(mode)
        except OSError as error:
            raise UsageError(
                f"cannot write trace file: {error.strerror}: {self.path}"
            ) from None

    def __call__(self, event: dict[str, Any]) -> None:
        line = json.dumps(event) + "\n"
        if self._pending is not None:
            self._pending.append(line)
        else:
            self.stream.write(line)

    def start(self) -> None:
        self.stream.close()
        self.stream = self._open("w")
        self.stream.writelines(self._pending or ())
        self._pending = None

    def close(self) -> None:
        self.stream.close()
        if self._pending is not None and self._created:
            self.path.unlink(missing_ok=True)  # never started: leave nothing behind


def _entropy_source(seed: str | None) -> EntropySource:
    from levante.crypto.entropy import HostEntropy, SeededEntropy, parse_seed

    if seed is None:
        return HostEntropy()
    try:
        return SeededEntropy(parse_seed(seed))
    except ValueError:
        raise UsageError(
            f"bad entropy seed '{seed}': use a decimal number or 0x-prefixed hex"
        ) from None


def _console_input() -> Callable[[], bytes]:
    """Standard input, a line at a time (b"" at its end), read only when the system
    asks for console input (or, for SMP on the console, waits for it)."""
    from levante.devices.console import HostInput

    stream = sys.stdin.buffer if sys.stdin is not None else None
    try:
        descriptor = stream.fileno() if stream is not None and not stream.closed else None
    except (OSError, ValueError):
        descriptor = None
    if descriptor is not None:
        return HostInput(descriptor)

    def read() -> bytes:  # a stream without a descriptor (a test's): read it as it is
        if stream is None or stream.closed:
            return b""
        try:
            return stream.readline()
        except (OSError, ValueError):
            return b""

    return read


def _know_builds(build_dir: Path, flash_dir: Path | None, builds: tuple[Path, ...]) -> None:
    """--known-build: the board's records learn which build made each image."""
    from levante.board.flash import default_flash_folder, remember_build_image
    from levante.sdk.mcuboot import SIGNED_IMAGE

    if not builds:
        return
    folder = flash_dir or default_flash_folder(build_dir if build_dir.is_dir()
                                               else build_dir.parent)
    for build in builds:
        image = build / SIGNED_IMAGE
        if not image.is_file():
            raise UsageError(f"--known-build {build}: no {SIGNED_IMAGE} (a build with "
                             "CONFIG_BOOTLOADER_MCUBOOT)")
        folder.mkdir(parents=True, exist_ok=True)
        remember_build_image(folder, image)


def _console() -> Callable[[bytes], None]:
    out = sys.stdout.buffer

    def write(data: bytes) -> None:
        out.write(data)
        if b"\n" in data:
            out.flush()

    return write


@click.command()
@click.argument("build_dir", required=False, type=click.Path(path_type=Path),
                default=Path("build"))
@click.option("--max-time", "max_time",
              help="Stop after this much simulated time (500ms, 20s, 2m).")
@click.option("--trace", "trace_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write every kernel event as a JSON line to this file.")
@click.option("--entropy-seed", "entropy_seed",
              help="Test mode: the TRNG gives a reproducible stream from this seed "
                   "(decimal or 0x-hex) instead of the host's randomness.")
@click.option("--flash-dir", "flash_dir", type=click.Path(path_type=Path, file_okay=False),
              help="The board's flash (default: BUILD_DIR/flash).")
@click.option("--stimulus", "stimulus_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Press and release buttons and set sensor readings at given times "
                   "(one '<time> press|release <button>' or '<time> sensor <channel> "
                   "<value>' per line).")
@click.option("--show-gpio", "show_gpio", is_flag=True,
              help="Print every LED (and other GPIO output) change on the console.")
@click.option("--net", "net_link", metavar="user|tap:NAME|switch:PATH",
              help="The link of the board's network interface (CONFIG_NETWORKING): "
                   "'user' (the default), a built-in gateway with DHCP and DNS relaying "
                   "through host sockets; 'tap:NAME', the existing Linux TAP device "
                   "NAME; 'switch:PATH', the virtual switch `levante net-switch PATH` "
                   "runs. While the link may bring input, idle time passes as "
                   "wall-clock time.")
@click.option("--forward", "forwards", multiple=True, metavar="udp|tcp:HOSTPORT:DEVPORT",
              help="With --net user: datagrams (udp:) or connections (tcp:) to "
                   "127.0.0.1:HOSTPORT (the device's IPv4 address) or [::1]:HOSTPORT "
                   "(its IPv6 address) on the host go to the device's DEVPORT, and its "
                   "answers back (repeatable).")
@click.option("--pcap", "pcap_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Write every frame of the link, in and out, to this libpcap "
                   "file with simulated timestamps.")
@click.option("--net-record", "record_path",
              type=click.Path(path_type=Path, dir_okay=False),
              help="Record every frame the device receives, with its simulated arrival "
                   "instant, to this file (for --net-replay).")
@click.option("--net-replay", "replay_path",
              type=click.Path(path_type=Path, dir_okay=False),
              help="Feed the frames of a --net-record file back at the instants they "
                   "arrived, with no link: the recorded run again, exactly.")
@click.option("--known-build", "known_builds", multiple=True, metavar="DIR",
              type=click.Path(path_type=Path, file_okay=False),
              help="A build whose signed image may reach the board's flash during the "
                   "run (an update over MCUmgr/SMP): once it boots, the run goes on "
                   "with that build's symbols (repeatable).")
@click.option("--gdb", "gdb_port", type=int, metavar="PORT",
              help="Wait for GDB on 127.0.0.1:PORT (target remote :PORT) with the system "
                   "stopped at its first instruction, and run under it.")
def run(build_dir: Path, max_time: str | None, trace_path: Path | None,
        entropy_seed: str | None, flash_dir: Path | None, stimulus_path: Path | None,
        show_gpio: bool, net_link: str | None, forwards: tuple[str, ...],
        pcap_path: Path | None, record_path: Path | None, replay_path: Path | None,
        known_builds: tuple[Path, ...], gdb_port: int | None) -> None:
    """Boot BUILD_DIR (default: build/) and run until idle, halted, or --max-time.

    With CONFIG_BOOTLOADER_MCUBOOT the board powers on through the boot stage, from its
    flash; the build's signed image is programmed first when the primary slot is blank
    or the build has changed since it was last programmed there.
    Standard input is the console input (the shell reads it with CONFIG_SHELL).
    With --gdb the board powers up and waits, stopped, for GDB to attach."""
    from levante.board.flash import NothingBootable
    from levante.board.interrupts import interrupts_stop_the_run
    from levante.board.network import NetworkOptions
    from levante.board.system import power_up
    from levante.devices.stimulus import load_stimulus
    from levante.kernel.kernel import RunEnd

    try:
        limit_seconds = parse_duration(max_time) if max_time is not None else None
        entropy = _entropy_source(entropy_seed)
        stimulus = load_stimulus(stimulus_path) if stimulus_path is not None else []
        trace = _TraceWriter(trace_path) if trace_path is not None else None
        _know_builds(build_dir, flash_dir, known_builds)
        listener = GdbListener(gdb_port) if gdb_port is not None else None
    except LevanteError as error:
        fail(error)
        return
    try:
        try:
            system = power_up(build_dir, _console(), trace, entropy, _console_input(),
                              flash_dir, stimulus, show_gpio,
                              NetworkOptions(net_link, pcap_path, forwards, record_path,
                                             replay_path))
        except NothingBootable as error:
            sys.stdout.flush()
            click.echo(f"levante: {error.message}", err=True)
            if trace is not None:
                trace.start()
            sys.exit(EXIT_HALTED)
        if trace is not None:
            trace.start()
        replay = system.network.replay if system.network is not None else None
        limit = None
        if limit_seconds is not None:
            limit = int(limit_seconds * system.kernel.config.clock_hz)
        try:
            session = _wait_for_gdb(listener, system) if listener is not None else None
            with interrupts_stop_the_run(system):
                # GDB's session holds this boot's CPU: under it, a reboot ends the run.
                end = system.run(limit, follow_reboots=session is None)
            if system.interrupted:
                raise KeyboardInterrupt  # Ctrl-C came inside the CPU: the run stopped there
        except NothingBootable as error:
            # A reboot's boot stage found nothing to start: the board stays there.
            sys.stdout.flush()
            click.echo(f"levante: {error.message}", err=True)
            sys.exit(EXIT_HALTED)
        except KeyboardInterrupt:
            sys.stdout.flush()
            seconds = system.total_cycles / system.kernel.config.clock_hz
            click.echo(f"levante: interrupted at {seconds:.3f} s of simulated time", err=True)
            sys.exit(EXIT_INTERRUPTED)
        finally:
            system.close()
        sys.stdout.flush()
        _report_reboots(system, end)
        if replay is not None and replay.remaining:
            click.echo(f"levante: {replay.remaining} recorded frames were not delivered: "
                       "the run took another path than the recorded one, or ended "
                       "sooner", err=True)
    except LevanteError as error:
        fail(error)
        return
    finally:
        if trace is not None:
            trace.close()
        if listener is not None:
            listener.close()
    status = EXIT_HALTED if end is RunEnd.HALTED else EXIT_OK
    if session is not None:
        session.run_ended(status)
        if session.killed:
            click.echo("levante: run ended by GDB (kill)", err=True)
    sys.exit(status)


def _report_reboots(system: System, end: RunEnd) -> None:
    """A run that rebooted ends with a line saying so (a program that reboots forever
    stops at --max-time, counted over every boot)."""
    from levante.kernel.kernel import RunEnd

    if end is RunEnd.REBOOT:
        click.echo("levante: the board rebooted; the run ends there (a GDB session does "
                   "not follow a reboot)", err=True)
    elif system.reboots:
        seconds = system.total_cycles / system.kernel.config.clock_hz
        times = "once" if system.reboots == 1 else f"{system.reboots} times"
        click.echo(f"levante: the board rebooted {times}; run ended ({end.value}) after "
                   f"{seconds:.6f} s of simulated time", err=True)


def _wait_for_gdb(listener: GdbListener, system: System) -> GdbSession:
    """Wait for GDB to connect; the system then runs under it, stopped before its
    first instruction."""
    from levante.debug.monitor import GdbSession

    click.echo(f"levante: waiting for GDB on {HOST}:{listener.port} "
               f"(target remote :{listener.port})", err=True)
    session = GdbSession(system.kernel, system.cpu, listener.accept())
    session.attach()
    return session
