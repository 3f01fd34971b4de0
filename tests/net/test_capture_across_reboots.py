"""A reboot keeps the board plugged into its capture: a later boot's frames, whose clock
starts at 0, are stamped after the earlier boots' time, so the file's time only goes on."""

from __future__ import annotations

from levante.board.network import NANOSECONDS, LaterBootCapture


def test_a_later_boot_is_stamped_after_the_boots_before() -> None:
    stamped: list[tuple[int, int, bytes]] = []

    def capture(seconds: int, nanoseconds: int, frame: bytes) -> None:
        stamped.append((seconds, nanoseconds, frame))

    later = LaterBootCapture(capture, 2 * NANOSECONDS + 900_000_000)
    later(0, 0, b"first")
    later(1, 200_000_000, b"carried")  # 0.9 s + 0.2 s crosses a second
    assert stamped == [(2, 900_000_000, b"first"), (4, 100_000_000, b"carried")]
