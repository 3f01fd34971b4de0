"""libpcap capture files: both byte orders, both resolutions, bounded records, interop."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.utils import PcapReader as ScapyReader
from scapy.utils import wrpcap

from levante.codecs.pcap import (
    PcapError,
    PcapReader,
    PcapRecord,
    PcapRecordError,
    read_pcap,
    write_pcap,
)

FRAMES = [bytes(Ether() / IP(dst="192.0.2.2") / UDP() / (b"x" * size)) for size in (1, 30, 7)]


def header(magic: int = 0xA1B2C3D4, major: int = 2, snaplen: int = 65535, link: int = 1,
           order: str = "<") -> bytes:
    return struct.pack(order + "IHHiIII", magic, major, 4, 0, 0, snaplen, link)


def record(data: bytes, captured: int | None = None, original: int | None = None) -> bytes:
    captured = len(data) if captured is None else captured
    original = len(data) if original is None else original
    return struct.pack("<IIII", 1, 2, captured, original) + data


def test_reads_a_scapy_capture(tmp_path: Path) -> None:
    path = tmp_path / "udp.pcap"
    wrpcap(str(path), [Ether(frame) for frame in FRAMES])
    file_header, events = read_pcap(path.read_bytes())
    assert (file_header.byte_order, file_header.nanoseconds, file_header.link_type) == (
        "little", False, 1)
    assert [event.data for event in events if isinstance(event, PcapRecord)] == FRAMES
    assert [event.number for event in events] == [1, 2, 3]


@pytest.mark.parametrize("byte_order", ["little", "big"])
@pytest.mark.parametrize("nanoseconds", [False, True])
def test_scapy_reads_what_levante_writes_in_every_variant(
        tmp_path: Path, byte_order: str, nanoseconds: bool) -> None:
    fraction = 123_456_789 if nanoseconds else 123_456
    data = write_pcap([(1_700_000_000, fraction, frame) for frame in FRAMES],
                      nanoseconds=nanoseconds, byte_order=byte_order)
    file_header, events = read_pcap(data)
    assert (file_header.byte_order, file_header.nanoseconds) == (byte_order, nanoseconds)
    assert all(isinstance(event, PcapRecord) and event.fraction == fraction
               for event in events)
    path = tmp_path / "out.pcap"
    path.write_bytes(data)
    with ScapyReader(str(path)) as reader:
        assert [bytes(packet) for packet in reader] == FRAMES


def test_feeding_byte_by_byte_gives_the_same_events() -> None:
    data = write_pcap([(0, 0, frame) for frame in FRAMES])
    reader = PcapReader()
    events = [event for offset in range(len(data))
              for event in reader.feed(data[offset:offset + 1])] + reader.close()
    assert events == read_pcap(data)[1]


@pytest.mark.parametrize("data, problem", [
    (header(link=113), "link type 113 \\(LINUX_SLL\\) is not supported"),
    (header(link=101), "only Ethernet"),
    (header(major=3), "version 3"),
    (bytes.fromhex("0a0d0d0a") + bytes(20), "pcapng is not supported"),
    (header()[:23], "truncated file header"),
    (b"", "truncated file header"),
])
def test_refuses_files_it_cannot_read(data: bytes, problem: str) -> None:
    with pytest.raises(PcapError, match=problem):
        read_pcap(data)


def test_big_endian_nanosecond_header_is_recognised() -> None:
    file_header, events = read_pcap(header(0xA1B23C4D, order=">"))
    assert (file_header.byte_order, file_header.nanoseconds, events) == ("big", True, [])


def test_truncated_record_is_an_error_event_for_that_frame() -> None:
    data = header() + record(FRAMES[0]) + record(FRAMES[1])[:-5]
    _, events = read_pcap(data)
    assert isinstance(events[0], PcapRecord)
    assert events[1] == PcapRecordError(number=2,
                                        message=f"truncated record: file ends "
                                                f"{16 + len(FRAMES[1]) - 5} bytes into it")


def test_records_longer_than_the_snapshot_or_original_are_errors_and_skipped() -> None:
    data = (header(snaplen=40) + record(FRAMES[1]) + record(FRAMES[0][:30], original=10)
            + record(FRAMES[2][:40]))
    _, events = read_pcap(data)
    assert isinstance(events[0], PcapRecordError) and "snapshot length 40" in events[0].message
    assert isinstance(events[1], PcapRecordError) and "original length 10" in events[1].message
    assert isinstance(events[2], PcapRecord) and events[2].number == 3


def test_an_absurd_captured_length_stops_reading_without_allocating_it() -> None:
    data = header(snaplen=0) + record(b"", captured=0xFFFF_FFF0) + record(FRAMES[0])
    _, events = read_pcap(data)
    assert len(events) == 1 and isinstance(events[0], PcapRecordError)
    assert "exceeds the limit of 262144" in events[0].message


@given(st.binary(max_size=300))
def test_any_bytes_after_a_header_give_events_never_exceptions(tail: bytes) -> None:
    _, events = read_pcap(header() + tail)
    for event in events:
        assert isinstance(event, PcapRecord | PcapRecordError)
        if isinstance(event, PcapRecord):
            assert len(event.data) <= 65535
