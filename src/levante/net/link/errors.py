"""The one error of links: a link that cannot be opened, or is lost while in use."""

from __future__ import annotations

from levante.errors import LevanteError


class LinkError(LevanteError):
    """A link that cannot be opened or used (one line, exit status 2)."""
