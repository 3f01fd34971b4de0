"""The network shell (tests/target/net_shell): `net` commands through the console on
both boards; the shell's network calls are refused to user threads."""

from __future__ import annotations

import pytest

from conftest import TARGET_TESTS, Builder, RunResult

APP = TARGET_TESTS / "net_shell"
COMMANDS = ("net iface\nnet arp\nnet conn\nnet stats\nnet ping -c 2 192.0.2.2\n"
            "net ping 1.2.3\nnet ping -c x 192.0.2.2\nnet bogus\nnet arp flush\nhelp\n")


@pytest.fixture(scope="module", params=["lv_m4", "lv_m33"])
def shell(builder: Builder, request: pytest.FixtureRequest) -> RunResult:
    result = builder.run(APP, board=request.param, stdin=COMMANDS, max_time="20s")
    assert result.status == 0, result.errors
    return result


def answer(result: RunResult, command: str) -> str:
    """What the shell printed for `command` (up to the next prompt)."""
    text = result.output.split(f"uart:~$ {command}\n", 1)[1]
    return text.split("uart:~$ ", 1)[0]


def test_iface_shows_the_interface(shell: RunResult) -> None:
    text = answer(shell, "net iface")
    assert "Link addr : 00:00:5E:00:53:01\nMTU       : 1500\nFlags     : UP IPv4\n" in text
    assert "\t192.0.2.1/255.255.255.0 manual\nIPv4 gateway : 192.0.2.254\n" in text


def test_arp_conn_stats(shell: RunResult) -> None:
    assert answer(shell, "net arp") == "ARP cache is empty.\n"
    assert answer(shell, "net conn") == "No connections\n"
    assert answer(shell, "net stats").startswith("Statistics for interface eth0 [1]\n")
    assert answer(shell, "net arp flush") == "Flushing ARP cache (0 entries).\n"


def test_ping_without_a_link_times_out_on_simulated_time(shell: RunResult) -> None:
    assert answer(shell, "net ping -c 2 192.0.2.2") == (
        "PING 192.0.2.2\nPing timeout (icmp_seq=1)\nPing timeout (icmp_seq=2)\n"
        "2 packets transmitted, 0 received\n")


def test_bad_arguments_get_one_line(shell: RunResult) -> None:
    assert answer(shell, "net ping 1.2.3") == \
        "PING 1.2.3\nnet ping: 1.2.3 is not an IPv4 or IPv6 address\n"
    assert answer(shell, "net ping -c x 192.0.2.2") == \
        "net ping: -c takes a count from 1 to 1000\n"
    assert answer(shell, "net bogus").startswith("net bogus: unknown command\nUsage: ")
    assert "  net ping [-c N] ADDR\n" in answer(shell, "help")
    assert not shell.events("fault")


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_user_threads_may_not_call_the_shell_s_network_calls(builder: Builder,
                                                            board: str) -> None:
    result = builder.run(APP, board=board, stdin="net iface\n", extra=("user.conf",))
    assert "\t192.0.2.1/255.255.255.0 manual\n" in answer(result, "net iface")
    fault = result.events("fault")[0]
    assert (fault["thread"], fault["reason"]) == ("intruder", "K_ERR_KERNEL_OOPS")
    assert "FAIL" not in result.output
