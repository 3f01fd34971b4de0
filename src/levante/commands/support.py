"""Exit statuses and the one-line error report every `levante` command uses."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from levante.errors import LevanteError

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran and found a failure (halted system, failed check)
EXIT_USAGE = 2  # bad input: usage, configuration, build, image or file errors


def fail(error: LevanteError) -> NoReturn:
    """Report a user's mistake as one line on stderr and exit with its status."""
    click.echo(f"levante: error: {error.message}", err=True)
    sys.exit(error.exit_status)
