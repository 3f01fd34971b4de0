"""The DNS stub resolver against a scripted server: queries, matching, the cache's TTLs
on simulated time, failures and hostile answers."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from netpeer import PEER_IP, SECOND, arp_reply, frame, make_stack, sent

from levante.codecs import dns, ipv4, udp
from levante.codecs.dns import RecordType
from levante.net.stack import NetworkStack
from levante.net.stack.dns_resolver import (
    DnsResolver,
    DnsServer,
    Resolution,
    ResolveError,
)
from levante.net.stack.settings import SettingsError

SECOND_SERVER = "192.0.2.3"


def make_resolver(seed: int = 5, servers: tuple[str, ...] = (PEER_IP,), cache: int = 4,
                  concurrent: int = 2, max_servers: int = 5,
                  additional_queries: int = 1) -> tuple[NetworkStack, DnsResolver]:
    stack = make_stack()
    stack.receive(arp_reply(), 0)  # no ARP in the way of the queries
    stack.receive(arp_reply(sender_ip=SECOND_SERVER, sender_mac="00:00:5e:00:53:03"), 0)
    sent(stack)
    source = random.Random(seed)
    resolver = DnsResolver(stack, source.randbytes,
                           tuple(DnsServer.parse(s) for s in servers), concurrent, cache,
                           max_servers, additional_queries)
    return stack, resolver


def queries(stack: NetworkStack) -> list[tuple[ipv4.Ipv4Packet, udp.UdpDatagram,
                                             dns.DnsMessage]]:
    found = []
    for item in sent(stack):
        if item.ip is not None and item.ip.protocol == ipv4.PROTOCOL_UDP:
            datagram = udp.decode(item.ip.payload)
            found.append((item.ip, datagram, dns.decode(datagram.payload)))
    return found


def answer_frame(query: dns.DnsMessage, port: int, *, answers: tuple[dns.ResourceRecord, ...]
                 = (), source: str = PEER_IP, source_port: int = 53, **changes: object) -> bytes:
    message = replace(query, is_response=True, answers=answers, **changes)  # type: ignore[arg-type]
    data = udp.encode(udp.UdpDatagram(source_port=source_port, destination_port=port,
                                      payload=dns.encode(message)),
                      source=source, destination="192.0.2.1")
    return frame(ipv4.encode(ipv4.Ipv4Packet(protocol=ipv4.PROTOCOL_UDP, source=source,
                                             destination="192.0.2.1", payload=data)))


def a_record(name: str, address: str, ttl: int = 60) -> dns.ResourceRecord:
    return dns.ResourceRecord(name=name, record_type=RecordType.A, ttl=ttl, address=address)


class Results(list[Resolution]):
    def __call__(self, resolution: Resolution, now: int) -> None:
        self.append(resolution)


def test_a_query_is_answered_and_cached_for_its_ttl() -> None:
    stack, resolver = make_resolver()
    done = Results()
    assert resolver.resolve("device.test", RecordType.A, 10, done) is not None
    (packet, datagram, query), = queries(stack)
    assert (packet.destination, datagram.destination_port) == (PEER_IP, 53)
    assert datagram.source_port >= 49152 and query.recursion_desired
    assert query.questions == (dns.Question(name="device.test", record_type=RecordType.A),)
    stack.receive(answer_frame(query, datagram.source_port,
                               answers=(a_record("device.test", "192.0.2.77", ttl=30),)), 20)
    assert done == [Resolution("device.test", RecordType.A, ("192.0.2.77",))]
    assert datagram.source_port not in stack.udp.endpoints  # the port is given back
    resolver.resolve("DEVICE.test.", RecordType.A, 29 * SECOND, done)
    assert done[-1].from_cache and not queries(stack)
    resolver.resolve("device.test", RecordType.A, 31 * SECOND, done)  # TTL ran out
    assert len(done) == 2 and len(queries(stack)) == 1


def test_ids_and_ports_are_random() -> None:
    seen = set()
    for seed in range(4):
        stack, resolver = make_resolver(seed)
        resolver.resolve("device.test", RecordType.A, 0, Results())
        (_, datagram, query), = queries(stack)
        seen.add((datagram.source_port, query.identifier))
    assert len({port for port, _ in seen}) == 4 and len({ident for _, ident in seen}) == 4


def test_aaaa_and_cname_chains() -> None:
    stack, resolver = make_resolver()
    done = Results()
    resolver.resolve("www.test", RecordType.AAAA, 0, done)
    (_, datagram, query), = queries(stack)
    answers = (dns.ResourceRecord(name="www.test", record_type=RecordType.CNAME, ttl=60,
                                  target="host.test"),
               dns.ResourceRecord(name="host.test", record_type=RecordType.AAAA, ttl=60,
                                  address="2001:db8::7"),
               dns.ResourceRecord(name="other.test", record_type=RecordType.AAAA, ttl=60,
                                  address="2001:db8::8"))
    stack.receive(answer_frame(query, datagram.source_port, answers=answers), 1)
    assert done[0].addresses == ("2001:db8::7",)


def hostile(query: dns.DnsMessage, port: int) -> dict[str, bytes]:
    good = (a_record("device.test", "192.0.2.66"),)
    return {
        "id-mismatch": answer_frame(query, port, answers=good,
                                    identifier=query.identifier ^ 1),
        "question-mismatch": answer_frame(query, port, answers=good, questions=(
            dns.Question(name="evil.test", record_type=RecordType.A),)),
        "wrong-server": answer_frame(query, port, answers=good, source=SECOND_SERVER),
    }


def _raw_udp(payload: bytes, port: int) -> bytes:
    return udp.encode(udp.UdpDatagram(source_port=53, destination_port=port, payload=payload),
                      source=PEER_IP, destination="192.0.2.1")


@pytest.mark.parametrize("reason", ["id-mismatch", "question-mismatch", "wrong-server"])
def test_answers_that_do_not_match_are_dropped(reason: str) -> None:
    stack, resolver = make_resolver()
    done = Results()
    resolver.resolve("device.test", RecordType.A, 0, done)
    (_, datagram, query), = queries(stack)
    stack.receive(hostile(query, datagram.source_port)[reason], 1)
    assert stack.stats.get(f"dns.drop.{reason}") == 1 and not done
    stack.receive(answer_frame(query, datagram.source_port,
                               answers=(a_record("device.test", "192.0.2.77"),)), 2)
    assert done[0].addresses == ("192.0.2.77",)


def test_a_compression_loop_is_refused_by_the_codec() -> None:
    stack, resolver = make_resolver()
    done = Results()
    resolver.resolve("device.test", RecordType.A, 0, done)
    (_, datagram, query), = queries(stack)
    looping = bytearray(dns.encode(replace(query, is_response=True)))
    looping[12:14] = b"\xc0\x0c"  # the question's name is a pointer to itself
    data = _raw_udp(bytes(looping), datagram.source_port)
    stack.receive(frame(ipv4.encode(ipv4.Ipv4Packet(protocol=ipv4.PROTOCOL_UDP,
                                                    source=PEER_IP, destination="192.0.2.1",
                                                    payload=data))), 1)
    assert stack.stats.get("dns.drop.malformed") == 1 and not done


def test_names_that_cannot_be_asked_fail_at_once() -> None:
    stack, resolver = make_resolver()
    done = Results()
    for name in ("a" * 64 + ".test", ".".join(["abcdefg"] * 40), "", "bad name.test"):
        assert resolver.resolve(name, RecordType.A, 0, done) is None
    assert [result.error for result in done] == [ResolveError.NONAME] * 4
    assert not queries(stack)


def test_nxdomain_servfail_timeouts_and_the_next_server() -> None:
    stack, resolver = make_resolver(servers=(PEER_IP, SECOND_SERVER))
    done = Results()
    resolver.resolve("gone.test", RecordType.A, 0, done)
    (_, datagram, query), = queries(stack)
    stack.receive(answer_frame(query, datagram.source_port,
                               response_code=dns.ResponseCode.SERVER_FAILURE), 1)
    (packet, datagram, query), = queries(stack)
    assert packet.destination == SECOND_SERVER  # SERVFAIL: the next server
    stack.receive(answer_frame(query, datagram.source_port, source=SECOND_SERVER,
                               response_code=dns.ResponseCode.NAME_ERROR), 2)
    assert done[0].error is ResolveError.NONAME
    resolver.resolve("slow.test", RecordType.A, 10, done)
    asked = [packet.destination for packet, _, _ in queries(stack)]
    while resolver.queries:
        deadline = stack.next_deadline()
        assert deadline is not None
        stack.advance(deadline)
        asked += [packet.destination for packet, _, _ in queries(stack)]
    assert asked == [PEER_IP, SECOND_SERVER, PEER_IP, SECOND_SERVER]
    assert done[1].error is ResolveError.AGAIN


def test_no_server_too_many_queries_and_dhcp_servers() -> None:
    stack, resolver = make_resolver(servers=(), concurrent=1)
    done = Results()
    resolver.resolve("device.test", RecordType.A, 0, done)
    assert done[-1].error is ResolveError.FAIL
    resolver.set_dhcp_servers((PEER_IP,))
    resolver.resolve("device.test", RecordType.A, 0, done)
    resolver.resolve("other.test", RecordType.A, 0, done)
    assert done[-1].error is ResolveError.MEMORY and len(queries(stack)) == 1


def test_the_cache_is_bounded() -> None:
    stack, resolver = make_resolver(cache=2, concurrent=1)
    for index in range(3):
        name = f"host{index}.test"
        resolver.resolve(name, RecordType.A, 0, Results())
        (_, datagram, query), = queries(stack)
        stack.receive(answer_frame(query, datagram.source_port,
                                   answers=(a_record(name, f"192.0.2.{60 + index}"),)), 0)
    assert len(resolver.cache) == 2
    assert resolver.cache.lookup("host0.test", RecordType.A, 1) is None
    assert resolver.cache.lookup("host2.test", RecordType.A, 1) == ("192.0.2.62",)


def test_server_settings() -> None:
    assert DnsServer.parse("192.0.2.53:5353") == DnsServer("192.0.2.53", 5353)
    assert DnsServer.parse("[2001:DB8::0053]:15353") == DnsServer("2001:db8::53", 15353)
    assert DnsServer.parse("2001:db8::53") == DnsServer("2001:db8::53", 53)
    assert DnsServer.parse("[2001:db8::53]") == DnsServer("2001:db8::53", 53)
    for bad in ("dns.test", "192.0.2.53:0", "192.0.2.53:x", "[2001:db8::53", "[::1]x",
                "[2001:db8::53]:", "[192.0.2.1]:53", "2001:db8::53::1", "[fe80::1%lv0]"):
        with pytest.raises(SettingsError):
            DnsServer.parse(bad)


def test_a_cname_only_answer_asks_for_the_alias() -> None:
    stack, resolver = make_resolver(additional_queries=1)
    done = Results()
    resolver.resolve("www.test", RecordType.A, 0, done)
    (_, datagram, query), = queries(stack)
    alias = dns.ResourceRecord(name="www.test", record_type=RecordType.CNAME, ttl=60,
                               target="cdn.test")
    stack.receive(answer_frame(query, datagram.source_port, answers=(alias,)), 1)
    (_, again, second), = queries(stack)  # DNS_RESOLVER_ADDITIONAL_QUERIES
    assert second.questions[0].name == "cdn.test" and not done
    stack.receive(answer_frame(second, again.source_port,
                               answers=(a_record("cdn.test", "192.0.2.88"),)), 2)
    assert done == [Resolution("www.test", RecordType.A, ("192.0.2.88",))]
    # With no additional query allowed the chain's end without an address is no data.
    stack, resolver = make_resolver(additional_queries=0)
    resolver.resolve("www.test", RecordType.A, 0, done)
    (_, datagram, query), = queries(stack)
    stack.receive(answer_frame(query, datagram.source_port, answers=(alias,)), 1)
    assert done[-1].error is ResolveError.NODATA and not queries(stack)


def test_a_server_that_cannot_be_reached_is_passed_over_at_once() -> None:
    # The stack has no IPv6 address: the IPv6 server's datagram cannot go, and the next
    # server is asked without waiting for the attempt's timeout.
    stack, resolver = make_resolver(servers=("[2001:db8::2]:15353", PEER_IP))
    done = Results()
    resolver.resolve("device.test", RecordType.A, 0, done)
    (packet, datagram, query), = queries(stack)
    assert packet.destination == PEER_IP and stack.stats.get("dns.unsent") == 1
    stack.receive(answer_frame(query, datagram.source_port,
                               answers=(a_record("device.test", "192.0.2.77"),)), 1)
    assert done[0].addresses == ("192.0.2.77",)
    # No server reachable at all: EAI_AGAIN at once.
    stack, resolver = make_resolver(servers=("2001:db8::2",))
    resolver.resolve("device.test", RecordType.A, 0, done)
    assert done[-1].error is ResolveError.AGAIN and not resolver.queries


def test_at_most_max_servers_are_asked() -> None:
    stack, resolver = make_resolver(servers=(PEER_IP, SECOND_SERVER), max_servers=1)
    assert [server.address for server in resolver.servers] == [PEER_IP]
    done = Results()
    resolver.resolve("slow.test", RecordType.A, 0, done)
    asked = [packet.destination for packet, _, _ in queries(stack)]
    while resolver.queries:
        deadline = stack.next_deadline()
        assert deadline is not None
        stack.advance(deadline)
        asked += [packet.destination for packet, _, _ in queries(stack)]
    assert asked == [PEER_IP, PEER_IP]
