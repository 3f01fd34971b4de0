"""Neighbor Discovery input (RFC 4861): the validity checks of §6.1 and §7.1 and §8.1,
each drop counted by its reason, then what a host does with each message, and the
bounded default router list.

A host ignores router solicitations (§6.2.6 is for routers) and, after validating
them, redirects: Levante keeps no destination cache to redirect (a choice; §8.3 lets a
host that trusts no redirect stay on its first hop, at the cost of an extra hop).
"""

from __future__ import annotations

from levante.codecs import ndp
from levante.codecs.icmpv6 import Icmpv6Message
from levante.codecs.ipv6 import Ipv6Packet
from levante.codecs.ndp import (
    LinkLayerAddress,
    MtuOption,
    NdpMessage,
    NdpOption,
    NeighborAdvertisement,
    NeighborSolicitation,
    PrefixInformation,
    Redirect,
    RouterAdvertisement,
    RouterSolicitation,
)
from levante.net.stack.autoconf import Autoconfiguration
from levante.net.stack.ipv6_addresses import SECOND, AddressState, InterfaceAddresses
from levante.net.stack.ipv6_settings import (
    ALL_NODES,
    UNSPECIFIED,
    Ipv6Settings,
    is_link_local,
    is_multicast,
    solicited_node_group,
)
from levante.net.stack.ndp_resolution import ND_HOP_LIMIT, NeighborResolver
from levante.net.stack.stats import NetStats

# RFC 4861 §6.2.1: AdvReachableTime is at most an hour; a larger one is not believed.
MAX_REACHABLE_TIME_MS = 3_600_000
ETHERNET_MTU = 1500
MINIMUM_MTU = 1280


class NeighborDiscovery:
    """Neighbor Discovery messages in, answers out, the default router list."""

    def __init__(self, settings: Ipv6Settings, mac: str, addresses: InterfaceAddresses,
                 resolver: NeighborResolver, autoconf: Autoconfiguration,
                 stats: NetStats, link_mtu: int) -> None:
        self.settings = settings
        self.mac = mac
        self.addresses = addresses
        self.resolver = resolver
        self.autoconf = autoconf
        self.stats = stats
        self.link_mtu = link_mtu
        self.max_link_mtu = link_mtu
        self.advertised_hop_limit: int | None = None
        self.routers: dict[str, int] = {}  # address → when its lifetime ends

    def receive(self, packet: Ipv6Packet, message: Icmpv6Message, now: int) -> None:
        self.stats.count("ndp.received")
        # §6.1.1, §6.1.2, §7.1.1, §7.1.2, §8.1: hop limit 255 (so the message was not
        # forwarded from off the link), code 0, the length, options of non-zero length.
        if packet.hop_limit != ND_HOP_LIMIT:
            self.stats.drop("ndp", "hop-limit-not-255")
            return
        if message.code != 0:
            self.stats.drop("ndp", "bad-code")
            return
        try:
            decoded = ndp.decode(message)
        except ndp.NdpLengthError:
            self.stats.drop("ndp", "too-short")
            return
        except ndp.NdpOptionError:
            self.stats.drop("ndp", "bad-option")
            return
        except ndp.NdpError:
            self.stats.drop("ndp", "malformed")
            return
        if isinstance(decoded, NeighborSolicitation):
            self._solicitation(packet, decoded, now)
        elif isinstance(decoded, NeighborAdvertisement):
            self._advertisement(packet, decoded, now)
        elif isinstance(decoded, RouterAdvertisement):
            self._router_advertisement(packet, decoded, now)
        elif isinstance(decoded, RouterSolicitation):
            if packet.source == UNSPECIFIED and _link_layer(decoded, ndp.SOURCE_LINK_LAYER):
                self.stats.drop("ndp", "unspecified-source-with-address")
                return
            self.stats.drop("ndp", "router-solicitation-to-host")
        else:
            self._redirect(packet, decoded)

    # --- Neighbor solicitation (§7.1.1, §7.2.3) --------------------------------------

    def _solicitation(self, packet: Ipv6Packet, message: NeighborSolicitation,
                      now: int) -> None:
        if is_multicast(message.target):
            self.stats.drop("ndp", "multicast-target")
            return
        source_mac = _link_layer(message, ndp.SOURCE_LINK_LAYER)
        unspecified = packet.source == UNSPECIFIED
        if unspecified:
            # §7.1.1: from the unspecified address only to a solicited-node group, and
            # without a source link-layer address.
            if packet.destination != solicited_node_group(message.target):
                self.stats.drop("ndp", "unspecified-source-not-solicited-node")
                return
            if source_mac is not None:
                self.stats.drop("ndp", "unspecified-source-with-address")
                return
        entry = self.addresses.find(message.target)
        if entry is None:
            self.stats.drop("ndp", "target-not-ours")
            return
        if entry.state is AddressState.TENTATIVE:
            # RFC 4862 §5.4.3: another node's DAD probe for our tentative address means
            # it is a duplicate; a resolution for it is not answered yet.
            if unspecified:
                self.autoconf.duplicate_detected(message.target, now)
            else:
                self.stats.drop("ndp", "target-tentative")
            return
        if source_mac is not None:
            self.resolver.learn(packet.source, source_mac, now)
        answer = ndp.encode(NeighborAdvertisement(
            message.target, router=False, solicited=not unspecified, override=True,
            options=(LinkLayerAddress(ndp.TARGET_LINK_LAYER, self.mac),)))
        # §7.2.4: to the solicitor, or to all nodes when it has no address yet.
        destination = ALL_NODES if unspecified else packet.source
        self.resolver.send_icmp(message.target, destination, answer, now)
        self.stats.count("ndp.advertisements_sent")

    # --- Neighbor advertisement (§7.1.2, §7.2.5) -------------------------------------

    def _advertisement(self, packet: Ipv6Packet, message: NeighborAdvertisement,
                       now: int) -> None:
        if is_multicast(message.target):
            self.stats.drop("ndp", "multicast-target")
            return
        if is_multicast(packet.destination) and message.solicited:
            self.stats.drop("ndp", "solicited-to-multicast")
            return
        own = self.addresses.find(message.target)
        if own is not None:
            # RFC 4862 §5.4.4: an advertisement for a tentative address ends DAD with a
            # duplicate; for an assigned one, another node uses our address.
            if own.state is AddressState.TENTATIVE:
                self.autoconf.duplicate_detected(message.target, now)
            else:
                self.stats.drop("ndp", "address-conflict")
            return
        entry = self.resolver.cache.get(message.target)
        if entry is None:
            self.stats.drop("ndp", "advertisement-unsolicited")  # §7.2.5: silently
            return
        was_router = entry.is_router
        self.resolver.confirm(entry, _link_layer(message, ndp.TARGET_LINK_LAYER),
                              message.solicited, message.override, message.router, now)
        if was_router and not message.router:
            self.routers.pop(message.target, None)  # §7.2.5: no longer a router

    # --- Router advertisement (§6.1.2, §6.3.4) ---------------------------------------

    def _router_advertisement(self, packet: Ipv6Packet, message: RouterAdvertisement,
                              now: int) -> None:
        if not is_link_local(packet.source):
            self.stats.drop("ndp", "router-not-link-local")
            return
        if not self.settings.neighbor_discovery:
            self.stats.drop("ndp", "router-discovery-off")
            return
        self.stats.count("ndp.router_advertisements")
        self.autoconf.router_heard()
        if message.current_hop_limit:
            self.advertised_hop_limit = message.current_hop_limit
        if 0 < message.reachable_time <= MAX_REACHABLE_TIME_MS:
            self.resolver.cache.reachable_time_us = message.reachable_time * 1000
        if message.retrans_timer:
            # Bounded so a forged advertisement cannot stall resolution for hours.
            self.resolver.cache.retrans_timer_us = min(message.retrans_timer, 60_000) * 1000
        self._update_router(packet.source, message.router_lifetime, now)
        for option in message.options:
            self._router_option(option, now)
        source_mac = _link_layer(message, ndp.SOURCE_LINK_LAYER)
        if source_mac is not None:
            self.resolver.learn(packet.source, source_mac, now, is_router=True)

    def _update_router(self, router: str, lifetime_seconds: int, now: int) -> None:
        if lifetime_seconds == 0:
            self.routers.pop(router, None)
            return
        if router not in self.routers and len(self.routers) >= self.settings.max_routers:
            self.stats.drop("ndp", "router-list-full")
            return
        self.routers[router] = now + lifetime_seconds * SECOND

    def _router_option(self, option: NdpOption, now: int) -> None:
        if isinstance(option, PrefixInformation):
            if option.prefix_length > 128:
                self.stats.drop("ndp", "bad-prefix-length")
                return
            if option.on_link and not is_link_local(option.prefix):
                valid = (None if option.valid_lifetime == ndp.INFINITE_LIFETIME
                         else now + option.valid_lifetime * SECOND)
                self.addresses.update_prefix(option.prefix, option.prefix_length, valid)
            self.autoconf.prefix_advertised(option, now)
        elif isinstance(option, MtuOption):
            # §6.3.4: an MTU within what the link can carry and IPv6 needs.
            if MINIMUM_MTU <= option.mtu <= self.max_link_mtu:
                self.link_mtu = option.mtu
            else:
                self.stats.drop("ndp", "bad-mtu-option")

    def default_router(self, now: int) -> str | None:
        """The first router whose lifetime has not ended (§6.3.6, without round robin)."""
        return next((router for router, until in self.routers.items() if until > now), None)

    # --- Redirect (§8.1) ------------------------------------------------------------

    def _redirect(self, packet: Ipv6Packet, message: NdpMessage) -> None:
        assert isinstance(message, Redirect)
        if not is_link_local(packet.source):
            self.stats.drop("ndp", "redirect-not-link-local")
            return
        if packet.source not in self.routers:
            self.stats.drop("ndp", "redirect-not-from-router")
            return
        if is_multicast(message.destination):
            self.stats.drop("ndp", "redirect-multicast-destination")
            return
        if not is_link_local(message.target) and message.target != message.destination:
            self.stats.drop("ndp", "redirect-bad-target")
            return
        self.stats.drop("ndp", "redirect-ignored")

    # --- Timers ------------------------------------------------------------------------

    def advance(self, now: int) -> None:
        for router, until in list(self.routers.items()):
            if until <= now:
                del self.routers[router]

    def next_deadline(self) -> int | None:
        return min(self.routers.values(), default=None)


def _link_layer(message: NdpMessage, option_type: int) -> str | None:
    options: tuple[NdpOption, ...] = message.options
    return next((option.mac for option in options
                 if isinstance(option, LinkLayerAddress) and option.type == option_type),
                None)
