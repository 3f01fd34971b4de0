"""The `levante` command line as a user meets it: exit statuses and error messages.

Every mistake (a missing or unsuitable image, an application that does not build, a bad
option) must end with status 2 and one line `levante: error: ...` naming the problem,
never a Python traceback, and must not destroy anything that was there before. A run
ends with 0 when the system ends normally or reaches --max-time, and with 1 when it
halted on a fatal error.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLES, Builder, levante
from levante import __version__

CLOCK_HZ = 64_000_000  # lv_m4's core clock: --max-time is converted with it
ERROR = "levante: error: "

FOREVER_C = """\
/* Never returns: prints a round number, sleeps a little, and again. */
#include <zephyr/kernel.h>

int main(void)
{
	for (unsigned int round = 0;; round++) {
		printk("round %u\\n", round);
		k_msleep(10);
	}
	return 0;
}
"""

SPIN_C = """\
/* Never returns and never enters the kernel: only the time limit can stop it. */
#include <zephyr/kernel.h>

int main(void)
{
	volatile unsigned int counter = 0;

	printk("spinning\\n");
	for (;;) {
		counter++;
	}
	return 0;
}
"""

YIELD_C = """\
/* Never returns: calls into the kernel as often as it can. */
#include <zephyr/kernel.h>

int main(void)
{
	for (;;) {
		k_yield();
	}
	return 0;
}
"""

OOPS_C = """\
/* k_oops() with the default fatal error handler: the system halts. */
#include <zephyr/kernel.h>

int main(void)
{
	printk("before oops\\n");
	k_oops();
	printk("FAIL after oops\\n");
	return 0;
}
"""

BROKEN_C = """\
#include <zephyr/kernel.h>

int main(void)
{
	return no_such_variable;
}
"""


# ---- helpers --------------------------------------------------------------------------


def expect_error(result: subprocess.CompletedProcess[str], *fragments: str,
                 diagnostics: bool = False) -> str:
    """Status 2, no traceback, and one error line (the last) containing every fragment.

    With `diagnostics`, other lines (a compiler's) may come before the error line;
    otherwise the error line is all of stderr. Returns the message after the prefix.
    """
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith(ERROR)]
    assert len(errors) == 1, result.stderr
    assert lines[-1] == errors[0], result.stderr
    if not diagnostics:
        assert lines == errors, result.stderr
    message = errors[0].removeprefix(ERROR)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return message


def make_app(root: Path, name: str, main_c: str | None = None,
             prj_conf: str | None = "CONFIG_PRINTK=y\n") -> Path:
    """An application folder: prj.conf (unless None) and src/main.c (unless None)."""
    app = root / name
    (app / "src").mkdir(parents=True)
    if prj_conf is not None:
        (app / "prj.conf").write_text(prj_conf)
    if main_c is not None:
        (app / "src" / "main.c").write_text(main_c)
    return app


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path → contents)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def read_trace(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def build_ok(app: Path, build_dir: Path, board: str = "lv_m4") -> Path:
    result = levante("build", str(app), "-d", str(build_dir), "-b", board)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return build_dir


@pytest.fixture(scope="module")
def hello(builder: Builder) -> Path:
    """A good hello_world build folder, shared: tests copy it before changing anything."""
    return builder.build(SAMPLES / "hello_world")


def image_folder(root: Path, hello: Path, elf: bytes | None = None,
                 dotconfig: bool = True) -> Path:
    """A build folder holding `elf` (hello_world's by default) and hello_world's .config."""
    folder = root / "image"
    folder.mkdir()
    (folder / "levante.elf").write_bytes(
        elf if elf is not None else (hello / "levante.elf").read_bytes()
    )
    if dotconfig:
        shutil.copy(hello / ".config", folder / ".config")
    return folder


# ---- the basics -------------------------------------------------------------------------


def test_version() -> None:
    result = levante("--version")
    assert result.returncode == 0, result.stderr
    assert "levante" in result.stdout
    assert __version__ in result.stdout


def test_run_accepts_the_elf_itself(hello: Path) -> None:
    result = levante("run", str(hello / "levante.elf"))
    assert result.returncode == 0, result.stderr
    assert "Hello World! lv_m4" in result.stdout


# ---- images that cannot be run ---------------------------------------------------------


def test_run_missing_build_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    expect_error(levante("run", str(missing)), str(missing), "levante build")
    assert not missing.exists()


def test_run_default_build_folder_missing(tmp_path: Path) -> None:
    expect_error(levante("run", cwd=tmp_path), "build", "levante build")
    assert list(tmp_path.iterdir()) == []


def test_run_empty_folder(tmp_path: Path) -> None:
    expect_error(levante("run", str(tmp_path)), "levante.elf", "no such image")
    assert list(tmp_path.iterdir()) == []


def test_run_folder_without_dotconfig(tmp_path: Path, hello: Path) -> None:
    folder = image_folder(tmp_path, hello, dotconfig=False)
    before = snapshot(folder)
    expect_error(levante("run", str(folder)), ".config", "missing")
    assert snapshot(folder) == before


@pytest.mark.parametrize("kind", ["random", "truncated", "empty"])
def test_run_corrupt_elf(tmp_path: Path, hello: Path, kind: str) -> None:
    good = (hello / "levante.elf").read_bytes()
    elf = {
        "random": random.Random(kind).randbytes(4096),
        "truncated": good[:1000],
        "empty": b"",
    }[kind]
    folder = image_folder(tmp_path, hello, elf)
    before = snapshot(folder)
    expect_error(levante("run", str(folder)), "levante.elf", "not a valid ELF image")
    assert snapshot(folder) == before


def test_run_elf_for_another_machine(tmp_path: Path, hello: Path) -> None:
    host = Path("/bin/true").read_bytes()
    if not host.startswith(b"\x7fELF"):
        pytest.skip("/bin/true is not an ELF file here")
    folder = image_folder(tmp_path, hello, host)
    expect_error(levante("run", str(folder)), "levante.elf", "not a 32-bit little-endian ARM ELF")


def test_run_arm_object_that_is_not_an_image(tmp_path: Path, hello: Path) -> None:
    # An ARM ELF, but a relocatable object with nothing to load.
    # (hello_world is built by CMake: its objects are in the CMake tree.)
    obj = sorted(hello.rglob("main.c.obj"))[0]
    folder = image_folder(tmp_path, hello, obj.read_bytes())
    expect_error(levante("run", str(folder)), "levante.elf", "nothing to load")


def test_run_stripped_image(tmp_path: Path, hello: Path) -> None:
    strip = shutil.which("arm-none-eabi-strip")
    if strip is None:
        pytest.skip("arm-none-eabi-strip not installed")
    folder = image_folder(tmp_path, hello)
    subprocess.run([strip, str(folder / "levante.elf")], check=True)
    expect_error(levante("run", str(folder)), "levante.elf", "no symbol table")


@pytest.mark.parametrize(("dotconfig", "fragment"), [
    ('CONFIG_BOARD="lv_m4"\n', "SYS_CLOCK_HW_CYCLES_PER_SEC"),
    ("CONFIG_PRINTK=y\n", "CONFIG_BOARD"),
    ('CONFIG_BOARD="nope"\n', "unknown board 'nope'"),
    ("this is not a .config\n", "malformed line"),
])
def test_run_bad_dotconfig(tmp_path: Path, hello: Path, dotconfig: str, fragment: str) -> None:
    folder = image_folder(tmp_path, hello, dotconfig=False)
    (folder / ".config").write_text(dotconfig)
    message = expect_error(levante("run", str(folder)), fragment)
    assert message.startswith(f"{folder / '.config'}:")
    assert message.count(".config:") == 1  # the path once, not repeated


# ---- applications that cannot be built --------------------------------------------------


def test_build_c_error_names_the_file_and_keeps_the_old_build(tmp_path: Path) -> None:
    build_dir = build_ok(SAMPLES / "hello_world", tmp_path / "build")
    (build_dir / "notes.txt").write_text("mine\n")
    before = snapshot(build_dir)
    app = make_app(tmp_path, "broken", BROKEN_C)
    message = expect_error(levante("build", str(app), "-d", str(build_dir)),
                           "main.c", "no_such_variable", diagnostics=True)
    assert message.startswith("compiling main.c failed: ")
    after = snapshot(build_dir)
    assert set(before) <= set(after), set(before) - set(after)
    for name in ("levante.elf", "levante.bin", "notes.txt"):
        assert after[name] == before[name], name


def test_build_link_error_names_the_symbol(tmp_path: Path) -> None:
    app = make_app(tmp_path, "app", "void missing(void);\n\nint main(void)\n{\n"
                   "\tmissing();\n\treturn 0;\n}\n")
    message = expect_error(levante("build", str(app), "-d", str(tmp_path / "build")),
                           "undefined reference to `missing'", diagnostics=True)
    assert message.startswith("linking failed: ")


def test_build_app_without_prj_conf(tmp_path: Path) -> None:
    app = make_app(tmp_path, "app", "int main(void) { return 0; }\n", prj_conf=None)
    build_dir = tmp_path / "build"
    expect_error(levante("build", str(app), "-d", str(build_dir)), str(app), "prj.conf")
    assert not build_dir.exists()


def test_build_missing_app_folder(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    app = tmp_path / "no_such_app"
    expect_error(levante("build", str(app), "-d", str(build_dir)), str(app))
    assert not build_dir.exists()


def test_build_app_without_sources(tmp_path: Path) -> None:
    app = make_app(tmp_path, "app")
    (app / "src" / "main.cpp").write_text("int main() { return 0; }\n")
    expect_error(levante("build", str(app), "-d", str(tmp_path / "build")),
                 str(app), "no C sources in src/")


def test_build_unknown_board_lists_the_known_ones(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    expect_error(levante("build", str(SAMPLES / "hello_world"), "-d", str(build_dir), "-b", "nope"),
                 "unknown board 'nope'", "lv_m4", "lv_m33")
    assert not build_dir.exists()


def test_build_into_a_file(tmp_path: Path) -> None:
    target = tmp_path / "build"
    target.write_text("not a folder\n")
    expect_error(levante("build", str(SAMPLES / "hello_world"), "-d", str(target)),
                 str(target), "cannot create the build folder")
    assert target.read_text() == "not a folder\n"


@pytest.mark.parametrize(("prj_conf", "fragment"), [
    ("# an unknown symbol\nCONFIG_NO_SUCH_THING=y\n",
     "unknown Kconfig symbol CONFIG_NO_SUCH_THING"),
    ("CONFIG_PRINTK=y\nCONFIG_MAIN_STACK_SIZE=lots\n",
     "invalid value 'lots' for int symbol CONFIG_MAIN_STACK_SIZE"),
    ('CONFIG_PRINTK=y\nCONFIG_BOARD="lv_m33"\n',
     'CONFIG_BOARD="lv_m33" was not applied: it has no prompt'),
])
def test_build_kconfig_error(tmp_path: Path, prj_conf: str, fragment: str) -> None:
    app = make_app(tmp_path, "app", FOREVER_C, prj_conf)
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    (build_dir / "notes.txt").write_text("mine\n")
    message = expect_error(levante("build", str(app), "-d", str(build_dir)), fragment)
    assert message.startswith("prj.conf:2: "), message
    # Nothing was configured: the folder holds what it held.
    assert snapshot(build_dir) == {"notes.txt": b"mine\n"}


def test_build_several_kconfig_errors_are_each_reported_once(tmp_path: Path) -> None:
    app = make_app(tmp_path, "app", FOREVER_C, "CONFIG_FIRST_BAD=y\nCONFIG_SECOND_BAD=y\n")
    result = levante("build", str(app), "-d", str(tmp_path / "build"))
    expect_error(result, "prj.conf:1: unknown Kconfig symbol CONFIG_FIRST_BAD",
                 diagnostics=True)
    assert result.stderr.count("CONFIG_FIRST_BAD") == 1
    assert result.stderr.count("prj.conf:2: unknown Kconfig symbol CONFIG_SECOND_BAD") == 1


# ---- bad options -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["10", "abc", "5 parsecs", "", "1.5.2s"])
def test_run_bad_max_time(hello: Path, value: str) -> None:
    result = levante("run", str(hello), "--max-time", value)
    expect_error(result, "bad duration", f"'{value}'")
    assert result.stdout == ""  # refused before booting anything


@pytest.mark.parametrize("where", ["missing_folder", "under_a_file"])
def test_run_trace_to_unwritable_path(tmp_path: Path, hello: Path, where: str) -> None:
    if where == "missing_folder":
        trace = tmp_path / "no" / "such" / "folder" / "trace.jsonl"
    else:
        (tmp_path / "file").write_text("x")
        trace = tmp_path / "file" / "trace.jsonl"
    result = levante("run", str(hello), "--trace", str(trace))
    expect_error(result, "cannot write trace file", str(trace))
    assert result.stdout == ""  # refused before booting anything
    assert not trace.exists()


def test_run_trace_to_a_folder(tmp_path: Path, hello: Path) -> None:
    expect_error(levante("run", str(hello), "--trace", str(tmp_path)), "--trace", "directory")


def test_failed_run_leaves_the_trace_file_alone(tmp_path: Path) -> None:
    old = tmp_path / "old.jsonl"
    old.write_text('{"cycle": 0, "event": "boot"}\n')
    expect_error(levante("run", str(tmp_path / "nowhere"), "--trace", str(old)))
    assert old.read_text() == '{"cycle": 0, "event": "boot"}\n'
    new = tmp_path / "new.jsonl"
    expect_error(levante("run", str(tmp_path / "nowhere"), "--trace", str(new)))
    assert not new.exists()


@pytest.mark.parametrize("arguments", [
    ("run", "--no-such-option"),
    ("run", "--max-time"),
    ("build",),
    ("no-such-command",),
])
def test_usage_errors_are_one_line(arguments: tuple[str, ...]) -> None:
    expect_error(levante(*arguments))


# ---- how runs end ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build folders of the small applications below, built once for the module."""
    root = tmp_path_factory.mktemp("cli_apps")
    sources = {"forever": FOREVER_C, "spin": SPIN_C, "yield": YIELD_C, "oops": OOPS_C}
    return {
        name: build_ok(make_app(root, name, main_c), root / f"{name}_build")
        for name, main_c in sources.items()
    }


def run_with_trace(build_dir: Path, trace: Path, *options: str) -> tuple[
        subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    result = levante("run", str(build_dir), "--trace", str(trace), *options)
    assert "Traceback" not in result.stderr, result.stderr
    return result, read_trace(trace)


def test_max_time_stops_an_endless_application(tmp_path: Path, apps: dict[str, Path]) -> None:
    limit = 95 * CLOCK_HZ // 1000
    result, trace = run_with_trace(apps["forever"], tmp_path / "t.jsonl", "--max-time", "95ms")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rounds = [line for line in result.stdout.splitlines() if line.startswith("round ")]
    assert len(rounds) >= 5
    assert rounds == [f"round {n}" for n in range(len(rounds))]
    cycles = [event["cycle"] for event in trace]
    assert cycles == sorted(cycles)
    assert cycles[-1] <= limit
    assert cycles[-1] >= limit - 15 * CLOCK_HZ // 1000  # it did run up to the limit
    assert not [event for event in trace if event["event"] in ("halt", "fault")]


def test_max_time_stops_a_thread_that_never_enters_the_kernel(
        tmp_path: Path, apps: dict[str, Path]) -> None:
    result, trace = run_with_trace(apps["spin"], tmp_path / "t.jsonl", "--max-time", "20ms")
    assert result.returncode == 0, result.stderr
    assert "spinning" in result.stdout
    assert trace[-1]["cycle"] <= 20 * CLOCK_HZ // 1000


def test_max_time_bounds_the_trace_of_a_syscall_loop(
        tmp_path: Path, apps: dict[str, Path]) -> None:
    result, trace = run_with_trace(apps["yield"], tmp_path / "t.jsonl", "--max-time", "50ms")
    assert result.returncode == 0, result.stderr
    assert trace[-1]["cycle"] <= 50 * CLOCK_HZ // 1000


def test_k_oops_halts_with_status_1(tmp_path: Path, apps: dict[str, Path]) -> None:
    result, trace = run_with_trace(apps["oops"], tmp_path / "t.jsonl", "--max-time", "1s")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "before oops" in result.stdout
    assert "FAIL" not in result.stdout
    assert "Halting system" in result.stdout
    assert ERROR not in result.stderr
    halts = [event for event in trace if event["event"] == "halt"]
    assert len(halts) == 1
    assert halts[0]["reason"] == 3  # K_ERR_KERNEL_OOPS


# ---- determinism -----------------------------------------------------------------------


@pytest.mark.parametrize(("sample", "options"), [
    ("hello_world", ()),
    ("philosophers", ("--max-time", "500ms")),
])
def test_runs_are_deterministic(tmp_path: Path, builder: Builder, sample: str,
                                options: tuple[str, ...]) -> None:
    build_dir = builder.build(SAMPLES / sample)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    one = levante("run", str(build_dir), "--trace", str(first), *options)
    two = levante("run", str(build_dir), "--trace", str(second), *options)
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout
    assert first.stat().st_size > 0
    assert first.read_bytes() == second.read_bytes()


SPINNER = "#include <zephyr/kernel.h>\nint main(void)\n{\n\tprintk(\"spinning\\n\");\n" \
          "\twhile (1) {\n\t}\n\treturn 0;\n}\n"


def test_ctrl_c_ends_a_spinning_run_promptly_with_status_130(tmp_path: Path) -> None:
    app = tmp_path / "spin"
    (app / "src").mkdir(parents=True)
    (app / "prj.conf").write_text("")
    (app / "src" / "main.c").write_text(SPINNER)
    assert levante("build", str(app), "-d", str(tmp_path / "b")).returncode == 0
    process = subprocess.Popen([sys.executable, "-m", "levante.cli", "run", str(tmp_path / "b")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    while "spinning" not in process.stdout.readline():
        pass
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("Ctrl-C did not end the run") from None
    assert process.returncode == 130
    assert re.fullmatch(r"levante: interrupted at \d+\.\d{3} s of simulated time",
                        stderr.strip()), stderr


def test_a_max_time_longer_than_the_clock_counts_is_no_limit(hello: Path) -> None:
    result = levante("run", str(hello), "--max-time", "999999999999s")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "Hello World! lv_m4" in result.stdout
