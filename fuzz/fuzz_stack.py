"""Fuzz the stack's input path as a whole: each input is a sequence of steps — raw
frames of any ethertype, TCP segments to a listener and to an established connection,
IPv4 fragments, UDP datagrams over both IPs, time passing, and the application's own
calls — fed to one dual-stack interface. No exception may escape (a connection's
`TcpUsageError` is the socket layer's answer, not a crash), and no bounded table may
ever hold more than its limit."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from levante.codecs import arp, ethernet, icmp, ipv4, ipv6, tcp, udp
    from levante.codecs.tcp import FLAG_NAMES, TcpSegment
    from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack
    from levante.net.stack.ipv6_settings import Ipv6Settings
    from levante.net.stack.reassembly import FragmentLimits
    from levante.net.stack.settings import TcpSettings
    from levante.net.stack.tcp_connection import Connection
    from levante.net.stack.tcp_types import TcpUsageError

DEVICE_MAC, PEER_MAC = "00:00:5e:00:53:01", "00:00:5e:00:53:02"
DEVICE_IP, PEER_IP = "192.0.2.1", "192.0.2.2"
DEVICE_IP6, PEER_IP6 = "2001:db8::1", "2001:db8::2"
UDP_PORT, LISTEN_PORT, PEER_PORT = 4242, 7, 80
SECOND = 1_000_000
MAX_STEPS = 64
LIMITS = FragmentLimits(max_datagrams=2, max_fragments=4)
ETHERTYPES = (ethernet.ETHERTYPE_IPV4, ethernet.ETHERTYPE_IPV6, ethernet.ETHERTYPE_ARP,
              0x88B5)


def _frame(ethertype: int, payload: bytes, destination: str = DEVICE_MAC) -> bytes:
    return ethernet.encode(ethernet.EthernetFrame(destination=destination, source=PEER_MAC,
                                                  ethertype=ethertype, payload=payload))


def _ipv4(protocol: int, payload: bytes, **fields: object) -> bytes:
    return _frame(ethernet.ETHERTYPE_IPV4, ipv4.encode(ipv4.Ipv4Packet(
        protocol=protocol, source=PEER_IP, destination=DEVICE_IP, payload=payload,
        **fields)))  # type: ignore[arg-type]


class Session:
    """One interface with a UDP port, a TCP listener and a connection the peer accepted."""

    def __init__(self) -> None:
        settings = InterfaceSettings(
            mac=DEVICE_MAC, ipv4=Ipv4Settings(DEVICE_IP, "255.255.255.0"), fragments=LIMITS,
            tcp=TcpSettings(), ipv6=Ipv6Settings(static_address=DEVICE_IP6,
                                                 fragments=LIMITS))
        self.stack = NetworkStack(settings, tcp_key=bytes(range(16)))
        self.now = 0
        self.stack.link_up(0)
        self.now = SECOND  # past duplicate address detection
        self.stack.advance(self.now)
        # The peer is known on the link, so what the device sends it goes out at once.
        self.deliver(_frame(ethernet.ETHERTYPE_ARP, arp.encode(arp.ArpPacket(
            operation=arp.ArpOperation.REQUEST, sender_mac=PEER_MAC, sender_ip=PEER_IP,
            target_mac="00:00:00:00:00:00", target_ip=DEVICE_IP)), "ff:ff:ff:ff:ff:ff"))
        assert self.stack.tcp is not None
        self.tcp = self.stack.tcp
        self.endpoint = self.stack.udp.bind(UDP_PORT)
        self.listener = self.tcp.listen(LISTEN_PORT, 2)
        self.accepted: list[Connection] = []
        self.connection = self.tcp.connect(0, PEER_IP, PEER_PORT, self.now)
        self.device_next = self.connection.iss + 1
        self.peer_next = 1_000_000
        self.take()
        self.segment(PEER_PORT, self.connection.local_port, ("SYN", "ACK"), 0, 1, b"")

    def deliver(self, data: bytes) -> None:
        self.stack.receive(data, self.now)
        self.take()

    def take(self) -> None:
        self.stack.take_outgoing()
        overflowing = self.stack.tables.overflowing()
        if overflowing:
            raise AssertionError(f"tables past their limits: {self.stack.tables.snapshot()}")

    def segment(self, source_port: int, destination_port: int, flags: tuple[str, ...],
                sequence_delta: int, ack_delta: int, payload: bytes, window: int = 8192) -> None:
        segment = TcpSegment(source_port=source_port, destination_port=destination_port,
                             sequence_number=(self.peer_next + sequence_delta) & 0xFFFFFFFF,
                             acknowledgment_number=(self.device_next + ack_delta - 1)
                             & 0xFFFFFFFF, flags=flags, window=window, payload=payload)
        self.deliver(_ipv4(ipv4.PROTOCOL_TCP, tcp.encode(segment, source=PEER_IP,
                                                         destination=DEVICE_IP)))
        if "SYN" in flags and sequence_delta == 0:
            self.peer_next += 1
        self.peer_next += len(payload) if sequence_delta == 0 else 0

    def step(self, fuzz: atheris.FuzzedDataProvider) -> None:
        choice = fuzz.ConsumeIntInRange(0, 8)
        if choice == 0:  # any frame at all
            ethertype = ETHERTYPES[fuzz.ConsumeIntInRange(0, len(ETHERTYPES) - 1)]
            destination = DEVICE_MAC if fuzz.ConsumeBool() else "ff:ff:ff:ff:ff:ff"
            self.deliver(_frame(ethertype, fuzz.ConsumeBytes(fuzz.ConsumeIntInRange(0, 200)),
                                destination))
        elif choice in (1, 2):  # a segment to the connection or the listener
            flags = tuple(name for bit, name in enumerate(FLAG_NAMES)
                          if fuzz.ConsumeIntInRange(0, 255) >> bit & 1)
            target = self.connection.local_port if choice == 1 else LISTEN_PORT
            self.segment(PEER_PORT if choice == 1 else fuzz.ConsumeIntInRange(1024, 1031),
                         target, flags, fuzz.ConsumeIntInRange(-70000, 70000) if
                         fuzz.ConsumeBool() else 0, fuzz.ConsumeIntInRange(-3, 3),
                         fuzz.ConsumeBytes(fuzz.ConsumeIntInRange(0, 64)),
                         fuzz.ConsumeIntInRange(0, 0xFFFF))
        elif choice == 3:  # an IPv4 fragment
            body = fuzz.ConsumeBytes(fuzz.ConsumeIntInRange(0, 96))
            self.deliver(_ipv4(fuzz.PickValueInList([ipv4.PROTOCOL_ICMP, ipv4.PROTOCOL_UDP,
                                                     ipv4.PROTOCOL_TCP]), body,
                               identification=fuzz.ConsumeIntInRange(0, 3),
                               fragment_offset=fuzz.ConsumeIntInRange(0, 8191),
                               more_fragments=fuzz.ConsumeBool()))
        elif choice == 4:  # a datagram to the UDP port over IPv4 or IPv6
            datagram = udp.UdpDatagram(source_port=40000, destination_port=UDP_PORT,
                                       payload=fuzz.ConsumeBytes(fuzz.ConsumeIntInRange(0, 64)))
            if fuzz.ConsumeBool():
                data = udp.encode(datagram, source=PEER_IP, destination=DEVICE_IP)
                self.deliver(_ipv4(ipv4.PROTOCOL_UDP, data))
            else:
                data = udp.encode(datagram, source=PEER_IP6, destination=DEVICE_IP6)
                self.deliver(_frame(ethernet.ETHERTYPE_IPV6, ipv6.encode(ipv6.Ipv6Packet(
                    next_header=ipv6.NEXT_UDP, source=PEER_IP6, destination=DEVICE_IP6,
                    payload=data))))
        elif choice == 5:  # an echo request with any options
            message = icmp.encode(icmp.IcmpEcho(type=icmp.ECHO_REQUEST, identifier=1,
                                                sequence=1, payload=b"x"))
            raw = bytearray(ipv4.encode(ipv4.Ipv4Packet(
                protocol=ipv4.PROTOCOL_ICMP, source=PEER_IP, destination=DEVICE_IP,
                payload=message)))
            options = fuzz.ConsumeBytes(4 * fuzz.ConsumeIntInRange(0, 10))
            header = bytearray([0x45 + len(options) // 4]) + raw[1:20] + options
            header[2:4] = (len(header) + len(message)).to_bytes(2, "big")
            header[10:12] = bytes(2)
            self.deliver(_frame(ethernet.ETHERTYPE_IPV4, bytes(header) + message))
        elif choice == 6:  # time passes
            self.now += fuzz.ConsumeIntInRange(0, 10 * SECOND)
            self.stack.advance(self.now)
            self.take()
        else:
            self.application(fuzz)

    def application(self, fuzz: atheris.FuzzedDataProvider) -> None:
        """What the socket layer may call, in any order; a refusal is its answer."""
        action = fuzz.ConsumeIntInRange(0, 6)
        connections = [self.connection, *self.accepted]
        connection = connections[fuzz.ConsumeIntInRange(0, len(connections) - 1)]
        try:
            if action == 0:
                connection.send(fuzz.ConsumeBytes(fuzz.ConsumeIntInRange(0, 3000)), self.now)
            elif action == 1:
                connection.receive(fuzz.ConsumeIntInRange(0, 2000), self.now)
            elif action == 2:
                connection.shutdown_write(self.now)
            elif action == 3:
                connection.close(self.now)
            elif action == 4:
                accepted = self.listener.accept()
                if accepted is not None:
                    self.accepted.append(accepted)
            elif action == 5:
                self.endpoint.take()
            else:
                connection.abort(self.now)
        except TcpUsageError:
            pass
        self.take()


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    fuzz = atheris.FuzzedDataProvider(data)
    session = Session()
    for _ in range(MAX_STEPS):
        if fuzz.remaining_bytes() == 0:
            break
        session.step(fuzz)


SEEDS = [
    bytes([1, 0x10, 0, 0, 0, 0, 3, 5]) + b"hello",  # data on the connection
    bytes([2, 0x02, 0, 0, 0, 0, 2, 0, 0x10, 0]),  # a SYN to the listener
    bytes([3, 0, 40, 1, 0, 0, 1]) + bytes(40),  # a fragment
    bytes([4, 1, 10]) + b"datagram!!",
    bytes([6, 0, 0, 0, 5, 7, 0, 0, 1, 0]),
]


if __name__ == "__main__":
    from harness import fuzz as run_fuzzer

    run_fuzzer(TestOneInput, SEEDS)
