"""getaddrinfo's lookups over the resolver (devices/name_lookup.py): one family or both
in Zephyr's order, the errors they combine to, the per-family bound, cancelling."""

from __future__ import annotations

from test_dns_resolver import a_record, answer_frame, make_resolver, queries

from levante.codecs import dns
from levante.codecs.dns import RecordType
from levante.devices.name_lookup import (
    AF_INET,
    AF_INET6,
    AF_UNSPEC,
    NameLookup,
    lookup_families,
)
from levante.kernel.net_port import NameAnswer
from levante.net.stack import NetworkStack
from levante.net.stack.dns_resolver import DnsResolver


def aaaa_record(name: str, address: str) -> dns.ResourceRecord:
    return dns.ResourceRecord(name=name, record_type=RecordType.AAAA, ttl=60, address=address)


def start(resolver: DnsResolver, name: str, families: tuple[int, ...],
          max_addresses: int = 2) -> tuple[NameLookup, list[NameAnswer]]:
    answers: list[NameAnswer] = []
    lookup = NameLookup(resolver, name, families, max_addresses, lambda: 0, answers.append)
    assert not lookup.start()
    return lookup, answers


def answer(stack: NetworkStack, *records: dns.ResourceRecord,
           code: dns.ResponseCode = dns.ResponseCode.NO_ERROR) -> dns.Question:
    (_, datagram, query), = queries(stack)
    stack.receive(answer_frame(query, datagram.source_port, answers=records,
                               response_code=code), 1)
    return query.questions[0]


def test_unspec_asks_a_then_aaaa_and_gives_both_ipv4_first() -> None:
    stack, resolver = make_resolver()
    _, answers = start(resolver, "dual.test", lookup_families(AF_UNSPEC, True))
    assert answer(stack, a_record("dual.test", "192.0.2.79")).record_type == RecordType.A
    assert not answers
    assert answer(stack, aaaa_record("dual.test", "2001:db8::79")).record_type \
        == RecordType.AAAA
    assert answers == [NameAnswer(((AF_INET, bytes([192, 0, 2, 79])),
                                   (AF_INET6, bytes.fromhex("20010db8" + "0" * 22 + "79"))))]


def test_one_family_fails_the_other_answers() -> None:
    stack, resolver = make_resolver()
    _, answers = start(resolver, "v6.test", (AF_INET, AF_INET6))
    answer(stack)  # no A record: no data
    answer(stack, aaaa_record("v6.test", "2001:db8::78"))
    assert answers[0].error is None and [family for family, _ in answers[0].addresses] \
        == [AF_INET6]


def test_both_fail_with_the_a_querys_error_and_again_ends_at_once() -> None:
    stack, resolver = make_resolver()
    _, answers = start(resolver, "gone.test", (AF_INET, AF_INET6))
    answer(stack, code=dns.ResponseCode.NAME_ERROR)
    answer(stack)
    assert answers == [NameAnswer(error="EAI_NONAME")]
    stack, resolver = make_resolver()
    _, answers = start(resolver, "slow.test", (AF_INET, AF_INET6))
    while not answers:
        deadline = stack.next_deadline()
        assert deadline is not None
        stack.advance(deadline)
    assert answers == [NameAnswer(error="EAI_AGAIN")]
    assert all(question.record_type == RecordType.A
               for _, _, message in queries(stack) for question in message.questions)


def test_addresses_are_bounded_per_family() -> None:
    stack, resolver = make_resolver()
    _, answers = start(resolver, "many.test", (AF_INET,), max_addresses=2)
    answer(stack, *(a_record("many.test", f"192.0.2.{90 + index}") for index in range(5)))
    assert [raw[3] for _, raw in answers[0].addresses] == [90, 91]


def test_cancel_forgets_the_query_and_answers_nothing() -> None:
    stack, resolver = make_resolver()
    lookup, answers = start(resolver, "device.test", (AF_INET,))
    lookup.cancel()
    assert not resolver.queries and not answers
    assert resolver.resolve("other.test", RecordType.A, 0, lambda r, n: None) is not None


def test_an_answer_at_once_is_given_before_start_returns() -> None:
    stack, resolver = make_resolver(servers=())
    answers: list[NameAnswer] = []
    assert NameLookup(resolver, "device.test", (AF_INET,), 2, lambda: 0,
                      answers.append).start()
    assert answers == [NameAnswer(error="EAI_FAIL")]
    assert lookup_families(AF_UNSPEC, False) == (AF_INET,)
    assert lookup_families(AF_INET6, False) == (AF_INET6,)
