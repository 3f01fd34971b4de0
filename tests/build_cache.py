"""Builds shared by every pytest worker of a session: each one made once, under a lock."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Written last into an entry: its build finished. An entry without it is a build that
# failed or was cut short, and is made again by the next worker that needs it.
COMPLETE_MARK = ".complete"


def entry_name(app: Path, board: str, extra: tuple[str, ...]) -> str:
    """A readable folder name for one build; the digest tells apart applications whose
    two last path components are the same (a test's temporary copies, say)."""
    suffix = "".join(f"_{Path(name).stem}" for name in extra)
    digest = hashlib.sha256("\0".join((str(app.resolve()), board, *extra)).encode())
    return f"{app.parent.name}_{app.name}_{board}{suffix}_{digest.hexdigest()[:8]}"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


class BuildCache:
    """A folder of finished builds that the session's workers share (one worker: a
    folder of its own). `make(folder)` builds into a folder or raises."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def entry(self, name: str, make: Callable[[Path], None]) -> Path:
        """The finished build `name`, made now unless a worker already made it."""
        folder = self.root / name
        with _locked(self.root / f"{name}.lock"):
            if not (folder / COMPLETE_MARK).exists():
                shutil.rmtree(folder, ignore_errors=True)
                make(folder)
                (folder / COMPLETE_MARK).touch()
        return folder

    def copy(self, name: str, make: Callable[[Path], None], destination: Path) -> Path:
        """A private copy of the build `name` at `destination`: runs write into a build
        folder (the board's flash, traces), so workers never run the shared entry."""
        entry = self.entry(name, make)
        shutil.copytree(entry, destination, symlinks=True,
                        ignore=shutil.ignore_patterns(COMPLETE_MARK))
        return destination
