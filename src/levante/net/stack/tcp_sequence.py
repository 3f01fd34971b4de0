"""TCP sequence numbers: comparisons modulo 2**32 (RFC 9293 §3.4) and the initial
sequence number of RFC 6528."""

from __future__ import annotations

import hashlib
import hmac

MODULUS = 1 << 32
_HALF = 1 << 31


def seq_add(sequence: int, amount: int) -> int:
    return (sequence + amount) % MODULUS


def seq_diff(later: int, earlier: int) -> int:
    """`later - earlier` as a signed distance (RFC 9293 §3.4: comparisons are modulo
    2**32, so "less than" means "less than half the space behind")."""
    distance = (later - earlier) % MODULUS
    return distance - MODULUS if distance >= _HALF else distance


def seq_lt(a: int, b: int) -> bool:
    return seq_diff(a, b) < 0


def seq_le(a: int, b: int) -> bool:
    return seq_diff(a, b) <= 0


def seq_in_window(sequence: int, start: int, size: int) -> bool:
    """start <= sequence < start + size, modulo 2**32."""
    return 0 <= (sequence - start) % MODULUS < size


class IsnGenerator:
    """RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
    M a timer ticking every 4 µs, F a keyed hash (HMAC-SHA-256, truncated to 32 bits).

    The key comes from the board's entropy when the stack is made, so sequence numbers
    cannot be predicted from outside (the blind-injection attacks of RFC 6528 §1), and a
    seeded run gives the same numbers every time.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the ISN key needs at least 16 octets of entropy")
        self._key = bytes(key)

    def initial_sequence(self, local: str, local_port: int, remote: str, remote_port: int,
                         now: int) -> int:
        message = f"{local}:{local_port}>{remote}:{remote_port}".encode()
        offset = int.from_bytes(hmac.digest(self._key, message, hashlib.sha256)[:4], "big")
        return (now // 4 + offset) % MODULUS
