"""The host's side of the network benchmarks, one role per process, run inside a network
namespace by bench_net.py; each prints one JSON line when it is done.

    net_roles.py udp-echo HOST PORT            answer every datagram with itself (forever)
    net_roles.py udp-rate HOST PORT COUNT      COUNT requests one after the other, each
                                               waiting for its answer: the rate
    net_roles.py tcp-sink HOST PORT            accept one connection, read to EOF: the rate
                                               from the first octet to the last
    net_roles.py tcp-send HOST PORT SIZE       connect, send SIZE octets, close (Linux's TCP)
"""

from __future__ import annotations

import json
import socket
import sys
import time

TIMEOUT_SECONDS = 60


def udp_echo(host: str, port: int) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((host, port))
    print(json.dumps({"ready": True}), flush=True)
    while True:
        data, sender = server.recvfrom(2048)
        server.sendto(data, sender)


def udp_rate(host: str, port: int, count: int) -> None:
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.settimeout(2.0)
    # Until the first answer: the device may still be booting.
    give_up = time.monotonic() + TIMEOUT_SECONDS
    while True:
        client.sendto(b"warm-up", (host, port))
        try:
            client.recvfrom(2048)
            break
        except TimeoutError:
            if time.monotonic() > give_up:
                raise
    lost = 0
    started = time.perf_counter()
    for index in range(count):
        request = index.to_bytes(4, "big") + bytes(28)
        client.sendto(request, (host, port))
        try:
            while client.recvfrom(2048)[0] != request:
                pass
        except TimeoutError:
            lost += 1
    seconds = time.perf_counter() - started
    print(json.dumps({"requests": count, "lost": lost, "seconds": seconds,
                      "per_second": count / seconds}), flush=True)


def tcp_sink(host: str, port: int) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen(1)
    server.settimeout(TIMEOUT_SECONDS)
    print(json.dumps({"ready": True}), flush=True)
    connection, _ = server.accept()
    connection.settimeout(TIMEOUT_SECONDS)
    total = 0
    first = last = 0.0
    while data := connection.recv(1 << 16):
        if not total:
            first = time.perf_counter()
        total += len(data)
        last = time.perf_counter()
    connection.sendall(b"done\n")
    connection.close()
    seconds = max(last - first, 1e-9)
    print(json.dumps({"received": total, "seconds": seconds,
                      "bytes_per_second": total / seconds}), flush=True)


def tcp_send(host: str, port: int, size: int) -> None:
    client = socket.create_connection((host, port), timeout=TIMEOUT_SECONDS)
    client.sendall(bytes(size))
    client.shutdown(socket.SHUT_WR)
    client.recv(64)
    client.close()
    print(json.dumps({"sent": size}), flush=True)


def main(arguments: list[str]) -> None:
    role, host, port, *rest = arguments
    if role == "udp-echo":
        udp_echo(host, int(port))
    elif role == "udp-rate":
        udp_rate(host, int(port), int(rest[0]))
    elif role == "tcp-sink":
        tcp_sink(host, int(port))
    elif role == "tcp-send":
        tcp_send(host, int(port), int(rest[0]))
    else:
        raise SystemExit(f"unknown role {role!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
