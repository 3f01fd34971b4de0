"""getaddrinfo's lookups on the interface's DNS resolver: one address family's query,
or both (A, then AAAA) combined as Zephyr's getaddrinfo combines them.

For AF_UNSPEC the A query comes first; no answer in time for either ends the lookup
with EAI_AGAIN at once; when both fail the A query's error is the answer. Each family
gives at most `max_addresses` (CONFIG_DNS_RESOLVER_AI_MAX_ENTRIES) addresses.
"""

from __future__ import annotations

from collections.abc import Callable

from levante.codecs import dns
from levante.codecs.addresses import ipv4_from_text, ipv6_from_text
from levante.codecs.errors import CodecError
from levante.kernel.net_port import NameAnswer
from levante.net.stack.dns_resolver import DnsResolver, Query, Resolution, ResolveError

AF_UNSPEC, AF_INET, AF_INET6 = 0, 1, 2
_RECORD_TYPES = {AF_INET: dns.RecordType.A, AF_INET6: dns.RecordType.AAAA}


class NameLookup:
    """One getaddrinfo lookup: its families' queries in turn, then one answer."""

    def __init__(self, resolver: DnsResolver, name: str, families: tuple[int, ...],
                 max_addresses: int, now: Callable[[], int],
                 on_done: Callable[[NameAnswer], None]) -> None:
        self.resolver = resolver
        self.name = name
        self.pending = list(families)
        self.max_addresses = max_addresses
        self.now = now
        self.on_done: Callable[[NameAnswer], None] | None = on_done
        self.addresses: list[tuple[int, bytes]] = []
        self.errors: list[ResolveError] = []
        self.query: Query | None = None

    def start(self) -> bool:
        """Ask the first family; True when the answer was given already."""
        self._ask_next()
        return self.on_done is None

    def cancel(self) -> None:
        self.on_done = None
        if self.query is not None:
            self.resolver.cancel(self.query)
            self.query = None

    def _ask_next(self) -> None:
        while self.pending and self.on_done is not None:
            family = self.pending.pop(0)
            answered: list[Resolution] = []
            query = self.resolver.resolve(self.name, _RECORD_TYPES[family], self.now(),
                                          _collect_into(answered))
            if query is None:
                if not self._take(family, answered[0]):
                    return
                continue
            self.query = query
            query.on_done = self._answer_for(family)
            return
        self._finish()

    def _answer_for(self, family: int) -> Callable[[Resolution, int], None]:
        def answered(resolution: Resolution, now: int) -> None:
            self.query = None
            if self._take(family, resolution):
                self._ask_next()
        return answered

    def _take(self, family: int, resolution: Resolution) -> bool:
        """Keep a family's answer; False when the lookup ended with it."""
        if resolution.error is ResolveError.AGAIN:
            self._answer(NameAnswer(error=ResolveError.AGAIN.value))
            return False
        if resolution.error is not None:
            self.errors.append(resolution.error)
            return True
        for address in resolution.addresses[:self.max_addresses]:
            raw = _raw_address(address)
            if raw is not None:
                self.addresses.append((family, raw))
        return True

    def _finish(self) -> None:
        if self.addresses:
            self._answer(NameAnswer(tuple(self.addresses)))
        else:
            error = self.errors[0] if self.errors else ResolveError.NODATA
            self._answer(NameAnswer(error=error.value))

    def _answer(self, answer: NameAnswer) -> None:
        on_done, self.on_done = self.on_done, None
        if on_done is not None:
            on_done(answer)


def _collect_into(answers: list[Resolution]) -> Callable[[Resolution, int], None]:
    """A callback that keeps an answer given before `resolve` returns."""
    return lambda resolution, now: answers.append(resolution)


def _raw_address(text: str) -> bytes | None:
    try:
        return ipv6_from_text(text, CodecError) if ":" in text \
            else ipv4_from_text(text, CodecError)
    except CodecError:
        return None


def lookup_families(family: int, ipv6_enabled: bool) -> tuple[int, ...]:
    """The queries a family asks for: AF_UNSPEC both (AAAA only with IPv6)."""
    if family == AF_UNSPEC:
        return (AF_INET, AF_INET6) if ipv6_enabled else (AF_INET,)
    return (family,)
