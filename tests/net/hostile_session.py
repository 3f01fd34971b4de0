"""A hostile session as a file: every sequence of hostile_sequences.py, then a peer that
checks the device still answers (ping, ping -6, the UDP echo), written as a
`--net-replay` recording (and a pcap for Wireshark) with simulated arrival times.

    python tests/net/hostile_session.py --board lv_m4 hostile.lvrec [--pcap hostile.pcap]

The frames arrive while the device waits idle, one every `--gap-us`, so `levante run
--net-replay` feeds the session to a device (samples/net/udp_echo with its
overlay-hostile.conf) with no link and no root, the same way every time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from hostile_sequences import hostile_sequences  # noqa: E402
from netpeer import arp_reply, udp_frame  # noqa: E402
from netpeer import echo_request as echo4  # noqa: E402
from netpeer6 import PEER_GLOBAL, advertisement  # noqa: E402
from netpeer6 import echo_request as echo6  # noqa: E402

from levante.codecs.pcap import write_pcap  # noqa: E402
from levante.config import load_board  # noqa: E402
from levante.net.link.recording import IDLE, FrameRecorder  # noqa: E402

PORT = 4242
START_US = 1_000_000  # after boot, DAD and the announcements


def session(gap_us: int) -> list[tuple[int, bytes]]:
    """(arrival in µs, frame) for the whole session."""
    frames = [data for sequence in hostile_sequences(PORT).values() for data in sequence]
    timed = [(START_US + index * gap_us, data.ljust(60, b"\0"))
             for index, data in enumerate(frames)]
    # Then the honest peer, after every hostile half-open connection gave up: it asks,
    # and answers the device's resolution a little later (the device queues its reply).
    later = timed[-1][0] + 300_000_000
    checks = [echo4(sequence=77), echo6(sequence=78), udp_frame(PORT, b"still there\n")]
    timed += [(later + index * 10_000, data.ljust(60, b"\0"))
              for index, data in enumerate(checks)]
    timed += [(later + 50_000, arp_reply().ljust(60, b"\0")),
              (later + 60_000, advertisement(PEER_GLOBAL).ljust(60, b"\0"))]
    return timed


def write(path: Path, clock_hz: int, gap_us: int, pcap: Path | None) -> int:
    recorder = FrameRecorder(path, clock_hz)
    frames = session(gap_us)
    try:
        for microseconds, data in frames:
            recorder.write(microseconds * clock_hz // 1_000_000, IDLE, [data])
    finally:
        recorder.close()
    if pcap is not None:
        pcap.write_bytes(write_pcap((microseconds // 1_000_000, microseconds % 1_000_000, data)
                                    for microseconds, data in frames))
    return len(frames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", type=Path)
    parser.add_argument("--board", default="lv_m4", help="the board whose clock counts")
    parser.add_argument("--gap-us", type=int, default=2000, help="between hostile frames")
    parser.add_argument("--pcap", type=Path, help="the same frames as a capture")
    arguments = parser.parse_args()
    count = write(arguments.recording, load_board(arguments.board).clock_hz,
                  arguments.gap_us, arguments.pcap)
    print(f"{arguments.recording}: {count} frames")


if __name__ == "__main__":
    main()
