"""The interface's DNS stub resolver (RFC 1035 §7, RFC 1123 §6.1.3): A and AAAA queries
over UDP, for the socket layer's getaddrinfo.

The service's interface is one call and one callback:

    query = resolver.resolve(name, record_type, now, on_done)
    on_done(Resolution, now)  # once: addresses, or why there are none

`record_type` is `dns.RecordType.A` (AF_INET) or `AAAA` (AF_INET6). A cached answer,
a bad name or no server calls `on_done` before `resolve` returns; otherwise it is
called from `receive`/`advance` when an answer or the last timeout comes. `cancel`
forgets a query (its callback is then never called).

Each query has a transaction id from the board's random numbers and a random source
port (RFC 5452 §9.2); an answer is taken only from the server asked, from port 53, to
that port, with that id, as a response to exactly the question asked. Anything else is
dropped and counted (`dns.drop.<reason>`). Compression loops and names over 255 octets
are refused by the codec. Servers are asked in turn, each attempt waiting
`attempt_timeout_us` of simulated time.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from levante.codecs import dns
from levante.codecs.addresses import canonical_ipv6, ipv4_from_text
from levante.net.stack.dns_cache import DnsCache
from levante.net.stack.settings import SettingsError
from levante.net.stack.stack import NetworkStack
from levante.net.stack.udp import EPHEMERAL_FIRST, EPHEMERAL_LAST, PortInUse, UdpEndpoint

ATTEMPT_TIMEOUT_US = 2_000_000  # per server and attempt
ROUNDS = 2  # every server is asked at most twice
MAX_CNAME_STEPS = 8  # an answer's CNAME chain followed at most this far


class ResolveError(enum.Enum):
    """Why a name has no address (Zephyr's DNS_EAI_* names)."""

    NONAME = "EAI_NONAME"  # NXDOMAIN, or a name that cannot be asked
    NODATA = "EAI_NODATA"  # the name exists, with no address of that family
    AGAIN = "EAI_AGAIN"  # no answer from any server in time, or all failed
    FAIL = "EAI_FAIL"  # no server configured, a refusal or a malformed answer
    MEMORY = "EAI_MEMORY"  # too many queries at once (DNS_NUM_CONCUR_QUERIES)


@dataclass(frozen=True)
class Resolution:
    name: str
    record_type: int
    addresses: tuple[str, ...] = ()
    error: ResolveError | None = None
    from_cache: bool = False


Done = Callable[[Resolution, int], None]


@dataclass(frozen=True)
class DnsServer:
    address: str
    port: int = dns.PORT

    @staticmethod
    def parse(text: str) -> DnsServer:
        """CONFIG_DNS_SERVERn's forms: '192.0.2.53', '192.0.2.53:5353', '2001:db8::53'
        or '[2001:db8::53]:5353'; raises `SettingsError`."""
        text = text.strip()
        if text.startswith("["):
            address, bracket, rest = text[1:].partition("]")
            if not bracket or (rest and not rest.startswith(":")):
                raise SettingsError(f"DNS server {text!r} is not [IPv6]:port")
            address, port = canonical_ipv6(address, SettingsError), rest[1:]
            if rest and not port:
                raise SettingsError(f"DNS server {text!r} has no port after ':'")
        elif text.count(":") > 1:
            address, port = canonical_ipv6(text, SettingsError), ""
        else:
            address, _, port = text.partition(":")
            ipv4_from_text(address, SettingsError)
        if port and not (port.isdigit() and port.isascii() and 1 <= int(port) <= 0xFFFF):
            raise SettingsError(f"DNS server port {port!r} is not 1..65535")
        number = int(port) if port else dns.PORT
        return DnsServer(address, number)


@dataclass(eq=False)
class Query:
    name: str
    record_type: int
    on_done: Done
    identifier: int
    endpoint: UdpEndpoint
    asked_name: str = ""  # the question's name: the alias after a CNAME-only answer
    additional_queries: int = 0  # queries for an alias still allowed
    attempts: int = 0
    server: DnsServer | None = None
    deadline: int = 0
    servers_tried: list[DnsServer] = field(default_factory=list)


class DnsResolver:
    """Stub resolution over the stack's UDP; a service with timers on the stack."""

    def __init__(self, stack: NetworkStack, random: Callable[[int], bytes],
                 servers: tuple[DnsServer, ...] = (), max_queries: int = 1,
                 cache_entries: int = 0, max_servers: int = 5,
                 additional_queries: int = 1) -> None:
        self.stack = stack
        self.random = random
        self.static_servers = servers
        self.dhcp_servers: tuple[DnsServer, ...] = ()
        self.max_queries = max_queries
        self.max_servers = max_servers  # CONFIG_DNS_RESOLVER_MAX_SERVERS
        self.additional_queries = additional_queries  # CONFIG_DNS_RESOLVER_ADDITIONAL_QUERIES
        self.cache = DnsCache(cache_entries)
        self.queries: list[Query] = []
        self._now = 0
        stack.services.append(self)

    @property
    def servers(self) -> tuple[DnsServer, ...]:
        """Kconfig's servers first, then those DHCP (option 6) gave, without repeats; at
        most `max_servers` of them."""
        servers = tuple(dict.fromkeys(self.static_servers + self.dhcp_servers))
        return servers[:self.max_servers]

    def set_dhcp_servers(self, addresses: tuple[str, ...]) -> None:
        self.dhcp_servers = tuple(DnsServer(address) for address in addresses)

    # --- The service ---------------------------------------------------------------

    def resolve(self, name: str, record_type: int, now: int, on_done: Done) -> Query | None:
        """Start resolving `name`; None when `on_done` was already called."""
        self._now = now
        if record_type not in (dns.RecordType.A, dns.RecordType.AAAA):
            raise ValueError(f"record type {record_type} is not A or AAAA")
        try:
            dns.encode_name(name)
            if not name.strip("."):
                raise dns.DnsError("the root has no address")
        except dns.DnsError:
            on_done(Resolution(name, record_type, error=ResolveError.NONAME), now)
            return None
        cached = self.cache.lookup(name, record_type, now)
        if cached is not None:
            self.stack.stats.count("dns.cache_hits")
            on_done(Resolution(name, record_type, cached, from_cache=True), now)
            return None
        if not self.servers:
            on_done(Resolution(name, record_type, error=ResolveError.FAIL), now)
            return None
        if len(self.queries) >= self.max_queries:
            on_done(Resolution(name, record_type, error=ResolveError.MEMORY), now)
            return None
        endpoint = self._random_port()
        if endpoint is None:
            on_done(Resolution(name, record_type, error=ResolveError.MEMORY), now)
            return None
        query = Query(name, record_type, on_done, self._new_identifier(), endpoint,
                      asked_name=name, additional_queries=self.additional_queries)
        endpoint.on_receive = lambda bound: self._take(query, bound)
        self.queries.append(query)
        self._ask_next_server(query, now)
        return query

    def cancel(self, query: Query) -> None:
        if query in self.queries:
            self._finish(query)

    # --- Timers --------------------------------------------------------------------

    def next_deadline(self) -> int | None:
        return min((query.deadline for query in self.queries), default=None)

    def advance(self, now: int) -> None:
        # The stack advances its services before each frame: this is also the instant
        # of the datagrams the queries' endpoints are given.
        self._now = now
        for query in [query for query in self.queries if query.deadline <= now]:
            self.stack.stats.count("dns.timeouts")
            self._ask_next_server(query, now)

    # --- Internals -----------------------------------------------------------------

    def _ask_next_server(self, query: Query, now: int) -> None:
        """The next attempt; a server the query cannot reach now (no address of its
        family yet, no route) is passed over at once rather than waited for."""
        servers = self.servers
        while query.attempts < ROUNDS * len(servers):
            server = servers[query.attempts % len(servers)]
            query.attempts += 1
            query.server = server
            query.deadline = now + ATTEMPT_TIMEOUT_US
            message = dns.DnsMessage(
                identifier=query.identifier, recursion_desired=True,
                questions=(dns.Question(name=query.asked_name,
                                        record_type=query.record_type),))
            if self.stack.udp.send(query.endpoint, server.address, server.port,
                                   dns.encode(message), now):
                self.stack.stats.count("dns.queries_sent")
                return
            self.stack.stats.count("dns.unsent")
        self._complete(query, Resolution(query.name, query.record_type,
                                         error=ResolveError.AGAIN), now)

    def _take(self, query: Query, endpoint: UdpEndpoint) -> None:
        while (datagram := endpoint.take()) is not None and query in self.queries:
            self._answer(query, datagram.source, datagram.source_port, datagram.payload)

    def _answer(self, query: Query, source: str, port: int, payload: bytes) -> None:
        stats = self.stack.stats
        stats.count("dns.received")
        server = query.server
        if server is None or (source, port) != (server.address, server.port):
            stats.drop("dns", "wrong-server")
            return
        try:
            message = dns.decode(payload)
        except dns.DnsError:
            stats.drop("dns", "malformed")
            return
        if not message.is_response or message.identifier != query.identifier:
            stats.drop("dns", "id-mismatch")
            return
        if len(message.questions) != 1 or not self._asks(message.questions[0], query):
            stats.drop("dns", "question-mismatch")
            return
        now = self._now
        code = message.response_code
        if code == dns.ResponseCode.NAME_ERROR:
            self._complete(query, Resolution(query.name, query.record_type,
                                             error=ResolveError.NONAME), now)
        elif code != dns.ResponseCode.NO_ERROR:
            stats.count("dns.server_failures")  # SERVFAIL, REFUSED, ...: the next server
            self._ask_next_server(query, now)
        else:
            resolution, alias = self._addresses(query, message)
            if resolution.error is not None and alias is not None \
                    and query.additional_queries > 0:
                self._ask_for_alias(query, alias, now)
                return
            self._complete(query, resolution, now)

    def _ask_for_alias(self, query: Query, alias: str, now: int) -> None:
        """An answer of CNAMEs only: ask again for where they lead (Zephyr's
        DNS_RESOLVER_ADDITIONAL_QUERIES), with a new transaction id."""
        self.stack.stats.count("dns.alias_queries")
        query.additional_queries -= 1
        query.asked_name = alias
        query.identifier = self._new_identifier()
        query.attempts = 0
        self._ask_next_server(query, now)

    @staticmethod
    def _asks(question: dns.Question, query: Query) -> bool:
        return (dns.same_name(question.name, query.asked_name)
                and question.record_type == query.record_type
                and question.record_class == dns.CLASS_INTERNET)

    def _addresses(self, query: Query,
                   message: dns.DnsMessage) -> tuple[Resolution, str | None]:
        """The addresses for the name, following its CNAME chain within the answer; with
        the alias the chain ended at when that has no address here (else None)."""
        wanted = query.asked_name
        for _ in range(MAX_CNAME_STEPS):
            alias = next((record.target for record in message.answers
                          if record.record_type == dns.RecordType.CNAME
                          and dns.same_name(record.name, wanted) and record.target), None)
            if alias is None:
                break
            wanted = alias
        records = [record for record in message.answers
                   if record.record_type == query.record_type
                   and record.record_class == dns.CLASS_INTERNET
                   and dns.same_name(record.name, wanted) and record.address is not None]
        addresses = tuple(dict.fromkeys(record.address for record in records
                                        if record.address is not None))
        if not addresses:
            alias = None if dns.same_name(wanted, query.asked_name) else wanted
            return Resolution(query.name, query.record_type,
                              error=ResolveError.NODATA), alias
        ttl = min(record.ttl for record in records)
        self.cache.store(query.name, query.record_type, addresses, ttl, self._now)
        return Resolution(query.name, query.record_type, addresses), None

    def _complete(self, query: Query, resolution: Resolution, now: int) -> None:
        self._finish(query)
        self.stack.stats.count("dns.resolved" if resolution.error is None else "dns.failed")
        query.on_done(resolution, now)

    def _finish(self, query: Query) -> None:
        self.queries.remove(query)
        self.stack.udp.unbind(query.endpoint)

    def _new_identifier(self) -> int:
        in_use = {query.identifier for query in self.queries}
        while True:
            identifier = int.from_bytes(self.random(2), "big")
            if identifier not in in_use:
                return identifier

    def _random_port(self) -> UdpEndpoint | None:
        """A bound endpoint on a random ephemeral port (RFC 5452 §9.2), or None."""
        span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1
        for _ in range(16):
            port = EPHEMERAL_FIRST + int.from_bytes(self.random(2), "big") % span
            try:
                return self.stack.udp.bind(port)
            except PortInUse:
                continue
        try:
            return self.stack.udp.bind(0)
        except ValueError:
            return None

