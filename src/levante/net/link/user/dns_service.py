"""The user-mode gateway's DNS server: A and AAAA questions answered by the host's
resolver (getaddrinfo), on worker threads with a wall-clock timeout.

A host answer of a loopback address (127/8 or ::1, as for `localhost`) becomes the
gateway's address that reaches the host's loopback, as QEMU answers 10.0.2.2. Lookups
run on at most `WORKERS` threads, at most `MAX_PENDING` at once: a query beyond that is
answered SERVFAIL at once.
"""

from __future__ import annotations

import concurrent.futures
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from levante.codecs import dns
from levante.codecs.dns import DnsMessage, RecordType, ResourceRecord, ResponseCode

WORKERS = 4
MAX_PENDING = 16
LOOKUP_TIMEOUT_SECONDS = 5.0
ANSWER_TTL = 60

# Who asked: (device address, device port), to address the answer.
Asker = tuple[str, int]
Lookup = Callable[[str, int], list[str]]


def host_lookup(name: str, family: int) -> list[str]:
    """The host's addresses of `name` in `family` (raises socket.gaierror)."""
    results = socket.getaddrinfo(name, None, family, socket.SOCK_DGRAM)
    return [str(result[4][0]) for result in results]


@dataclass
class _Pending:
    asker: Asker
    query: DnsMessage
    future: concurrent.futures.Future[list[str]]
    deadline: float  # wall-clock (monotonic) seconds


class DnsService:
    """Queries in, answers out; `wake` is called from a worker when a lookup ends."""

    def __init__(self, host_alias: str, wake: Callable[[], None],
                 lookup: Lookup = host_lookup,
                 timeout: float = LOOKUP_TIMEOUT_SECONDS,
                 host_alias6: str | None = None) -> None:
        self.host_alias = host_alias
        self.host_alias6 = host_alias6
        self._wake = wake
        self._lookup = lookup
        self._timeout = timeout
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._pending: list[_Pending] = []

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def next_deadline(self) -> float | None:
        return min((pending.deadline for pending in self._pending), default=None)

    def query(self, payload: bytes, asker: Asker) -> bytes | None:
        """An answer at once (an error), or None: the lookup runs and `finished` gives
        its answer. Undecodable queries and responses get nothing."""
        try:
            message = dns.decode(payload)
        except dns.DnsError:
            return None
        if message.is_response:
            return None
        if message.opcode != dns.Opcode.QUERY:
            return _answer(message, ResponseCode.NOT_IMPLEMENTED)
        if len(message.questions) != 1:
            return _answer(message, ResponseCode.FORMAT_ERROR)
        question = message.questions[0]
        if question.record_class != dns.CLASS_INTERNET or \
                question.record_type not in (RecordType.A, RecordType.AAAA):
            return _answer(message, ResponseCode.NOT_IMPLEMENTED)
        if len(self._pending) >= MAX_PENDING:
            return _answer(message, ResponseCode.SERVER_FAILURE)
        family = socket.AF_INET if question.record_type == RecordType.A else socket.AF_INET6
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=WORKERS, thread_name_prefix="levante-dns")
        future = self._pool.submit(self._lookup, question.name, family)
        future.add_done_callback(lambda _: self._wake())
        self._pending.append(_Pending(asker, message, future,
                                      time.monotonic() + self._timeout))
        return None

    def finished(self) -> list[tuple[Asker, bytes]]:
        """The answers of the lookups that ended or ran out of time, in query order."""
        now = time.monotonic()
        answers: list[tuple[Asker, bytes]] = []
        still: list[_Pending] = []
        for pending in self._pending:
            if pending.future.done():
                answers.append((pending.asker, self._result(pending)))
            elif now >= pending.deadline:
                # The host's resolver is stuck; the thread finishes on its own later.
                answers.append((pending.asker,
                                _answer(pending.query, ResponseCode.SERVER_FAILURE)))
            else:
                still.append(pending)
        self._pending = still
        return answers

    def _result(self, pending: _Pending) -> bytes:
        question = pending.query.questions[0]
        try:
            found = pending.future.result()
        except socket.gaierror as error:
            if error.errno == socket.EAI_NONAME:
                return _answer(pending.query, ResponseCode.NAME_ERROR)
            if error.errno == getattr(socket, "EAI_NODATA", None):
                return _answer(pending.query, ResponseCode.NO_ERROR)
            return _answer(pending.query, ResponseCode.SERVER_FAILURE)
        except Exception:  # the host's resolver failed some other way
            return _answer(pending.query, ResponseCode.SERVER_FAILURE)
        addresses: list[str] = []
        for address in found:
            if question.record_type == RecordType.A and address.startswith("127."):
                address = self.host_alias
            elif question.record_type == RecordType.AAAA and address == "::1" \
                    and self.host_alias6 is not None:
                address = self.host_alias6
            elif question.record_type == RecordType.AAAA and (
                    address == "::1" or "%" in address):
                continue  # no path to scoped addresses
            if address not in addresses:
                addresses.append(address)
        records = [ResourceRecord(name=question.name, record_type=question.record_type,
                                  ttl=ANSWER_TTL, address=address) for address in addresses]
        # RFC 1035 §4.2.1: 512 octets over UDP. Fewer addresses rather than a truncated
        # answer the device would have to retry over TCP.
        while True:
            answer = _answer(pending.query, ResponseCode.NO_ERROR,
                             tuple(records[:dns.MAX_RECORDS_PER_SECTION]))
            if len(answer) <= dns.UDP_PAYLOAD_LIMIT or not records:
                return answer
            records.pop()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._pending.clear()


def _answer(query: DnsMessage, code: ResponseCode,
            records: tuple[ResourceRecord, ...] = ()) -> bytes:
    """The response to `query` (RFC 1035 §4.1.1: same id, question copied, RD kept)."""
    return dns.encode(DnsMessage(
        identifier=query.identifier, is_response=True, opcode=query.opcode,
        recursion_desired=query.recursion_desired, recursion_available=True,
        response_code=code, questions=query.questions[:1], answers=records))
