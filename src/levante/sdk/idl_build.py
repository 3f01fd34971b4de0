"""The build step of an application's interfaces: `*.idl` next to prj.conf → C headers
(`BUILD/include/idl/NAME.h`) and the kernel's message checker (`BUILD/ipc.json`)."""

from __future__ import annotations

import re
from pathlib import Path

from levante.errors import BuildError, LevanteError
from levante.idl.cgen import c_header
from levante.idl.checker import MessageChecker
from levante.idl.language import FORMAT_VERSION, compile_idl, merge
from levante.sdk.build_artifacts import read_compiled, read_source, write_compiled

COMPILED_INTERFACES = "ipc.json"  # in the build folder, installed by `levante run`
HEADER_DIR = Path("include") / "idl"  # in the build folder: `#include <idl/NAME.h>`
_STEM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def interface_files(app_dir: Path) -> list[Path]:
    return sorted(app_dir.glob("*.idl"))


def build_interfaces(app_dir: Path, build_dir: Path) -> Path | None:
    """Compile the application's interface files into the build folder (None when it
    has none; an earlier build's output is removed either way)."""
    headers = build_dir / HEADER_DIR
    target = build_dir / COMPILED_INTERFACES
    for stale in headers.glob("*.h"):
        stale.unlink()
    target.unlink(missing_ok=True)
    sources = interface_files(app_dir)
    if not sources:
        return None
    compiled = []
    for source in sources:
        if not _STEM.fullmatch(source.stem):
            raise BuildError(f"{source}: an interface file's name must be a C identifier "
                             "followed by .idl")
        text = read_source(source, "interface file")
        try:
            compiled.append((source, compile_idl(text, str(source))))
        except LevanteError as error:
            raise BuildError(error.message) from None
    try:
        merged = merge([(str(source), descriptor) for source, descriptor in compiled])
    except LevanteError as error:
        raise BuildError(error.message) from None
    headers.mkdir(parents=True, exist_ok=True)
    for source, descriptor in compiled:
        (headers / f"{source.stem}.h").write_text(
            c_header(descriptor, source.stem, source.name))
    return write_compiled(target, merged)


def load_interfaces(build_dir: Path) -> MessageChecker | None:
    """The build's message checker, None when it was built without interfaces."""
    path = build_dir / COMPILED_INTERFACES
    compiled = read_compiled(path, "interfaces", FORMAT_VERSION)
    if compiled is None:
        return None
    try:
        return MessageChecker(compiled)
    except (KeyError, TypeError, ValueError) as error:
        raise BuildError(f"{path}: corrupt compiled interfaces ({error}): rebuild") from None
