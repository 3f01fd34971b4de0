"""Helpers shared by the target tests: PASS/FAIL lines, symbols and clock of a build."""

from __future__ import annotations

from pathlib import Path

from levante.config import Config
from levante.image.elf import load_elf


def check_results(output: str, expected: list[str], end_marker: str | None = "DONE") -> None:
    """Every expected "PASS <name>" line appears once, no FAIL line, nothing unexpected."""
    lines = output.splitlines()
    failures = [line for line in lines if line.startswith("FAIL")]
    assert not failures, "\n".join(failures)
    passed = [line.removeprefix("PASS ") for line in lines if line.startswith("PASS ")]
    missing = [name for name in expected if name not in passed]
    assert not missing, f"no PASS line for: {missing}"
    unexpected = [name for name in passed if name not in expected]
    assert not unexpected, f"PASS lines not listed in the test: {unexpected}"
    assert len(passed) == len(set(passed)), f"repeated PASS lines: {passed}"
    if end_marker is not None:
        assert lines[-1] == end_marker, f"the program did not finish: last line {lines[-1]!r}"


def function_range(build_dir: Path, name: str) -> range:
    """The addresses of a function of the image (Thumb bit cleared)."""
    symbol = load_elf(build_dir / "levante.elf").symbols[name]
    start = symbol.address & ~1
    return range(start, start + symbol.size)


def cycles_per_tick(build_dir: Path) -> int:
    config = Config.from_dotconfig(build_dir / ".config")
    return config.get_int("SYS_CLOCK_HW_CYCLES_PER_SEC") // config.get_int(
        "SYS_CLOCK_TICKS_PER_SEC"
    )
