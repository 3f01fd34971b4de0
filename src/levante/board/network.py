"""The board's network interface for a run: the stack from the build's configuration,
plugged into the link `--net` names, captured to `--pcap`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from levante.config import Config
from levante.devices.network import Capture, NetworkInterface
from levante.errors import ImageError, UsageError
from levante.net.configuration import dhcpv4_settings, dns_settings, interface_settings
from levante.net.link.capture import PcapCapture
from levante.net.link.link import Link
from levante.net.link.options import open_link
from levante.net.stack import NetworkStack
from levante.net.stack.settings import SettingsError


@dataclass(frozen=True)
class NetworkOptions:
    """What the command line asked: `--net` (a link), `--pcap` (a capture file)."""

    link: str | None = None
    pcap: Path | None = None


@dataclass
class BoardNetwork:
    """The interface and what it holds open on the host."""

    interface: NetworkInterface
    link: Link | None
    capture: PcapCapture | None

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
        if self.capture is not None:
            self.capture.close()


NANOSECONDS = 1_000_000_000


@dataclass(frozen=True)
class LaterBootCapture:
    """A later boot's frames in the same capture file: that boot's clock starts at 0,
    the file's time goes on from the boots before it."""

    capture: Capture
    earlier_nanoseconds: int

    def __call__(self, seconds: int, nanoseconds: int, frame: bytes) -> None:
        total = self.earlier_nanoseconds + seconds * NANOSECONDS + nanoseconds
        self.capture(total // NANOSECONDS, total % NANOSECONDS, frame)


def rebooted_network(config: Config, before: BoardNetwork,
                     earlier_nanoseconds: int) -> BoardNetwork | None:
    """After a reboot: a new interface (a new stack, as the new boot's kernel starts
    one) on the link and capture the board stays plugged into; None, closing them, if
    the image that boots now has no network interface."""
    if not config.is_enabled("NETWORKING"):
        before.close()
        return None
    capture: Capture | None = None
    if before.capture is not None:
        capture = LaterBootCapture(before.capture, earlier_nanoseconds)
    try:
        settings = interface_settings(config)
        resolver = dns_settings(config)
    except SettingsError as error:
        before.close()
        raise ImageError(error.message) from None
    interface = NetworkInterface(NetworkStack(settings), before.link, capture,
                                 dhcpv4_settings(config), resolver)
    return BoardNetwork(interface, before.link, before.capture)


def board_network(config: Config, dotconfig: Path,
                  options: NetworkOptions) -> BoardNetwork | None:
    """The interface of a build with CONFIG_NETWORKING, or None; options that the build
    cannot take are one-line errors."""
    if not config.is_enabled("NETWORKING"):
        if options.link is not None or options.pcap is not None:
            flag = "--net" if options.link is not None else "--pcap"
            raise UsageError(f"{flag}: this build has no network interface "
                             "(CONFIG_NETWORKING=n)")
        return None
    if options.pcap is not None and options.link is None:
        raise UsageError("--pcap: give the link to capture with --net")
    try:
        settings = interface_settings(config)
        resolver = dns_settings(config)
    except SettingsError as error:
        raise ImageError(f"{dotconfig}: {error.message}") from None
    link = open_link(options.link) if options.link is not None else None
    try:
        capture = PcapCapture(options.pcap) if options.pcap is not None else None
    except UsageError:
        if link is not None:
            link.close()
        raise
    interface = NetworkInterface(NetworkStack(settings), link, capture,
                                 dhcpv4_settings(config), resolver)
    return BoardNetwork(interface, link, capture)
