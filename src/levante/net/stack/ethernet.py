"""The interface's Ethernet side: which received frames are ours, and framing what it sends."""

from __future__ import annotations

from levante.codecs import ethernet
from levante.codecs.addresses import mac_from_text
from levante.net.stack.stats import NetStats

BROADCAST_MAC = "ff:ff:ff:ff:ff:ff"
# IEEE 802.3 §4.2.3.3: a frame is at least 64 octets with its 4-octet check sequence, so
# 60 as captured; the sender pads shorter ones.
MIN_FRAME_LENGTH = 60


class EthernetPort:
    """Accepts frames addressed to the interface, to broadcast or to a group it listens to
    (`groups`, the IPv6 multicast MACs), and queues frames to send."""

    def __init__(self, mac: str, stats: NetStats, mtu: int) -> None:
        self.mac = mac
        self.stats = stats
        self.mtu = mtu
        self.link_up = False  # carrier: frames are only sent while the link is up
        self._outgoing: list[bytes] = []
        self.groups: frozenset[str] = frozenset()

    def accept(self, data: bytes) -> ethernet.EthernetFrame | None:
        """The decoded frame when it is for this interface, else None (counted)."""
        self.stats.count("ethernet.received")
        try:
            frame = ethernet.decode(data)
        except ethernet.EthernetError:
            self.stats.drop("ethernet", "malformed")
            return None
        if frame.destination not in (self.mac, BROADCAST_MAC) and \
                frame.destination not in self.groups:
            self.stats.drop("ethernet", "not-for-us")
            return None
        # IEEE 802.3 §3.2.3: a source address is always an individual one.
        if mac_from_text(frame.source, ethernet.EthernetError)[0] & 1 or frame.source == self.mac:
            self.stats.drop("ethernet", "bad-source")
            return None
        if len(frame.payload) > self.mtu:
            self.stats.drop("ethernet", "oversized")
            return None
        return frame

    def send(self, destination: str, ethertype: int, payload: bytes) -> None:
        """Frame `payload` for `destination` and queue it (dropped, counted, while the link
        is down or when it exceeds the MTU)."""
        if not self.link_up:
            self.stats.drop("ethernet", "link-down")
            return
        if len(payload) > self.mtu:
            self.stats.drop("ethernet", "over-mtu")
            return
        frame = ethernet.encode(ethernet.EthernetFrame(
            destination=destination, source=self.mac, ethertype=ethertype, payload=payload))
        self._outgoing.append(frame.ljust(MIN_FRAME_LENGTH, b"\0"))
        self.stats.count("ethernet.sent")

    def take_outgoing(self) -> list[bytes]:
        """The frames queued since the last call, in order."""
        frames, self._outgoing = self._outgoing, []
        return frames

    @property
    def has_outgoing(self) -> bool:
        return bool(self._outgoing)
