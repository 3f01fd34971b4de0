"""What Zephyr's CoAP server sample relies on, in Levante's own program
(tests/target/coap_service_apis, IPv6 only): its resources' iterable section laid out
from its CMakeLists.txt (zephyr_linker_sources, zephyr_iterable_section); CoRE Link
Format attributes and queries on /.well-known/core; the `coap_service` shell command;
the coap_mgmt events with their information (NET_MGMT_EVENT_INFO) to a static handler
(NET_MGMT_REGISTER_EVENT_HANDLER) and a callback; IPv6 addresses and an MLD group added
by hand (net_if_ipv6_addr_add, net_ipv6_mld_join) with Zephyr's errors."""

from __future__ import annotations

import asyncio
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path

import aiocoap
import pytest
from aiocoap import Code, Message
from coap_device import Device, start_device, wait_until_answering

from conftest import TARGET_TESTS, Builder

APP = TARGET_TESTS / "coap_service_apis"
PORT = 5683
SHELL = ("coap_service\ncoap_service stop things\ncoap_service\n"
         "coap_service start things\ncoap_service stop nothing\ncoap_service bogus\n")


@pytest.fixture(scope="module")
def device(builder: Builder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Device]:
    trace = tmp_path_factory.mktemp("coap_apis") / "trace.jsonl"
    running = start_device(builder.build(APP), (PORT,), trace, console=SHELL)
    assert running.process.stdin is not None
    running.process.stdin.close()  # the commands, then the end of input
    try:
        wait_until_answering(running, PORT)
        yield running
    finally:
        running.stop()


def _uri(device: Device, path: str) -> str:
    return f"coap://127.0.0.1:{device.ports[PORT]}{path}"


async def _talk(device: Device) -> list[Message]:
    context = await aiocoap.Context.create_client_context()
    try:
        answers = [await context.request(Message(code=Code.GET, uri=_uri(device, path))).response
                   for path in ("/.well-known/core", "/.well-known/core?rt=light",
                                "/.well-known/core?href=/te*", "/.well-known/core?rt=none")]
        answers.append(await context.request(
            Message(code=Code.PUT, uri=_uri(device, "/led"), payload=b"1")).response)
        return answers
    finally:
        await context.shutdown()


def _observe_then_deregister(device: Device) -> Message:
    """Register on /temp (Observe 0), then deregister with the same token (Observe 1,
    RFC 7641 §3.6); the registration's answer."""
    peer = ("127.0.0.1", device.ports[PORT])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(20)
        answers = []
        for number, observe in ((0x7001, 0), (0x7002, 1)):
            message = Message(code=Code.GET, uri_path=("temp",), observe=observe,
                              token=b"\x0b\x5e", mid=number, mtype=aiocoap.CON)
            sock.sendto(message.encode(), peer)
            while True:  # notifications may come between
                answer = Message.decode(sock.recv(512))
                if answer.mid == number:
                    answers.append(answer)
                    break
        return answers[0]


def test_link_format_events_shell_and_ipv6(device: Device) -> None:
    everything, light, by_href, nothing, changed = asyncio.run(_talk(device))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # setting mid, token, type
        observed = _observe_then_deregister(device)
    assert everything.code == Code.CONTENT
    # Attributes from each resource's struct coap_core_metadata, in the order of the
    # application's own iterable section (its records sorted by name).
    assert everything.payload == (b'</led>;rt=light;title="The LED",'
                                  b'</temp>;rt=temperature;obs')
    assert light.payload == b'</led>;rt=light;title="The LED"'
    assert by_href.payload == b"</temp>;rt=temperature;obs"
    assert (nothing.code, nothing.payload) == (Code.CONTENT, b"")
    assert changed.code == Code.CHANGED
    assert observed.code == Code.CONTENT and int(observed.payload) >= 21
    assert observed.opt.observe is not None  # registered: the resource's age
    assert device.wait_for("main done")
    device.stop()
    lines = device.output.splitlines()
    assert "handler: observer added on /temp" in lines
    assert "handler: observer removed on /temp" in lines
    assert lines.count("callback: event 3 with 8 bytes") == 1  # resource and observer
    assert lines.count("callback: event 4 with 8 bytes") == 1
    # The shell: the list, stop (its event), start, and a name no service has.
    started = "handler: service things started (iface none)"
    assert lines.count(started) == 2
    assert "handler: service things stopped (iface none)" in lines
    assert "[ 1] things           ACTIVE    :5683" in lines
    assert "[ 1] things           INACTIVE  :5683" in lines
    assert "stop nothing: failed (-2)" in lines
    assert "bogus: unknown subcommand (start, stop)" in lines
    # IPv6 by hand: the stack owns the address (tentative until DAD), Zephyr's errors.
    # main's lines (the events come in between, as the requests arrive).
    own = [line for line in lines if not line.startswith(("handler:", "callback:"))]
    assert own[own.index("added 2001:db8::5 state 0 type 3"):][:13] == [
        "added 2001:db8::5 state 0 type 3",
        "configured state 1 iface default",
        "lookup unknown: 0",
        "join: 0",
        "join again: -120",  # -EALREADY
        "join unicast: -22",  # -EINVAL
        "leave: 0",
        "leave again: -2",  # -ENOENT
        "join back: 0",
        "added later state 1",  # preferred once DAD passed
        "remove: 1",
        "lookup removed: 0",
        "main done",
    ]


def test_the_service_section_is_the_applications(builder: Builder) -> None:
    script = (builder.build(APP) / "levante.ld").read_text()
    assert "zephyr_linker_sources(DATA_SECTIONS): sections-ram.ld" in script
    assert "_coap_resource_things_list_start" in script
    # Laid out once: by the application's text, not again by the build.
    assert script.count("_coap_resource_things_list_start =") == 1


def test_an_accepted_symbol_needs_its_dependency(tmp_path: Path) -> None:
    """COAP_SERVER_SHELL without a shell is not silently dropped."""
    from conftest import levante
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "src" / "main.c").write_text("int main(void) { return 0; }\n")
    (app / "prj.conf").write_text((APP / "prj.conf").read_text().replace("CONFIG_SHELL=y\n", ""))
    result = levante("build", str(app), "-d", str(tmp_path / "build"))
    assert "COAP_SERVER_SHELL" in result.stderr + result.stdout
