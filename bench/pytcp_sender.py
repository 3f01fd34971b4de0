"""PyTCP (GPL; a benchmark peer only, installed at bench time, never part of Levante) on a
TAP device as the device: connect to HOST:PORT, send SIZE octets, close.

    python -O pytcp_sender.py TAP HOST PORT SIZE       (inside the TAP's namespace)

Run with -O: PyTCP's logging is behind `__debug__`. Prints one JSON line when done.
"""

from __future__ import annotations

import json
import sys
import time

from pytcp import TcpIpStack, config
from pytcp.lib import socket

DEVICE_MAC = "02:00:00:00:53:01"
DEVICE_ADDRESS = "192.0.2.1/24"
CHUNK = 1 << 14
TIMEOUT_SECONDS = 60


def main(arguments: list[str]) -> None:
    tap, host, port, size = arguments[0], arguments[1], int(arguments[2]), int(arguments[3])
    config.LOG_CHANEL = set()
    stack = TcpIpStack(interface=tap, mac_address=DEVICE_MAC, ip4_address=DEVICE_ADDRESS,
                       ip6_address="2001:db8::1/64")
    stack.start()
    try:
        client = socket.socket(family=socket.AF_INET4, type=socket.SOCK_STREAM)
        client.connect((host, port))
        data = bytes(CHUNK)
        sent = 0
        while sent < size:
            taken = client.send(data[:min(CHUNK, size - sent)])
            if taken == 0:
                time.sleep(0.001)
            sent += taken
        client.close()
        # Until the receiver acknowledged everything and its FIN came back (FIN-WAIT-2
        # waits for the receiver's FIN, which it sends after its answer).
        give_up = time.monotonic() + TIMEOUT_SECONDS
        while client.state.name not in ("CLOSED", "TIME_WAIT") and time.monotonic() < give_up:
            time.sleep(0.01)
        print(json.dumps({"sent": sent, "state": client.state.name}), flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
