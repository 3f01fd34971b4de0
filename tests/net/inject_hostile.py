"""Put every hostile sequence (hostile_sequences.py) on a link from the host's side of a
TAP device, run inside its network namespace as root:

    python tests/net/inject_hostile.py TAP [--port 4242] [--gap-us 500] [SEQUENCE ...]

Frames go out one every `--gap-us` (a burst faster than the device reads would only
overflow the TAP device's own queue, which tests Linux, not the device); one line per
sequence says how many frames it sent.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from hostile_sequences import hostile_sequences  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("device", help="the TAP device's name")
    parser.add_argument("--port", type=int, default=4242, help="where the device listens")
    parser.add_argument("--gap-us", type=int, default=500, help="between frames")
    parser.add_argument("sequences", nargs="*", help="names (default: all)")
    arguments = parser.parse_args()
    sequences = hostile_sequences(arguments.port)
    unknown = set(arguments.sequences) - set(sequences)
    if unknown:
        parser.error(f"unknown sequences {sorted(unknown)} (known: {', '.join(sequences)})")
    link = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    link.bind((arguments.device, 0))
    try:
        for name, frames in sequences.items():
            if arguments.sequences and name not in arguments.sequences:
                continue
            for data in frames:
                link.send(data.ljust(60, b"\0"))
                time.sleep(arguments.gap_us / 1e6)
            print(f"{name}: {len(frames)} frames", flush=True)
    finally:
        link.close()


if __name__ == "__main__":
    main()
