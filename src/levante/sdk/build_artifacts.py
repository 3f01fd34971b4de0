"""Source files beside prj.conf and the compiled JSON they become in the build folder.

A policy (policy.lvp), a domains manifest (domains.toml) and interface files (*.idl)
are read, compiled at build time and written as JSON that `levante run` loads; the
three share how a source is read, how a compiled form is written, and how a build's
compiled form is refused when it cannot be read or is of another format version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from levante.errors import BuildError


def read_source(path: Path, what: str) -> str:
    """The text of the application's source file `path` (`what` names it in the error)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BuildError(f"{path}: cannot read the {what}: {error}") from None


def write_compiled(path: Path, compiled: object) -> Path:
    """Write a compiled form into the build folder, as `levante run` reads it back."""
    path.write_text(json.dumps(compiled, indent=1) + "\n")
    return path


def read_compiled(path: Path, what: str, version: int) -> dict[str, Any] | None:
    """A build's compiled form (None when the build has none): a BuildError asking for a
    rebuild when it cannot be read or is of another format version than `version`."""
    if not path.is_file():
        return None
    try:
        compiled = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BuildError(f"{path}: unreadable compiled {what} ({error}): rebuild") from None
    if not isinstance(compiled, dict) or compiled.get("version") != version:
        raise BuildError(f"{path}: compiled {what} of another version: rebuild")
    return compiled
