"""samples/ipc/door: typed IPC between two user threads, end to end through `levante run`:
generated stubs and dispatch, priority inheritance, the server's error, a policy
refusing by parameter and by method, and a malformed request refused and audited."""

from __future__ import annotations

from conftest import SAMPLES, Builder
from levante.abi import ERRNO

APP = SAMPLES / "ipc" / "door"


def test_the_client_and_the_lock_talk_through_the_generated_stubs(builder: Builder) -> None:
    result = builder.run(APP)
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert "door: interface 0xd00, the lock serves, the client calls" in lines
    # The server's own error comes back to the client as the call's result.
    assert f"client: unlock as bob with a wrong code: {-ERRNO['EINVAL']}" in lines
    assert "client: unlock as alice: 0, state unlocked, attempt 2" in lines
    # The struct, the enum and the byte sequence of the reply arrive decoded.
    assert "client: status: 0, -4 C, 61% humidity, log 2 bytes ab 02" in lines
    # While serving, the lock (priority 6) runs at its client's priority (3).
    assert "lock: unlock by alice with code 1234 at priority 3" in lines
    assert "lock: served 3 calls, priority back to 6" in lines


def test_the_policy_refuses_before_the_server_sees_the_request(builder: Builder) -> None:
    result = builder.run(APP)
    lines = result.output.splitlines()
    assert f"client: unlock as mallory: {-ERRNO['EPERM']}" in lines
    assert f"client: lock: {-ERRNO['EACCES']}" in lines
    assert not any("mallory" in line for line in lines if line.startswith("lock:"))
    assert not any("locked by" in line for line in lines)
    delivered = [event["message"] for event in result.events("ipc_delivered")]
    assert delivered == ["door.unlock", "door.unlock", "door.status"]
    refused = [(event["message"], event["reason"], event["errno"])
               for event in result.events("ipc_refused")]
    assert ("door.unlock", "policy", -ERRNO["EPERM"]) in refused
    assert ("door.lock", "policy", -ERRNO["EACCES"]) in refused
    audited = [(event["policy_event"], event["verdict"])
               for event in result.events("policy_audit")]
    assert ("service ipc.door.unlock", "deny") in audited
    assert ("service ipc.door.lock", "deny") in audited


def test_a_malformed_request_is_refused_and_audited(builder: Builder) -> None:
    result = builder.run(APP)
    assert f"client: forged unlock: {-ERRNO['EBADMSG']}" in result.output.splitlines()
    refused = [event for event in result.events("ipc_refused")
               if event["errno"] == -ERRNO["EBADMSG"]]
    assert [(event["thread"], event["reason"]) for event in refused] == \
        [("client", "who: length 200 is past its bound 16")]
    audited = [event for event in result.events("policy_audit")
               if event["policy_event"] == "service ipc.malformed"]
    assert [(event["thread"], event["verdict"]) for event in audited] == [("client", "deny")]


def test_the_policy_scenarios_of_the_ipc_events_hold() -> None:
    from conftest import levante

    result = levante("policy", "test", str(APP / "scenarios.lvs"), "-p",
                     str(APP / "policy.lvp"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith("2 scenario(s), 5 step(s): 5 as expected, 0 not\n")
