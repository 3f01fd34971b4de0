"""`levante build` signs, `levante run` boots through the boot stage from the board's
flash, `levante flash` stages updates: upgrades, reverts, refusals, end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import Builder, levante, split_boot_log
from levante.boot.image import TLV_SEC_CNT, parse_image

APP = Path(__file__).resolve().parent / "versioned"
V1_0, V1_1, V0_9 = ("v1_0.conf",), ("v1_1.conf",), ("v0_9.conf",)
V1_2_COUNTER_1 = ("v1_2_counter1.conf",)
DEV_KEY_WARNING = ("levante-boot: image 0: WARNING: signed with the development key "
                   "(insecure, for development only)")


def power_on(build: Path, board: Path) -> tuple[int, list[str], str, str]:
    """One `levante run` of `build` on the board whose flash is in `board`: (status,
    boot-stage lines, application output, stderr)."""
    result = levante("run", str(build), "--flash-dir", str(board))
    boot_log, output = split_boot_log(result.stdout)
    return result.returncode, boot_log, output, result.stderr


def stage(image: Path, board: Path, *request: str) -> None:
    result = levante("flash", str(image), "--flash-dir", str(board), *request)
    assert result.returncode == 0, result.stderr


def signed(builder: Builder, extra: tuple[str, ...] = ()) -> Path:
    return builder.build(APP, extra=extra) / "levante.signed.bin"


def test_build_signs_and_run_programs_a_new_board(builder: Builder, tmp_path: Path) -> None:
    build = builder.build(APP, extra=V1_0)
    image = parse_image((build / "levante.signed.bin").read_bytes())
    assert (image.header.header_size, str(image.header.version)) == (0x200, "1.0.0+0")
    status, boot_log, output, _ = power_on(build, tmp_path)
    assert status == 0 and output.endswith("running version 1.0.0+0\n")
    assert boot_log == [DEV_KEY_WARNING,
                        "levante-boot: image 0: booting version 1.0.0+0 from 0x00010000"]
    assert (tmp_path / "flash.bin").stat().st_size == 1 << 20


def test_a_test_upgrade_runs_once_then_reverts(builder: Builder, tmp_path: Path) -> None:
    build = builder.build(APP, extra=V1_0)
    power_on(build, tmp_path)
    stage(signed(builder, V1_1), tmp_path, "--test")
    status, boot_log, output, _ = power_on(build, tmp_path)
    assert status == 0 and "running version 1.1.0+0" in output
    assert "levante-boot: image 0: swapping (TEST)" in boot_log
    # Not the build's image: run says so.
    assert boot_log[-1] == (f"levante-boot: image 0: the image that boots is not "
                            f"{build / 'levante.signed.bin'} but the one in the board's "
                            f"flash (built in {signed(builder, V1_1).parent})")
    status, boot_log, output, _ = power_on(build, tmp_path)
    assert "levante-boot: image 0: test image not confirmed: reverting" in boot_log
    assert status == 0 and "running version 1.0.0+0" in output
    assert not any("is not" in line for line in boot_log)  # the build's own image again


def test_an_update_staged_on_a_new_board_swaps_in_at_first_power_on(
        builder: Builder, tmp_path: Path) -> None:
    stage(signed(builder, V1_1), tmp_path, "--test")
    status, boot_log, output, _ = power_on(builder.build(APP, extra=V1_0), tmp_path)
    assert "levante-boot: image 0: swapping (TEST)" in boot_log
    assert status == 0 and "running version 1.1.0+0" in output


def test_a_permanent_upgrade_stays_and_raises_the_security_counter(
        builder: Builder, tmp_path: Path) -> None:
    build = builder.build(APP, extra=V1_0)
    power_on(build, tmp_path)
    stage(signed(builder, V1_1), tmp_path, "--confirm")
    for _ in range(2):
        status, boot_log, output, _ = power_on(build, tmp_path)
        assert status == 0 and "running version 1.1.0+0" in output
    assert "levante-boot: image 0: security counter raised to 2" in boot_log
    # A newer version whose security counter is lower is refused from now on.
    stage(signed(builder, V1_2_COUNTER_1), tmp_path, "--confirm")
    status, boot_log, output, _ = power_on(build, tmp_path)
    assert any("downgrade by security counter" in line for line in boot_log)
    assert status == 0 and "running version 1.1.0+0" in output


def test_an_older_version_is_refused(builder: Builder, tmp_path: Path) -> None:
    build = builder.build(APP, extra=V1_0)
    power_on(build, tmp_path)
    stage(signed(builder, V0_9), tmp_path, "--confirm")
    status, boot_log, output, _ = power_on(build, tmp_path)
    assert any("downgrade by version: 0.9.0+0 is older than the running 1.0.0+0" in line
               for line in boot_log)
    assert status == 0 and "running version 1.0.0+0" in output


def test_a_tampered_primary_slot_boots_nothing(builder: Builder, tmp_path: Path) -> None:
    build = builder.build(APP, extra=V1_0)
    power_on(build, tmp_path)
    flash = bytearray((tmp_path / "flash.bin").read_bytes())
    flash[0x10000 + 0x300] ^= 0x01  # one bit of the application's code
    (tmp_path / "flash.bin").write_bytes(flash)
    status, boot_log, output, errors = power_on(build, tmp_path)
    assert status == 1 and output == ""
    assert errors.strip().splitlines() == [
        "levante: the boot stage found no bootable image: hash mismatch: SHA256 TLV does "
        "not match the image"]
    assert "no bootable image" in boot_log[-1]


def test_a_rebuilt_application_is_programmed_again(builder: Builder, tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    build, board = tmp_path / "build", tmp_path / "build" / "flash"
    version = ("--extra-conf", str(app / "v1_0.conf"))
    assert levante("build", str(app), "-d", str(build), *version).returncode == 0
    assert "1.0.0+0" in power_on(build, board)[2]
    (app / "v1_0.conf").write_text('CONFIG_MCUBOOT_IMGTOOL_SIGN_VERSION="2.0.0+0"\n')
    assert levante("build", str(app), "-d", str(build), *version).returncode == 0
    assert "running version 2.0.0+0" in levante("run", str(build)).stdout


def test_an_image_from_no_known_build_is_not_run_with_wrong_symbols(
        builder: Builder, tmp_path: Path) -> None:
    build = builder.build(APP, extra=V1_0)
    power_on(build, tmp_path / "board")
    stray = tmp_path / "update.bin"  # not in a build folder: no symbols on record
    shutil.copy(signed(builder, V1_1), stray)
    stage(stray, tmp_path / "board", "--confirm")
    status, _, output, errors = power_on(build, tmp_path / "board")
    assert status == 2 and output == ""
    assert "the board booted another image than this build's" in errors


def test_the_build_s_own_key_replaces_the_development_key(builder: Builder,
                                                          tmp_path: Path) -> None:
    build = builder.build(APP, extra=(*V1_0, "own_key.conf"))
    verified = levante("verify", "-k", str(APP / "product.pem"),
                       str(build / "levante.signed.bin"))
    assert verified.returncode == 0, verified.stdout
    status, boot_log, output, _ = power_on(build, tmp_path)
    assert status == 0 and "running version" in output
    assert DEV_KEY_WARNING not in boot_log
    # The board's boot stage trusts that key only: a development-key update is refused.
    stage(signed(builder, V1_1), tmp_path, "--confirm")
    status, boot_log, output, _ = power_on(build, tmp_path)
    assert any("refusing the secondary slot's image" in line for line in boot_log)
    assert "running version 1.0.0+0" in output


def test_extra_imgtool_arguments_reach_the_image(builder: Builder) -> None:
    image = parse_image(signed(builder, V1_1).read_bytes())
    [counter] = [tlv for tlv in image.tlvs if tlv.kind == TLV_SEC_CNT]
    assert int.from_bytes(counter.value, "little") == 2


@pytest.mark.parametrize("arguments, problem", [
    ("--key other.pem", "'--key' is not supported here"),
    ("--security-counter", "--security-counter needs a value"),
    ("--dependencies '(1,1.0.0)", "No closing quotation"),
])
def test_bad_extra_imgtool_arguments_fail_the_build(tmp_path: Path, arguments: str,
                                                    problem: str) -> None:
    fragment = tmp_path / "extra.conf"
    fragment.write_text(f'CONFIG_MCUBOOT_EXTRA_IMGTOOL_ARGS="{arguments}"\n')
    result = levante("build", str(APP), "-d", str(tmp_path / "build"),
                     "--extra-conf", str(fragment))
    assert result.returncode == 2 and problem in result.stderr
    assert result.stderr.count("\n") == 1


def test_without_the_boot_stage_the_image_is_loaded_directly(builder: Builder) -> None:
    build = builder.build(APP, extra=("no_mcuboot.conf",))
    assert not (build / "levante.signed.bin").exists()
    result = builder.run(APP, extra=("no_mcuboot.conf",))
    assert result.status == 0 and result.boot_log == [] and not result.events("boot_stage")
    assert result.output.endswith("running unsigned\n")


def test_flash_and_boot_use_the_board_of_the_build_folder(builder: Builder,
                                                          tmp_path: Path) -> None:
    build = tmp_path / "build"
    shutil.copytree(builder.build(APP, extra=V1_0), build)
    assert levante("run", str(build)).returncode == 0
    flashed = levante("flash", "-d", str(build), "--test", str(signed(builder, V1_1)))
    assert flashed.returncode == 0 and "test upgrade requested" in flashed.stdout
    booted = levante("boot", "-d", str(build))
    assert booted.returncode == 0
    assert "levante-boot: image 0: swapping (TEST)" in booted.stdout
    assert "levante: image 0 version 1.1.0+0 runs at 0x00010200" in booted.stdout
