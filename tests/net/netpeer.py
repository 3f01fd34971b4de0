"""A scripted Ethernet peer for the stack's unit tests: builds the frames a neighbour
sends and decodes what the device answers."""

from __future__ import annotations

from dataclasses import dataclass

from levante.codecs import arp, ethernet, icmp, ipv4, udp
from levante.codecs.arp import ArpOperation, ArpPacket
from levante.codecs.icmp import IcmpEcho
from levante.codecs.ipv4 import Ipv4Packet
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack

DEVICE_MAC = "00:00:5e:00:53:01"
DEVICE_IP = "192.0.2.1"
PEER_MAC = "00:00:5e:00:53:02"
PEER_IP = "192.0.2.2"
GATEWAY_IP = "192.0.2.254"
SECOND = 1_000_000


def make_stack(*, gateway: str | None = None, arp_table_size: int = 2) -> NetworkStack:
    settings = InterfaceSettings(mac=DEVICE_MAC, arp_table_size=arp_table_size,
                                 ipv4=Ipv4Settings(DEVICE_IP, "255.255.255.0", gateway))
    stack = NetworkStack(settings)
    stack.link_up(0)
    stack.take_outgoing()  # the announcement
    return stack


def frame(payload: bytes, *, ethertype: int = ethernet.ETHERTYPE_IPV4,
          source: str = PEER_MAC, destination: str = DEVICE_MAC) -> bytes:
    return ethernet.encode(ethernet.EthernetFrame(destination=destination, source=source,
                                                  ethertype=ethertype, payload=payload))


def arp_request(*, sender_ip: str = PEER_IP, sender_mac: str = PEER_MAC,
                target_ip: str = DEVICE_IP) -> bytes:
    packet = ArpPacket(operation=ArpOperation.REQUEST, sender_mac=sender_mac,
                       sender_ip=sender_ip, target_mac="00:00:00:00:00:00",
                       target_ip=target_ip)
    return frame(arp.encode(packet), ethertype=ethernet.ETHERTYPE_ARP, source=sender_mac,
                 destination="ff:ff:ff:ff:ff:ff")


def arp_reply(*, sender_ip: str = PEER_IP, sender_mac: str = PEER_MAC) -> bytes:
    packet = ArpPacket(operation=ArpOperation.REPLY, sender_mac=sender_mac,
                       sender_ip=sender_ip, target_mac=DEVICE_MAC, target_ip=DEVICE_IP)
    return frame(arp.encode(packet), ethertype=ethernet.ETHERTYPE_ARP, source=sender_mac)


def datagram(protocol: int, payload: bytes, *, source: str = PEER_IP,
             destination: str = DEVICE_IP, **fields: object) -> bytes:
    return ipv4.encode(Ipv4Packet(protocol=protocol, source=source, destination=destination,
                                  payload=payload, **fields))  # type: ignore[arg-type]


def echo_request(*, sequence: int = 1, payload: bytes = b"levante ping",
                 **fields: object) -> bytes:
    message = icmp.encode(IcmpEcho(type=icmp.ECHO_REQUEST, identifier=0x4C56,
                                   sequence=sequence, payload=payload))
    return frame(datagram(ipv4.PROTOCOL_ICMP, message, **fields))


def udp_frame(port: int, payload: bytes = b"hello", *, source: str = PEER_IP,
              destination: str = DEVICE_IP, source_port: int = 40000,
              link_destination: str = DEVICE_MAC) -> bytes:
    data = udp.encode(udp.UdpDatagram(source_port=source_port, destination_port=port,
                                      payload=payload), source=source, destination=destination)
    return frame(datagram(ipv4.PROTOCOL_UDP, data, source=source, destination=destination),
                 destination=link_destination)


@dataclass(frozen=True)
class Sent:
    """A frame the device sent, decoded down to what the tests look at."""

    frame: ethernet.EthernetFrame
    arp: ArpPacket | None = None
    ip: Ipv4Packet | None = None


def sent(stack: NetworkStack) -> list[Sent]:
    result = []
    for data in stack.take_outgoing():
        assert len(data) >= 60  # padded to Ethernet's minimum
        decoded = ethernet.decode(data)
        if decoded.ethertype == ethernet.ETHERTYPE_ARP:
            result.append(Sent(decoded, arp=arp.decode(decoded.payload)))
        else:
            result.append(Sent(decoded, ip=ipv4.decode(decoded.payload)))
    return result
