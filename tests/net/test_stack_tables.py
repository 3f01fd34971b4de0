"""The stack's table watch: each bounded table's size, the peak it reached after any frame
(kept after the entries are gone), its limit, and the trace's form of them."""

from __future__ import annotations

from netpeer import SECOND, arp_request, make_stack

from levante.net.stack.tables import TableWatch


def test_a_flood_leaves_its_peak_after_the_entries_age_out() -> None:
    stack = make_stack(arp_table_size=3)
    for host in range(10, 20):
        stack.receive(arp_request(sender_ip=f"192.0.2.{host}",
                                  sender_mac=f"02:00:00:00:00:{host:02x}"), 0)
    for host in range(10, 20):  # looked up after a lifetime: each expires and goes
        stack.arp.table.lookup(f"192.0.2.{host}", 61 * SECOND)
    use = stack.tables.uses()["arp.entries"]
    assert (use.size, use.peak, use.limit) == (0, 3, 3)
    assert stack.tables.overflowing() == []
    assert stack.tables.snapshot()["arp.entries"] == {"size": 0, "peak": 3, "limit": 3}


def test_an_interface_without_fragments_tcp_or_ipv6_watches_only_what_it_has() -> None:
    assert sorted(make_stack().tables.uses()) == ["arp.entries", "arp.resolving",
                                                  "udp.queued"]


def test_a_table_past_its_limit_is_reported() -> None:
    sizes = [1]
    watch = TableWatch()
    watch.watch("table", lambda: (sizes[0], 2))
    sizes[0] = 3
    watch.observe()
    sizes[0] = 0
    assert watch.overflowing() == ["table"]
    assert watch.snapshot() == {"table": {"size": 0, "peak": 3, "limit": 2}}
