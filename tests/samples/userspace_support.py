"""Helpers shared by the user-mode sample tests: initial data, partitions, isolation faults."""

from __future__ import annotations

from conftest import RunResult
from levante.image.elf import ElfImage


def initial_bytes(image: ElfImage, name: str, size: int | None = None) -> bytes:
    """The initial value of a global (its first `size` bytes), as loaded into RAM."""
    symbol = image.symbols[name]
    length = symbol.size if size is None else size
    for segment in image.segments:
        offset = symbol.address - segment.address
        if 0 <= offset and offset + length <= len(segment.data):
            return segment.data[offset:offset + length]
    raise AssertionError(f"{name}: no initial data in the image")


def partition(image: ElfImage, name: str) -> range:
    start = image.symbols[f"z_data_smem_{name}_part_start"].address
    return range(start, start + image.symbols[f"z_data_smem_{name}_part_size"].address)


def check_isolation_fault(result: RunResult, image: ElfImage, thread: str, target: int,
                          function: str, attempt_line: str) -> tuple[list[str], int]:
    """The run's only fault is `thread` reading `target` from `function`, reported right
    after `attempt_line`, then the sample's handler let the system run on.  Returns the
    output lines and the index of the handler's line."""
    (fault,) = result.events("fault")
    assert fault["thread"] == thread
    assert fault["reason"] == "K_ERR_CPU_EXCEPTION"
    assert (fault["access"], fault["address"]) == ("read", target)
    entry = image.symbols[function]
    assert entry.address & ~1 <= fault["pc"] < (entry.address & ~1) + entry.size
    assert result.events("halt") == []

    lines = result.output.splitlines()
    attempt = lines.index(attempt_line)
    assert lines[attempt + 1] == "E: ***** MPU FAULT: DATA READ ACCESS VIOLATION *****"
    assert lines[attempt + 2] == f"E:   Faulting read address: 0x{target:08x}"
    handler = lines.index(f"fatal error handler: reason 0 (K_ERR_CPU_EXCEPTION) in thread "
                          f"'{thread}'; aborting it")
    assert attempt < handler
    assert not any("ISOLATION BROKEN" in line for line in lines)
    return lines, handler
