"""A C program with user threads in two security domains passing a semaphore's handle
through generated IPC stubs (tests/target/ipc_handles: keys.idl, domains.toml,
policy.lvp), end to end through `levante build` and `levante run` on both boards."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder
from levante.abi import ERRNO
from levante.kernel.handles import RIGHTS

APP = Path(__file__).parent / "ipc_handles"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_a_lent_handle_moves_with_its_declared_rights_and_dies_with_its_root(
        builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="2s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    signal = RIGHTS["SIGNAL"]
    # The policy sees the handle's rights: one holding WAIT stays with its domain.
    assert f"client: lend the root: {-ERRNO['EACCES']}, root kept: 0" in lines
    # The keeper's copy holds exactly what `handle<signal>` declares; the client's
    # value names nothing once lent.
    assert f"keeper: gave the bell through a handle with rights {signal}" in lines
    assert f"client: lend a signal copy: 0, the keeper holds rights {signal}" in lines
    assert f"client: the lent value here: {-ERRNO['EBADF']}" in lines
    assert "client: the keeper's ring: 0" in lines and "client: the prober's ring: 0" in lines
    # A message whose second handle may not move moves neither and never arrives.
    assert (f"client: pair with a second handle that may not move: {-ERRNO['EPERM']}, "
            "first kept: 0") in lines
    assert not any(line.startswith("keeper: pair") for line in lines)
    # root, the lent copy in the keeper's domain and the pair's two.
    assert "client: revoked: 4" in lines
    assert f"client: the keeper's copy after the revoke: {-ERRNO['EBADF']} (0)" in lines
    # The keeper's domain may give through the handle, never take.
    assert "prober: gave the bell" in lines
    assert not any(line.startswith("prober: took") for line in lines)
    assert "FATAL 3 in domain keeper" in lines
    assert [(event["thread"], event["reason"]) for event in result.events("fault")] == [
        ("prober", "K_ERR_KERNEL_OOPS")]
    refused = [(event["message"], event["reason"], event["errno"])
               for event in result.events("ipc_refused")]
    assert refused == [("keys.lend", "policy", -ERRNO["EACCES"]),
                       ("keys.pair", "handle transfer", -ERRNO["EPERM"])]
    # The policy saw the handle slot as a message field: the sender's handle's rights
    # (its type too: the rule that refused the root names it).
    lend = [event["fields"]["bell"] for event in result.events("service_message")
            if event["action"] == "keys.lend" and event["fields"]["direction"] == "request"]
    assert [(field["rights"], field["live"]) for field in lend] == [
        (signal | RIGHTS["WAIT"] | RIGHTS["TRANSFER"] | RIGHTS["DUPLICATE"], True),
        (signal | RIGHTS["TRANSFER"], True)]
