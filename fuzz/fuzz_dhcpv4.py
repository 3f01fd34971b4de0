"""Fuzz the DHCPv4 codec: whatever decodes encodes back to the same message."""

from __future__ import annotations

import atheris

with atheris.instrument_imports():
    from levante.codecs import dhcpv4

SEEDS = [
    dhcpv4.encode(dhcpv4.DhcpMessage(
        operation=dhcpv4.Operation.BOOTREPLY, transaction_id=1, client_mac="00:00:5e:00:53:01",
        your_address="10.0.2.15", message_type=dhcpv4.MessageType.OFFER,
        subnet_mask="255.255.255.0", routers=("10.0.2.2",), dns_servers=("10.0.2.3",),
        lease_time=86400, server_identifier="10.0.2.2")),
    dhcpv4.encode(dhcpv4.DhcpMessage(
        operation=dhcpv4.Operation.BOOTREQUEST, transaction_id=2,
        client_mac="00:00:5e:00:53:01", message_type=dhcpv4.MessageType.DISCOVER,
        parameter_requests=(1, 3, 6), other_options=((52 + 10, b"x" * 300),))),
]


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris expects
    try:
        message = dhcpv4.decode(data)
    except dhcpv4.DhcpError:
        return
    try:
        encoded = dhcpv4.encode(message)
    except dhcpv4.DhcpError:
        return  # e.g. options from overloaded fields no longer fit one message
    again = dhcpv4.decode(encoded)
    if again != message:
        raise AssertionError(f"round trip changed {message!r} into {again!r}")


if __name__ == "__main__":
    from harness import fuzz

    fuzz(TestOneInput, SEEDS)
