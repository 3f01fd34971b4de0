"""samples/philosophers: six threads share six fork mutexes without deadlock or overlap."""

from __future__ import annotations

import re
from collections import Counter

from conftest import SAMPLES, Builder, kernel_thread_names

APP = SAMPLES / "philosophers"
PHILOSOPHERS = 6
RUN_MS = 30_000
RUN = f"{RUN_MS}ms"
MIN_MEALS = 100  # each meal takes at most ~50 ms eating + ~65 ms thinking + waiting
EATING = re.compile(r"^Philosopher (\d) EATING meal (\d+) at (\d+) ms$")
DONE = re.compile(r"^Philosopher (\d) DONE EATING at (\d+) ms$")


def neighbours(a: int, b: int) -> bool:
    return (a - b) % PHILOSOPHERS in (1, PHILOSOPHERS - 1)


def test_everyone_eats_and_neighbours_never_eat_together(builder: Builder) -> None:
    result = builder.run(APP, max_time=RUN)
    assert result.status == 0, result.errors
    lines = result.output.splitlines()
    assert lines[1] == f"{PHILOSOPHERS} philosophers, {PHILOSOPHERS} forks on lv_m4"

    eating: dict[int, int] = {}  # philosopher -> uptime when the current meal began
    meals: Counter[int] = Counter()
    last_meal: dict[int, int] = {}
    for line in lines[2:]:
        if (started := EATING.match(line)) is not None:
            who, meal, now = (int(group) for group in started.groups())
            assert who not in eating, f"{who} starts eating twice: {line}"
            assert not [other for other in eating if neighbours(who, other)], \
                f"{line} while a neighbour eats: {sorted(eating)}"
            meals[who] += 1
            assert meal == meals[who]
            eating[who] = last_meal[who] = now
        else:
            finished = DONE.match(line)
            assert finished is not None, f"unexpected line: {line!r}"
            who, now = int(finished.group(1)), int(finished.group(2))
            assert now > eating.pop(who)

    # Nobody starved, and nobody stopped eating: a deadlock would freeze the table.
    assert sorted(meals) == list(range(PHILOSOPHERS))
    assert min(meals.values()) >= MIN_MEALS, meals
    assert min(last_meal.values()) >= RUN_MS - 1000, last_meal

    # Forks were contended: some locks had to wait, and the threads never ended.
    locks = [e for e in result.events("syscall") if e["call"] == "k_mutex_lock"]
    assert any(e["result"] == "blocked" for e in locks)
    assert all(e["result"] in (0, "blocked") for e in locks)
    assert [e["thread"] for e in result.events("thread_exit")] == ["main"]


def test_priorities_mix_cooperative_and_preemptible(builder: Builder) -> None:
    result = builder.run(APP, max_time="2s")
    priorities = [e["priority"] for e in result.events("thread_create")
                  if e["thread"] not in kernel_thread_names(builder.build(APP))]
    assert len(priorities) == PHILOSOPHERS
    assert any(p < 0 for p in priorities) and any(p >= 0 for p in priorities)
    assert len(set(priorities)) == PHILOSOPHERS
    # Threads run under the names main gave them.
    ran = {e["to"] for e in result.events("switch")}
    assert {f"philosopher_{i}" for i in range(PHILOSOPHERS)} <= ran


def test_runs_are_identical(builder: Builder) -> None:
    first = builder.run(APP, max_time=RUN)
    second = builder.run(APP, max_time=RUN)
    assert first.output.count("EATING meal") > PHILOSOPHERS * MIN_MEALS
    assert first.output == second.output
    assert first.trace == second.trace
