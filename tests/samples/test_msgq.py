"""samples/msgq: a fast producer and a slow consumer around a small message queue."""

from __future__ import annotations

import re

from conftest import SAMPLES, Builder

APP = SAMPLES / "msgq"
MESSAGES = 40  # the sample's MESSAGES
QUEUE_DEPTH = 4  # the sample's QUEUE_DEPTH
CONSUMER_LINE = re.compile(r"^consumer: message (\d+) (ok|CORRUPT) at (\d+) ms \((\d+) waiting\)$")
PRODUCER_SUMMARY = re.compile(
    rf"^producer: sent {MESSAGES} messages, found the queue full (\d+) times$"
)


def test_every_message_arrives_intact_and_in_order(builder: Builder) -> None:
    result = builder.run(APP)
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert lines[1] == f"msgq: {MESSAGES} messages of 20 bytes through a queue of {QUEUE_DEPTH}"
    received = [m for m in map(CONSUMER_LINE.match, lines) if m]
    assert [int(m.group(1)) for m in received] == list(range(MESSAGES))
    assert {m.group(2) for m in received} == {"ok"}
    assert lines[-1] == f"consumer: received {MESSAGES} messages, 0 out of sequence, 0 corrupt"

    # The queue really filled up: after a get, the blocked producer's message took the
    # freed slot at once, so the consumer saw a full queue behind it.
    backlog = [int(m.group(4)) for m in received]
    assert max(backlog) == QUEUE_DEPTH
    # Uptimes never go backwards and the consumer, not the producer, sets the pace.
    uptimes = [int(m.group(3)) for m in received]
    assert uptimes == sorted(uptimes)
    assert uptimes[-1] >= 25 * (MESSAGES - 1)

    # Both threads finished their work and returned: the system ended idle.
    exits = [event["thread"] for event in result.events("thread_exit")]
    assert sorted(exits) == ["consumer", "main", "producer"]


def test_trace_shows_the_producer_blocking_on_a_full_queue(builder: Builder) -> None:
    result = builder.run(APP)
    calls = result.events("syscall")
    puts = [event for event in calls if event["call"] == "k_msgq_put"]
    assert {event["thread"] for event in puts} == {"producer"}
    assert len(puts) == MESSAGES
    blocked = [event for event in puts if event["result"] == "blocked"]
    assert blocked, "the producer never had to wait"
    # Every put that did not block succeeded at once.
    assert all(event["result"] == 0 for event in puts if event["result"] != "blocked")

    # The producer's own count of "queue full before put" matches the kernel's view.
    (summary,) = [m for m in map(PRODUCER_SUMMARY.match, result.output.splitlines()) if m]
    assert int(summary.group(1)) == len(blocked)

    # A blocked producer resumes only when the consumer takes a message: between each
    # blocked put and the producer's next system call there is a consumer k_msgq_get.
    for put in blocked:
        after = calls[calls.index(put) + 1:]
        next_producer = next(i for i, e in enumerate(after) if e["thread"] == "producer")
        assert any(e["call"] == "k_msgq_get" and e["thread"] == "consumer"
                   for e in after[:next_producer])
