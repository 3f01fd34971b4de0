"""IPv6 fragment reassembly (RFC 8200 §4.5) in bounded memory, with RFC 5722's rule.

Design note: as IPv4's reassembler, at most `max_datagrams` packets at once, each from at
most `max_fragments` fragments, a fragment needing more dropped rather than queued. Any
overlap discards the whole packet (RFC 5722 §4; an exact duplicate is ignored). A packet
not complete `timeout_us` after its first-arriving fragment is discarded, and when its
first fragment came the caller is told so (Time Exceeded code 1, §4.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from levante.codecs import ipv6
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.ipv6_extensions import FragmentHeader
from levante.net.stack.reassembly import FragmentLimits
from levante.net.stack.stats import NetStats

FragmentKey = tuple[str, str, int]  # RFC 8200 §4.5: source, destination, identification


@dataclass
class _Packet:
    deadline: int
    pieces: dict[int, bytes] = field(default_factory=dict)  # byte offset → data
    total: int | None = None  # the fragmentable part's length, once the last came
    first: Ipv6Packet | None = None  # the first fragment (its unfragmentable part)
    first_header: FragmentHeader | None = None


class Ipv6Reassembler:
    """Fragments in, whole packets out."""

    def __init__(self, limits: FragmentLimits, stats: NetStats) -> None:
        self.limits = limits
        self.stats = stats
        self._packets: dict[FragmentKey, _Packet] = {}

    def __len__(self) -> int:
        return len(self._packets)

    def add(self, packet: Ipv6Packet, header: FragmentHeader, now: int) -> Ipv6Packet | None:
        """Take one fragment; the reassembled packet when it completes one, else None."""
        data = packet.payload[header.header_start + 8:]
        start = header.offset * 8
        end = start + len(data)
        if header.more and not data:
            self.stats.drop("ipv6", "bad-fragment-length")
            return None
        key = (packet.source, packet.destination, header.identification)
        entry = self._packets.get(key)
        if entry is None:
            if len(self._packets) >= self.limits.max_datagrams:
                self.stats.drop("ipv6", "reassembly-full")
                return None
            entry = _Packet(deadline=now + self.limits.timeout_us)
            self._packets[key] = entry
        if entry.pieces.get(start) == data:
            self.stats.count("ipv6.fragment_duplicate")
            return None
        if not self._fits(entry, header.more, start, end):
            del self._packets[key]
            return None
        if len(entry.pieces) >= self.limits.max_fragments:
            del self._packets[key]
            self.stats.drop("ipv6", "too-many-fragments")
            return None
        entry.pieces[start] = data
        if not header.more:
            entry.total = end
        if start == 0:
            entry.first, entry.first_header = packet, header
        return self._complete(key, entry)

    def _fits(self, entry: _Packet, more: bool, start: int, end: int) -> bool:
        if entry.total is not None and (end > entry.total or (not more and end != entry.total)):
            self.stats.drop("ipv6", "fragment-inconsistent")
            return False
        if not more and any(offset + len(data) > end for offset, data in entry.pieces.items()):
            self.stats.drop("ipv6", "fragment-inconsistent")
            return False
        # RFC 5722 §4: overlapping fragments discard the whole packet, silently.
        if any(offset < end and start < offset + len(data)
               for offset, data in entry.pieces.items()):
            self.stats.drop("ipv6", "fragment-overlap")
            return False
        return True

    def _complete(self, key: FragmentKey, entry: _Packet) -> Ipv6Packet | None:
        if entry.total is None or entry.first is None or entry.first_header is None:
            return None
        covered = 0
        for offset in sorted(entry.pieces):
            if offset != covered:
                return None
            covered += len(entry.pieces[offset])
        if covered != entry.total:
            return None
        del self._packets[key]
        first, header = entry.first, entry.first_header
        # §4.5: the unfragmentable part of the first fragment, the header that named the
        # Fragment header now naming what the Fragment header named, then the data.
        unfragmentable = bytearray(first.payload[:header.header_start])
        next_header = first.next_header
        if header.naming_field == ipv6.NEXT_HEADER_FIELD:
            next_header = header.next_header
        else:
            unfragmentable[header.naming_field - ipv6.HEADER_LENGTH] = header.next_header
        payload = bytes(unfragmentable) + b"".join(entry.pieces[offset]
                                                   for offset in sorted(entry.pieces))
        self.stats.count("ipv6.reassembled")
        return replace(first, next_header=next_header, payload=payload)

    def expire(self, now: int) -> list[Ipv6Packet]:
        """Drop what timed out; the first fragment of each that had one."""
        expired = [key for key, entry in self._packets.items() if entry.deadline <= now]
        firsts = []
        for key in expired:
            entry = self._packets.pop(key)
            self.stats.drop("ipv6", "reassembly-timeout")
            if entry.first is not None:
                firsts.append(entry.first)
        return firsts

    def next_deadline(self) -> int | None:
        return min((entry.deadline for entry in self._packets.values()), default=None)
