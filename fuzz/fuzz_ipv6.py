"""Fuzz the IPv6 codecs and the stack's IPv6 input: any bytes either decode (and survive a
round trip) or raise a codec error, and the stack takes any frame without raising."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from levante.codecs import ethernet, icmpv6, ipv6, mld, ndp
    from levante.codecs.errors import CodecError
    from levante.codecs.ipv6_extensions import find_upper_layer, parse_chain
    from levante.net.stack import InterfaceSettings, NetworkStack
    from levante.net.stack.ipv6_settings import Ipv6Settings

DEVICE_MAC = "00:00:5e:00:53:01"
SOURCE, DESTINATION = "fe80::1", "2001:db8::1"


def _packet(next_header: int, payload: bytes, destination: str = DESTINATION) -> bytes:
    return ipv6.encode(ipv6.Ipv6Packet(next_header=next_header, hop_limit=255, source=SOURCE,
                                       destination=destination, payload=payload))


SEEDS = [
    _packet(58, icmpv6.encode(icmpv6.echo_message(128, icmpv6.Echo(1, 1, b"x")),
                              source=SOURCE, destination=DESTINATION)),
    _packet(58, icmpv6.encode(ndp.encode(ndp.NeighborSolicitation(
        DESTINATION, (ndp.LinkLayerAddress(1, "00:00:5e:00:53:02"),))),
        source=SOURCE, destination="ff02::1:ff00:1"), "ff02::1:ff00:1"),
    _packet(58, icmpv6.encode(ndp.encode(ndp.RouterAdvertisement(
        64, router_lifetime=1800, options=(ndp.PrefixInformation(
            64, True, True, 100, 50, "2001:db8:1::"),))),
        source=SOURCE, destination="ff02::1"), "ff02::1"),
    _packet(0, bytes((58, 0, 5, 2, 0, 0, 1, 0)) + icmpv6.encode(
        mld.encode_query(mld.MldQuery(2, 1000, "::")), source=SOURCE, destination="ff02::1"),
        "ff02::1"),
    _packet(44, bytes((17, 0, 0, 1, 0, 0, 0, 9)) + bytes(16)),
]
_STACK = NetworkStack(InterfaceSettings(mac=DEVICE_MAC, ipv6=Ipv6Settings(
    static_address=DESTINATION, duplicate_address_detection=False)))
_STACK.link_up(0)
_NOW = [0]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    _NOW[0] += 1000
    _STACK.receive(ethernet.encode(ethernet.EthernetFrame(
        destination=DEVICE_MAC, source="00:00:5e:00:53:02", ethertype=0x86DD,
        payload=data)), _NOW[0])
    _STACK.take_outgoing()
    try:
        packet = ipv6.decode(data)
    except ipv6.Ipv6Error:
        return
    if ipv6.decode(ipv6.encode(packet)) != packet:
        raise AssertionError(f"round trip changed {packet!r}")
    find_upper_layer(packet)
    try:
        chain = parse_chain(packet, destination_is_multicast=False)
        if chain.upper_layer != ipv6.NEXT_ICMPV6:
            return
        message = icmpv6.decode(chain.upper_data(packet), source=packet.source,
                                destination=packet.destination)
        if message.type in ndp.MINIMUM_LENGTH:
            ndp.decode(message)
        elif message.type == icmpv6.MLD_QUERY:
            mld.decode_query(message)
    except CodecError:
        return


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
