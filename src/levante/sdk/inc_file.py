"""A file's bytes as a C initialiser list, for CMake's generate_inc_file_for_target.

    python -m levante.sdk.inc_file SOURCE GENERATED [--gzip]

Writes GENERATED as `0x..,` bytes, 8 per line, so that C code can write
`static const uint8_t data[] = {\n#include "data.inc"\n};` (Zephyr's convention;
`--gzip` compresses the bytes first, reproducibly: no name and no time stamp).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

BYTES_PER_LINE = 8


def initialiser(data: bytes) -> str:
    lines = []
    for start in range(0, len(data), BYTES_PER_LINE):
        chunk = data[start:start + BYTES_PER_LINE]
        lines.append(" ".join(f"0x{byte:02x}," for byte in chunk))
    return "\n".join(lines) + ("\n" if lines else "")


def main(arguments: list[str]) -> int:
    flags = [argument for argument in arguments if argument.startswith("--")]
    paths = [argument for argument in arguments if not argument.startswith("--")]
    if len(paths) != 2 or set(flags) - {"--gzip"}:
        print("usage: python -m levante.sdk.inc_file SOURCE GENERATED [--gzip]",
              file=sys.stderr)
        return 2
    source, generated = (Path(path) for path in paths)
    try:
        data = source.read_bytes()
    except OSError as error:
        print(f"{source}: error: cannot read: {error.strerror}", file=sys.stderr)
        return 1
    if "--gzip" in flags:
        data = gzip.compress(data, mtime=0)
    generated.parent.mkdir(parents=True, exist_ok=True)
    generated.write_text(initialiser(data))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
