"""Helpers of the SMP server tests: a managed device over the boot tests' small flash,
requests built with the `smp` client library (what smpclient sends), responses read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import cbor2

from boot.boot_support import Device
from levante.board.flash_port import BoardFlashPort
from levante.boot import FaultInjector
from levante.kernel.flash_port import FlashPartitionInfo
from levante.services.smp.server import SmpServer, SmpSettings
from levante.services.smp.target import ImageSlotsInfo, TaskStats


@dataclass
class FakeTarget:
    """The server's view of a device: the boot tests' flash, a control point that
    records every judgement (and refuses the actions in `deny`)."""

    device: Device
    deny: set[str] = field(default_factory=set)
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    judged: list[tuple[str, str, Mapping[str, object]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._flash = BoardFlashPort(self.device.board, self.device.layout,
                                     lambda address, data: None)
        image = self.device.layout.images[0]
        primary, secondary = (FlashPartitionInfo(part.name, part.offset, part.size,
                                                 part is image.secondary)
                              for part in (image.primary, image.secondary))
        self._slots = ImageSlotsInfo(primary, secondary,
                                     self.device.layout.max_image_size(0), False)

    @property
    def flash(self) -> BoardFlashPort:
        return self._flash

    @property
    def slots(self) -> ImageSlotsInfo:
        return self._slots

    def judge(self, peer: str, action: str, fields: Mapping[str, object]) -> int | None:
        self.judged.append((peer, action, fields))
        return -13 if action in self.deny else None

    def tasks(self) -> list[TaskStats]:
        return [TaskStats("main", 0, 0x20000008, 0, 64, 256, 3, 1234)]

    def stat_groups(self) -> list[str]:
        return list(self.stats)

    def stat_values(self, name: str) -> dict[str, int] | None:
        return self.stats.get(name)


def device_with(primary: bytes, faults: FaultInjector | None = None) -> Device:
    device = Device.fresh(faults=faults)
    device.write(primary, "primary")
    return device


def server_for(device: Device, **settings: object) -> tuple[SmpServer, FakeTarget]:
    target = FakeTarget(device)
    return SmpServer(target, SmpSettings(**settings)), target  # type: ignore[arg-type]


def request(op: int, group: int, command: int, body: Mapping[str, object] | None = None,
            sequence: int = 7, version: int = 1) -> bytes:
    data = cbor2.dumps(dict(body)) if body is not None else b""
    first = (version << 3) | op
    return bytes([first, 0]) + len(data).to_bytes(2, "big") + group.to_bytes(2, "big") + \
        bytes([sequence, command]) + data


def response(frame: bytes | None) -> tuple[bytes, dict[str, object]]:
    """(header, body) of a response frame."""
    assert frame is not None
    body = cbor2.loads(frame[8:]) if len(frame) > 8 else {}
    assert int.from_bytes(frame[2:4], "big") == len(frame) - 8
    return frame[:8], body
