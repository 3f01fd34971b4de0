"""The Linux side of tests/net/test_tap_tcp.py, run inside the test's network namespace:
TCP servers on ports 5000-5003 and a UDP-over-IPv6 echo on 5004, each serving one
client (see tests/net/apps/tcp_client). Prints one line per finding, then exits."""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time

TRANSFER = 1024 * 1024


def pattern(length: int) -> bytes:
    return bytes(((offset * 7) ^ (offset >> 8)) & 0xFF for offset in range(length))


def listening(port: int) -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", port))
    server.listen(1)
    return server


def report(line: str) -> None:
    print(line, flush=True)


def transfer(server: socket.socket) -> None:
    """Take 1 MB (timed: the device→host rate), then send 1 MB back and close."""
    connection, _ = server.accept()
    received = bytearray()
    started = 0.0
    while chunk := connection.recv(65536):
        if not received:
            started = time.monotonic()
        received += chunk
    elapsed = time.monotonic() - started
    report(f"transfer: host received {len(received)} "
           f"{'intact' if bytes(received) == pattern(TRANSFER) else 'damaged'}")
    report(f"transfer: device to host {len(received) / max(elapsed, 1e-9) / 1e6:.3f} MB/s")
    connection.sendall(pattern(TRANSFER))
    connection.close()


def reset(server: socket.socket) -> None:
    connection, _ = server.accept()
    # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.2)
    connection.close()


def peer_closes(server: socket.socket) -> None:
    connection, _ = server.accept()
    connection.sendall(b"goodbye\n")
    connection.close()


def echo(server: socket.socket) -> None:
    connection, _ = server.accept()
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    started = time.monotonic()
    exchanges = 0
    while data := connection.recv(4096):
        exchanges += data.count(b"\n")
        connection.sendall(data)
    elapsed = time.monotonic() - started
    report(f"round-trips: {exchanges / max(elapsed, 1e-9):.1f} per second")
    connection.close()


def udp6_echo() -> None:
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.bind(("::", 5004))
    data, source = sock.recvfrom(2048)
    sock.sendto(data, source)
    report(f"udp6: host heard {data!r} from {source[0]}")


def main() -> None:
    servers = [(transfer, listening(5000)), (reset, listening(5001)),
               (peer_closes, listening(5002)), (echo, listening(5003))]
    threads = [threading.Thread(target=serve, args=(server,), daemon=True)
               for serve, server in servers]
    threads.append(threading.Thread(target=udp6_echo, daemon=True))
    for thread in threads:
        thread.start()
    report("servers: ready")
    for thread in threads:
        thread.join(timeout=float(sys.argv[1]) if len(sys.argv) > 1 else 120)


if __name__ == "__main__":
    main()
