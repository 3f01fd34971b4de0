"""How an MQTT event reaches the runtime: the event record, and what goes into rx_buf.

A 3.1.1 session writes the seven-word struct z_levante_mqtt_event and a topic or SUBACK
codes into rx_buf. An MQTT 5.0 session writes the longer record (reason code, property
count) and each decoded property as a struct z_levante_mqtt_prop in the array the record
names, their strings and binary data copied into rx_buf after the topic or codes, so the
pointers the runtime hands evt_cb point into the client's own rx_buf, as Zephyr's do.
Everything is bounded: the array by its capacity (at most EVENT_PROPERTIES_MAX), the
bytes by rx_buf (a packet that does not fit is -ENOMEM, as a topic that does not fit).
When the array is full the rest of the repeatable properties (User Property,
Subscription Identifier) are left out, as Zephyr's client ignores user properties beyond
CONFIG_MQTT_USER_PROPERTIES_MAX; the others come first, so none of them is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.codecs.mqtt import MQTT_5, Properties, Property, PropertyId
from levante.kernel.syscalls.mqtt_values import EVENT_RECORD, EVENT_V5_RECORD, PROPERTY_RECORD

if TYPE_CHECKING:
    from levante.kernel.usermem import UserBuffer

# Properties that may appear more than once in one packet (MQTT 5.0 §2.2.2.2).
_REPEATABLE = (PropertyId.USER_PROPERTY, PropertyId.SUBSCRIPTION_IDENTIFIER)


@dataclass
class EventWriter:
    """The caller's event record, rx_buf and (MQTT 5.0) property array."""

    level: int
    out: UserBuffer
    rx: UserBuffer
    properties: UserBuffer | None  # None: a 3.1.1 session, or no array given

    def write(self, kind: int, result: int = 0, message_id: int = 0, qos: int = 0,
              flags: int = 0, data: bytes = b"", payload_len: int = 0, reason: int = 0,
              properties: Properties = ()) -> int:
        """Write one event: 0, or -ENOMEM when its data and properties overflow rx_buf."""
        if self.level != MQTT_5:
            if len(data) > self.rx.size:
                return -ERRNO["ENOMEM"]
            if data:
                self.rx.write(data)
            self.out.write(EVENT_RECORD.pack(kind, result, message_id, qos, flags, len(data),
                                             payload_len))
            return 0
        chosen = self._chosen(properties)
        blob = bytearray(data)
        records = bytearray()
        for item in chosen:
            records += self._record(item, blob)
        if len(blob) > self.rx.size:
            return -ERRNO["ENOMEM"]
        if blob:
            self.rx.write(bytes(blob))
        if records and self.properties is not None:
            self.properties.write(bytes(records))  # within its size: _chosen bounds it
        self.out.write(EVENT_V5_RECORD.pack(kind, result, message_id, qos, flags, len(data),
                                            payload_len, reason, len(chosen)))
        return 0

    def _chosen(self, properties: Properties) -> list[Property]:
        if self.properties is None:
            return []
        capacity = self.properties.size // PROPERTY_RECORD.size
        ordered = [item for item in properties if item.identifier not in _REPEATABLE] + \
            [item for item in properties if item.identifier in _REPEATABLE]
        return ordered[:capacity]

    def _record(self, item: Property, blob: bytearray) -> bytes:
        """One struct z_levante_mqtt_prop; its bytes appended to `blob` (rx_buf)."""
        value = item.value
        if isinstance(value, int):
            return PROPERTY_RECORD.pack(item.identifier, value, 0, 0, 0, 0)
        if isinstance(value, tuple):
            name, text = value[0].encode(), value[1].encode()
            name_at = self._append(blob, name)
            text_at = self._append(blob, text)
            return PROPERTY_RECORD.pack(item.identifier, 0, name_at, len(name), text_at,
                                        len(text))
        raw = value.encode() if isinstance(value, str) else value
        return PROPERTY_RECORD.pack(item.identifier, 0, self._append(blob, raw), len(raw), 0, 0)

    def _append(self, blob: bytearray, raw: bytes) -> int:
        """The caller's address `raw` will have in rx_buf."""
        address = self.rx.address + len(blob)
        blob += raw
        return address & 0xFFFFFFFF
