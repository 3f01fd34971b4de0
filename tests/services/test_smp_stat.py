"""The SMP statistics group (group 2): the sans-IO server over a fake device, then a
device whose application registers <zephyr/stats/stats.h> groups, driven by smpclient
over `--net user --forward udp:` (list, show, refusals, the control point)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
from smp.shell_management import ExecuteRequest
from smp.statistics_management import GroupDataRequest, ListOfGroupsRequest
from smp_support import device_with, request, response, server_for
from smpclient.generics import error, success
from smpclient.requests.shell_management import Execute
from smpclient.requests.statistics_management import GroupData, ListOfGroups
from smpmgr_support import Smpmgr
from test_smp_interop import connect, free_udp_port, wait_ready
from test_smp_serial_transport import lines, responses

from boot.boot_support import make_image
from conftest import Builder

READ, WRITE = 0, 2
GROUP_STAT, GROUP_SHELL = 2, 9
APP = Path(__file__).resolve().parent / "smp_stat_app"
OLD = make_image("1.0.0", size=3000, security_counter=1)


def stat_server(**settings: object):
    server, target = server_for(device_with(OLD), stat_group=True, **settings)
    target.stats.update({"app": {"ticks": 5, "events": 10}, "wide": {"big": 2**40}})
    return server, target


def test_list_names_the_groups_in_registration_order() -> None:
    server, target = stat_server()
    _, body = response(server.handle(request(READ, GROUP_STAT, 1), "peer").response)
    assert body == {"stat_list": ["app", "wide"]}
    assert [action for _, action, _ in target.judged] == ["stat.list"]


def test_show_reads_the_counters_as_they_are_now() -> None:
    server, target = stat_server()
    frame = server.handle(request(READ, GROUP_STAT, 0, {"name": "app"}), "peer").response
    assert response(frame)[1] == {"name": "app", "fields": {"ticks": 5, "events": 10}}
    target.stats["app"]["ticks"] = 6
    frame = server.handle(request(READ, GROUP_STAT, 0, {"name": "app"}), "peer").response
    assert response(frame)[1]["fields"]["ticks"] == 6
    peer, action, fields = target.judged[-1]
    assert (peer, action) == ("peer", "stat.show")
    assert fields["group"] == GROUP_STAT and fields["command"] == 0
    assert fields["request"] == {"name": "app"}


def test_an_unknown_group_is_enoent_or_the_groups_own_code() -> None:
    server, _ = stat_server()
    v1 = server.handle(request(READ, GROUP_STAT, 0, {"name": "none"}, version=0),
                       "peer").response
    assert response(v1)[1] == {"rc": 5}
    v2 = server.handle(request(READ, GROUP_STAT, 0, {"name": "none"}, version=1),
                       "peer").response
    assert response(v2)[1] == {"err": {"group": GROUP_STAT, "rc": 3}}


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": 7}, {"name": b"app"},
                                  {"name": "x" * 32}, {"name": ["app"]}])
def test_a_name_that_is_no_name_or_too_long_is_einval(body: dict[str, object]) -> None:
    server, _ = stat_server()
    frame = server.handle(request(READ, GROUP_STAT, 0, body), "peer").response
    assert response(frame)[1] == {"rc": 3}


def test_the_name_limit_follows_the_configuration() -> None:
    server, target = stat_server(stat_name_length=4)
    target.stats["abc"] = {"s0": 1}
    target.stats["abcd"] = {"s0": 2}
    ok = server.handle(request(READ, GROUP_STAT, 0, {"name": "abc"}), "peer").response
    assert response(ok)[1]["fields"] == {"s0": 1}
    long = server.handle(request(READ, GROUP_STAT, 0, {"name": "abcd"}), "peer").response
    assert response(long)[1] == {"rc": 3}


def test_writes_and_unknown_commands_are_not_supported() -> None:
    server, _ = stat_server()
    for frame in (request(WRITE, GROUP_STAT, 0, {"name": "app"}),
                  request(READ, GROUP_STAT, 9)):
        assert response(server.handle(frame, "peer").response)[1] == {"rc": 8}


def test_without_the_group_its_commands_are_not_supported() -> None:
    server, target = server_for(device_with(OLD))
    target.stats["app"] = {"ticks": 1}
    frame = server.handle(request(READ, GROUP_STAT, 1), "peer").response
    assert response(frame)[1] == {"rc": 8}
    assert target.judged[-1][1] == "stat.command1"


def test_the_control_point_can_refuse_a_show() -> None:
    server, target = stat_server()
    target.deny.add("stat.show")
    frame = server.handle(request(READ, GROUP_STAT, 0, {"name": "app"}), "peer").response
    assert response(frame)[1] == {"rc": 11}


def test_task_statistics_follow_their_own_switch() -> None:
    server, _ = server_for(device_with(OLD), task_stats=False)
    assert response(server.handle(request(READ, 0, 2), "peer").response)[1] == {"rc": 8}


def test_a_response_too_large_for_the_buffer_is_emsgsize() -> None:
    server, target = stat_server(buffer_size=128)
    target.stats["many"] = {f"counter_{index}": index for index in range(40)}
    frame = server.handle(request(READ, GROUP_STAT, 0, {"name": "many"}), "peer").response
    assert response(frame)[1] == {"rc": 7}


# --- a device: the application's groups over UDP -------------------------------------


class StatDevice:
    def __init__(self, process: subprocess.Popen[bytes], port: int, console: Path,
                 trace: Path) -> None:
        self.process, self.port, self.console_path, self.trace_path = \
            process, port, console, trace

    def stop(self) -> list[dict[str, object]]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=60)
        return [json.loads(line) for line in self.trace_path.read_text().splitlines()]


SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "mgmt" / "smp_svr"


@pytest.fixture
def stat_device(builder: Builder, tmp_path: Path) -> Iterator[StatDevice]:
    yield from run_device(builder.build(APP, extra=("udp.conf",)), tmp_path)


@pytest.fixture
def sample_device(builder: Builder, tmp_path: Path) -> Iterator[StatDevice]:
    yield from run_device(builder.build(SAMPLE), tmp_path)


def run_device(build: Path, tmp_path: Path) -> Iterator[StatDevice]:
    port = free_udp_port()
    console, trace = tmp_path / "console.txt", tmp_path / "trace.jsonl"
    command = [sys.executable, "-m", "levante.cli", "run", str(build), "--flash-dir",
               str(tmp_path / "flash"), "--net", "user", "--forward", f"udp:{port}:1337",
               "--trace", str(trace)]
    with console.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=os.environ.copy())
    device = StatDevice(process, port, console, trace)
    try:
        yield device
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_smp_svr_sample_counts_its_seconds(sample_device: StatDevice) -> None:
    async def scenario() -> tuple[object, object]:
        client = await connect(sample_device.port)
        await wait_ready(client)
        listed = await client.request(ListOfGroups(), 5)
        await asyncio.sleep(1.5)
        stats = await client.request(GroupData(name="smp_svr_stats"), 5)
        await client.disconnect()
        return listed, stats

    listed, stats = asyncio.run(scenario())
    sample_device.stop()
    assert success(listed) and list(listed.stat_list) == ["smp_svr_stats"]
    assert success(stats) and stats.fields["ticks"] >= 1
    assert stats.fields["odd_ticks"] == (stats.fields["ticks"] + 1) // 2


def test_smpclient_lists_and_reads_the_applications_groups(stat_device: StatDevice) -> None:
    async def scenario() -> tuple[list[object], ...]:
        client = await connect(stat_device.port)
        await wait_ready(client)
        listed = await client.request(ListOfGroups(), 5)
        first = await client.request(GroupData(name="app"), 5)
        await asyncio.sleep(0.5)
        later = await client.request(GroupData(name="app"), 5)
        wide = await client.request(GroupData(name="wide"), 5)
        narrow = await client.request(GroupData(name="narrow"), 5)
        missing = await client.request(GroupData(name="nothing"), 5)
        too_long = await client.request(GroupData(name="n" * 40), 5)
        await client.disconnect()
        return listed, first, later, wide, narrow, missing, too_long

    listed, first, later, wide, narrow, missing, too_long = asyncio.run(scenario())
    events = stat_device.stop()
    console = stat_device.console_path.read_text(errors="replace")
    assert success(listed) and list(listed.stat_list) == ["app", "wide", "narrow"]
    assert success(first) and set(first.fields) == {"ticks", "events"}
    assert first.fields["events"] == 2 * first.fields["ticks"]
    assert later.fields["ticks"] > first.fields["ticks"]
    assert success(wide) and wide.fields == {"big": 0x100000005, "s1": 7}
    assert success(narrow) and narrow.fields == {"small": 0xFFFF, "other": 3}
    assert error(missing) and missing.err.rc == 3 and missing.err.group == GROUP_STAT
    assert error(too_long)
    # The kernel refused what stats.h cannot make, with Zephyr's codes.
    for line in ("stats: app 0 wide 0 narrow 0", "stats: duplicate -120",
                 "stats: long name -22", "stats: empty name -22", "stats: size 3 -22",
                 "stats: bad map -22", "stats: 3 groups, find wide ok"):
        assert line in console, console
    judged = [(event["action"], event["fields"]) for event in events
              if event.get("event") == "service_message" and event.get("service") == "smp"]
    assert ("stat.list", {"group": 2, "command": 1, "op": "read", "sequence": 1,
                          "request": {}}) in [(action, {**fields, "sequence": 1})
                                              for action, fields in judged]
    shows = [fields["request"] for action, fields in judged if action == "stat.show"]
    assert {"name": "wide"} in shows and {"name": "n" * 40} in shows


def test_smpmgr_reads_statistics_over_the_console_of_a_busy_device(
        builder: Builder, tmp_path: Path) -> None:
    """The application sleeps in a loop, so the system never idles for good: the
    serial transport still answers, waiting for lines while the system idles towards
    its next timer."""
    build = builder.build(APP)
    master, slave = os.openpty()
    tty.setraw(slave)
    process = subprocess.Popen(
        [sys.executable, "-m", "levante.cli", "run", str(build), "--flash-dir",
         str(tmp_path / "flash")], stdin=master, stdout=master, stderr=subprocess.DEVNULL)
    try:
        smpmgr = Smpmgr(("--port", os.ttyname(slave)))
        assert "stat_list=('app', 'wide', 'narrow')" in \
            smpmgr("statistics", "list", "--verbose")
        first = smpmgr("statistics", "smp_svr_stats")
    finally:
        process.kill()
        process.wait()
        os.close(master)
        os.close(slave)
    assert "ERR_INVALID_STAT_NAME" in first  # smpmgr asks for smp_svr_stats only


def console_run(build: Path, flash: Path, typed: bytes, trace: Path) -> bytes:
    result = subprocess.run(
        [sys.executable, "-m", "levante.cli", "run", str(build), "--flash-dir", str(flash),
         "--max-time", "5s", "--trace", str(trace)],
        input=typed, capture_output=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_smp_within_the_shells_input_and_hostile_stat_requests(
        builder: Builder, tmp_path: Path) -> None:
    """The shell transport: SMP lines among shell commands are served, the shell runs
    the rest. Hostile statistics requests are answered with an error or dropped, and
    the device goes on serving."""
    build = builder.build(APP, extra=("shell.conf",))
    list_request = bytes(ListOfGroupsRequest())
    too_long = request(READ, GROUP_STAT, 0, {"name": "x" * 5000})  # beyond the buffer
    many_keys = request(READ, GROUP_STAT, 0, {f"k{index}": index for index in range(40)})
    not_text = request(READ, GROUP_STAT, 0, {"name": {"nested": [1, [2, [3, [4]]]]}})
    typed = b"kernel version\n" + b"".join(lines(frame) for frame in (
        list_request, too_long, many_keys, not_text,
        bytes(GroupDataRequest(name="narrow")))) + b"kernel uptime\n"
    trace = tmp_path / "trace.jsonl"
    output = console_run(build, tmp_path / "flash", typed, trace)
    assert b"Levante version" in output and b"Uptime:" in output
    # A response may follow the shell's prompt on its line: a client finds its start.
    answers = responses(output.replace(b"uart:~$ ", b"uart:~$ \n"))
    assert answers[0] == {"stat_list": ["app", "wide", "narrow"]}
    assert answers[1:3] == [{"rc": 3}, {"rc": 3}]  # too many keys; a map for a name
    assert answers[3] == {"name": "narrow", "fields": {"small": 0xFFFF, "other": 3}}
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    refused = [event["reason"] for event in events if event["event"] == "smp_refused"]
    assert any("length" in reason or "buffer" in reason for reason in refused), refused


STAT_POLICY = """\
default deny
grant syscall *
grant thread start
grant service smp.stat.list
grant service smp.stat.show when request.name == "app"
"""


def test_the_policy_judges_each_statistics_command(builder: Builder, tmp_path: Path) -> None:
    """`service smp.stat.show` with the request's fields: a policy lets one group be
    read and refuses the others (rc 11, nothing read)."""
    app = tmp_path / "smp_stat_app"
    shutil.copytree(APP, app)
    (app / "policy.lvp").write_text(STAT_POLICY)
    build = builder.build(app)
    typed = b"".join(lines(frame) for frame in (
        bytes(ListOfGroupsRequest()), bytes(GroupDataRequest(name="app")),
        bytes(GroupDataRequest(name="wide"))))
    trace = tmp_path / "trace.jsonl"
    answers = responses(console_run(build, tmp_path / "flash", typed, trace))
    assert answers[0] == {"stat_list": ["app", "wide", "narrow"]}
    assert answers[1]["name"] == "app" and set(answers[1]["fields"]) == {"ticks", "events"}
    assert answers[2] == {"rc": 11}
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    verdicts = [(event["action"], event["fields"]["request"], event["verdict"])
                for event in events if event["event"] == "service_message"]
    assert verdicts == [("stat.list", {}, "allow"), ("stat.show", {"name": "app"}, "allow"),
                        ("stat.show", {"name": "wide"}, "deny")]


# --- the shell group: a peer's command line run by the console shell -----------------


def test_shell_exec_lines_are_checked_before_the_shell_sees_them() -> None:
    server, target = server_for(device_with(OLD), shell_group=True, shell_line_max=12)
    ok = server.handle(request(WRITE, GROUP_SHELL, 0, {"argv": ["bump", "5"]}), "uart")
    assert ok.response is None and ok.shell_line == "bump 5" and ok.action == "shell.exec"
    assert target.judged[-1][2]["request"] == {"argv": ["bump", "5"]}  # for a policy
    for body, rc in (({}, 3), ({"argv": []}, 3), ({"argv": "bump 5"}, 3),
                     ({"argv": ["bump", 5]}, 3), ({"argv": ["bump", ""]}, 3),
                     ({"argv": ["bump\n", "5"]}, 3), ({"argv": ["\x1ebump"]}, 3),
                     ({"argv": ["a" * 13]}, 7)):
        outcome = server.handle(request(WRITE, GROUP_SHELL, 0, body), "uart")
        assert not outcome.shell_line and response(outcome.response)[1] == {"rc": rc}
    read = server.handle(request(READ, GROUP_SHELL, 0, {"argv": ["help"]}), "uart")
    assert response(read.response)[1] == {"rc": 8}
    assert ok.header is not None
    answer = server.shell_answer(ok.header, 5, b"events now 5\n")
    assert response(answer)[1] == {"o": "events now 5\n", "ret": 5}


def test_the_console_shell_runs_smp_peers_commands(builder: Builder, tmp_path: Path) -> None:
    """Zephyr's overlay-shell-mgmt: shell exec among the shell's own lines. Output and
    result come back in the response, not on the console; the console's lines run as
    before; the shell's state is one (bump changes what stat show reads)."""
    build = builder.build(APP, extra=("shell.conf", "shell_mgmt.conf"))
    frames = [ExecuteRequest(argv=["bump", "5"]), ExecuteRequest(argv=["bump", "x"]),
              ExecuteRequest(argv=["kernel", "version"]), ExecuteRequest(argv=["nope"]),
              GroupDataRequest(name="app")]
    typed = b"kernel version\n\x1ebump 100\n" + \
        b"".join(lines(bytes(frame)) for frame in frames) + b"help\n"
    trace = tmp_path / "trace.jsonl"
    output = console_run(build, tmp_path / "flash", typed, trace)
    answers = responses(output.replace(b"uart:~$ ", b"uart:~$ \n"))
    # The typed line (its mark dropped) ran first, on the console: 100, then the peer's 5.
    assert answers[0] == {"o": "events now 105\n", "ret": 5}
    assert answers[1] == {"o": "bump: x is not a positive number\n", "ret": -22}
    assert answers[2]["o"].startswith("Levante version ") and answers[2]["ret"] == 0
    assert answers[3] == {"o": "nope: command not found\n", "ret": -8}
    assert answers[4]["fields"]["events"] >= 105
    console = output.decode(errors="replace")
    # A typed record separator is no SMP mark: that line ran as the console's own, and
    # an SMP command's output is the peer's, not the console's.
    assert "uart:~$ bump 100\nevents now 100\n" in console
    assert "events now 105" not in console and "not a positive" not in console
    assert "Levante version" in console and "  bump" in console
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [event["action"] for event in events if event["event"] == "service_message"] \
        == ["shell.exec"] * 4 + ["stat.show"]


def test_smpmgr_runs_a_shell_command_over_the_console(builder: Builder,
                                                     tmp_path: Path) -> None:
    build = builder.build(APP, extra=("shell.conf", "shell_mgmt.conf"))
    master, slave = os.openpty()
    tty.setraw(slave)
    process = subprocess.Popen(
        [sys.executable, "-m", "levante.cli", "run", str(build), "--flash-dir",
         str(tmp_path / "flash")], stdin=master, stdout=master, stderr=subprocess.DEVNULL)
    try:
        smpmgr = Smpmgr(("--port", os.ttyname(slave)))
        assert "Levante version" in smpmgr("shell", "kernel version")
        assert "events now 3" in smpmgr("shell", "bump 3")
    finally:
        process.kill()
        process.wait()
        os.close(master)
        os.close(slave)


def test_shell_exec_over_udp_is_not_supported(builder: Builder, tmp_path: Path) -> None:
    """The shell's thread reads the console, so its commands are served there only."""
    build = builder.build(APP, extra=("udp.conf", "shell.conf", "shell_mgmt.conf"))
    running = run_device(build, tmp_path)  # kept: the generator ends the run when closed
    device = next(running)

    async def scenario() -> object:
        client = await connect(device.port)
        await wait_ready(client)
        answer = await client.request(Execute(argv=["help"]), 5)
        await client.disconnect()
        return answer

    try:
        answer = asyncio.run(scenario())
    finally:
        events = device.stop()
        running.close()
    assert error(answer)
    assert any(event["event"] == "smp_refused" and event["action"] == "shell.exec" and
               "console" in event["reason"] for event in events)


def test_a_run_fed_the_same_console_input_is_the_same_run(builder: Builder,
                                                          tmp_path: Path) -> None:
    """Lines already in the input are taken at the instant the system idles, never after
    a measured wait: the same input gives the same output and trace."""
    build = builder.build(APP)
    typed = b"".join(lines(bytes(frame)) for frame in (
        ListOfGroupsRequest(), GroupDataRequest(name="app"), GroupDataRequest(name="app")))
    runs = []
    for attempt in range(2):
        trace = tmp_path / f"trace{attempt}.jsonl"
        output = console_run(build, tmp_path / f"flash{attempt}", typed, trace)
        runs.append((output, trace.read_text()))
    assert runs[0] == runs[1]
    assert len(responses(runs[0][0])) == 3
