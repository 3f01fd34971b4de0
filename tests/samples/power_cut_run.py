"""`levante run` with the board's power cut after a given number of flash operations
(the boot tests' FaultInjector on every flash device the run opens): usage
`power_cut_run.py CUT LOG -- RUN-ARGUMENTS`, CUT `none` for a clean run. LOG gets one
line per completed operation; the exit status is 3 when the power was cut."""

from __future__ import annotations

import sys
from pathlib import Path

from levante.boot import FaultInjector, PowerCut
from levante.boot.bootloader import BoardFlash

POWER_CUT_STATUS = 3


def main(arguments: list[str]) -> int:
    cut, log, _, *run = arguments
    faults = FaultInjector(cut_after=None if cut == "none" else int(cut))
    opened = BoardFlash.open

    def open_with_faults(layout: object, directory: Path | None = None,
                         _faults: FaultInjector | None = None) -> BoardFlash:
        return opened(layout, directory, faults)  # type: ignore[arg-type]

    BoardFlash.open = open_with_faults  # type: ignore[method-assign]
    from levante.cli import main as levante_main
    try:
        levante_main(["run", *run], standalone_mode=False)
        status = 0
    except PowerCut:
        status = POWER_CUT_STATUS
    except SystemExit as stop:
        status = int(stop.code or 0)
    Path(log).write_text("".join(f"{line}\n" for line in faults.log))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
