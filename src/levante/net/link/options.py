"""The `--net` option's values: which link the board's interface is plugged into."""

from __future__ import annotations

from levante.errors import UsageError
from levante.net.link.link import Link
from levante.net.link.tap import TapLink, check_tap_name

NET_FORMS = "tap:NAME"


def open_link(value: str) -> Link:
    """`tap:NAME` → the open link; a value that names no link is a `UsageError`, a link
    that cannot be opened a `LinkError` (both one line, exit status 2)."""
    kind, separator, argument = value.partition(":")
    if kind != "tap" or not separator:
        raise UsageError(f"--net {value!r}: unknown link (use {NET_FORMS})")
    problem = check_tap_name(argument)
    if problem is not None:
        raise UsageError(f"--net {value!r}: {problem}")
    return TapLink(argument)
