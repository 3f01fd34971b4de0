"""DTLS records out of mbedTLS's output stream, packed into datagrams no larger than the MTU.

python-mbedtls collects what mbedTLS sends in one byte stream, so datagram boundaries are
lost; DTLS allows several records in one datagram (RFC 6347 §4.1.1), so the records are
cut apart by their headers and packed again, whole, up to the MTU.
"""

from __future__ import annotations

DTLS_RECORD_HEADER = 13  # type, version, epoch, 48-bit sequence number, length


def split_records(stream: bytes) -> list[bytes]:
    """The complete records of `stream`, in order (mbedTLS only writes whole records)."""
    records = []
    offset = 0
    while offset + DTLS_RECORD_HEADER <= len(stream):
        length = int.from_bytes(stream[offset + 11:offset + 13], "big")
        end = offset + DTLS_RECORD_HEADER + length
        records.append(stream[offset:end])
        offset = end
    if offset < len(stream):
        records.append(stream[offset:])  # a torn tail travels alone rather than vanish
    return records


def pack_datagrams(stream: bytes, mtu: int) -> list[bytes]:
    """Records packed greedily; a record larger than the MTU travels alone (mbedTLS
    fragments handshake messages to the MTU it was given, so this is the rare case)."""
    datagrams: list[bytes] = []
    current = b""
    for record in split_records(stream):
        if current and len(current) + len(record) > mtu:
            datagrams.append(current)
            current = b""
        current += record
    if current:
        datagrams.append(current)
    return datagrams
