"""samples/iot/http_update end to end: a Python HTTP server on the host's loopback serves
an image signed at test time; the device reaches it through `--net user`, downloads it
into the secondary slot, requests a test swap and reboots; the boot stage swaps it in and
the new image confirms itself. A truncated download, an image signed with another key
and a downgrade never boot."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from download_update import DownloadSample, boot_versions
from http_update_server import IMAGE_PATH, ImageServer

from conftest import SAMPLES, Builder, RunResult, levante
from levante.boot.keyring import SigningKey, generate_key, trusted_key_from_public

SAMPLE = DownloadSample(SAMPLES / "iot" / "http_update", "http_update")
APP = SAMPLE.app


@pytest.fixture(scope="module")
def server() -> Iterator[ImageServer]:
    serving = ImageServer()
    yield serving
    serving.close()


@pytest.fixture(scope="module")
def port_conf(server: ImageServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    conf = tmp_path_factory.mktemp("http_update") / "port.conf"
    conf.write_text(f"CONFIG_HTTP_UPDATE_PORT={server.port}\n")
    return str(conf)


def signed(builder: Builder, port_conf: str, board: str, version: str,
           key: SigningKey | None = None) -> tuple[bytes, Path]:
    return SAMPLE.signed(builder, (port_conf,), board, version, key)


def run_v1(builder: Builder, port_conf: str, board: str, flash: Path,
           known: Path) -> RunResult:
    return SAMPLE.run(builder, (port_conf,), board, flash, known)


def sample_lines(result: RunResult) -> list[str]:
    return SAMPLE.lines(result)


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_downloaded_image_is_swapped_in_and_confirms_itself(
        builder: Builder, server: ImageServer, port_conf: str, tmp_path: Path,
        board: str) -> None:
    image, known = signed(builder, port_conf, board, "2.0.0")
    server.serve(image)
    result = run_v1(builder, port_conf, board, tmp_path / "flash", known)
    assert result.status == 0, result.errors + result.output
    assert server.requests == [IMAGE_PATH]
    assert sample_lines(result) == [
        "running version 1.0.0+0", f"downloading {len(image)} bytes",
        f"{len(image)} bytes in the secondary slot",
        "upgrade requested: 0", "running version 2.0.0+0", "confirmed: 0"]
    assert "levante-boot: image 0: swapping (TEST)" in result.output
    assert boot_versions(result) == [("1.0.0+0", "NONE"), ("2.0.0+0", "TEST")]
    # Confirmed: the next power-on keeps 2.0.0, and finds nothing newer to install.
    again = run_v1(builder, port_conf, board, tmp_path / "flash", known)
    assert again.status == 0, again.errors + again.output
    assert boot_versions(again) == [("2.0.0+0", "NONE")]
    assert sample_lines(again) == ["running version 2.0.0+0",
                                   f"downloading {len(image)} bytes",
                                   "the server offers the running version",
                                   "no update: -120"]  # -EALREADY
    shown = levante("boot", "--flash-dir", str(tmp_path / "flash"))
    assert shown.returncode == 0 and "2.0.0+0" in shown.stdout, shown.stdout + shown.stderr


def test_a_download_cut_short_is_never_requested(
        builder: Builder, server: ImageServer, port_conf: str, tmp_path: Path) -> None:
    image, known = signed(builder, port_conf, "lv_m4", "2.0.0")
    server.serve(image, cut_after=len(image) // 2)
    result = run_v1(builder, port_conf, "lv_m4", tmp_path / "flash", known)
    assert result.status == 0, result.errors + result.output
    assert sample_lines(result) == [
        "running version 1.0.0+0", f"downloading {len(image)} bytes",
        f"download truncated: {len(image) // 2} of {len(image)} bytes", "no update: -5"]
    assert boot_versions(result) == [("1.0.0+0", "NONE")]
    assert not result.events("reboot")


def test_a_truncated_image_served_whole_cannot_be_requested(
        builder: Builder, server: ImageServer, port_conf: str, tmp_path: Path) -> None:
    image, known = signed(builder, port_conf, "lv_m4", "2.0.0")
    server.serve(image[:len(image) - 100])  # its TLVs cut off, its length announced
    result = run_v1(builder, port_conf, "lv_m4", tmp_path / "flash", known)
    assert result.status == 0, result.errors + result.output
    lines = sample_lines(result)
    assert lines[-1] == "upgrade requested: -22", result.output  # -EINVAL: no image
    assert boot_versions(result) == [("1.0.0+0", "NONE")]


def test_another_status_or_an_oversized_head_is_no_update(
        builder: Builder, server: ImageServer, port_conf: str, tmp_path: Path) -> None:
    image, known = signed(builder, port_conf, "lv_m4", "2.0.0")
    server.serve(image, status=503)
    result = run_v1(builder, port_conf, "lv_m4", tmp_path / "flash", known)
    assert result.status == 0, result.errors + result.output
    lines = sample_lines(result)
    assert lines[1].startswith("server answered: HTTP/1.0 503") and \
        lines[2:] == ["no update: -2"], result.output  # -ENOENT
    server.serve(image, padding=2048)
    result = run_v1(builder, port_conf, "lv_m4", tmp_path / "flash", known)
    assert sample_lines(result)[1:] == ["response head longer than 1024 bytes",
                                        "no update: -122"], result.output  # -EMSGSIZE
    assert boot_versions(result) == [("1.0.0+0", "NONE")]


def refused_by_the_boot_stage(builder: Builder, server: ImageServer, port_conf: str,
                              flash: Path, image: bytes, known: Path) -> RunResult:
    server.serve(image)
    result = run_v1(builder, port_conf, "lv_m4", flash, known)
    assert result.status == 0, result.errors + result.output
    assert sample_lines(result) == [
        "running version 1.0.0+0", f"downloading {len(image)} bytes",
        f"{len(image)} bytes in the secondary slot",
        "upgrade requested: 0", "running version 1.0.0+0",
        "the boot stage did not take the downloaded image"]
    assert boot_versions(result) == [("1.0.0+0", "NONE"), ("1.0.0+0", "NONE")]
    assert server.requests == [IMAGE_PATH]  # once: the refused image is not fetched again
    return result


def test_an_image_signed_with_another_key_never_boots(
        builder: Builder, server: ImageServer, port_conf: str, tmp_path: Path) -> None:
    private = generate_key("ecdsa-p256")
    foreign = SigningKey(private, trusted_key_from_public(private.public_key(),
                                                          Path("foreign.pem")))
    image, known = signed(builder, port_conf, "lv_m4", "2.0.0", foreign)
    result = refused_by_the_boot_stage(builder, server, port_conf, tmp_path / "flash",
                                       image, known)
    assert re.search(r"levante-boot: image 0: refusing .*(key|signature)", result.output), \
        result.output


def test_a_downgrade_never_boots(builder: Builder, server: ImageServer, port_conf: str,
                                 tmp_path: Path) -> None:
    image, known = signed(builder, port_conf, "lv_m4", "0.9.0")
    result = refused_by_the_boot_stage(builder, server, port_conf, tmp_path / "flash",
                                       image, known)
    assert re.search(r"levante-boot: image 0: refusing .*(older|downgrade)", result.output), \
        result.output
