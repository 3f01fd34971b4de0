"""Application commands on the console shell (tests/target/shell_commands, both boards):
SHELL_CMD_REGISTER'd root commands listed by `help`, subcommands followed word by word,
SHELL_CMD_ARG's argument counts enforced, `-h`, handlers' output and errors, and lines
with too many words refused and too many characters cut, never overrun."""

from __future__ import annotations

import pytest

from conftest import TARGET_TESTS, Builder, RunResult

APP = TARGET_TESTS / "shell_commands"
MANY_WORDS = " ".join(["words", *"abcdefghijklmnopqrstuvwxy"])  # 26 words, 55 characters
AT_MOST = " ".join(["words", *"abcdefghijklmnopqrs"])  # 20 words
LONG_LINE = "words " + "x" * 200
SHELL_INPUT = "\n".join([
    "help", "counter add 5", "counter add 1 2 3", "counter add 1 2 3 4", "counter add",
    "counter show", "counter", "counter bogus", "counter fail", "counter -h",
    "words  a\tb   c ", MANY_WORDS, AT_MOST, LONG_LINE, "kernel version", "nothing here", ""])


@pytest.fixture(scope="module", params=["lv_m4", "lv_m33"])
def session(builder: Builder, request: pytest.FixtureRequest) -> RunResult:
    result = builder.run(APP, board=request.param, stdin=SHELL_INPUT)
    assert result.status == 0, result.errors
    return result


def answer(session: RunResult, command: str) -> list[str]:
    """The lines printed between `command`'s echo and the next prompt."""
    text = session.output.split(f"uart:~$ {command}\n", 1)[1]
    return text.split("uart:~$ ", 1)[0].splitlines()


def test_help_lists_the_application_s_root_commands(session: RunResult) -> None:
    lines = answer(session, "help")
    assert lines[-2:] == ["  counter", "  words"]  # after the built-in ones, by name
    assert "  kernel version" in lines


def test_subcommands_run_with_their_words(session: RunResult) -> None:
    assert answer(session, "counter add 5") == ["add: total 5 after 1 numbers"]
    assert answer(session, "counter add 1 2 3") == ["add: total 11 after 3 numbers"]
    assert answer(session, "counter show") == ["show: 11"]
    assert answer(session, "words  a\tb   c ") == ["argc=4 [words] [a] [b] [c]"]


def test_argument_counts_are_enforced_before_the_handler(session: RunResult) -> None:
    for line in ("counter add 1 2 3 4", "counter add"):
        assert answer(session, line) == ["add: wrong parameter count",
                                          "add - Add 1 to 3 numbers"]
    # Neither reached the handler: the total is still 11.
    assert answer(session, "counter show") == ["show: 11"]


def test_a_command_without_handler_asks_for_a_subcommand(session: RunResult) -> None:
    subcommands = ["Subcommands:", "  add: Add 1 to 3 numbers", "  show: Show the total",
                   "  fail: Fail with -EIO"]
    assert answer(session, "counter") == [
        "counter: please specify a subcommand", "counter - A counter's commands",
        *subcommands]
    assert answer(session, "counter bogus")[0] == "counter: unknown parameter: bogus"
    assert answer(session, "counter -h") == ["counter - A counter's commands", *subcommands]


def test_errors_and_unknown_commands(session: RunResult) -> None:
    assert answer(session, "counter fail") == ["refusing on purpose"]
    assert answer(session, "nothing here") == ["nothing here: command not found"]
    assert answer(session, "kernel version")[0].startswith("Levante version ")


def test_too_many_words_are_refused_and_long_lines_cut(session: RunResult) -> None:
    # Twenty words at most reach a handler: more is refused; the shell reads 79
    # characters of a line.
    assert answer(session, MANY_WORDS) == ["words: too many arguments (at most 20 words)"]
    assert answer(session, AT_MOST) == ["argc=20 " + " ".join(f"[{w}]" for w in AT_MOST.split())]
    assert answer(session, LONG_LINE[:79]) == [f"argc=2 [words] [{'x' * 73}]"]
