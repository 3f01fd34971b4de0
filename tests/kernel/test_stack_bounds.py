"""k_stack_init's capacity is bounded by real memory: the buffer must be `num_entries`
words the kernel may write, so no count makes the kernel keep values without end."""

from __future__ import annotations

from mock_cpu import Args, MockSystem, Script, call, returning_fatal_handler

ENOMEM = -12


def _system(entries: int, buffer_bytes: int) -> tuple[MockSystem, list[object]]:
    results: list[object] = []
    holder: dict[str, int] = {}

    def main(_: Args) -> Script:
        yield call("k_stack_init", holder["stack"], holder["buffer"], entries)
        for value in range(3):
            results.append((yield call("k_stack_push", holder["stack"], value)))

    system = MockSystem()
    system.fatal_handler(returning_fatal_handler)
    holder.update(stack=system.ram(24), buffer=system.ram(buffer_bytes))
    system.main(main)
    system.run()
    return system, results


def test_a_stack_holds_as_many_words_as_its_buffer() -> None:
    _, results = _system(2, 8)
    assert results == [0, 0, ENOMEM]


def test_a_count_beyond_memory_is_refused() -> None:
    system, results = _system(0x40000000, 8)  # a gigabyte of entries
    assert results == []
    [fault] = system.events("fault")
    assert fault["description"].endswith("array of 1073741824 x 4 bytes overflows"), fault
