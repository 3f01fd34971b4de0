"""The `levante` command line: the command group; every sub-command lives in commands/.

Exit status: 0 for a normal end, 1 when the system halted on a fatal error, 2 for a
usage, configuration, build or image error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import click

from levante import __version__
from levante.commands.support import EXIT_USAGE


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
    "build": "levante.commands.build:build",
    "run": "levante.commands.run:run",
    "net-switch": "levante.commands.net_switch:net_switch",
    "test": "levante.commands.test:test",
    "policy": "levante.commands.policy:policy",
    "idl": "levante.commands.idl:idl",
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


if __name__ == "__main__":
    main()
