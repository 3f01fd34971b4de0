"""Linux's side of the TCP tests over TAP, run inside the test's network namespace with
the host's own sockets. Prints one JSON line.
  listen PORT        accept one connection, read to EOF, answer the SHA-256, close
  sink PORT          accept one connection, read to EOF and count, close
  connect HOST PORT SIZE   send SIZE bytes (random.Random(SIZE)), half close, read to EOF
  refused HOST PORT  connect to a closed port
  reset HOST PORT    send, then read until the device resets the connection
"""

from __future__ import annotations

import hashlib
import json
import random
import socket
import sys

TIMEOUT = 30


def read_to_eof(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def main(arguments: list[str]) -> dict[str, object]:
    command, *rest = arguments
    if command in ("listen", "sink"):
        server = socket.create_server(("0.0.0.0", int(rest[0])), reuse_port=True)
        print(json.dumps({"ready": True}), flush=True)
        server.settimeout(TIMEOUT)
        connection, address = server.accept()
        connection.settimeout(TIMEOUT)
        if command == "sink":
            total = 0
            while chunk := connection.recv(1 << 20):
                total += len(chunk)
            connection.close()
            return {"received": total}
        data = read_to_eof(connection)
        connection.sendall(hashlib.sha256(data).hexdigest().encode())
        connection.close()
        return {"peer": address[0], "received": len(data),
                "sha256": hashlib.sha256(data).hexdigest()}
    host, port = rest[0], int(rest[1])
    if command == "refused":
        try:
            socket.create_connection((host, port), timeout=TIMEOUT)
        except ConnectionRefusedError:
            return {"refused": True}
        return {"refused": False}
    connection = socket.create_connection((host, port), timeout=TIMEOUT)
    if command == "reset":
        connection.sendall(b"reset me")
        try:
            read_to_eof(connection)
        except ConnectionResetError:
            return {"reset": True}
        return {"reset": False}
    data = random.Random(int(rest[2])).randbytes(int(rest[2]))
    connection.sendall(data)
    connection.shutdown(socket.SHUT_WR)
    answer = read_to_eof(connection)
    connection.close()
    return {"sent_sha256": hashlib.sha256(data).hexdigest(), "answer": answer.hex(),
            "answer_sha256": hashlib.sha256(answer).hexdigest()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])), flush=True)
