"""DNS: names and compression, typed record data, limits, round trips, scapy interop."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from netsupport import decodes_or_refuses, ipv4_addresses, mutations, u16, u32
from scapy.layers.dns import DNS, DNSQR, DNSRR

from levante.codecs import dns
from levante.codecs.dns import DnsError, DnsMessage, Question, RecordType, ResourceRecord


def query(name: str = "localhost", record_type: int = RecordType.A) -> DnsMessage:
    return DnsMessage(identifier=0xBEEF, recursion_desired=True,
                      questions=(Question(name=name, record_type=record_type),))


def test_query_round_trip_and_wire_form() -> None:
    data = dns.encode(query("example.com"))
    assert data == bytes.fromhex("beef01000001000000000000") + \
        b"\x07example\x03com\x00" + bytes.fromhex("00010001")
    assert dns.decode(data) == query("example.com")


def test_reads_a_compressed_scapy_answer() -> None:
    packet = DNS(id=9, qr=1, rd=1, ra=1, qd=DNSQR(qname="www.example.com", qtype="A"), an=[
        DNSRR(rrname="www.example.com", type="CNAME", rdata="host.example.com", ttl=30),
        DNSRR(rrname="host.example.com", type="A", rdata="192.0.2.7", ttl=60),
        DNSRR(rrname="host.example.com", type="AAAA", rdata="2001:db8::7", ttl=60)])
    data = bytes(packet.compress())
    assert len(data) < len(bytes(packet))  # pointers are really there
    message = dns.decode(data)
    assert message.is_response and message.recursion_available and message.identifier == 9
    cname, a, aaaa = message.answers
    assert cname.target == "host.example.com" and cname.ttl == 30
    assert a.name == "host.example.com" and a.address == "192.0.2.7"
    assert aaaa.address == "2001:db8::7" and aaaa.record_type == RecordType.AAAA


def test_scapy_reads_an_answer_we_write() -> None:
    answer = DnsMessage(
        identifier=3, is_response=True, recursion_available=True,
        questions=(Question(name="localhost", record_type=RecordType.A),),
        answers=(ResourceRecord(name="localhost", record_type=RecordType.A, ttl=5,
                                address="10.0.2.2"),
                 ResourceRecord(name="localhost", record_type=RecordType.TXT, data=b"\x02hi")))
    packet = DNS(dns.encode(answer))
    assert packet.ancount == 2 and packet.an[0].rdata == "10.0.2.2" and packet.an[0].ttl == 5
    assert dns.decode(dns.encode(answer)) == answer


def test_names_compare_without_case() -> None:
    assert dns.same_name("LocalHost.", "localhost")
    assert not dns.same_name("localhost", "localhost2")


def header(qdcount: int = 1, ancount: int = 0) -> bytes:
    return bytes.fromhex("00010100") + qdcount.to_bytes(2, "big") + \
        ancount.to_bytes(2, "big") + bytes(4)


@pytest.mark.parametrize("data, problem", [
    (bytes(11), "truncated header"),
    (header(qdcount=65), "exceed"),
    (header() + b"\x03abc", "past the end"),
    (header() + b"\x03abc\x00\x00", "truncated question"),
    (header() + b"\xc0\x0c\x00\x01\x00\x01", "does not point back"),  # points at itself
    (header() + b"\x01a\xc0\x0c\x00\x01\x00\x01", "does not point back"),  # a loop
    (header() + b"\x80\x00\x01\x00\x01", "label type"),
    (header() + b"\x03a.b\x00\x00\x01\x00\x01", "has a '.'"),
    (header() + b"\x03a b\x00\x00\x01\x00\x01", "has a '.'"),
    (header() + b"\x3fa" * 5, "past the end"),
    (header() + (b"\x3f" + b"a" * 63) * 4 + b"\x00\x00\x01\x00\x01", "longer than 255"),
    (header() + b"\x00\x00\x01\x00\x01\x00", "after the last record"),
    (header(0, 1) + b"\x00\x00\x01\x00\x01\x00\x00\x00\x01\x00\x03abc", "not 4"),
    (header(0, 1) + b"\x00\x00\x1c\x00\x01\x00\x00\x00\x01\x00\x04abcd", "not 16"),
    (header(0, 1) + b"\x00\x00\x01\x00\x01\x00\x00\x00\x01\x00\x09abc", "runs past"),
    (header(0, 1) + b"\x00\x00\x05\x00\x01\x00\x00\x00\x01\x00\x03\x00ab", "its name"),
])
def test_refuses_malformed_messages(data: bytes, problem: str) -> None:
    with pytest.raises(DnsError, match=problem):
        dns.decode(data)


def test_a_chain_of_pointers_stays_bounded() -> None:
    # Each name points to the one before it: legal, and the total stays under 255 octets.
    data = bytearray(header(qdcount=3) + b"\x01a\x00\x00\x01\x00\x01")
    data += b"\x01b\xc0\x0c\x00\x01\x00\x01"
    data += b"\x01c\xc0\x13\x00\x01\x00\x01"
    names = [question.name for question in dns.decode(bytes(data)).questions]
    assert names == ["a", "b.a", "c.b.a"]


@pytest.mark.parametrize("name", ["a..b", "a" * 64, "a b", "é.com", ".".join(["a" * 60] * 5)])
def test_refuses_names_it_cannot_encode(name: str) -> None:
    with pytest.raises(DnsError):
        dns.encode(query(name))


labels = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E,
                                        blacklist_characters="."), min_size=1, max_size=20)
names = st.lists(labels, max_size=4).map(".".join)
records = st.one_of(
    st.builds(ResourceRecord, name=names, record_type=st.just(RecordType.A), ttl=u32,
              address=ipv4_addresses),
    st.builds(ResourceRecord, name=names, record_type=st.just(RecordType.AAAA), ttl=u32,
              address=st.ip_addresses(v=6).map(lambda address: address.compressed)),
    st.builds(ResourceRecord, name=names, record_type=st.sampled_from(
        [RecordType.CNAME, RecordType.PTR]), ttl=u32, target=names),
    st.builds(ResourceRecord, name=names, record_type=st.just(RecordType.TXT), ttl=u32,
              data=st.binary(max_size=30)),
)
messages = st.builds(
    DnsMessage, identifier=u16, is_response=st.booleans(), opcode=st.integers(0, 15),
    authoritative=st.booleans(), truncated=st.booleans(), recursion_desired=st.booleans(),
    recursion_available=st.booleans(), response_code=st.integers(0, 15),
    questions=st.lists(st.builds(Question, name=names, record_type=u16, record_class=u16),
                       max_size=2).map(tuple),
    answers=st.lists(records, max_size=4).map(tuple),
    additionals=st.lists(records, max_size=2).map(tuple),
)


@given(messages)
def test_any_message_round_trips(message: DnsMessage) -> None:
    assert dns.decode(dns.encode(message)) == message


@given(mutations(messages.map(dns.encode)))
def test_mutated_messages_decode_or_raise_a_codec_error(data: bytes) -> None:
    decodes_or_refuses(dns.decode, data)


@given(st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_raise_a_codec_error(data: bytes) -> None:
    decodes_or_refuses(dns.decode, header(qdcount=2, ancount=2) + data)
