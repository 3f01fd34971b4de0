"""`levante net-switch PATH`: run the virtual switch that `--net switch:PATH` joins."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from levante.commands.support import EXIT_OK, fail
from levante.errors import LevanteError


@click.command("net-switch")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def net_switch(path: Path) -> None:
    """Run a virtual Ethernet switch on the Unix socket PATH until Ctrl-C.

    Every `levante run --net switch:PATH` is one port; frames go to the port their
    destination is behind, or to every other port. A stale socket file at PATH (a
    switch that died) is replaced; a running switch there is an error."""
    from levante.net.link.hub import SwitchHub

    try:
        hub = SwitchHub(path)
    except LevanteError as error:
        fail(error)
    click.echo(f"levante: switch on {path} (Ctrl-C ends it)", err=True)
    try:
        hub.serve()
    except KeyboardInterrupt:
        pass
    finally:
        hub.close()
    counters = hub.counters
    click.echo(f"levante: switch ended: {counters.ports_seen} ports, {counters.frames} "
               f"frames, {counters.dropped} dropped", err=True)
    sys.exit(EXIT_OK)
