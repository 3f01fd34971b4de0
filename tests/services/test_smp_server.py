"""The SMP server's core over a board's flash: the image and OS groups, their errors,
the control point, and what the boot stage makes of what an upload leaves."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smp_support import device_with, request, response, server_for

from boot.boot_support import make_image
from levante.boot.keyring import SigningKey, generate_key, trusted_key_from_public
from levante.codecs import smp

READ, WRITE = 0, 2
OLD = make_image("1.0.0", size=3000, security_counter=1)
NEW = make_image("1.1.0", size=2500, security_counter=2)


def upload(server, image: bytes, chunk: int = 512, sha: bool = True,
           upgrade: bool = False, claimed: bytes | None = None) -> list[dict[str, object]]:
    """Upload `image` as a client does: from the offset each answer gives."""
    answers = []
    offset = 0
    while True:
        body: dict[str, object] = {"off": offset, "data": image[offset:offset + chunk]}
        if offset == 0:
            body.update({"len": len(image), "image": 0, "upgrade": upgrade})
            if sha:
                body["sha"] = hashlib.sha256(claimed or image).digest()
        _, answer = response(server.handle(request(WRITE, 1, 1, body), "peer").response)
        answers.append(answer)
        if "off" not in answer or answer["off"] == len(image):
            return answers
        offset = answer["off"]


def states(server) -> list[dict[str, object]]:
    _, body = response(server.handle(request(READ, 1, 0), "peer").response)
    return body["images"]


def test_echo_parameters_and_task_statistics() -> None:
    server, _ = server_for(device_with(OLD), buffer_size=1024, buffer_count=3)
    header, body = response(server.handle(request(WRITE, 0, 0, {"d": "hi"}, 42), "p").response)
    assert body == {"r": "hi"}
    assert header[0] == (1 << 3) | 3 and header[6] == 42  # write response, sequence kept
    assert response(server.handle(request(READ, 0, 6), "p").response)[1] == \
        {"buf_size": 1024, "buf_count": 3}
    tasks = response(server.handle(request(READ, 0, 2), "p").response)[1]["tasks"]
    assert tasks["main"]["stksiz"] == 256 and tasks["main"]["runtime"] == 1234


def test_bootloader_info_names_mcuboot_and_its_mode() -> None:
    server, _ = server_for(device_with(OLD))
    assert response(server.handle(request(READ, 0, 8), "p").response)[1] == \
        {"bootloader": "MCUboot"}
    assert response(server.handle(request(READ, 0, 8, {"query": "mode"}), "p")
                    .response)[1] == {"mode": 3}
    assert response(server.handle(request(READ, 0, 8, {"query": "colour"}), "p")
                    .response)[1] == {"err": {"group": 0, "rc": 3}}


def test_a_reset_is_answered_then_owed() -> None:
    server, _ = server_for(device_with(OLD))
    outcome = server.handle(request(WRITE, 0, 5, {}), "p")
    assert outcome.reset and response(outcome.response)[1] == {}


def test_state_lists_the_running_image_confirmed_and_active() -> None:
    server, _ = server_for(device_with(OLD))
    [running] = states(server)
    assert running["version"] == "1.0.0" and running["slot"] == 0
    assert running["active"] and running["confirmed"] and running["bootable"]
    assert len(running["hash"]) == 32


def test_upload_test_and_boot_swaps_the_image_in() -> None:
    device = device_with(OLD)
    server, target = server_for(device)
    answers = upload(server, NEW)
    assert answers[-1] == {"off": len(NEW), "match": True}
    new = states(server)[1]
    assert new["version"] == "1.1.0" and "pending" not in new
    after = response(server.handle(request(WRITE, 1, 0, {"hash": new["hash"]}), "p")
                     .response)[1]
    assert after["images"][1]["pending"] is True
    assert device.booted()[:len(NEW)] == NEW  # the boot stage swaps it in
    # Running the test image: the old one is the one a revert goes back to.
    server, _ = server_for(device)
    running, previous = states(server)
    assert running["version"] == "1.1.0" and "confirmed" not in running
    assert previous["confirmed"] is True
    server.handle(request(WRITE, 1, 0, {"confirm": True}), "p")
    assert states(server)[0]["confirmed"] is True
    assert device.booted()[:len(NEW)] == NEW  # confirmed: it stays
    assert [action for _, action, _ in target.judged].count("image.upload") == len(answers)


def test_an_unconfirmed_test_image_reverts() -> None:
    device = device_with(OLD)
    server, _ = server_for(device)
    upload(server, NEW)
    server.handle(request(WRITE, 1, 0, {"hash": states(server)[1]["hash"]}), "p")
    assert device.booted()[:len(NEW)] == NEW
    assert device.booted()[:len(OLD)] == OLD


def test_an_upload_resumes_where_it_stopped() -> None:
    server, _ = server_for(device_with(OLD))
    sha = hashlib.sha256(NEW).digest()
    first = {"off": 0, "data": NEW[:1000], "len": len(NEW), "sha": sha}
    assert response(server.handle(request(WRITE, 1, 1, first), "p").response)[1] == \
        {"off": 1000}
    # The client lost the answer and starts again: told where the upload stands.
    assert response(server.handle(request(WRITE, 1, 1, first), "p").response)[1] == \
        {"off": 1000}
    rest = {"off": 1000, "data": NEW[1000:]}
    assert response(server.handle(request(WRITE, 1, 1, rest), "p").response)[1] == \
        {"off": len(NEW), "match": True}


def test_a_chunk_at_the_wrong_offset_is_dropped_with_the_right_offset() -> None:
    server, _ = server_for(device_with(OLD))
    server.handle(request(WRITE, 1, 1, {"off": 0, "data": NEW[:600], "len": len(NEW)}), "p")
    for wrong in (0x7FFF_FFFF, 12, 599):
        answer = response(server.handle(request(WRITE, 1, 1, {"off": wrong, "data": b"x"}),
                                        "p").response)[1]
        assert answer == {"off": 600}


@pytest.mark.parametrize(("body", "err"), [
    ({"off": 0, "data": NEW[:64], "len": 1 << 20}, 30),  # larger than the slot
    ({"off": 0, "data": b"\0" * 64, "len": 100}, 23),  # no image header magic
    ({"off": 0, "data": NEW[:64]}, 21),  # no length
    ({"off": 0, "data": NEW[:64], "len": 3000, "image": 1}, 14),  # image 1
    ({"off": 5, "data": b"x"}, 20),  # no upload begun
])
def test_uploads_that_cannot_start_are_refused(body: dict[str, object], err: int) -> None:
    server, _ = server_for(device_with(OLD))
    assert response(server.handle(request(WRITE, 1, 1, body), "p").response)[1] == \
        {"err": {"group": 1, "rc": err}}


def test_data_past_the_announced_length_is_refused() -> None:
    server, _ = server_for(device_with(OLD))
    server.handle(request(WRITE, 1, 1, {"off": 0, "data": NEW[:64], "len": 100}), "p")
    answer = response(server.handle(request(WRITE, 1, 1, {"off": 64, "data": b"x" * 64}),
                                    "p").response)[1]
    assert answer == {"err": {"group": 1, "rc": 31}}


def test_a_corrupted_or_truncated_upload_is_refused_at_its_end() -> None:
    server, _ = server_for(device_with(OLD))
    damaged = NEW[:100] + bytes([NEW[100] ^ 1]) + NEW[101:]
    assert upload(server, damaged, claimed=NEW)[-1] == {"err": {"group": 1, "rc": 24}}
    truncated = NEW[:len(NEW) - 200]
    assert upload(server, truncated)[-1] == {"err": {"group": 1, "rc": 3}}
    # Nothing can be marked for test: the slot holds no image.
    assert len(states(server)) == 1


def test_a_downgrade_is_refused_when_the_client_asks_for_upgrades_only() -> None:
    server, _ = server_for(device_with(NEW))
    assert upload(server, OLD, upgrade=True)[-1] == {"err": {"group": 1, "rc": 27}}


def test_a_wrong_key_image_uploads_but_never_boots() -> None:
    device = device_with(OLD)
    server, _ = server_for(device)
    private = generate_key("ecdsa-p256")
    key = SigningKey(private, trusted_key_from_public(private.public_key(), Path("k")))
    stranger = make_image("2.0.0", key=key, size=2000)
    upload(server, stranger)
    server.handle(request(WRITE, 1, 0, {"hash": states(server)[1]["hash"]}), "p")
    assert device.booted()[:len(OLD)] == OLD


def test_the_secondary_slot_is_kept_while_the_boot_stage_needs_it() -> None:
    device = device_with(OLD)
    server, _ = server_for(device)
    upload(server, NEW)
    server.handle(request(WRITE, 1, 0, {"hash": states(server)[1]["hash"]}), "p")
    pending = {"err": {"group": 1, "rc": 28}}
    assert response(server.handle(request(WRITE, 1, 5, {}), "p").response)[1] == pending
    assert upload(server, NEW)[-1] == pending
    device.booted()
    server, _ = server_for(device)
    # Running the test image: slot 1 holds what a revert needs.
    assert response(server.handle(request(WRITE, 1, 5, {}), "p").response)[1] == \
        {"err": {"group": 1, "rc": 9}}


def test_erase_clears_the_secondary_slot_only() -> None:
    server, _ = server_for(device_with(OLD))
    upload(server, NEW)
    assert response(server.handle(request(WRITE, 1, 5, {"slot": 0}), "p").response)[1] == \
        {"err": {"group": 1, "rc": 14}}
    assert response(server.handle(request(WRITE, 1, 5, {}), "p").response)[1] == {}
    assert len(states(server)) == 1


def test_marking_the_running_image_for_test_is_refused() -> None:
    server, _ = server_for(device_with(OLD))
    running = states(server)[0]["hash"]
    assert response(server.handle(request(WRITE, 1, 0, {"hash": running}), "p")
                    .response)[1] == {"err": {"group": 1, "rc": 33}}
    assert response(server.handle(request(WRITE, 1, 0, {"hash": b"\1" * 32}), "p")
                    .response)[1] == {"err": {"group": 1, "rc": 8}}


def test_slot_info_reports_the_slots() -> None:
    server, target = server_for(device_with(OLD))
    body = response(server.handle(request(READ, 1, 6), "p").response)[1]
    [image] = body["images"]
    assert image["max_image_size"] == target.slots.max_image_size
    assert [slot["slot"] for slot in image["slots"]] == [0, 1]


def test_version_1_requests_get_generic_result_codes() -> None:
    server, _ = server_for(device_with(OLD))
    body = {"off": 0, "data": NEW[:64], "len": 1 << 20}
    assert response(server.handle(request(WRITE, 1, 1, body, version=0), "p")
                    .response)[1] == {"rc": 1}
    assert response(server.handle(request(WRITE, 1, 0, {"hash": OLD[:0] + b"\1" * 32},
                                          version=0), "p").response)[1] == {"rc": 1}


def test_every_command_is_judged_and_a_refusal_is_access_denied() -> None:
    server, target = server_for(device_with(OLD))
    target.deny.add("os.reset")
    outcome = server.handle(request(WRITE, 0, 5, {}), "192.0.2.2:5000")
    assert not outcome.reset and response(outcome.response)[1] == {"rc": 11}
    server.handle(request(READ, 200, 0), "192.0.2.2:5000")  # no such group: not served
    assert response(server.handle(request(READ, 200, 0), "p").response)[1] == {"rc": 8}
    actions = [(peer, action) for peer, action, _ in target.judged]
    assert actions[:2] == [("192.0.2.2:5000", "os.reset"), ("192.0.2.2:5000",
                                                              "group200.command0")]


def test_upload_data_is_summarised_for_the_control_point() -> None:
    server, target = server_for(device_with(OLD))
    server.handle(request(WRITE, 1, 1, {"off": 0, "data": NEW[:300], "len": len(NEW)}), "p")
    fields = target.judged[-1][2]
    assert fields["request"] == {"off": 0, "data": "300 octets", "len": len(NEW)}
    assert (fields["group"], fields["command"], fields["op"]) == (1, 1, "write")


def test_groups_left_out_of_the_build_are_not_served() -> None:
    server, _ = server_for(device_with(OLD), image_group=False)
    assert response(server.handle(request(READ, 1, 0), "p").response)[1] == {"rc": 8}


VALUES = st.one_of(st.none(), st.booleans(), st.integers(-(1 << 63), (1 << 64) - 1),
                   st.binary(max_size=80), st.text(max_size=20),
                   st.lists(st.integers(), max_size=3))
KEYS = st.sampled_from(["off", "data", "len", "sha", "image", "upgrade", "hash", "confirm",
                        "slot", "d", "query", "force", "other"])
COMMANDS = st.sampled_from([(0, 0), (0, 2), (0, 5), (0, 6), (0, 7), (0, 8), (1, 0), (1, 1),
                            (1, 5), (1, 6), (2, 0), (64, 1)])


@settings(max_examples=300, deadline=None)
@given(COMMANDS, st.sampled_from([READ, WRITE]), st.dictionaries(KEYS, VALUES, max_size=6),
       st.sampled_from([0, 1]))
def test_any_request_is_answered_never_raises(command: tuple[int, int], op: int,
                                              body: dict[str, object], version: int) -> None:
    server, target = server_for(device_with(OLD))
    frame = request(op, *command, body, version=version)
    outcome = server.handle(frame, "p")
    header, answer = response(outcome.response)
    # Judged once, unless the codec refused the body (answered EINVAL, nothing acts).
    try:
        smp.decode(frame)
        decoded = True
    except smp.SmpBodyError:
        decoded = False
    assert header[6] == 7 and len(target.judged) == (1 if decoded else 0)
    assert isinstance(answer, dict) and (decoded or answer == {"rc": 3})
