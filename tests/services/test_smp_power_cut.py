"""A power cut after any single flash operation of an SMP upload, of the test request
that follows, and of the swap at the next boot: the board always boots one whole,
verified image, the old or the new."""

from __future__ import annotations

import hashlib

from smp_support import device_with, request, server_for

from boot.boot_support import make_image
from levante.boot import FaultInjector, PowerCut

OLD = make_image("1.0.0", size=3000, security_counter=1)
NEW = make_image("1.1.0", size=2500, security_counter=2)
CHUNK = 700


def update(faults: FaultInjector) -> bytes:
    """Upload NEW, mark it for test and boot, with `faults` from the first SMP command
    on: the image the boot runs."""
    device = device_with(OLD, FaultInjector())
    device.board.flash.faults = faults
    server, _ = server_for(device)
    try:
        for offset in range(0, len(NEW), CHUNK):
            body: dict[str, object] = {"off": offset, "data": NEW[offset:offset + CHUNK]}
            if offset == 0:
                body.update({"len": len(NEW), "sha": hashlib.sha256(NEW).digest()})
            server.handle(request(2, 1, 1, body), "p")
        state = server.images.slot_image(server.target.slots.secondary,
                                         server.target.slots.max_image_size)
        assert state is not None
        server.handle(request(2, 1, 0, {"hash": state.digest}), "p")
        result = device.boot()
    except PowerCut:
        faults.cut_after = None
        result = device.boot()  # power back on
    assert result.ok, result.log
    return device.slot_bytes("primary", result.images[0].verified.size)


def test_every_cut_point_leaves_a_verified_image() -> None:
    clean = FaultInjector()
    assert update(clean) == NEW
    total = clean.operations
    assert total > 10  # erases and programs of the upload, the request, the swap
    outcomes = set()
    for cut in range(total):
        image = update(FaultInjector(cut_after=cut))
        assert image in (OLD, NEW), f"cut after {cut} operations"
        outcomes.add(image)
    assert outcomes == {OLD, NEW}
