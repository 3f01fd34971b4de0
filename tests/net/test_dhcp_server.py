"""The user-mode gateway's DHCP server alone: leases on simulated time, and whatever the
clients send, no address is bound to two of them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from levante.codecs.dhcpv4 import DhcpMessage, MessageType, Operation
from levante.net.link.user.dhcp_server import DhcpServer
from levante.net.link.user.plan import default_plan

SECOND = 1_000_000
MACS = [f"00:00:5e:00:53:{n:02x}" for n in range(1, 5)]


def request(kind: MessageType, mac: str, **fields: object) -> DhcpMessage:
    return DhcpMessage(operation=Operation.BOOTREQUEST, transaction_id=1, client_mac=mac,
                       message_type=kind, **fields)  # type: ignore[arg-type]


def test_an_expired_lease_goes_to_another_client() -> None:
    server = DhcpServer(default_plan(), lease_seconds=10)
    pool = default_plan().pool
    for index, mac in enumerate(MACS[:2]):
        offer = server.answer(request(MessageType.DISCOVER, mac), 0)
        assert offer is not None and offer.your_address == pool[index]
    server = DhcpServer(default_plan(), lease_seconds=10)
    first = server.answer(request(MessageType.REQUEST, MACS[0],
                                  requested_address=pool[0]), 0)
    assert first is not None and first.message_type is MessageType.ACK
    taken = server.answer(request(MessageType.REQUEST, MACS[1], requested_address=pool[0]),
                          5 * SECOND)
    assert taken is not None and taken.message_type is MessageType.NAK
    later = server.answer(request(MessageType.REQUEST, MACS[1], requested_address=pool[0]),
                          11 * SECOND)
    assert later is not None and later.message_type is MessageType.ACK


def test_a_declined_address_is_not_offered_again() -> None:
    server = DhcpServer(default_plan())
    offer = server.answer(request(MessageType.DISCOVER, MACS[0]), 0)
    assert offer is not None
    server.answer(request(MessageType.DECLINE, MACS[0], requested_address=offer.your_address,
                          server_identifier="10.0.2.2"), 0)
    again = server.answer(request(MessageType.DISCOVER, MACS[0]), 0)
    assert again is not None and again.your_address != offer.your_address


steps = st.lists(st.tuples(
    st.sampled_from([MessageType.DISCOVER, MessageType.REQUEST, MessageType.RELEASE,
                     MessageType.DECLINE]),
    st.sampled_from(MACS), st.sampled_from([*default_plan().pool[:3], "10.0.2.99"]),
    st.integers(0, 100)), max_size=40)


@given(steps)
def test_no_address_is_bound_to_two_clients(sequence: list[tuple[MessageType, str, str,
                                                                   int]]) -> None:
    server = DhcpServer(default_plan(), lease_seconds=50)
    now = 0
    for kind, mac, address, advance in sequence:
        now += advance * SECOND
        server.answer(request(kind, mac, requested_address=address,
                              client_address=address if kind == MessageType.RELEASE
                              else "0.0.0.0"), now)
        bound = [lease.address for lease in server.leases.values()
                 if lease.bound and lease.expires > now]
        assert len(bound) == len(set(bound))
        assert all(address in server.plan.pool for address in bound)
