"""samples/userspace_shared_mem: two memory domains that share one partition."""

from __future__ import annotations

import re

import pytest
from userspace_support import check_isolation_fault, initial_bytes, partition

from conftest import SAMPLES, Builder, RunResult, kernel_thread_names
from levante.image.elf import ElfImage, load_elf

APP = SAMPLES / "userspace_shared_mem"
BOARDS = ("lv_m4", "lv_m33")
ROUNDS = 3  # the sample's ROUNDS
PARTITION_LINE = re.compile(
    r"^main: (thread_[ab]): own partition 0x([0-9a-f]+) \((\d+) bytes\), "
    r"shared 0x([0-9a-f]+) \((\d+) bytes\)$"
)


def within(image: ElfImage, variable: str, span: range) -> bool:
    symbol = image.symbols[variable]
    return symbol.address in span and symbol.address + symbol.size - 1 in span


def messages(image: ElfImage) -> list[str]:
    data = initial_bytes(image, "a_messages")
    size = len(data) // ROUNDS
    return [data[i * size:(i + 1) * size].split(b"\0")[0].decode() for i in range(ROUNDS)]


def vigenere(texts: list[str], key: str) -> list[str]:
    """Shift each lowercase letter by the next key letter; the key runs on across texts."""
    position = 0
    out = []
    for text in texts:
        letters = []
        for char in text:
            if "a" <= char <= "z":
                shift = ord(key[position % len(key)]) - ord("A")
                char = chr((ord(char) - ord("a") + shift) % 26 + ord("a"))
                position += 1
            letters.append(char)
        out.append("".join(letters))
    return out


@pytest.fixture(scope="module", params=BOARDS)
def run(request: pytest.FixtureRequest, builder: Builder) -> tuple[str, RunResult, ElfImage]:
    board: str = request.param
    image = load_elf(builder.build(APP, board) / "levante.elf")
    return board, builder.run(APP, board=board), image


def test_b_enciphers_each_message_and_a_reads_it_back(
        run: tuple[str, RunResult, ElfImage]) -> None:
    board, result, image = run
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert lines[1] == f"userspace_shared_mem: {ROUNDS} rounds on {board}"
    plain = messages(image)
    key = initial_bytes(image, "b_key").rstrip(b"\0").decode()
    assert len(set(plain)) == ROUNDS and key.isupper()
    cipher = vigenere(plain, key)
    assert cipher != plain

    # The turns strictly alternate through the shared mailbox: A writes, B enciphers in
    # place, A reads back what B wrote.
    expected = []
    for round_, (text, secret) in enumerate(zip(plain, cipher, strict=True)):
        letters = sum("a" <= char <= "z" for char in text)
        expected += [
            f'A: round {round_} sends "{text}" ({len(text)} bytes)',
            f"B: round {round_} received {len(text)} bytes",
            f"B: round {round_} enciphered {letters} letters",
            f'A: round {round_} got   "{secret}"',
        ]
    assert [line for line in lines if re.match(r"^[AB]: round ", line)] == expected
    total = sum(char.islower() for text in plain for char in text)
    assert f"B: done, {total} letters in all (user mode: yes)" in lines
    assert f'main: B enciphered {total} letters; A kept {ROUNDS} replies, the last ' \
        f'"{cipher[-1]}"' in lines


def test_the_domains_share_one_partition_and_both_semaphores(
        run: tuple[str, RunResult, ElfImage]) -> None:
    _, result, image = run
    part_a, part_b, shared = (partition(image, name)
                              for name in ("part_a", "part_b", "shared_part"))
    spans = sorted((p.start, p.stop) for p in (part_a, part_b, shared))
    assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))
    assert within(image, "a_messages", part_a) and within(image, "a_replies", part_a)
    assert within(image, "b_key", part_b) and within(image, "b_letters", part_b)
    assert within(image, "shared_mailbox", shared)

    # main reports each domain: the thread's own partition and the same shared one.
    reported = {m.group(1): (range(int(m.group(2), 16), int(m.group(2), 16) + int(m.group(3))),
                             range(int(m.group(4), 16), int(m.group(4), 16) + int(m.group(5))))
                for m in map(PARTITION_LINE.match, result.output.splitlines()) if m}
    assert reported == {"thread_a": (part_a, shared), "thread_b": (part_b, shared)}

    # Both threads were granted both semaphores, and nothing else.
    semaphores = {image.symbols[name].address for name in ("request_ready", "reply_ready")}
    grants: dict[str, set[int]] = {}
    for event in result.events("grant"):
        grants.setdefault(event["thread"], set()).add(event["object"])
    assert grants == {"thread_a": semaphores, "thread_b": semaphores}

    # The semaphores only order the turns: B waits first, then every give wakes the
    # other thread, which had blocked.  The text itself never goes through the kernel.
    calls = [(e["thread"], e["call"], e["result"]) for e in result.events("syscall")
             if e["call"] in ("k_sem_take", "k_sem_give")]
    turn = [("thread_a", "k_sem_give", None), ("thread_a", "k_sem_take", "blocked"),
            ("thread_b", "k_sem_give", None), ("thread_b", "k_sem_take", "blocked")]
    assert calls == [("thread_b", "k_sem_take", "blocked"), *turn * ROUNDS][:-1]
    assert not [e for e in result.events("syscall") if e["call"].startswith("k_msgq_")]
    created = [e["priority"] for e in result.events("thread_create")
               if e["thread"] not in kernel_thread_names(image)]
    assert created == [5, 5]


def test_a_cannot_read_b_partition_and_the_system_runs_on(
        run: tuple[str, RunResult, ElfImage]) -> None:
    _, result, image = run
    key = image.symbols["b_key"].address
    assert key in partition(image, "part_b")
    assert key not in partition(image, "part_a") and key not in partition(image, "shared_part")

    lines, handler = check_isolation_fault(
        result, image, "thread_a", key, "client_entry", f"A: reading B's key at 0x{key:08x}"
    )
    # Only thread A was aborted; main's join returned and it ended normally.
    assert lines[handler + 1].startswith("main: B enciphered ")
    assert lines[handler + 2:] == ["main: 1 fatal error(s), last reason 0; done"]
    assert result.status == 0, result.errors
    assert [e["thread"] for e in result.events("thread_exit")] == ["thread_b", "thread_a", "main"]
