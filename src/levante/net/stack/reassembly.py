"""IPv4 fragment reassembly (RFC 791 §3.2, RFC 1122 §3.3.2) in bounded memory.

Design note: at most `max_datagrams` datagrams are reassembled at once, each from at
most `max_fragments` pieces; a fragment that would need more is dropped, never queued.
Overlapping pieces are not merged by any rule: the whole datagram is dropped (the
overlap attacks of the issue; RFC 5722 does the same for IPv6). A datagram not complete
`timeout_us` after its first fragment is dropped, and when its first fragment had come,
the caller is told so that it can send Time Exceeded (RFC 1122 §3.3.2 MUST).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from levante.codecs.ipv4 import Ipv4Packet
from levante.net.stack.stats import NetStats

FragmentKey = tuple[str, str, int, int]  # RFC 791: source, destination, protocol, ID


@dataclass(frozen=True)
class FragmentLimits:
    """CONFIG_NET_IPV4_FRAGMENT_MAX_COUNT, _MAX_PKT and _TIMEOUT (in microseconds)."""

    max_datagrams: int = 1
    max_fragments: int = 2
    timeout_us: int = 5_000_000


@dataclass
class _Datagram:
    deadline: int
    pieces: dict[int, bytes] = field(default_factory=dict)  # byte offset → data
    total: int | None = None  # the data length, once the last fragment came
    first: Ipv4Packet | None = None  # fragment zero: its header becomes the datagram's
    first_raw: bytes = b""


class Reassembler:
    """Fragments in, whole datagrams out."""

    def __init__(self, limits: FragmentLimits, stats: NetStats) -> None:
        self.limits = limits
        self.stats = stats
        self._datagrams: dict[FragmentKey, _Datagram] = {}

    def __len__(self) -> int:
        return len(self._datagrams)

    def add(self, packet: Ipv4Packet, raw: bytes, now: int) -> tuple[Ipv4Packet, bytes] | None:
        """Take one fragment; the reassembled datagram and fragment zero's bytes when it
        completes one, else None (kept or dropped, counted)."""
        start = packet.fragment_offset * 8
        end = start + len(packet.payload)
        # RFC 791 §3.2: every fragment but the last carries a multiple of 8 octets.
        if packet.more_fragments and (len(packet.payload) % 8 or not packet.payload):
            self.stats.drop("ipv4", "bad-fragment-length")
            return None
        key = (packet.source, packet.destination, packet.protocol, packet.identification)
        datagram = self._datagrams.get(key)
        if datagram is None:
            if len(self._datagrams) >= self.limits.max_datagrams:
                self.stats.drop("ipv4", "reassembly-full")
                return None
            datagram = _Datagram(deadline=now + self.limits.timeout_us)
            self._datagrams[key] = datagram
        if not self._fits(datagram, packet, start, end):
            del self._datagrams[key]
            return None
        if datagram.pieces.get(start) == packet.payload:
            self.stats.count("ipv4.fragment_duplicate")
            return None
        if len(datagram.pieces) >= self.limits.max_fragments:
            del self._datagrams[key]
            self.stats.drop("ipv4", "too-many-fragments")
            return None
        datagram.pieces[start] = packet.payload
        if not packet.more_fragments:
            datagram.total = end
        if start == 0:
            datagram.first, datagram.first_raw = packet, raw
        return self._complete(key, datagram)

    def _fits(self, datagram: _Datagram, packet: Ipv4Packet, start: int, end: int) -> bool:
        """Whether the fragment agrees with the pieces so far (else the datagram goes)."""
        if datagram.total is not None and (end > datagram.total or
                                           (not packet.more_fragments and end != datagram.total)):
            self.stats.drop("ipv4", "fragment-inconsistent")
            return False
        if not packet.more_fragments and any(offset + len(data) > end
                                             for offset, data in datagram.pieces.items()):
            self.stats.drop("ipv4", "fragment-inconsistent")
            return False
        for offset, data in datagram.pieces.items():
            if offset == start and data == packet.payload:
                continue  # an exact duplicate (a retransmission) is harmless
            if offset < end and start < offset + len(data):
                self.stats.drop("ipv4", "fragment-overlap")
                return False
        return True

    def _complete(self, key: FragmentKey, datagram: _Datagram) -> tuple[Ipv4Packet, bytes] | None:
        if datagram.total is None or datagram.first is None:
            return None
        covered = 0
        for offset in sorted(datagram.pieces):
            if offset != covered:
                return None  # a hole (no overlaps exist, so offsets only leave gaps)
            covered += len(datagram.pieces[offset])
        if covered != datagram.total:
            return None
        del self._datagrams[key]
        payload = b"".join(datagram.pieces[offset] for offset in sorted(datagram.pieces))
        self.stats.count("ipv4.reassembled")
        whole = replace(datagram.first, more_fragments=False, fragment_offset=0,
                        payload=payload)
        return whole, datagram.first_raw

    def expire(self, now: int) -> list[tuple[Ipv4Packet, bytes]]:
        """Drop what timed out; fragment zero (and its bytes) of each that had one."""
        expired = [key for key, datagram in self._datagrams.items() if datagram.deadline <= now]
        firsts = []
        for key in expired:
            datagram = self._datagrams.pop(key)
            self.stats.drop("ipv4", "reassembly-timeout")
            if datagram.first is not None:
                firsts.append((datagram.first, datagram.first_raw))
        return firsts

    def next_deadline(self) -> int | None:
        return min((datagram.deadline for datagram in self._datagrams.values()), default=None)
