"""`levante decode PROTO (HEX | --file FILE | --pcap FILE)`: packets → one JSON object each.

Exit status: 0 when every packet decoded, 1 when any was malformed (each shown as an
object with an "error" key), 2 for a usage error (one line on stderr).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from levante.codecs import arp, coap, dhcpv4, dns, ethernet, icmp, ipv4, ipv6, mqtt, tcp, udp
from levante.codecs.coap_view import describe as describe_coap
from levante.codecs.dissect import Dissector, error_object
from levante.codecs.errors import CodecError
from levante.codecs.fields import to_json
from levante.codecs.pcap import PcapError, PcapEvent, PcapReader, PcapRecord
from levante.commands.support import EXIT_FAILED, EXIT_OK, fail
from levante.errors import LevanteError, UsageError

PROTOCOLS = ("ethernet", "arp", "ipv4", "icmp", "udp", "tcp", "coap", "dhcpv4", "dns",
             "mqtt", "ipv6")
_DECODERS: dict[str, Callable[[bytes], object]] = {
    "ethernet": ethernet.decode, "arp": arp.decode, "ipv4": ipv4.decode, "ipv6": ipv6.decode,
    "icmp": icmp.decode, "udp": udp.decode, "tcp": tcp.decode,
    "dhcpv4": dhcpv4.decode, "dns": dns.decode,
    # CoAP with the registries' names: "0.01 GET", "Uri-Path": "temp".
    "coap": lambda data: describe_coap(coap.decode(data)),
}
_READ_CHUNK = 1 << 16


@click.command()
@click.argument("proto", type=click.Choice(PROTOCOLS))
@click.argument("hex_words", nargs=-1, metavar="[HEX]...")
@click.option("--file", "file_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Read the packet's raw bytes from FILE.")
@click.option("--pcap", "pcap_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Decode every frame of a libpcap capture (Ethernet) through its layers, "
                   "showing frames that contain PROTO or an error.")
def decode(proto: str, hex_words: tuple[str, ...], file_path: Path | None,
           pcap_path: Path | None) -> None:
    """Decode PROTO packets and print each as one JSON object."""
    try:
        sources = sum(1 for given in (hex_words, file_path, pcap_path) if given)
        if sources != 1:
            raise UsageError("give exactly one of HEX, --file FILE or --pcap FILE")
        if pcap_path is not None:
            all_decoded = _decode_capture(proto, pcap_path)
        else:
            data = _read_file(file_path) if file_path is not None else _parse_hex(hex_words)
            all_decoded = _decode_bytes(proto, data)
    except LevanteError as error:
        fail(error)
    sys.stdout.flush()
    sys.exit(EXIT_OK if all_decoded else EXIT_FAILED)


def _emit(value: dict[str, Any]) -> None:
    click.echo(json.dumps(value))


def _parse_hex(words: tuple[str, ...]) -> bytes:
    # Spaces, colons and a leading 0x are common in copied dumps: accept them.
    text = "".join(words).replace(":", "").replace(" ", "")
    if text.lower().startswith("0x"):
        text = text[2:]
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise UsageError("HEX must be pairs of hexadecimal digits") from None


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None


def _decode_bytes(proto: str, data: bytes) -> bool:
    """One packet (or, for MQTT, a byte stream of packets) → JSON lines; True if all ok."""
    if proto == "mqtt":
        return _decode_mqtt_stream(data)
    decode_one = _DECODERS[proto]
    try:
        _emit(to_json(decode_one(data)))
    except CodecError as error:
        _emit({"error": error_object(error)})
        return False
    return True


def _decode_mqtt_stream(data: bytes) -> bool:
    # Fed one byte at a time so the offset where the last whole packet ended is known:
    # whatever follows it is an incomplete packet, reported rather than silently dropped.
    decoder = mqtt.StreamDecoder()
    complete_up_to = 0
    for offset in range(len(data)):
        try:
            packets = decoder.feed(data[offset:offset + 1])
        except CodecError as error:
            _emit({"offset": complete_up_to, "error": error_object(error)})
            return False
        for packet in packets:
            _emit(to_json(packet))
        if packets:
            complete_up_to = offset + 1
    if complete_up_to < len(data) or not data:
        leftover = len(data) - complete_up_to
        _emit({"offset": complete_up_to, "error": {
            "layer": "mqtt", "message": f"incomplete packet: {leftover} bytes left over"}})
        return False
    return True


def _decode_capture(proto: str, path: Path) -> bool:
    """Every frame of a capture through its layers; frames without PROTO are skipped
    unless they failed (a failure is always shown)."""
    dissector = Dissector()
    reader = PcapReader()
    all_decoded = True
    try:
        for event in _capture_events(reader, path):
            if isinstance(event, PcapRecord):
                nanoseconds = reader.header is not None and reader.header.nanoseconds
                frame: dict[str, Any] = {
                    "frame": event.number,
                    "time": f"{event.seconds}.{event.fraction:0{9 if nanoseconds else 6}d}",
                    "length": event.original_length,
                    **dissector.frame(event.data),
                }
            else:
                frame = {"frame": event.number,
                         "error": {"layer": "pcap", "message": event.message}}
            failed = "error" in frame
            all_decoded = all_decoded and not failed
            if failed or proto in frame:
                _emit(frame)
    except PcapError as error:
        _emit({"error": error_object(error)})
        return False
    return all_decoded


def _capture_events(reader: PcapReader, path: Path) -> Iterator[PcapEvent]:
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_READ_CHUNK):
                yield from reader.feed(chunk)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    yield from reader.close()
