"""coap_pending and coap_reply on the device (tests/target/coap_reply_pending): a
confirmable request's retransmissions come when RFC 7252 §4.2 says on simulated time (a
first wait in [ACK_TIMEOUT, 1.5 x ACK_TIMEOUT], doubled each time, MAX_RETRANSMIT
times), its ACK ends it; responses are matched to requests by Message ID and token (or
token alone, or Message ID for a Reset), 2.31 Continue and out-of-order notifications
(RFC 7641 §3.4) are matched but not handed to the callback."""

from __future__ import annotations

import pytest

from conftest import TARGET_TESTS, Builder

APP = TARGET_TESTS / "coap_reply_pending"


@pytest.mark.parametrize("seed", ["1", "0x5eed"])
def test_pending_schedule_and_reply_matching(builder: Builder, seed: str) -> None:
    result = builder.run(APP, "--entropy-seed", seed, max_time="60s")
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert lines[lines.index("init 0 count 1"):lines.index("count after clear 0") + 1] == [
        "init 0 count 1",
        "first wait in [1000, 1500]",
        # Sent at 0, again after 1, 2 and 4 first waits: at 1, 3 and 7; the last wait
        # (8) ends at 15 with no retransmission left (CONFIG_COAP_MAX_RETRANSMIT=3).
        "resend 1 at 1 x first, next wait 2 x first",
        "resend 2 at 3 x first, next wait 4 x first",
        "resend 3 at 7 x first, next wait 8 x first",
        "gave up after 4 sends at 15 x first",
        "ack matches 1",
        "count after clear 0",
    ]
    assert lines[lines.index("observing age -1"):] == [
        "observing age -1",
        "reply: code 69 age 5", "piggybacked: entry 0 calls 1",
        "older: entry 0 calls 1",  # 3 after 5: matched, not handed on
        "reply: code 69 age 6", "newer: entry 0 calls 2",
        "behind: entry 0 calls 2",  # 2^24 - 4: ten behind 6 across the wrap
        "reply: code 69 age 8388613", "ahead: entry 0 calls 3",
        "reply: code 69 age 2", "wrapped: entry 0 calls 4",
        "other token: entry -1 calls 4",
        "continue: entry 0 calls 4",  # 2.31: matched, no callback
        "reply: code 0 age 2", "reset: entry 0 calls 5",  # by Message ID alone
        "request: entry -1 calls 5",  # a request answers nothing
        "cleared: entry -1 calls 5",
        "done",
    ]
