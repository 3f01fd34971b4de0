"""Shared fixtures: build C applications once per session and run them through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

from build_cache import BuildCache, entry_name
from file_order import longest_first
from levante.boot.bootloader import LOG_PREFIX

# The suite is deterministic: property tests draw the same examples on every run, so CI
# cannot fail on a draw no one has seen. `HYPOTHESIS_PROFILE=explore` draws fresh ones.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
TARGET_TESTS = REPO / "tests" / "target"


def split_boot_log(console: str) -> tuple[list[str], str]:
    """The boot stage's lines (it speaks first, each line prefixed) and what the
    application printed after them."""
    lines = console.splitlines(keepends=True)
    count = 0
    while count < len(lines) and lines[count].startswith(LOG_PREFIX):
        count += 1
    return [line.rstrip("\n") for line in lines[:count]], "".join(lines[count:])


@dataclass
class RunResult:
    """What `levante run` did: exit status, the application's console output (the boot
    stage's lines apart, in boot_log), stderr, and the trace."""

    status: int
    output: str
    errors: str
    trace: list[dict[str, Any]]
    boot_log: list[str]

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.trace if event["event"] == kind]


def levante(*arguments: str, cwd: Path | None = None,
            stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the levante CLI as a user would (same interpreter, separate process), with
    `stdin` as its console input."""
    return subprocess.run(
        [sys.executable, "-m", "levante.cli", *arguments],
        capture_output=True, text=True, cwd=cwd, check=False, timeout=600, input=stdin,
    )


class Builder:
    """Builds applications for the tests, each (application, board, fragments) at most
    once per session: the first worker that needs one builds it into the shared cache,
    and every worker runs its own copy (a run writes the board's flash into it)."""

    def __init__(self, root: Path, cache: BuildCache) -> None:
        self.root = root
        self.cache = cache
        self._built: dict[tuple[str, ...], Path] = {}

    def build(self, app: Path, board: str = "lv_m4", extra: tuple[str, ...] = ()) -> Path:
        """Build `app` for `board`, with the Kconfig fragments `extra` (file names in the
        application's folder) merged after its prj.conf."""
        key = (str(app), board, *extra)
        if key not in self._built:
            fragments = [option for name in extra for option in ("--extra-conf", str(app / name))]

            def make(build_dir: Path) -> None:
                result = levante("build", str(app), "-d", str(build_dir), "-b", board,
                                 *fragments)
                assert result.returncode == 0, result.stderr + result.stdout

            name = entry_name(app, board, extra)
            self._built[key] = self.cache.copy(name, make, self.root / name)
        return self._built[key]

    def run(self, app: Path, *options: str, board: str = "lv_m4",
            max_time: str = "10s", extra: tuple[str, ...] = (), stdin: str = "") -> RunResult:
        build_dir = self.build(app, board, extra)
        tag = zlib.crc32("\0".join(options).encode())
        trace = build_dir / f"trace_{tag:08x}_{max_time}.jsonl"
        result = levante("run", str(build_dir), "--max-time", max_time, "--trace", str(trace),
                         *options, stdin=stdin)
        events = [json.loads(line) for line in trace.read_text().splitlines()] \
            if trace.exists() else []
        boot_log, output = split_boot_log(result.stdout)
        return RunResult(result.returncode, output, result.stderr, events, boot_log)


def pytest_configure(config: pytest.Config) -> None:
    # Under `--dist loadfile` xdist hands out the files in the order of the collected
    # tests (below: the longest files first) instead of by their numbers of tests.
    if getattr(config.option, "dist", "no") == "loadfile":
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first (tests/file_order.py), so that no worker ends the run alone
    with one of them; every worker collects the same order."""
    order = longest_first([item.nodeid for item in items])
    items[:] = [items[index] for index in order]


def session_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every worker of this session shares."""
    own = tmp_path_factory.getbasetemp()
    # Under pytest-xdist each worker's temporary folder is inside the session's.
    return own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own


@pytest.fixture(scope="session", autouse=True)
def shared_bytecode(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The Python processes the tests start (the CLI, peers) keep their compiled
    bytecode in one folder of the session, so that only the first of them compiles
    Levante's modules: each of the suite's thousands of `levante` runs would otherwise
    compile them again where the environment says not to write bytecode
    (PYTHONDONTWRITEBYTECODE), about half of a short run's time. Nothing is written
    into the checkout."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(session_folder(tmp_path_factory) / "pycache")


@pytest.fixture(scope="session")
def builder(tmp_path_factory: pytest.TempPathFactory) -> Builder:
    shared = session_folder(tmp_path_factory)
    return Builder(tmp_path_factory.mktemp("builds"), BuildCache(shared / "build_cache"))


if TYPE_CHECKING:
    from levante.image.elf import ElfImage


def kernel_thread_names(image: ElfImage | Path) -> set[str]:
    """The names the threads every image has go by in the trace: main, and the system
    work queue's (by its struct k_thread's address until it is named, then `sysworkq`).
    `image`: the image, or its build folder."""
    from levante.abi import FIELD_OFFSETS
    from levante.image.elf import load_elf

    if isinstance(image, Path):
        image = load_elf(image / "levante.elf")
    names = {"main", "sysworkq"}
    queue = image.symbols.get("k_sys_work_q")
    if queue is not None:
        names.add(f"{queue.address + FIELD_OFFSETS['k_work_q.thread']:#010x}")
    return names
