"""`levante idl check`: validate interface files (docs/ipc.md)."""

from __future__ import annotations

from pathlib import Path

import click

from levante.commands.support import fail
from levante.errors import LevanteError


def _read(path: Path) -> str:
    from levante.idl.language import IdlError

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not a UTF-8 text file"
        raise IdlError(f"{path}: cannot read: {reason}") from None


@click.group()
def idl() -> None:
    """Validate interface files (the `.idl` files of an application)."""


@idl.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
def check(files: tuple[Path, ...]) -> None:
    """Check the interface FILES, together as one build would: one line per file
    with its interfaces and each one's id.

    Exit status: 0 when every file compiles, 2 when one cannot be read or does not
    compile (one line on stderr, `FILE:LINE:COL: error: ...`).
    """
    from levante.idl.language import compile_idl, merge

    try:
        compiled = [(str(path), compile_idl(_read(path), str(path))) for path in files]
        merge(compiled)
    except LevanteError as error:
        fail(error)
    for path, descriptor in compiled:
        described = ", ".join(
            f"{interface['name']} (id {interface['id']:#x}, "
            f"{len(interface['methods'])} method(s))"
            for interface in descriptor["interfaces"])
        click.echo(f"levante: {path}: {described}")
