"""`levante build`: configure, compile, link and sign an application."""

from __future__ import annotations

from pathlib import Path

import click

from levante.commands.support import fail
from levante.errors import LevanteError


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("app", type=click.Path(path_type=Path))
@click.option("-d", "--build-dir", type=click.Path(path_type=Path), default=Path("build"),
              show_default=True, help="Where .config, autoconf.h and levante.elf go.")
@click.option("-b", "--board", default="lv_m4", show_default=True, help="Target board.")
@click.option("--extra-conf", "extra_conf", multiple=True, type=click.Path(path_type=Path),
              help="A Kconfig fragment merged after prj.conf (Zephyr's EXTRA_CONF_FILE); "
                   "may be given more than once.")
@click.option("-D", "--define", "defines", multiple=True, metavar="NAME=VALUE",
              help="CONFIG_NAME=value (a Kconfig assignment, merged last), CONF_FILE, "
                   "EXTRA_CONF_FILE, or a CMake variable for the application's "
                   "CMakeLists.txt; may be given more than once.")
@click.argument("passed_through", nargs=-1, metavar="[-- -DNAME=VALUE ...]")
def build(app: Path, build_dir: Path, board: str, extra_conf: tuple[Path, ...],
          defines: tuple[str, ...], passed_through: tuple[str, ...]) -> None:
    """Configure, compile and link the application in APP: prj.conf and either its own
    CMakeLists.txt (built with CMake and Ninja, as in Zephyr) or src/*.c."""
    from levante.config import load_board
    from levante.sdk.build import build as build_application
    from levante.sdk.defines import parse_definitions

    try:
        definitions = parse_definitions([*defines, *passed_through], app)
        result = build_application(app, build_dir, load_board(board), extra_conf, definitions)
    except LevanteError as error:
        for line in error.details[:20]:
            if line != error.message:  # the message itself comes last, once
                click.echo(line, err=True)
        fail(error)
        return
    if result.warnings:  # shown even when the build succeeds, as Zephyr's build does
        click.echo(result.warnings, err=True)
    size = result.binary.stat().st_size
    click.echo(f"levante: built {result.elf} for {board} ({size} bytes of flash image)")
    if result.signed is not None:
        click.echo(f"levante: signed {result.signed} ({result.signing})")
