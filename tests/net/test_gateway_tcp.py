"""The user-mode gateway's TCP relay with real host peers: a device's stack (the TCP engine)
through the gateway to host servers on 127.0.0.1, and `--forward tcp:` bringing host
clients to a server on the device."""

from __future__ import annotations

import random
import socket
import struct
import threading
from collections.abc import Iterator

import pytest
from gatewaydevice import PEER, GatewayBench, HostServer, echo

from levante.net.link.user.tcp_flow import BUFFER_LIMIT
from levante.net.stack.tcp_connection import Connection, TcpState


@pytest.fixture
def bench() -> Iterator[GatewayBench]:
    opened = GatewayBench()
    yield opened
    opened.close()


@pytest.fixture
def echo_server() -> Iterator[HostServer]:
    server = HostServer(echo)
    yield server
    server.close()


def connected(bench: GatewayBench, port: int) -> Connection:
    connection = bench.tcp.connect(0, PEER, port, bench.now)
    bench.run_until(lambda: connection.state is not TcpState.SYN_SENT)
    return connection


def transfer(bench: GatewayBench, connection: Connection, data: bytes) -> bytes:
    """Send all of `data`, then FIN; everything that comes back until the peer's FIN."""
    sent = 0
    received = bytearray()

    def done() -> bool:
        nonlocal sent
        if sent < len(data):
            sent += connection.send(data[sent:sent + 65536], bench.now)
            if sent == len(data):
                connection.shutdown_write(bench.now)
        received.extend(connection.receive(65536, bench.now))
        return connection.at_eof or connection.state is TcpState.CLOSED

    bench.run_until(done)
    return bytes(received)


def test_a_megabyte_each_way_through_the_peer_address_to_a_host_echo_server(
        bench: GatewayBench, echo_server: HostServer) -> None:
    connection = connected(bench, echo_server.port)
    assert connection.state is TcpState.ESTABLISHED
    data = random.Random(5).randbytes(1_000_000)
    assert transfer(bench, connection, data) == data
    assert connection.error is None and not echo_server.errors
    # The host closed after its echo: both sides closed in order, the flow is gone.
    bench.run_until(lambda: not bench.link.gateway.tcp.flows)
    assert bench.link.gateway.counters["tcp.end.closed"] == 1


def test_a_port_nobody_listens_on_is_refused(bench: GatewayBench) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # bound, never listening: the host refuses
    connection = connected(bench, port)
    assert connection.state is TcpState.CLOSED and connection.error == "ECONNREFUSED"
    assert bench.link.gateway.counters["tcp.host-refused"] == 1


def test_the_dns_address_has_no_tcp() -> None:
    bench = GatewayBench()
    try:
        # The static plan's DNS is the peer itself; a plan's separate DNS address refuses.
        gateway = bench.link.gateway
        assert gateway.tcp.refused == (gateway.plan.owned - set(gateway.plan.host_aliases)) \
            | (gateway.plan6.owned - set(gateway.plan6.host_aliases))
    finally:
        bench.close()


def test_the_device_aborting_resets_the_host_connection(bench: GatewayBench) -> None:
    seen: list[str] = []
    arrived = threading.Event()

    def serve(client: socket.socket) -> None:
        seen.append(client.recv(100).decode())
        arrived.set()
        try:
            while client.recv(100):
                pass
            seen.append("eof")
        except ConnectionResetError:
            seen.append("reset")

    server = HostServer(serve)
    try:
        connection = connected(bench, server.port)
        connection.send(b"hello", bench.now)
        bench.run_until(arrived.is_set)
        connection.abort(bench.now)
        bench.run_until(lambda: len(seen) == 2 or bool(server.errors))
        assert seen == ["hello", "reset"]
        assert bench.link.gateway.counters["tcp.end.device-reset"] == 1
    finally:
        server.close()


def test_the_host_resetting_resets_the_device(bench: GatewayBench) -> None:
    def serve(client: socket.socket) -> None:
        client.recv(100)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    server = HostServer(serve)
    try:
        connection = connected(bench, server.port)
        connection.send(b"hello", bench.now)
        bench.run_until(lambda: connection.state is TcpState.CLOSED)
        assert connection.error == "ECONNRESET"
    finally:
        server.close()


def test_half_close_each_way(bench: GatewayBench) -> None:
    """The device's FIN reaches the host as end of stream while the host still sends;
    the host's answer, sent after it saw the end, reaches the device before its FIN."""
    def serve(client: socket.socket) -> None:
        request = b""
        while chunk := client.recv(100):
            request += chunk
        client.sendall(b"after your FIN: " + request)

    server = HostServer(serve)
    try:
        connection = connected(bench, server.port)
        connection.send(b"question", bench.now)
        connection.shutdown_write(bench.now)
        received = bytearray()

        def done() -> bool:
            received.extend(connection.receive(1000, bench.now))
            return connection.at_eof

        bench.run_until(done)
        assert bytes(received) == b"after your FIN: question"
    finally:
        server.close()


def test_a_host_that_does_not_read_stops_the_device_by_its_window(
        bench: GatewayBench) -> None:
    """Backpressure: while the host does not read, what the device can hand over stops
    growing (the host's socket buffers, the relay's bounded buffer and the gateway's
    window hold it all); once the host reads, everything arrives intact."""
    release = threading.Event()
    got = bytearray()

    def serve(client: socket.socket) -> None:
        release.wait(120)
        while chunk := client.recv(65536):
            got.extend(chunk)

    server = HostServer(serve, receive_buffer=8192)
    try:
        connection = connected(bench, server.port)
        data = random.Random(9).randbytes(16_000_000)
        sent, stalled = 0, 0
        while stalled < 500:
            taken = connection.send(data[sent:sent + 65536], bench.now)
            sent += taken
            stalled = 0 if taken else stalled + 1
            bench.step()
        assert sent < len(data) // 2
        [flow] = bench.link.gateway.tcp.flows.values()
        assert len(flow.to_host) <= BUFFER_LIMIT
        assert flow.connection.receive_window() == 0  # the device is told to wait
        release.set()

        def done() -> bool:
            nonlocal sent
            if sent < len(data):
                sent += connection.send(data[sent:sent + 65536], bench.now)
                if sent == len(data):
                    connection.shutdown_write(bench.now)
            return len(got) == len(data)

        bench.run_until(done)
        assert bytes(got) == data
    finally:
        release.set()
        server.close()


# --- --forward tcp: -------------------------------------------------------------------


def free_tcp_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


class HostClient:
    """A host client in a thread: connect to 127.0.0.1:`port`, send, FIN, read to the end."""

    def __init__(self, port: int, data: bytes) -> None:
        self.received = bytearray()
        self.outcome = ""
        self.thread = threading.Thread(target=self._run, args=(port, data), daemon=True)
        self.thread.start()

    def _run(self, port: int, data: bytes) -> None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
                while chunk := sock.recv(65536):
                    self.received.extend(chunk)
            self.outcome = "eof"
        except ConnectionResetError:
            self.outcome = "reset"
        except OSError as error:
            self.outcome = f"error {error}"

    @property
    def finished(self) -> bool:
        return bool(self.outcome)


def test_forward_brings_a_host_client_to_a_device_echo_server_a_megabyte_each_way() -> None:
    host_port = free_tcp_port()
    bench = GatewayBench([("tcp", host_port, 7)])
    try:
        listener = bench.tcp.listen(7, 4)
        data = random.Random(11).randbytes(1_000_000)
        client = HostClient(host_port, data)
        accepted: list[Connection] = []
        pending = bytearray()

        def device_echoes() -> bool:
            if not accepted:
                connection = listener.accept()
                if connection is None:
                    return False
                accepted.append(connection)
            [connection] = accepted
            if connection.state is not TcpState.CLOSED:
                pending.extend(connection.receive(65536, bench.now))
                if pending and connection.writable and not connection.fin_queued:
                    del pending[:connection.send(bytes(pending), bench.now)]
                if connection.at_eof and not pending and not connection.fin_queued:
                    connection.shutdown_write(bench.now)
            return client.finished

        bench.run_until(device_echoes)
        assert client.outcome == "eof" and bytes(client.received) == data
        assert accepted[0].remote_ip == PEER  # the gateway speaks as the peer
        assert bench.link.gateway.counters["tcp.forwarded"] == 1
    finally:
        bench.close()


def test_forward_to_a_device_port_nobody_listens_on_resets_the_host_client() -> None:
    host_port = free_tcp_port()
    bench = GatewayBench([("tcp", host_port, 7)])
    try:
        client = HostClient(host_port, b"anyone?")
        bench.run_until(lambda: client.finished)
        assert client.outcome == "reset"
        assert bench.link.gateway.counters["tcp.end.device-reset"] == 1
    finally:
        bench.close()


def test_a_forward_on_a_busy_tcp_port_is_one_line() -> None:
    from levante.net.link.errors import LinkError

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    try:
        with pytest.raises(LinkError, match=f"tcp:{port}:7: cannot listen on 127.0.0.1:"):
            GatewayBench([("tcp", port, 7)])
    finally:
        busy.close()
