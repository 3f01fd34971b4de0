"""The board's network interface for a run: the stack from the build's configuration,
plugged into the link `--net` names (the user-mode gateway by default), captured to
`--pcap`, recorded to `--net-record` or fed from `--net-replay`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from levante.codecs.addresses import is_ipv6_text
from levante.config import Config
from levante.crypto.entropy import EntropySource
from levante.devices.net_log import DropLog, drop_log
from levante.devices.network import Capture, NetworkInterface
from levante.errors import ImageError, UsageError
from levante.net.configuration import (
    dhcpv4_settings,
    dns_settings,
    interface_settings,
    receive_ring,
)
from levante.net.link.capture import PcapCapture
from levante.net.link.link import Link
from levante.net.link.options import check_link, open_link, parse_forwards
from levante.net.link.recording import FrameRecorder, ReplayFeed, ReplayLink
from levante.net.link.user.link import UserLink
from levante.net.link.user.plan import GatewayPlan, default_plan, static_plan
from levante.net.link.user.plan6 import Gateway6Plan, default_plan6, static_plan6
from levante.net.stack import NetworkStack
from levante.net.stack.settings import InterfaceSettings, SettingsError, address_value
from levante.net.tls.library import LibraryProfile

DEFAULT_LINK = "user"
# Octets of the board's entropy that key TCP's initial sequence numbers (RFC 6528 §3).
TCP_KEY_LENGTH = 16


@dataclass(frozen=True)
class NetworkOptions:
    """What the command line asked: `--net` (a link), `--pcap` (a capture file),
    `--forward` (host ports to the device), `--net-record`, `--net-replay`."""

    link: str | None = None
    pcap: Path | None = None
    forwards: tuple[str, ...] = ()
    record: Path | None = None
    replay: Path | None = None

    @property
    def given(self) -> str | None:
        """The first option given, for the message when the build has no interface."""
        for flag, value in (("--net", self.link), ("--pcap", self.pcap),
                            ("--forward", self.forwards), ("--net-record", self.record),
                            ("--net-replay", self.replay)):
            if value:
                return flag
        return None


@dataclass
class BoardNetwork:
    """The interface and what it holds open on the host."""

    interface: NetworkInterface
    link: Link | None
    capture: PcapCapture | None
    recorder: FrameRecorder | None = None
    replay: ReplayFeed | None = None

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
        if self.capture is not None:
            self.capture.close()
        if self.recorder is not None:
            self.recorder.close()


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


def network_stack(settings: InterfaceSettings, entropy: EntropySource) -> NetworkStack:
    """The stack; with TCP, keyed from the board's entropy (a seeded run: same ISNs)."""
    key = entropy.get(TCP_KEY_LENGTH) if settings.tcp is not None else None
    return NetworkStack(settings, tcp_key=key)


def rebooted_network(config: Config, before: BoardNetwork, earlier_nanoseconds: int,
                     entropy: EntropySource) -> BoardNetwork | None:
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
        ring = receive_ring(config, settings.mtu)
    except SettingsError as error:
        before.close()
        raise ImageError(error.message) from None
    if before.recorder is not None:
        before.recorder.boot += 1
    if before.replay is not None:
        before.replay.next_boot()
    interface = NetworkInterface(network_stack(settings, entropy), before.link, capture,
                                 before.recorder, before.replay,
                                 dhcpv4=dhcpv4_settings(config), dns_resolver=resolver,
                                 receive_ring=ring, log_drops=_drop_log(config),
                                 tls_library=_tls_library(config))
    _give_clock(before.link, interface)
    return BoardNetwork(interface, before.link, before.capture, before.recorder,
                        before.replay)


def _tls_library(config: Config) -> LibraryProfile | None:
    """What the build's CONFIG_MBEDTLS_* allow its TLS sockets, when it has them."""
    if not config.is_enabled("NET_SOCKETS_SOCKOPT_TLS"):
        return None
    return LibraryProfile.from_config(config)


def board_network(config: Config, dotconfig: Path, options: NetworkOptions,
                  entropy: EntropySource) -> BoardNetwork | None:
    """The interface of a build with CONFIG_NETWORKING, or None; options that the build
    cannot take are one-line errors."""
    if not config.is_enabled("NETWORKING"):
        flag = options.given
        if flag is not None:
            raise UsageError(f"{flag}: this build has no network interface "
                             "(CONFIG_NETWORKING=n)")
        return None
    _check_combination(options)
    if options.link is not None:
        check_link(options.link)
    forwards = parse_forwards(options.forwards)
    try:
        settings = interface_settings(config)
        ring = receive_ring(config, settings.mtu)
        plan = gateway_plan(config, settings)
        plan6 = gateway_plan6(config, settings)
        resolver = dns_settings(config)
    except SettingsError as error:
        raise ImageError(f"{dotconfig}: {error.message}") from None
    clock_hz = config.get_int("SYS_CLOCK_HW_CYCLES_PER_SEC")
    replay = ReplayFeed(options.replay, clock_hz) if options.replay is not None else None
    held: list[PcapCapture | FrameRecorder | Link] = []
    try:
        link: Link
        if options.replay is not None:
            link = ReplayLink(options.replay)
        else:
            link = open_link(options.link or DEFAULT_LINK, plan, forwards, plan6)
        held.append(link)
        capture = PcapCapture(options.pcap) if options.pcap is not None else None
        if capture is not None:
            held.append(capture)
        recorder = None
        if options.record is not None:
            recorder = FrameRecorder(options.record, clock_hz)
    except BaseException:
        for item in held:
            item.close()
        raise
    interface = NetworkInterface(network_stack(settings, entropy), link, capture, recorder,
                                 replay, dhcpv4=dhcpv4_settings(config),
                                 dns_resolver=resolver, receive_ring=ring,
                                 log_drops=_drop_log(config),
                                 tls_library=_tls_library(config))
    _give_clock(link, interface)
    return BoardNetwork(interface, link, capture, recorder, replay)


def _drop_log(config: Config) -> DropLog | None:
    """The interface's drop log (CONFIG_NET_LOG), None without one."""
    log_on = config.is_enabled("LOG")
    return drop_log(log_on, config.is_enabled("NET_LOG"),
                    config.get_int("LOG_DEFAULT_LEVEL") if log_on else 0,
                    config.is_enabled("LOG_MODE_MINIMAL"))


def _check_combination(options: NetworkOptions) -> None:
    if options.replay is None:
        return
    for flag, value in (("--net", options.link), ("--forward", options.forwards),
                        ("--net-record", options.record)):
        if value:
            raise UsageError(f"--net-replay: a replay has no link, so no {flag}")


def _give_clock(link: Link | None, interface: NetworkInterface) -> None:
    if isinstance(link, UserLink):
        link.set_clock(interface.now_microseconds)


def gateway_plan(config: Config, settings: InterfaceSettings) -> GatewayPlan:
    """The user-mode gateway's addresses: the build's static subnet, or 10.0.2.0/24."""
    if settings.ipv4 is None:
        return default_plan()
    peer = config.get_str("NET_CONFIG_PEER_IPV4_ADDR") \
        if "NET_CONFIG_PEER_IPV4_ADDR" in config else ""
    if peer:
        try:
            address_value(peer)
        except SettingsError:
            raise SettingsError(f"CONFIG_NET_CONFIG_PEER_IPV4_ADDR: {peer!r} is not an "
                                "IPv4 address") from None
    return static_plan(settings.ipv4, peer or None)


def gateway_plan6(config: Config, settings: InterfaceSettings) -> Gateway6Plan:
    """The gateway's IPv6 addresses: the build's static /64, or SLAAC in fd00::/64."""
    static = settings.ipv6.static_address if settings.ipv6 is not None else None
    if static is None:
        return default_plan6()
    peer = config.get_str("NET_CONFIG_PEER_IPV6_ADDR") \
        if "NET_CONFIG_PEER_IPV6_ADDR" in config else ""
    if peer and not is_ipv6_text(peer):
        raise SettingsError(f"CONFIG_NET_CONFIG_PEER_IPV6_ADDR: {peer!r} is not an "
                            "IPv6 address")
    try:
        return static_plan6(static, peer or None)
    except SettingsError:
        raise SettingsError(f"CONFIG_NET_CONFIG_PEER_IPV6_ADDR: {peer!r} is not an "
                            "IPv6 address") from None
