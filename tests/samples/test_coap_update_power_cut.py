"""A power cut during samples/iot/coap_update's download, at three representative flash
operations (power_cut_run.py runs `levante run` with the boot tests' FaultInjector on
the board's flash): the first erase of the secondary slot, a page write half-way
through the image, and the upgrade request (the trailer's magic, the download's last
operation). Each leaves the old image booting whole and verified; after the cut
half-way, the old image downloads again and the update completes. Every operation of
the same download path is cut in turn by http_update's power-cut test (the flash_img
and boot_request_upgrade steps are the same), so these three keep the run short."""

from __future__ import annotations

from pathlib import Path

from download_update import boot_versions, cut_run, download_operations
from power_cut_run import POWER_CUT_STATUS
from test_coap_update import SAMPLE, aiocoap_conf, server

from conftest import Builder

__all__ = ["aiocoap_conf", "server"]  # the fixtures this module shares

BOARD = "lv_m4"


def test_a_cut_during_the_download_leaves_a_verified_image(
        builder: Builder, server: object, aiocoap_conf: str, tmp_path: Path) -> None:
    image, known = SAMPLE.signed(builder, (aiocoap_conf,), BOARD, "2.0.0")
    server.serve(image)  # type: ignore[attr-defined]
    build = builder.build(SAMPLE.app, BOARD, extra=(aiocoap_conf,))
    clean_log = tmp_path / "clean.log"
    assert cut_run(build, tmp_path / "clean", known, "none", clean_log, "1s") == 0
    operations = clean_log.read_text().splitlines()
    cuts = download_operations(clean_log, BOARD)
    first, half_way, request = cuts[0], cuts[len(cuts) // 2], cuts[-1]
    assert operations[first].startswith("erase") and \
        operations[half_way].startswith("program") and \
        operations[request].startswith("program"), operations
    for cut in (first, half_way, request):
        flash = tmp_path / f"cut{cut}"
        status = cut_run(build, flash, known, str(cut), tmp_path / f"cut{cut}.log", "1s")
        assert status == POWER_CUT_STATUS, f"cut before operation {cut + 1}"
        # Power back: the boot stage verifies the old image and starts it. After the
        # cut half-way, let it download again and see the update through.
        after = builder.run(SAMPLE.app, "--net", "user", "--flash-dir", str(flash),
                            "--known-build", str(known), board=BOARD,
                            extra=(aiocoap_conf,),
                            max_time="1s" if cut == half_way else "0.05s")
        assert after.status == 0, f"cut {cut}: {after.errors}"
        assert boot_versions(after)[0] == ("1.0.0+0", "NONE"), f"cut {cut}: {after.output}"
        if cut == half_way:
            assert boot_versions(after) == [("1.0.0+0", "NONE"), ("2.0.0+0", "TEST")], \
                after.output
            assert SAMPLE.lines(after)[-2:] == ["running version 2.0.0+0", "confirmed: 0"]
