"""A power cut before each flash operation of samples/iot/http_update's download (the
progressive erases, the 512-byte writes, the trailer's erase and the upgrade request):
the board boots a verified image when the power comes back, and the update completes."""

from __future__ import annotations

from pathlib import Path

from download_update import boot_versions, cut_run, download_operations
from http_update_server import ImageServer
from power_cut_run import POWER_CUT_STATUS
from test_http_update import APP, port_conf, sample_lines, server, signed

from conftest import Builder

__all__ = ["port_conf", "server"]  # the fixtures this module shares

BOARD = "lv_m4"


def test_a_cut_at_any_download_operation_leaves_a_verified_image(
        builder: Builder, server: ImageServer, port_conf: str, tmp_path: Path) -> None:
    image, known = signed(builder, port_conf, BOARD, "2.0.0")
    server.serve(image)
    build = builder.build(APP, BOARD, extra=(port_conf,))
    clean_log = tmp_path / "clean.log"
    assert cut_run(build, tmp_path / "clean", known, "none", clean_log) == 0
    cuts = download_operations(clean_log, BOARD)
    # The first program writes the build into the new board's primary slot; then the
    # download erases and writes the secondary slot page by page, erases the slot's
    # trailer and requests the upgrade (the trailer's magic, the last of them).
    assert len(cuts) > 20 and clean_log.read_text().splitlines()[cuts[-1]].startswith(
        "program")
    for cut in cuts:
        flash = tmp_path / f"cut{cut}"
        status = cut_run(build, flash, known, str(cut), tmp_path / f"cut{cut}.log")
        assert status == POWER_CUT_STATUS, f"cut before operation {cut + 1}"
        after = builder.run(APP, "--net", "user", "--flash-dir", str(flash),
                            "--known-build", str(known), board=BOARD,
                            extra=(port_conf,), max_time="5s")
        assert after.status == 0, f"cut {cut}: {after.errors}"
        # The old image boots whole; it downloads the update again and it is swapped in.
        assert boot_versions(after) == [("1.0.0+0", "NONE"), ("2.0.0+0", "TEST")], \
            f"cut {cut}: {after.output}"
        assert sample_lines(after)[-2:] == ["running version 2.0.0+0", "confirmed: 0"]
