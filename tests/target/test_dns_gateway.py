"""getaddrinfo through the `--net user` gateway's DNS, which asks the host's resolver
(tests/target/dns_gateway), on both boards, from main and from a user thread: localhost
is the gateway address that stands for the host's loopback; an unknown name is
EAI_NONAME (no root needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder

APP = Path(__file__).parent / "dns_gateway"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_names_resolve_through_the_user_gateway(builder: Builder, board: str) -> None:
    result = builder.run(APP, "--net", "user", board=board)
    assert result.status == 0, result.errors
    lines = [line for line in result.output.splitlines()
             if line.startswith(("getaddrinfo", "user", "done"))]
    assert lines == [
        "getaddrinfo localhost: 192.0.2.2 port 7",  # the host's 127.0.0.1, as in QEMU
        "getaddrinfo nothing.invalid: -2 (NAME or SERVICE is unknown)",
        "getaddrinfo localhost: 192.0.2.2 port 7",  # from the user thread
        "user localhost: 1 192.0.2.2",
        "user nothing.invalid: -2",
        "done",
    ]
