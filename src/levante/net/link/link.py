"""What the board's network interface needs of a link: frames out, frames in, a wait."""

from __future__ import annotations

from typing import Protocol


class Link(Protocol):
    """An Ethernet segment the interface is plugged into."""

    description: str  # for messages: "TAP device lv0"

    def send(self, frame: bytes) -> bool:
        """Put one frame on the link; False when the link refused it."""
        ...

    def receive(self, limit: int) -> list[bytes]:
        """Up to `limit` frames waiting now, in arrival order (never blocks); the rest
        stay on the link (where the host drops them if they pile up)."""
        ...

    def wait(self, seconds: float | None) -> float | None:
        """Block up to `seconds` (None: without limit) for a frame; the wall-clock
        seconds waited when one is there, None when none came (or the link is gone)."""
        ...

    @property
    def is_open(self) -> bool:
        ...

    def close(self) -> None:
        ...
