"""The board wiring a build's devicetree gave (devices.json, written by `levante build`):
which devices the image has, at which register addresses, and the LEDs and buttons on
the GPIO pins.  The run creates the board's devices from it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from levante.devices.gpio import ControllerNode, GpioLine
from levante.devices.sensor import SensorNode
from levante.devices.uart import UartNode
from levante.errors import ImageError

WIRING_FILE = "devices.json"


@dataclass(frozen=True)
class Wiring:
    gpio_controllers: list[ControllerNode] = field(default_factory=list)
    gpio_lines: list[GpioLine] = field(default_factory=list)
    uarts: list[UartNode] = field(default_factory=list)
    sensors: list[SensorNode] = field(default_factory=list)
    kinds: frozenset[str] = frozenset()  # the device kinds the image has


def load_wiring(build_dir: Path) -> Wiring:
    """The build's wiring; a build without one (made before devicetrees) has none."""
    path = build_dir / WIRING_FILE
    if not path.is_file():
        return Wiring()
    try:
        data: Any = json.loads(path.read_text())
        devices = data["devices"]
        controllers = [ControllerNode(str(item["name"]), int(item["address"]),
                                      int(item["ngpios"]))
                       for item in devices if item["kind"] == "device_gpio"]
        lines = [GpioLine(str(item["role"]), tuple(str(name) for name in item["names"]),
                          str(item["label"]), int(item["controller"]), int(item["pin"]),
                          int(item["flags"]))
                 for item in data["gpio_lines"]]
        uarts = [UartNode(str(item["name"]), int(item["address"]))
                 for item in devices if item["kind"] == "device_uart"]
        sensors = [SensorNode(str(item["name"]), int(item["address"]))
                   for item in devices if item["kind"] == "device_sensor"]
        kinds = frozenset(str(item["kind"]) for item in devices)
    except (ValueError, KeyError, TypeError) as error:
        raise ImageError(f"{path}: not a Levante device wiring file ({error})") from None
    return Wiring(controllers, lines, uarts, sensors, kinds)
