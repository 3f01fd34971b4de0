"""Synchronous IPC under the mock CPU: call/receive/reply, timeouts, priority
inheritance, dead peers both ways, malformed messages, hostile tokens and lengths."""

from __future__ import annotations

from typing import Any

from ipc_fixture import (
    IpcSystem,
    client_of,
    endpoint_state,
    serve_once,
    unlock_reply,
    unlock_request,
)
from mock_cpu import K_FOREVER, K_NO_WAIT, Args, Script, call

from levante.abi import ERRNO

EAGAIN, EBADMSG, EINVAL = -ERRNO["EAGAIN"], -ERRNO["EBADMSG"], -ERRNO["EINVAL"]
EPIPE, ENOTSUP, EMSGSIZE = -ERRNO["EPIPE"], -ERRNO["ENOTSUP"], -ERRNO["EMSGSIZE"]


def test_a_call_reaches_the_server_and_its_reply_the_client() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}
    ipc.system.thread("server", serve_once(ipc, results, unlock_reply(True, 9)), 5)
    ipc.system.thread("client", client_of(ipc, results, unlock_request(code=1234)), 6)
    ipc.boot()
    ipc.system.run(until=200_000)
    assert results["received"] == unlock_request(code=1234)
    assert results["token"] != 0
    assert results["reply"] == 0
    assert results["call"] == len(unlock_reply(True, 9))
    assert results["call_reply"] == unlock_reply(True, 9)
    assert endpoint_state(ipc).in_service == {}
    delivered = ipc.system.events("ipc_delivered")
    assert [(event["thread"], event["peer"], event["message"]) for event in delivered] == \
        [("server", "client", "door.unlock")]


def test_a_call_waits_for_a_server_that_comes_later() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}

    def late_server(args: Args) -> Script:
        yield call("k_sleep", 5)
        yield from serve_once(ipc, results, unlock_reply())(args)

    ipc.system.thread("server", late_server, 5)
    ipc.system.thread("client", client_of(ipc, results, unlock_request()), 6)
    ipc.boot()
    ipc.system.run(until=500_000)
    assert results["received"] == unlock_request()
    assert results["call_reply"] == unlock_reply()


def test_timeouts_without_a_peer() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}

    def main(_: Args) -> Script:
        message, reply = ipc.buffer(unlock_request()), ipc.buffer()
        token = ipc.buffer(size=4)
        request = unlock_request()
        results["no_wait"] = yield call("z_levante_ipc_call", ipc.endpoint, message,
                                        len(request), reply, 256, K_NO_WAIT)
        results["timed"] = yield call("z_levante_ipc_call", ipc.endpoint, message,
                                      len(request), reply, 256, 3)
        results["receive"] = yield call("z_levante_ipc_receive", ipc.endpoint, reply, 256,
                                        token, 3)
        results["receive_now"] = yield call("z_levante_ipc_receive", ipc.endpoint, reply,
                                            256, token, K_NO_WAIT)

    ipc.system.main(main)
    ipc.boot()
    ipc.system.run(until=500_000)
    assert results == {"no_wait": EAGAIN, "timed": EAGAIN, "receive": EAGAIN,
                       "receive_now": EAGAIN}
    assert len(endpoint_state(ipc).callers) == 0 and len(endpoint_state(ipc).receivers) == 0


def test_the_server_runs_at_its_client_priority_while_it_serves() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}
    seen: list[int] = []

    def look() -> Script:
        seen.append(ipc.system.thread_named("server").priority)
        yield call("k_busy_wait", 1)

    def server(args: Args) -> Script:
        seen.append(ipc.system.thread_named("server").priority)
        yield from serve_once(ipc, results, unlock_reply(), look)(args)
        seen.append(ipc.system.thread_named("server").priority)

    ipc.system.thread("server", server, 10)
    ipc.system.thread("client", client_of(ipc, results, unlock_request()), 2)
    ipc.boot()
    ipc.system.run(until=500_000)
    assert seen == [10, 2, 10]
    assert results["call_reply"] == unlock_reply()


def test_a_client_whose_server_ends_gets_epipe() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}

    def dying() -> Script:
        yield call("k_thread_abort", ipc.system.thread_named("server").address)

    ipc.system.thread("server", serve_once(ipc, results, unlock_reply(), dying), 5)
    ipc.system.thread("client", client_of(ipc, results, unlock_request()), 6)
    ipc.boot()
    ipc.system.run(until=500_000)
    assert results["call"] == EPIPE
    assert "reply" not in results
    assert endpoint_state(ipc).in_service == {}
    assert ipc.system.events("ipc_peer_gone")[0]["thread"] == "client"


def test_a_server_replying_to_a_client_that_timed_out_gets_epipe() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}

    def slow() -> Script:
        yield call("k_sleep", 20)

    ipc.system.thread("server", serve_once(ipc, results, unlock_reply(), slow), 9)
    ipc.system.thread("client", client_of(ipc, results, unlock_request(), timeout=5), 2)
    ipc.boot()
    ipc.system.run(until=2_000_000)
    assert results["call"] == EAGAIN
    assert results["reply"] == EPIPE
    assert ipc.system.thread_named("server").priority == 9  # restored at the timeout
    assert endpoint_state(ipc).in_service == {}


def test_a_server_replying_to_an_aborted_client_gets_epipe() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}

    def kill_client() -> Script:
        yield call("k_thread_abort", ipc.system.thread_named("client").address)

    ipc.system.thread("server", serve_once(ipc, results, unlock_reply(), kill_client), 5)
    ipc.system.thread("client", client_of(ipc, results, unlock_request()), 6)
    ipc.boot()
    ipc.system.run(until=500_000)
    assert "call" not in results
    assert results["reply"] == EPIPE
    assert endpoint_state(ipc).in_service == {}
    assert ipc.system.thread_named("server").on_abort == {}


MALFORMED = {
    "short": unlock_request()[:10],
    "truncated": unlock_request()[:-1],
    "trailing": unlock_request() + b"\0",
    "length field": unlock_request()[:12] + b"\x05\0\0\0" + unlock_request()[16:],
    "other interface": b"\x45" + unlock_request()[1:],
    "unknown method": unlock_request()[:4] + b"\x09\0" + unlock_request()[6:],
    "reply flag": unlock_request()[:6] + b"\x01\0" + unlock_request()[8:],
    "status": unlock_request()[:8] + b"\xff\xff\xff\xff" + unlock_request()[12:],
    "bool 2": unlock_request()[:-1] + b"\x02",
    "enum 9": unlock_request()[:-5] + b"\x09\0\0\0" + unlock_request()[-1:],
    "string past its bound": unlock_request(who="x" * 9),
    "string with a NUL": unlock_request(who="a\0b"),
    "string not UTF-8": unlock_request(who="ab").replace(b"ab", b"\xff\xfe"),
}


def test_a_malformed_request_never_reaches_the_server() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}

    def server(_: Args) -> Script:
        buffer, token = ipc.buffer(), ipc.buffer(size=4)
        results["server"] = yield call("z_levante_ipc_receive", ipc.endpoint, buffer, 256,
                                       token, 50)

    def client(args: Args) -> Script:
        for name, request in MALFORMED.items():
            yield from client_of(ipc, results, request, key=name)(args)

    ipc.system.thread("server", server, 5)
    ipc.system.thread("client", client, 6)
    ipc.boot()
    ipc.system.run(until=2_000_000)
    assert {name: results[name] for name in MALFORMED} == {name: EBADMSG for name in MALFORMED}
    assert results["server"] == EAGAIN  # nothing arrived
    refused = ipc.system.events("ipc_refused")
    assert len(refused) == len(MALFORMED)
    assert all(event["errno"] == EBADMSG and event["direction"] == "request"
               for event in refused)
    reasons = [event["reason"] for event in refused]
    assert "who: length 9 is past its bound 8" in reasons
    assert "fast: bool 2 is neither 0 nor 1" in reasons
    assert "m: 9 is no value of enum mode" in reasons


def test_a_malformed_reply_is_refused_to_the_server_which_may_reply_again() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}
    bad = unlock_reply()[:-1]

    def bad_first() -> Script:
        out = ipc.buffer(bad)
        results["bad"] = yield call("z_levante_ipc_reply", ipc.endpoint, results["token"],
                                    out, len(bad))
        request = unlock_request()  # a request where a reply belongs
        out = ipc.buffer(request)
        results["request_as_reply"] = yield call("z_levante_ipc_reply", ipc.endpoint,
                                                 results["token"], out, len(request))

    ipc.system.thread("server", serve_once(ipc, results, unlock_reply(), bad_first), 5)
    ipc.system.thread("client", client_of(ipc, results, unlock_request()), 6)
    ipc.boot()
    ipc.system.run(until=500_000)
    assert results["bad"] == EBADMSG and results["request_as_reply"] == EBADMSG
    assert results["reply"] == 0 and results["call_reply"] == unlock_reply()


def test_forged_stale_and_foreign_tokens_are_refused() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}
    reply = unlock_reply()

    def other(_: Args) -> Script:
        yield call("k_sleep", 2)  # while the server has the call
        out = ipc.buffer(reply)
        results["foreign"] = yield call("z_levante_ipc_reply", ipc.endpoint,
                                        results["token"], out, len(reply))
        results["foreign_error"] = yield call("z_levante_ipc_reply_error", ipc.endpoint,
                                              results["token"], EINVAL)

    def checks() -> Script:
        yield call("k_sleep", 5)
        out = ipc.buffer(reply)
        for forged in (0, results["token"] + 1, 0xFFFFFFFF):
            results[f"forged {forged}"] = yield call("z_levante_ipc_reply", ipc.endpoint,
                                                     forged, out, len(reply))
        results["positive error"] = yield call("z_levante_ipc_reply_error", ipc.endpoint,
                                               results["token"], 5)
        results["zero error"] = yield call("z_levante_ipc_reply_error", ipc.endpoint,
                                           results["token"], 0)

    def server(args: Args) -> Script:
        yield from serve_once(ipc, results, reply, checks)(args)
        out = ipc.buffer(reply)
        results["stale"] = yield call("z_levante_ipc_reply", ipc.endpoint, results["token"],
                                      out, len(reply))

    ipc.system.thread("server", server, 5)
    ipc.system.thread("other", other, 5)
    ipc.system.thread("client", client_of(ipc, results, unlock_request()), 6)
    ipc.boot()
    ipc.system.run(until=1_000_000)
    token = results["token"]
    assert results["foreign"] == EINVAL and results["foreign_error"] == EINVAL
    assert [results[f"forged {forged}"] for forged in (0, token + 1, 0xFFFFFFFF)] == \
        [EINVAL] * 3
    assert results["positive error"] == EINVAL and results["zero error"] == EINVAL
    assert results["reply"] == 0 and results["stale"] == EINVAL
    assert results["call_reply"] == reply


def test_hostile_lengths() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}

    def main(_: Args) -> Script:
        message, reply = ipc.buffer(size=4096), ipc.buffer()
        results["huge"] = yield call("z_levante_ipc_call", ipc.endpoint, message, 4096,
                                     reply, 256, K_NO_WAIT)
        results["negative"] = yield call("z_levante_ipc_call", ipc.endpoint, message,
                                         0xFFFFFFFF, reply, 256, K_NO_WAIT)
        results["tiny reply"] = yield call("z_levante_ipc_call", ipc.endpoint, message, 20,
                                           reply, 8, K_NO_WAIT)
        results["tiny receive"] = yield call("z_levante_ipc_receive", ipc.endpoint, reply,
                                             8, reply, K_NO_WAIT)

    ipc.system.main(main)
    ipc.boot()
    ipc.system.run(until=500_000)
    assert results == {"huge": EMSGSIZE, "negative": EMSGSIZE, "tiny reply": EINVAL,
                       "tiny receive": EINVAL}


def test_the_server_error_reaches_the_client() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}

    def server(_: Args) -> Script:
        buffer, token = ipc.buffer(), ipc.buffer(size=4)
        yield call("z_levante_ipc_receive", ipc.endpoint, buffer, 256, token, K_FOREVER)
        value = int.from_bytes(ipc.read(token, 4), "little")
        results["error"] = yield call("z_levante_ipc_reply_error", ipc.endpoint, value,
                                      -ERRNO["EACCES"])

    ipc.system.thread("server", server, 5)
    ipc.system.thread("client", client_of(ipc, results, unlock_request()), 6)
    ipc.boot()
    ipc.system.run(until=500_000)
    assert results == {"error": 0, "call": -ERRNO["EACCES"]}


def test_without_interfaces_every_call_is_refused() -> None:
    ipc = IpcSystem(checker=False)
    results: dict[str, Any] = {}
    ipc.system.main(client_of(ipc, results, unlock_request(), timeout=K_NO_WAIT))
    ipc.boot()
    ipc.system.run(until=500_000)
    assert results == {"call": ENOTSUP}


def test_a_user_thread_pointing_outside_its_memory_faults_and_nothing_is_queued() -> None:
    from mock_cpu import returning_fatal_handler

    from levante.abi import THREAD_OPTIONS

    ipc = IpcSystem(userspace=True)
    ipc.system.fatal_handler(returning_fatal_handler)
    results: dict[str, Any] = {}

    def intruder(_: Args) -> Script:
        stack = ipc.system.thread_named("intruder").stack_start
        request = unlock_request()
        ipc.system.cpu.write_memory(stack + 64, request)
        # The request is its own, the reply buffer the kernel's (the endpoint itself).
        results["never"] = yield call("z_levante_ipc_call", ipc.endpoint, stack + 64,
                                      len(request), ipc.endpoint, 256, K_FOREVER)

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", ipc.endpoint,
                   ipc.system.thread_named("intruder").address)
        yield call("k_sleep", 5)
        token = ipc.buffer(size=4)
        results["receive"] = yield call("z_levante_ipc_receive", ipc.endpoint, ipc.buffer(),
                                        256, token, K_NO_WAIT)
        yield call("k_sleep", K_FOREVER)

    ipc.system.thread("intruder", intruder, 5, options=THREAD_OPTIONS["K_USER"])
    ipc.system.main(main)
    ipc.boot()
    ipc.system.run(until=500_000)
    assert "never" not in results and results["receive"] == EAGAIN
    assert [event["thread"] for event in ipc.system.events("fault")] == ["intruder"]
    assert len(endpoint_state(ipc).callers) == 0


def test_a_server_with_two_calls_runs_at_the_more_important_client_until_it_answers() -> None:
    ipc = IpcSystem()
    results: dict[str, Any] = {}
    seen: list[int] = []

    def server(_: Args) -> Script:
        tokens = []
        for _ in range(2):
            buffer, token = ipc.buffer(), ipc.buffer(size=4)
            yield call("z_levante_ipc_receive", ipc.endpoint, buffer, 256, token, K_FOREVER)
            tokens.append(int.from_bytes(ipc.read(token, 4), "little"))
            seen.append(ipc.system.thread_named("server").priority)
        out = ipc.buffer(unlock_reply())
        for token in reversed(tokens):  # the later (more important) call first
            yield call("z_levante_ipc_reply", ipc.endpoint, token, out, len(unlock_reply()))
            seen.append(ipc.system.thread_named("server").priority)

    def later(args: Args) -> Script:
        yield call("k_sleep", 2)
        yield from client_of(ipc, results, unlock_request(), key="urgent")(args)

    ipc.system.thread("server", server, 10)
    ipc.system.thread("first", client_of(ipc, results, unlock_request(), key="first"), 4)
    ipc.system.thread("urgent", later, 2)
    ipc.boot()
    ipc.system.run(until=1_000_000)
    assert seen == [4, 2, 4, 10]
    assert results["first_reply"] == results["urgent_reply"] == unlock_reply()
