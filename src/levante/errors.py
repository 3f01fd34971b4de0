"""Errors a user can cause: each carries a one-line message and the CLI exit status."""

from __future__ import annotations


class LevanteError(Exception):
    """A problem with the user's input: reported as one line, never as a traceback."""

    exit_status: int = 2

    def __init__(self, message: str, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BuildError(LevanteError):
    """An application that cannot be configured, compiled or linked."""


class ImageError(LevanteError):
    """A missing, corrupt or unsuitable firmware image."""


class UsageError(LevanteError):
    """A command line that does not make sense."""
