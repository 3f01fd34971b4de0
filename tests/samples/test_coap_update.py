"""samples/iot/coap_update end to end: an aiocoap server on the host's loopback serves an
image signed at test time block-wise (RFC 7959 Block2); the device reaches it through
`--net user`, writes each block into the secondary slot with flash_img, requests a test
swap and reboots; the boot stage swaps the image in and it confirms itself. A download
cut short, a truncated image, an error code, an image signed with another key and a
downgrade never boot; a scripted server that bends the block-wise rules gets the
transfer refused, or, where the rules allow what it does, the update through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiocoap import Code
from coap_update_server import AiocoapImageServer, Script, ScriptedImageServer
from download_update import DownloadSample, boot_versions

from conftest import SAMPLES, Builder, RunResult, levante
from levante.boot.keyring import SigningKey, generate_key, trusted_key_from_public

SAMPLE = DownloadSample(SAMPLES / "iot" / "coap_update", "coap_update")
BLOCK = 512  # the sample's CONFIG_COAP_CLIENT_BLOCK_SIZE


def port_conf(directory: Path, port: int) -> str:
    conf = directory / "port.conf"
    conf.write_text(f"CONFIG_COAP_UPDATE_PORT={port}\n")
    return str(conf)


@pytest.fixture(scope="module")
def server() -> Iterator[AiocoapImageServer]:
    serving = AiocoapImageServer()
    yield serving
    serving.close()


@pytest.fixture(scope="module")
def aiocoap_conf(server: AiocoapImageServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    return port_conf(tmp_path_factory.mktemp("coap_update"), server.port)


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedImageServer]:
    serving = ScriptedImageServer()
    yield serving
    serving.close()


@pytest.fixture(scope="module")
def scripted_conf(scripted: ScriptedImageServer,
                  tmp_path_factory: pytest.TempPathFactory) -> str:
    return port_conf(tmp_path_factory.mktemp("coap_update_scripted"), scripted.port)


def updated(result: RunResult, image: bytes) -> None:
    """The run downloaded `image`, and the boot stage swapped 2.0.0 in, which confirmed."""
    assert result.status == 0, result.errors + result.output
    assert SAMPLE.lines(result) == [
        "running version 1.0.0+0", "downloading levante.signed.bin",
        f"{len(image)} bytes in the secondary slot", "upgrade requested: 0",
        "running version 2.0.0+0", "confirmed: 0"], result.output
    assert "levante-boot: image 0: swapping (TEST)" in result.output
    assert boot_versions(result) == [("1.0.0+0", "NONE"), ("2.0.0+0", "TEST")]


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_downloaded_image_is_swapped_in_and_confirms_itself(
        builder: Builder, server: AiocoapImageServer, aiocoap_conf: str, tmp_path: Path,
        board: str) -> None:
    image, known = SAMPLE.signed(builder, (aiocoap_conf,), board, "2.0.0")
    assert len(image) > 8 * BLOCK  # many blocks
    server.serve(image)
    updated(SAMPLE.run(builder, (aiocoap_conf,), board, tmp_path / "flash", known), image)
    # Confirmed: the next power-on keeps 2.0.0, and does not install it again.
    again = SAMPLE.run(builder, (aiocoap_conf,), board, tmp_path / "flash", known)
    assert again.status == 0, again.errors + again.output
    assert boot_versions(again) == [("2.0.0+0", "NONE")]
    assert SAMPLE.lines(again) == ["running version 2.0.0+0", "downloading levante.signed.bin",
                                   "the server offers the running version",
                                   "no update: -120"]  # -EALREADY
    shown = levante("boot", "--flash-dir", str(tmp_path / "flash"))
    assert shown.returncode == 0 and "2.0.0+0" in shown.stdout, shown.stdout + shown.stderr


@pytest.mark.parametrize(("code", "shown"), [(Code.NOT_FOUND, "4.04"),
                                             (Code.SERVICE_UNAVAILABLE, "5.03")])
def test_an_error_code_is_no_update(builder: Builder, server: AiocoapImageServer,
                                    aiocoap_conf: str, tmp_path: Path, code: Code,
                                    shown: str) -> None:
    image, known = SAMPLE.signed(builder, (aiocoap_conf,), "lv_m4", "2.0.0")
    server.serve(image, code)
    result = SAMPLE.run(builder, (aiocoap_conf,), "lv_m4", tmp_path / "flash", known)
    assert result.status == 0, result.errors + result.output
    assert SAMPLE.lines(result)[1:] == ["downloading levante.signed.bin",
                                        f"server answered {shown}",
                                        "no update: -2"], result.output  # -ENOENT
    assert boot_versions(result) == [("1.0.0+0", "NONE")]
    assert not result.events("reboot")


def test_a_truncated_image_served_whole_cannot_be_requested(
        builder: Builder, server: AiocoapImageServer, aiocoap_conf: str,
        tmp_path: Path) -> None:
    image, known = SAMPLE.signed(builder, (aiocoap_conf,), "lv_m4", "2.0.0")
    server.serve(image[:len(image) - 100])  # its TLVs cut off: the last block ends early
    result = SAMPLE.run(builder, (aiocoap_conf,), "lv_m4", tmp_path / "flash", known)
    assert result.status == 0, result.errors + result.output
    assert SAMPLE.lines(result)[-2:] == [f"{len(image) - 100} bytes in the secondary slot",
                                         "upgrade requested: -22"], result.output  # -EINVAL
    assert boot_versions(result) == [("1.0.0+0", "NONE")]


def refused_by_the_boot_stage(builder: Builder, server: AiocoapImageServer, conf: str,
                              flash: Path, image: bytes, known: Path) -> RunResult:
    server.serve(image)
    result = SAMPLE.run(builder, (conf,), "lv_m4", flash, known)
    assert result.status == 0, result.errors + result.output
    assert SAMPLE.lines(result) == [
        "running version 1.0.0+0", "downloading levante.signed.bin",
        f"{len(image)} bytes in the secondary slot", "upgrade requested: 0",
        "running version 1.0.0+0", "the boot stage did not take the downloaded image"]
    assert boot_versions(result) == [("1.0.0+0", "NONE"), ("1.0.0+0", "NONE")]
    return result


def test_an_image_signed_with_another_key_never_boots(
        builder: Builder, server: AiocoapImageServer, aiocoap_conf: str,
        tmp_path: Path) -> None:
    private = generate_key("ecdsa-p256")
    foreign = SigningKey(private, trusted_key_from_public(private.public_key(),
                                                          Path("foreign.pem")))
    image, known = SAMPLE.signed(builder, (aiocoap_conf,), "lv_m4", "2.0.0", foreign)
    result = refused_by_the_boot_stage(builder, server, aiocoap_conf, tmp_path / "flash",
                                       image, known)
    assert re.search(r"levante-boot: image 0: refusing .*(key|signature)", result.output), \
        result.output


def test_a_downgrade_never_boots(builder: Builder, server: AiocoapImageServer,
                                 aiocoap_conf: str, tmp_path: Path) -> None:
    image, known = SAMPLE.signed(builder, (aiocoap_conf,), "lv_m4", "0.9.0")
    result = refused_by_the_boot_stage(builder, server, aiocoap_conf, tmp_path / "flash",
                                       image, known)
    assert re.search(r"levante-boot: image 0: refusing .*(older|downgrade)", result.output), \
        result.output


# --- RFC 7959's block-wise rules, against a scripted server ---------------------------


def scripted_run(builder: Builder, scripted: ScriptedImageServer, conf: str, tmp_path: Path,
                 script: Script) -> tuple[bytes, RunResult]:
    image, known = SAMPLE.signed(builder, (conf,), "lv_m4", "2.0.0")
    scripted.serve(image, script)
    return image, SAMPLE.run(builder, (conf,), "lv_m4", tmp_path / "flash", known)


def test_a_smaller_block_size_from_the_server_is_followed(
        builder: Builder, scripted: ScriptedImageServer, scripted_conf: str,
        tmp_path: Path) -> None:
    # RFC 7959 §2.4: the server may answer with a smaller block than asked for; the
    # client goes on asking for blocks of that size. Here it shrinks after the first.
    image, result = scripted_run(builder, scripted, scripted_conf, tmp_path,
                                 Script(shrink_to=128))
    updated(result, image)
    blocks = (len(image) - BLOCK + 127) // 128
    assert scripted.asked[:3] == [(0, BLOCK), (1, BLOCK), (5, 128)]
    assert len(scripted.asked) == 2 + blocks - 1


@pytest.mark.parametrize("separate", [False, True], ids=["piggybacked", "separate"])
def test_repeated_and_late_responses_are_taken_once(
        builder: Builder, scripted: ScriptedImageServer, scripted_conf: str,
        tmp_path: Path, separate: bool) -> None:
    # RFC 7252 §4.5: each answer comes twice, and after it a late copy of the one
    # before (piggybacked: its message ID answers an earlier request; separate: a
    # confirmable response with its own message ID, so only its Block2 number tells
    # it is a block already taken); the image is still written once, in order, and
    # boots.
    image, result = scripted_run(builder, scripted, scripted_conf, tmp_path,
                                 Script(repeat=True, separate=separate))
    updated(result, image)
    assert [number for number, _ in scripted.asked] == list(range((len(image) + BLOCK - 1)
                                                                  // BLOCK))


@pytest.mark.parametrize("script", [Script(larger=True), Script(skip_at=3)],
                         ids=["a larger block than asked for", "a block out of order"])
def test_a_block_against_the_rules_ends_the_transfer(
        builder: Builder, scripted: ScriptedImageServer, scripted_conf: str,
        tmp_path: Path, script: Script) -> None:
    _, result = scripted_run(builder, scripted, scripted_conf, tmp_path, script)
    assert result.status == 0, result.errors + result.output
    assert SAMPLE.lines(result)[1:] == ["downloading levante.signed.bin",
                                        "download failed: -77",  # -EBADMSG
                                        "no update: -77"], result.output
    assert boot_versions(result) == [("1.0.0+0", "NONE")]
    assert not result.events("reboot")


def test_a_server_that_falls_silent_leaves_the_download_unrequested(
        builder: Builder, scripted: ScriptedImageServer, scripted_conf: str,
        tmp_path: Path) -> None:
    _, result = scripted_run(builder, scripted, scripted_conf, tmp_path,
                             Script(silent_after=4))
    assert result.status == 0, result.errors + result.output
    assert SAMPLE.lines(result)[1:] == ["downloading levante.signed.bin",
                                        "download failed: -116",  # -ETIMEDOUT
                                        "no update: -116"], result.output
    # The fifth request, sent again twice (CONFIG_COAP_MAX_RETRANSMIT=2).
    assert scripted.asked[4:] == [(4, BLOCK)] * 3
    assert boot_versions(result) == [("1.0.0+0", "NONE")]
