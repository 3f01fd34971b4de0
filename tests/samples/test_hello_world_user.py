"""samples/hello_world_user: main starts one unprivileged thread that greets the board."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES, Builder, RunResult, kernel_thread_names
from levante.image.elf import load_elf

APP = SAMPLES / "hello_world_user"
BOARDS = ("lv_m4", "lv_m33")


def user_thread_name(builder: Builder, app: Path, board: str) -> str:
    """An unnamed thread is known by the address of its struct k_thread."""
    image = load_elf(builder.build(app, board) / "levante.elf")
    return f"{image.symbols['user_thread'].address:#010x}"


def variant(tmp_path_factory: pytest.TempPathFactory, name: str, conf: str,
            user: bool = True) -> Path:
    """A copy of the sample with extra prj.conf lines (and without K_USER if not `user`)."""
    app = tmp_path_factory.mktemp(name) / "hello_world_user"
    shutil.copytree(APP, app)
    (app / "prj.conf").write_text((APP / "prj.conf").read_text() + conf)
    if not user:
        main = app / "src" / "main.c"
        text = main.read_text()
        assert text.count("K_USER") == 1
        main.write_text(text.replace("K_USER", "0"))
    return app


def check_ran_and_ended(result: RunResult, thread: str, kernel_threads: set[str]) -> None:
    assert result.status == 0, result.errors
    assert result.events("fault") == [] and result.events("halt") == []
    # main creates the thread at priority -1 (cooperative): it runs at once, prints with
    # k_str_out, and exits before main does.
    created = [e for e in result.events("thread_create") if e["thread"] not in kernel_threads]
    assert [e["priority"] for e in created] == [-1]
    # Leaving out the system work queue's turns (it starts, and waits for work).
    switches = [(e["from"], e["to"]) for e in result.events("switch")
                if {e["from"], e["to"]}.isdisjoint(kernel_threads - {"main"})]
    assert switches[:2] == [("idle", "main"), ("main", thread)]
    printed = [e for e in result.events("syscall") if e["call"] == "k_str_out"]
    assert printed and {e["thread"] for e in printed} == {thread}
    assert [e["thread"] for e in result.events("thread_exit")] == [thread, "main"]


@pytest.mark.parametrize("board", BOARDS)
def test_the_user_thread_greets_from_user_space(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board)
    assert result.output.splitlines() == [
        "*** Booting Levante v0.1.0 ***",
        f"Hello World from UserSpace! ({board})",
    ]
    check_ran_and_ended(result, user_thread_name(builder, APP, board),
                        kernel_thread_names(builder.build(APP, board)))


@pytest.mark.parametrize("board", BOARDS)
def test_the_assertion_holds_in_user_mode_and_fails_in_supervisor_mode(
        builder: Builder, tmp_path_factory: pytest.TempPathFactory, board: str) -> None:
    # With CONFIG_ASSERT=y the thread checks k_is_user_context() itself.
    checked = variant(tmp_path_factory, f"assert_{board}", "CONFIG_ASSERT=y\n")
    result = builder.run(checked, board=board)
    assert f"Hello World from UserSpace! ({board})" in result.output.splitlines()
    assert "ASSERTION FAIL" not in result.output
    check_ran_and_ended(result, user_thread_name(builder, checked, board),
                        kernel_thread_names(builder.build(checked, board)))

    # The same thread without K_USER runs privileged: the text says so and the
    # assertion panics, so neither check above passes by accident.
    privileged = variant(tmp_path_factory, f"privileged_{board}", "CONFIG_ASSERT=y\n",
                         user=False)
    result = builder.run(privileged, board=board)
    thread = user_thread_name(builder, privileged, board)
    assert f"Hello World from privileged mode ({board})" in result.output.splitlines()
    assert "ASSERTION FAIL [k_is_user_context()]" in result.output
    (fault,) = result.events("fault")
    assert (fault["thread"], fault["reason"]) == (thread, "K_ERR_KERNEL_PANIC")
