"""The `levante` command line: build applications and run them on the emulated board.

Exit status: 0 for a normal end, 1 when the system halted on a fatal error, 2 for a
usage, configuration, build or image error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from levante import __version__
from levante.commands.support import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail
from levante.errors import LevanteError, UsageError

if TYPE_CHECKING:
    from levante.crypto.entropy import EntropySource

EXIT_HALTED = EXIT_FAILED

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h)\s*$")
_SECONDS_PER_UNIT = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """'500ms', '20s', '2m' → seconds."""
    match = _DURATION.match(text)
    if match is None:
        raise UsageError(f"bad duration '{text}': use a number and a unit (us, ms, s, m, h)")
    return float(match.group(1)) * _SECONDS_PER_UNIT[match.group(2)]


class _OneLineUsageError(click.ClickException):
    """A command-line mistake found by click, shown like every other error: one line."""

    exit_code = EXIT_USAGE

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"levante: error: {self.format_message()}", err=True)


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # plain `levante`: the help text is the answer
    except click.UsageError as error:
        raise _OneLineUsageError(error.format_message()) from None


# Sub-commands that live in levante.commands, imported only when used so that every
# `levante` invocation does not pay for the codecs, the boot stage and the rule database.
_LAZY_COMMANDS = {
    "harden": "levante.commands.harden:harden",
    "decode": "levante.commands.decode:decode",
    "keygen": "levante.commands.image:keygen",
    "sign": "levante.commands.image:sign",
    "verify": "levante.commands.image:verify",
    "imginfo": "levante.commands.image:imginfo",
    "flash": "levante.commands.bootsim:flash",
    "boot": "levante.commands.bootsim:boot",
}


class _Levante(click.Group):
    """The command group: sub-commands loaded on demand, and click's multi-line usage
    errors turned into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in _LAZY_COMMANDS:
            return command
        module_name, _, attribute = _LAZY_COMMANDS[cmd_name].partition(":")
        loaded = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(loaded, click.Command)
        return loaded

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage_errors():
            return super().invoke(ctx)


@click.group(cls=_Levante)
@click.version_option(__version__, prog_name="levante")
def main() -> None:
    """Levante: a secure RTOS for Cortex-M with a Python kernel and real ARM applications."""


@main.command()
@click.argument("app", type=click.Path(path_type=Path))
@click.option("-d", "--build-dir", type=click.Path(path_type=Path), default=Path("build"),
              show_default=True, help="Where .config, autoconf.h and levante.elf go.")
@click.option("-b", "--board", default="lv_m4", show_default=True, help="Target board.")
@click.option("--extra-conf", "extra_conf", multiple=True, type=click.Path(path_type=Path),
              help="A Kconfig fragment merged after prj.conf (Zephyr's EXTRA_CONF_FILE); "
                   "may be given more than once.")
def build(app: Path, build_dir: Path, board: str, extra_conf: tuple[Path, ...]) -> None:
    """Configure, compile and link the application in APP (prj.conf + src/*.c)."""
    from levante.config import load_board
    from levante.sdk.build import build as build_application

    try:
        result = build_application(app, build_dir, load_board(board), extra_conf)
    except LevanteError as error:
        for line in error.details[:20]:
            if line != error.message:  # the message itself comes last, once
                click.echo(line, err=True)
        fail(error)
        return
    size = result.binary.stat().st_size
    click.echo(f"levante: built {result.elf} for {board} ({size} bytes of flash image)")
    if result.signed is not None:
        click.echo(f"levante: signed {result.signed} ({result.signing})")


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
    asks for console input."""
    stream = sys.stdin.buffer if sys.stdin is not None else None

    def read() -> bytes:
        if stream is None or stream.closed:
            return b""
        try:
            return stream.readline()
        except (OSError, ValueError):
            return b""

    return read


def _console() -> Callable[[bytes], None]:
    out = sys.stdout.buffer

    def write(data: bytes) -> None:
        out.write(data)
        if b"\n" in data:
            out.flush()

    return write


@main.command()
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
def run(build_dir: Path, max_time: str | None, trace_path: Path | None,
        entropy_seed: str | None, flash_dir: Path | None) -> None:
    """Boot BUILD_DIR (default: build/) and run until idle, halted, or --max-time.

    With CONFIG_BOOTLOADER_MCUBOOT the board powers on through the boot stage, from its
    flash; the build's signed image is programmed first when the primary slot is blank
    or the build has changed since it was last programmed there.
    Standard input is the console input (the shell reads it with CONFIG_SHELL)."""
    from levante.board_flash import NothingBootable
    from levante.kernel.kernel import RunEnd
    from levante.system import boot

    try:
        limit_seconds = parse_duration(max_time) if max_time is not None else None
        entropy = _entropy_source(entropy_seed)
        trace = _TraceWriter(trace_path) if trace_path is not None else None
    except LevanteError as error:
        fail(error)
        return
    try:
        try:
            system = boot(build_dir, _console(), trace, entropy, _console_input(), flash_dir)
        except NothingBootable as error:
            sys.stdout.flush()
            click.echo(f"levante: {error.message}", err=True)
            if trace is not None:
                trace.start()
            sys.exit(EXIT_HALTED)
        if trace is not None:
            trace.start()
        limit = None
        if limit_seconds is not None:
            limit = int(limit_seconds * system.kernel.config.clock_hz)
        try:
            end = system.run(limit)
        except KeyboardInterrupt:
            end = RunEnd.TIME_LIMIT
        sys.stdout.flush()
    except LevanteError as error:
        fail(error)
        return
    finally:
        if trace is not None:
            trace.close()
    sys.exit(EXIT_HALTED if end is RunEnd.HALTED else EXIT_OK)


if __name__ == "__main__":
    main()
