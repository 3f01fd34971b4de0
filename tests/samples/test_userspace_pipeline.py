"""samples/userspace_pipeline: three user threads in three memory domains, two queues."""

from __future__ import annotations

import re
import struct
import zlib
from collections import Counter

import pytest
from userspace_support import check_isolation_fault, initial_bytes, partition

from conftest import SAMPLES, Builder, RunResult, kernel_thread_names
from levante.image.elf import ElfImage, load_elf

APP = SAMPLES / "userspace_pipeline"
BOARDS = ("lv_m4", "lv_m33")
ITEMS = 16  # the sample's ITEMS
QUEUE_DEPTH = 4  # the sample's QUEUE_DEPTH
COEFFICIENTS = 4  # the sample's COEFFICIENTS
STAGES = ("producer", "processor", "consumer")
PRIORITIES = (5, 6, 7)
ITEM_LINE = re.compile(r"^consumer: item (\d+) = 0x([0-9a-f]{8})$")
PARTITION_LINE = re.compile(r"^main: (\w+) +partition 0x([0-9a-f]+), (\d+) bytes$")


def image_of(builder: Builder, board: str) -> ElfImage:
    return load_elf(builder.build(APP, board) / "levante.elf")


def initial_words(image: ElfImage, name: str, count: int) -> list[int]:
    """The initial value of a global array of uint32_t, as loaded into RAM."""
    return list(struct.unpack(f"<{count}I", initial_bytes(image, name, 4 * count)))


def expected_values(image: ElfImage) -> list[int]:
    """What the processor computes from the producer's input and its coefficients."""
    samples = initial_words(image, "producer_input", ITEMS)
    coefficients = initial_words(image, "processor_coefficients", COEFFICIENTS)
    return [(value * coefficients[n % COEFFICIENTS] + n) % 2**32
            for n, value in enumerate(samples)]


@pytest.fixture(scope="module", params=BOARDS)
def run(request: pytest.FixtureRequest, builder: Builder) -> tuple[str, RunResult, ElfImage]:
    board: str = request.param
    return board, builder.run(APP, board=board), image_of(builder, board)


def test_every_item_arrives_in_order_with_the_right_value(
        run: tuple[str, RunResult, ElfImage]) -> None:
    board, result, image = run
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert lines[1] == f"userspace_pipeline: {ITEMS} items through queues of {QUEUE_DEPTH} " \
        f"on {board}"
    expected = expected_values(image)
    received = [(int(m.group(1)), int(m.group(2), 16)) for m in map(ITEM_LINE.match, lines) if m]
    assert received == list(enumerate(expected))

    # The checksums the program computed (CRC-32 in user mode, the sum in main) agree
    # with Python's over the same values.
    crc = zlib.crc32(struct.pack(f"<{ITEMS}I", *expected))
    assert f"consumer: received {ITEMS} items, 0 out of order, crc32 0x{crc:08x} " \
        "(user mode: yes)" in lines
    assert f"main: sent {ITEMS}, processed {ITEMS}, received {ITEMS}, crc32 0x{crc:08x}, " \
        f"sum 0x{sum(expected) % 2**32:08x}" in lines
    assert f"producer: sent {ITEMS} items (user mode: yes)" in lines
    assert f"processor: processed {ITEMS} items (user mode: yes)" in lines


def test_each_stage_has_its_own_partition_and_only_its_queues(
        run: tuple[str, RunResult, ElfImage]) -> None:
    _, result, image = run
    # main reports each stage's partition: the one the build laid out for its data.
    reported = {m.group(1): range(int(m.group(2), 16), int(m.group(2), 16) + int(m.group(3)))
                for m in map(PARTITION_LINE.match, result.output.splitlines()) if m}
    partitions = {stage: partition(image, f"{stage}_part") for stage in STAGES}
    assert reported == partitions
    owned = {"producer": ["producer_input", "producer_sent"],
             "processor": ["processor_coefficients", "processor_done"],
             "consumer": ["consumer_results", "consumer_received", "consumer_crc"]}
    for stage, variables in owned.items():
        for variable in variables:
            symbol = image.symbols[variable]
            assert symbol.address in partitions[stage]
            assert symbol.address + symbol.size - 1 in partitions[stage]
    spans = sorted((p.start, p.stop) for p in partitions.values())
    assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))

    # Created stopped at their priorities, then each granted exactly its queues.
    created = [e["priority"] for e in result.events("thread_create")
               if e["thread"] not in kernel_thread_names(image)]
    assert created == list(PRIORITIES)
    grants: dict[str, set[int]] = {}
    for event in result.events("grant"):
        grants.setdefault(event["thread"], set()).add(event["object"])
    raw, cooked = (image.symbols[name].address for name in ("q_raw", "q_cooked"))
    assert grants == {"producer": {raw}, "processor": {raw, cooked}, "consumer": {cooked}}

    # Each queue is used only by the stages it connects: one put and one get per item.
    calls = Counter((e["thread"], e["call"]) for e in result.events("syscall")
                    if e["call"].startswith("k_msgq_"))
    assert calls == {("producer", "k_msgq_put"): ITEMS, ("processor", "k_msgq_get"): ITEMS,
                     ("processor", "k_msgq_put"): ITEMS, ("consumer", "k_msgq_get"): ITEMS}
    # The producer is the most urgent stage: it filled q_raw and had to wait for room.
    puts = [e for e in result.events("syscall")
            if e["call"] == "k_msgq_put" and e["thread"] == "producer"]
    assert [e["result"] for e in puts[:QUEUE_DEPTH]] == [0] * QUEUE_DEPTH
    assert any(e["result"] == "blocked" for e in puts)


def test_reading_another_stage_partition_faults_and_the_system_runs_on(
        run: tuple[str, RunResult, ElfImage]) -> None:
    _, result, image = run
    target = image.symbols["producer_input"].address
    assert target in partition(image, "producer_part")
    assert target not in partition(image, "consumer_part")

    lines, handler = check_isolation_fault(
        result, image, "consumer", target, "consumer_entry",
        f"consumer: reading the producer's input at 0x{target:08x}",
    )
    # Only the consumer was aborted: main's join returned and it finished normally.
    assert lines[handler + 1].startswith(f"main: sent {ITEMS}, processed {ITEMS}, ")
    assert lines[handler + 2:] == ["main: 1 fatal error(s), last reason 0; done"]
    assert result.status == 0, result.errors
    # The stages finish in pipeline order.  The consumer's exit is its abort, right
    # after the handler (in interrupt context) returned.
    assert [e["thread"] for e in result.events("thread_exit")] == [*STAGES, "main"]
    (fault,) = result.events("fault")
    after = result.trace[result.trace.index(fault) + 1:]
    abort = next(i for i, e in enumerate(after) if e["event"] == "thread_exit")
    assert after[abort]["thread"] == "consumer"
    assert after[0] == {**after[0], "event": "isr", "function": "k_sys_fatal_error_handler"}
    assert all(e["event"] == "syscall" and e["thread"] == "isr" for e in after[1:abort])
