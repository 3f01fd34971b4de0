"""Sockets under the run loop (mock CPU, the board's interface on a scripted link): a
thread blocked in recvfrom or zsock_poll is woken by the datagram that arrives, with the
data and the sender written into its memory; what it sends leaves on the link; a
timeout ends the wait on simulated time."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from mock_cpu import Args, MockSystem, Script, call, mark
from test_network_device import ScriptedLink

from levante.abi import ERRNO, STRUCT_SIZES
from levante.codecs import ethernet, ipv4, udp
from levante.devices.network import NetworkInterface
from levante.kernel.kernel import Kernel, RunEnd
from levante.net.stack import InterfaceSettings, Ipv4Settings, NetworkStack

sys.path.insert(0, str(Path(__file__).parent.parent / "net"))
from netpeer import DEVICE_IP, DEVICE_MAC, PEER_IP, arp_request, udp_frame  # noqa: E402

K_FOREVER = 0xFFFFFFFF
POLLIN = 1
SOCKADDR_ANY_4242 = struct.pack("<H", 1) + struct.pack(">H", 4242) + bytes(4)


def booted(link: ScriptedLink, main: object) -> tuple[MockSystem, NetworkInterface]:
    system = MockSystem(net_sockets=True)  # 1 MHz: a cycle is a microsecond
    system.main(main)  # type: ignore[arg-type]
    interface = NetworkInterface(
        NetworkStack(InterfaceSettings(mac=DEVICE_MAC, ipv4=Ipv4Settings(DEVICE_IP))), link)
    kernel = Kernel(system.cpu, system.config, system.layout(), system.console.extend,
                    system.trace.append, devices=[interface])
    system.cpu.clock = lambda: kernel.now
    system._kernel = kernel  # noqa: SLF001 - the mock system runs this kernel
    kernel.boot()
    # The runtime's slots, as boot finds them in an image (runtime/net_sockets.c).
    size = STRUCT_SIZES["net_context"]
    base = system.ram(size * 2)
    kernel.sockets.slots = (base, base + size)
    for slot in kernel.sockets.slots:
        kernel.objects.declare(slot, "net_context", size)
    return system, interface


def test_a_blocked_recvfrom_gets_the_datagram_that_arrives() -> None:
    results: dict[str, int] = {}
    where: dict[str, int] = {}  # addresses, known once the system is built

    def main(_: Args) -> Script:
        fd = yield call("z_levante_zsock_socket", 1, 2, 0)
        results["bind"] = yield call("z_levante_zsock_bind", fd, where["address"], 8)
        results["received"] = yield call("z_levante_zsock_recvfrom", fd, where["buffer"], 64,
                                         0, where["source"], where["length"])
        yield mark("received")

    link = ScriptedLink([(0.01, [arp_request(), udp_frame(4242, b"payload",
                                                          source_port=5555)])])
    system, _ = booted(link, main)
    address, buffer, source, length = (system.ram(24) for _ in range(4))
    system.cpu.write_memory(address, SOCKADDR_ANY_4242)
    system.cpu.write_u32(length, 24)
    where.update(address=address, buffer=buffer, source=source, length=length)
    assert system.run() is RunEnd.IDLE
    assert system.labels() == ["received"]
    assert results == {"bind": 0, "received": 7}
    assert system.cpu.read_memory(buffer, 7) == b"payload"
    assert system.cpu.read_memory(source, 8) == \
        struct.pack("<H", 1) + struct.pack(">H", 5555) + bytes([192, 0, 2, 2])
    assert system.cpu.read_u32(length) == 8  # the address's own length


def test_a_poller_is_woken_by_data_and_a_reply_leaves_on_the_link() -> None:
    results: dict[str, int] = {}
    where: dict[str, int] = {}  # addresses, known once the system is built

    def main(_: Args) -> Script:
        fd = yield call("z_levante_zsock_socket", 1, 2, 0)
        yield call("z_levante_zsock_bind", fd, where["address"], 8)
        system.cpu.write_memory(where["fds"], struct.pack("<ihh", fd, POLLIN, 0))
        results["ready"] = yield call("z_levante_zsock_poll", where["fds"], 1, K_FOREVER)
        results["sent"] = yield call("z_levante_zsock_sendto", fd, where["buffer"], 5, 0,
                                     where["peer"], 8)
        yield mark("done")

    link = ScriptedLink([(0.02, [arp_request(), udp_frame(4242, b"x")]), None])
    system, _ = booted(link, main)
    address, fds, buffer, peer = (system.ram(24) for _ in range(4))
    system.cpu.write_memory(address, SOCKADDR_ANY_4242)
    system.cpu.write_memory(buffer, b"reply")
    system.cpu.write_memory(peer, struct.pack("<H", 1) + struct.pack(">H", 9)
                            + bytes([192, 0, 2, 2]))
    where.update(address=address, fds=fds, buffer=buffer, peer=peer)
    assert system.run(until=200_000) in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert results == {"ready": 1, "sent": 5}
    assert struct.unpack("<ihh", system.cpu.read_memory(fds, 8))[2] == POLLIN
    datagrams = []
    for frame in link.sent:
        decoded = ethernet.decode(frame)
        if decoded.ethertype == ethernet.ETHERTYPE_IPV4:
            packet = ipv4.decode(decoded.payload)
            if packet.protocol == ipv4.PROTOCOL_UDP:
                datagrams.append(udp.decode(packet.payload, source=DEVICE_IP,
                                            destination=PEER_IP))
    assert [(d.source_port, d.destination_port, d.payload) for d in datagrams] == \
        [(4242, 9, b"reply")]


def test_a_receive_timeout_ends_the_wait_on_simulated_time() -> None:
    results: dict[str, int] = {}
    where: dict[str, int] = {}  # addresses, known once the system is built

    def main(_: Args) -> Script:
        fd = yield call("z_levante_zsock_socket", 1, 2, 0)
        results["ready"] = yield call("z_levante_zsock_poll", where["fds"], 0, 50)
        system.cpu.write_memory(where["timeval"], struct.pack("<qi4x", 0, 30_000))
        yield call("z_levante_zsock_setsockopt", fd, 1, 20, where["timeval"], 16)
        results["received"] = yield call("z_levante_zsock_recvfrom", fd, where["buffer"], 8,
                                         0, 0, 0)
        yield mark("timed out")

    link = ScriptedLink([None, None, None])
    system, _ = booted(link, main)
    fds, timeval, buffer = (system.ram(24) for _ in range(3))
    where.update(fds=fds, timeval=timeval, buffer=buffer)
    assert system.run(until=1_000_000) in (RunEnd.IDLE, RunEnd.TIME_LIMIT)
    assert results == {"ready": 0, "received": -ERRNO["EAGAIN"]}
    # 50 ms of poll, then 30 ms of SO_RCVTIMEO (whole ticks of 10 ms, rounded up).
    assert 80_000 <= system.mark_cycle("timed out") <= 110_000


def test_a_full_descriptor_table_is_enfile_and_no_free_slot_is_enoent() -> None:
    results: list[int] = []

    def main(_: Args) -> Script:
        for _ in range(3):
            results.append((yield call("z_levante_zsock_socket", 1, 2, 0)))
        results.append((yield call("z_levante_zsock_close", results[0])))
        system.kernel.sockets.descriptor_limit = 8  # now the two slots are the bound
        results.append((yield call("z_levante_zsock_socket", 1, 2, 0)))
        results.append((yield call("z_levante_zsock_socket", 1, 2, 0)))

    system, _ = booted(ScriptedLink([None]), main)
    system.kernel.sockets.descriptor_limit = 2
    system.run(until=100_000)
    # Descriptors from 3; the table (2) is full first, then the slots (2).
    assert results == [3, 4, -ERRNO["ENFILE"], 0, 3, -ERRNO["ENOENT"]]
