"""IPv6 address autoconfiguration (RFC 4862): the link-local address from the MAC, the
static address, Duplicate Address Detection for each, router solicitation at link-up
(RFC 4861 §6.3.7) and addresses formed from advertised prefixes (SLAAC, §5.5.3).

Choices where the RFCs leave room: one DAD probe (DupAddrDetectTransmits = 1, §5.1);
no random delay before the first probe or solicitation (a SHOULD, left out so runs are
deterministic); routers are solicited once the link-local address passed DAD, so the
solicitation carries our link-layer address.
"""

from __future__ import annotations

from levante.codecs import ndp
from levante.codecs.ndp import (
    INFINITE_LIFETIME,
    LinkLayerAddress,
    NeighborSolicitation,
    PrefixInformation,
    RouterSolicitation,
)
from levante.net.stack.ipv6_addresses import (
    SECOND,
    AddressState,
    InterfaceAddresses,
    Origin,
    UnicastAddress,
)
from levante.net.stack.ipv6_settings import (
    ALL_ROUTERS,
    UNSPECIFIED,
    Ipv6Settings,
    address_in_prefix,
    interface_identifier,
    is_link_local,
    link_local_address,
    solicited_node_group,
)
from levante.net.stack.ndp_resolution import NeighborResolver
from levante.net.stack.stats import NetStats

DUP_ADDR_DETECT_TRANSMITS = 1
MAX_RTR_SOLICITATIONS = 3  # RFC 4861 §10
RTR_SOLICITATION_INTERVAL_US = 4 * SECOND
TWO_HOURS_US = 2 * 3600 * SECOND  # RFC 4862 §5.5.3 e


class Autoconfiguration:
    """The interface's own addresses: which it has, and whether they passed DAD."""

    def __init__(self, settings: Ipv6Settings, mac: str, addresses: InterfaceAddresses,
                 resolver: NeighborResolver, stats: NetStats) -> None:
        self.settings = settings
        self.mac = mac
        self.addresses = addresses
        self.resolver = resolver
        self.stats = stats
        self.identifier = interface_identifier(mac)
        self.link_local = link_local_address(mac)
        self.solicitations_sent = 0
        self.next_solicitation_at: int | None = None

    def start(self, now: int) -> None:
        """Link up: the link-local address, then the static one, each through DAD."""
        self._configure(UnicastAddress(self.link_local, 64, Origin.LINK_LOCAL), now)
        if self.settings.static_address is not None:
            self._configure(UnicastAddress(self.settings.static_address,
                                           self.settings.prefix_length, Origin.STATIC), now)

    def add_manual(self, address: str, now: int) -> bool:
        """An address the application adds (net_if_ipv6_addr_add), /64 as Zephyr's, through
        DAD as the others; True when it is (or already was) the interface's."""
        if self.addresses.find(address) is not None:
            return True
        return self._configure(UnicastAddress(address, 64, Origin.MANUAL), now)

    def _configure(self, entry: UnicastAddress, now: int) -> bool:
        if not self.addresses.add(entry, now):
            return False
        if self.settings.duplicate_address_detection:
            entry.state = AddressState.TENTATIVE
            entry.next_probe_at = now
        else:
            self._assigned(entry, now)
        return True

    def _assigned(self, entry: UnicastAddress, now: int) -> None:
        entry.state = AddressState.PREFERRED
        entry.next_probe_at = None
        self.stats.count("ipv6.address_assigned")
        if entry.origin is Origin.LINK_LOCAL and self.settings.neighbor_discovery:
            self.next_solicitation_at = now

    # --- Duplicate Address Detection (RFC 4862 §5.4) -----------------------------------

    def duplicate_detected(self, address: str, now: int) -> None:
        """§5.4.5: another node has the tentative address: it is not used."""
        entry = self.addresses.find(address)
        if entry is None or entry.state is not AddressState.TENTATIVE:
            return
        self.addresses.remove(address, now)
        self.stats.count("ipv6.dad_failed")

    def _probe(self, entry: UnicastAddress, now: int) -> None:
        if entry.probes_sent >= DUP_ADDR_DETECT_TRANSMITS:
            self._assigned(entry, now)
            return
        # §5.4.2: from the unspecified address to the solicited-node group, no
        # link-layer address option.
        message = ndp.encode(NeighborSolicitation(entry.address))
        self.resolver.send_icmp(UNSPECIFIED, solicited_node_group(entry.address), message,
                                now)
        self.stats.count("ipv6.dad_probes_sent")
        entry.probes_sent += 1
        entry.next_probe_at = now + self.resolver.cache.retrans_timer_us

    # --- Router solicitation (RFC 4861 §6.3.7) -----------------------------------------

    def router_heard(self) -> None:
        """A valid advertisement came: no more solicitations."""
        self.next_solicitation_at = None

    def _solicit_router(self, now: int) -> None:
        if self.solicitations_sent >= MAX_RTR_SOLICITATIONS:
            self.next_solicitation_at = None
            return
        if not self.addresses.is_assigned(self.link_local):
            self.next_solicitation_at = None
            return
        message = ndp.encode(RouterSolicitation(
            (LinkLayerAddress(ndp.SOURCE_LINK_LAYER, self.mac),)))
        self.resolver.send_icmp(self.link_local, ALL_ROUTERS, message, now)
        self.stats.count("ndp.router_solicitations_sent")
        self.solicitations_sent += 1
        self.next_solicitation_at = now + RTR_SOLICITATION_INTERVAL_US

    # --- SLAAC (RFC 4862 §5.5.3) --------------------------------------------------------

    def prefix_advertised(self, option: PrefixInformation, now: int) -> None:
        if not option.autonomous:
            return
        if is_link_local(option.prefix):
            self.stats.drop("ndp", "slaac-link-local-prefix")
            return
        if option.preferred_lifetime > option.valid_lifetime:
            self.stats.drop("ndp", "slaac-preferred-over-valid")
            return
        address = address_in_prefix(option.prefix, self.identifier)
        valid = _deadline(option.valid_lifetime, now)
        preferred = _deadline(option.preferred_lifetime, now)
        existing = self.addresses.find(address)
        if existing is None:
            if option.valid_lifetime == 0:
                return
            # §5.5.3 d: the interface identifier is 64 bits, so only a /64 makes an address.
            if option.prefix_length != 64:
                self.stats.drop("ndp", "slaac-prefix-length")
                return
            entry = UnicastAddress(address, 64, Origin.AUTOCONF, preferred_until=preferred,
                                   valid_until=valid)
            if self._configure(entry, now):
                self.stats.count("ipv6.slaac_address")
            return
        if existing.origin is not Origin.AUTOCONF:
            return
        existing.preferred_until = preferred
        if existing.state is AddressState.DEPRECATED and (preferred is None or preferred > now):
            existing.state = AddressState.PREFERRED
        # §5.5.3 e: the two-hour rule keeps a forged advertisement from cutting the valid
        # lifetime short.
        remaining = None if existing.valid_until is None else existing.valid_until - now
        if valid is None or option.valid_lifetime * SECOND > TWO_HOURS_US or \
                (remaining is not None and valid - now > remaining):
            existing.valid_until = valid
        elif remaining is None or remaining > TWO_HOURS_US:
            existing.valid_until = now + TWO_HOURS_US

    # --- Timers -------------------------------------------------------------------------

    def advance(self, now: int) -> None:
        for entry in list(self.addresses.unicast):
            if entry.next_probe_at is not None and entry.next_probe_at <= now:
                self._probe(entry, now)
        if self.next_solicitation_at is not None and self.next_solicitation_at <= now:
            self._solicit_router(now)
        self.addresses.expire(now)

    def next_deadline(self) -> int | None:
        instants = [instant for instant in (self.addresses.next_deadline(),
                                            self.next_solicitation_at) if instant is not None]
        return min(instants, default=None)


def _deadline(lifetime_seconds: int, now: int) -> int | None:
    return None if lifetime_seconds == INFINITE_LIFETIME else now + lifetime_seconds * SECOND
