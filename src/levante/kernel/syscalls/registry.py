"""Handlers bound to the ABI's system calls by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked

Handler = Callable[..., Union[int, "Blocked", None]]

HANDLERS: dict[str, Handler] = {}


def syscall(name: str) -> Callable[[Handler], Handler]:
    """Register the handler of the system call `name` (declared in levante.abi)."""

    def register(handler: Handler) -> Handler:
        if name in HANDLERS:
            raise ValueError(f"two handlers for {name}")
        HANDLERS[name] = handler
        return handler

    return register

