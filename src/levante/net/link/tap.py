"""A Linux TAP device as the link: the interface's frames to and from the host's kernel.

The device must exist already (`ip tuntap add dev NAME mode tap`), so that what Levante
plugs into is the user's choice; attaching to it needs the rights to open it (root, or
the owner given at its creation).
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import struct
import time
from pathlib import Path

from levante.net.link.errors import LinkError

# <linux/if_tun.h>
_TUNSETIFF = 0x400454CA
_IFF_TAP = 0x0002
_IFF_NO_PI = 0x1000
_IFNAMSIZ = 16
_READ_SIZE = 65_536
_SYS_NET = Path("/sys/class/net")


class TapLink:
    """Frames to and from the TAP device `name`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.description = f"TAP device {name}"
        flags_path = _SYS_NET / name / "tun_flags"
        if not (_SYS_NET / name).exists():
            raise LinkError(f"--net tap:{name}: no network device '{name}' "
                            f"(create it with `ip tuntap add dev {name} mode tap`)")
        try:
            flags = int(flags_path.read_text().strip(), 16)
        except (OSError, ValueError):
            raise LinkError(f"--net tap:{name}: '{name}' is not a TUN/TAP device") from None
        if not flags & _IFF_TAP:
            raise LinkError(f"--net tap:{name}: '{name}' is a TUN device, not a TAP one")
        try:
            self._fd: int | None = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
        except OSError as error:
            raise LinkError(f"--net tap:{name}: cannot open /dev/net/tun: "
                            f"{error.strerror}") from None
        request = struct.pack("16sH", name.encode(), _IFF_TAP | _IFF_NO_PI)
        try:
            fcntl.ioctl(self._fd, _TUNSETIFF, request)
        except OSError as error:
            self.close()
            reason = ("in use by another process" if error.errno == errno.EBUSY
                      else error.strerror)
            raise LinkError(f"--net tap:{name}: cannot attach: {reason}") from None

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def send(self, frame: bytes) -> bool:
        if self._fd is None:
            return False
        try:
            return os.write(self._fd, frame) == len(frame)
        except OSError:
            return False  # the host's interface is down, or its queue is full

    def receive(self, limit: int) -> list[bytes]:
        frames: list[bytes] = []
        while self._fd is not None and len(frames) < limit:
            try:
                frame = os.read(self._fd, _READ_SIZE)
            except BlockingIOError:
                break
            except OSError:
                self.close()
                break
            if not frame:
                break
            frames.append(frame)
        return frames

    def wait(self, seconds: float | None) -> float | None:
        if self._fd is None:
            return None
        started = time.monotonic()
        try:
            ready, _, _ = select.select([self._fd], [], [], seconds)
        except OSError:
            self.close()
            return None
        return time.monotonic() - started if ready else None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def check_tap_name(name: str) -> str | None:
    """Why `name` cannot name a network device, or None."""
    if not name:
        return "the device name is empty"
    if len(name) >= _IFNAMSIZ:
        return f"'{name}' is longer than {_IFNAMSIZ - 1} characters"
    if name in (".", "..") or any(char in name for char in "/:") or \
            not all(char.isprintable() and not char.isspace() for char in name):
        return f"'{name}' is not a valid network device name"
    return None
