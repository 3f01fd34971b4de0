"""The sensor driver's calls (Zephyr's drivers/sensor.h) on the virtual sensor.

sensor_sample_fetch(_chan) takes a sample of the live readings; sensor_channel_get gives
it as struct sensor_value (three of them for an XYZ channel); sensor_attr_set/get keep
the lower and upper thresholds the THRESHOLD trigger uses; sensor_trigger_set (a kernel
function) registers a handler that runs in interrupt context when a reading crosses a
threshold (TRIG_THRESHOLD) or changes (TRIG_DATA_READY).  Other channels, attributes
and triggers are -ENOTSUP, as a driver without them says.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, STRUCT_SIZES
from levante.arch.interface import AccessKind
from levante.kernel.objects.sensor import (
    ATTR_LOWER_THRESH,
    ATTR_UPPER_THRESH,
    TRIG_DATA_READY,
    TRIG_THRESHOLD,
    XYZ_CHANNELS,
    Trigger,
    VirtualSensor,
    from_sensor_value,
    to_sensor_value,
)
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL, ENOTSUP, ENODATA = (-ERRNO[name] for name in ("EINVAL", "ENOTSUP", "ENODATA"))
_VALUE = struct.Struct("<ii")  # struct sensor_value: val1, val2
_TRIGGER = struct.Struct("<hh")  # struct sensor_trigger: type, chan (short enums)
assert _TRIGGER.size == STRUCT_SIZES["sensor_trigger"]
_THRESHOLDS = (ATTR_LOWER_THRESH, ATTR_UPPER_THRESH)


@syscall("sensor_sample_fetch")
def sensor_sample_fetch(kernel: Services, caller: Caller, sensor: VirtualSensor) -> int:
    sensor.fetch(60)
    return 0


def _valid_fetch_chan(kernel: Inspect, caller: Caller, sensor: VirtualSensor,
                      channel: int) -> int | Plan:
    return (sensor, channel) if VirtualSensor.measures(channel) else ENOTSUP


@syscall("sensor_sample_fetch_chan", validate=_valid_fetch_chan)
def sensor_sample_fetch_chan(kernel: Services, caller: Caller, sensor: VirtualSensor,
                             channel: int) -> int:
    sensor.fetch(channel)
    return 0


def _valid_channel_get(kernel: Inspect, caller: Caller, sensor: VirtualSensor,
                       channel: int, pointer: int) -> int | Plan:
    if not VirtualSensor.measures(channel):
        return ENOTSUP
    count = len(XYZ_CHANNELS.get(channel, (channel,)))
    kernel.memory.check(caller, pointer, _VALUE.size * count, AccessKind.WRITE)
    readings = sensor.readings(channel)
    return (pointer, readings) if readings is not None else ENODATA


@syscall("sensor_channel_get", validate=_valid_channel_get)
def sensor_channel_get(kernel: Services, caller: Caller, pointer: int,
                       readings: list[float]) -> int:
    data = b"".join(_VALUE.pack(*to_sensor_value(value)) for value in readings)
    kernel.memory.write(caller, pointer, data)
    return 0


def _valid_attr_set(kernel: Inspect, caller: Caller, sensor: VirtualSensor, channel: int,
                    attribute: int, pointer: int) -> int | Plan:
    kernel.memory.check(caller, pointer, _VALUE.size, AccessKind.READ)
    if attribute not in _THRESHOLDS or channel in XYZ_CHANNELS or \
            not VirtualSensor.measures(channel):
        return ENOTSUP
    whole, micro = _VALUE.unpack(kernel.memory.read(caller, pointer, _VALUE.size))
    return sensor, channel, attribute, from_sensor_value(whole, micro)


@syscall("sensor_attr_set", validate=_valid_attr_set)
def sensor_attr_set(kernel: Services, caller: Caller, sensor: VirtualSensor, channel: int,
                    attribute: int, value: float) -> int:
    sensor.thresholds[channel, attribute] = value
    return 0


def _valid_attr_get(kernel: Inspect, caller: Caller, sensor: VirtualSensor, channel: int,
                    attribute: int, pointer: int) -> int | Plan:
    kernel.memory.check(caller, pointer, _VALUE.size, AccessKind.WRITE)
    value = sensor.thresholds.get((channel, attribute))
    return ENOTSUP if value is None else (pointer, value)


@syscall("sensor_attr_get", validate=_valid_attr_get)
def sensor_attr_get(kernel: Services, caller: Caller, pointer: int, value: float) -> int:
    kernel.memory.write(caller, pointer, _VALUE.pack(*to_sensor_value(value)))
    return 0


def _valid_trigger_set(kernel: Inspect, caller: Caller, sensor: VirtualSensor,
                       trigger: int, handler: int) -> int | Plan:
    kernel.memory.check(caller, trigger, _TRIGGER.size, AccessKind.READ)
    kind, channel = _TRIGGER.unpack(kernel.memory.read(caller, trigger, _TRIGGER.size))
    if kind not in (TRIG_DATA_READY, TRIG_THRESHOLD) or not VirtualSensor.measures(channel):
        return ENOTSUP
    return sensor, Trigger(kind, channel, handler, trigger)


@syscall("sensor_trigger_set", validate=_valid_trigger_set)
def sensor_trigger_set(kernel: Services, caller: Caller, sensor: VirtualSensor,
                       trigger: Trigger) -> int:
    key = (trigger.kind, trigger.channel)
    if trigger.handler:
        sensor.triggers[key] = trigger
    else:
        sensor.triggers.pop(key, None)  # a NULL handler turns the trigger off
    return 0


def run_triggers(kernel: Services, sensor: VirtualSensor, fired: list[Trigger]) -> None:
    """Run the handlers of the triggers a reading change fired, in interrupt context."""
    for trigger in fired:
        kernel.run_callback(trigger.handler, (sensor.device, trigger.trigger),
                            f"sensor {sensor.name}")
