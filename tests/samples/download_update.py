"""What the download-update tests share (samples/iot/http_update, samples/iot/coap_update):
an image signed at test time and a build that stands for it (--known-build), the
sample's run through `--net user`, its console lines, the boot stage's verdicts, and
runs with the power cut before a given flash operation (power_cut_run.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import Builder, RunResult
from levante.boot import ImageVersion, SignOptions, development_signing_key, sign_image
from levante.boot.keyring import SigningKey
from levante.config.board import load_board
from levante.sdk.mcuboot import board_layout

HEADER_SIZE = 0x200  # the builds' CONFIG_ROM_START_OFFSET
WRITE_ALIGNMENT = 4
CUT_RUNNER = Path(__file__).with_name("power_cut_run.py")


@dataclass(frozen=True)
class DownloadSample:
    """A download sample: its folder, and the prefix of its console lines."""

    app: Path
    prefix: str

    def signed(self, builder: Builder, confs: tuple[str, ...], board: str, version: str,
               key: SigningKey | None = None) -> tuple[bytes, Path]:
        """The v2 build's code (with the fragments `confs`) signed now as `version` (by
        `key`, else the development key), and a copy of that build whose
        levante.signed.bin is this image (for --known-build)."""
        build = builder.build(self.app, board, extra=(*confs, "v2.conf"))
        image = sign_image((build / "levante.bin").read_bytes(),
                           key or development_signing_key(),
                           SignOptions(version=ImageVersion.parse(version),
                                       header_size=HEADER_SIZE, pad_header=True,
                                       align=WRITE_ALIGNMENT, security_counter=2))
        known = build.parent / f"{build.name}_{version}_{id(key)}"
        if not known.exists():
            shutil.copytree(build, known, ignore=shutil.ignore_patterns("flash", "trace_*"))
        (known / "levante.signed.bin").write_bytes(image)
        return image, known

    def run(self, builder: Builder, confs: tuple[str, ...], board: str, flash: Path,
            known: Path) -> RunResult:
        """The 1.0.0 build (with `confs`) on the board whose flash is in `flash`."""
        return builder.run(self.app, "--net", "user", "--flash-dir", str(flash),
                           "--known-build", str(known), board=board, extra=confs,
                           max_time="5s")

    def lines(self, result: RunResult) -> list[str]:
        return re.findall(rf"^{self.prefix}: (.*)$", result.output, re.MULTILINE)


def boot_versions(result: RunResult) -> list[tuple[str, str]]:
    """(version, swap) of each image the boot stage started."""
    return [(event["version"], event["swap"]) for event in result.events("boot_stage")]


def cut_run(build: Path, flash: Path, known: Path, cut: str, log: Path,
            max_time: str = "5s") -> int:
    """`levante run` of `build` with the power cut before flash operation `cut` + 1
    (`none`: a clean run); the exit status (power_cut_run.POWER_CUT_STATUS when cut)."""
    result = subprocess.run(
        [sys.executable, str(CUT_RUNNER), cut, str(log), "--", str(build), "--flash-dir",
         str(flash), "--net", "user", "--known-build", str(known), "--max-time", max_time],
        capture_output=True, text=True, check=False, timeout=600)
    return result.returncode


def download_operations(log: Path, board: str) -> list[int]:
    """Indexes of the logged operations the application made in the secondary slot,
    before the first one elsewhere (the swap at the next boot)."""
    secondary = board_layout(load_board(board)).images[0].secondary
    indexes = []
    for index, line in enumerate(log.read_text().splitlines()[1:], start=1):
        offset = int(re.match(r"\w+ 0x([0-9a-f]+)", line).group(1), 16)  # type: ignore[union-attr]
        if not secondary.offset <= offset < secondary.offset + secondary.size:
            break
        indexes.append(index)
    return indexes
