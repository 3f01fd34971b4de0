"""Turn decoded packets into JSON-ready values, for `levante decode` and the tests."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

CLASS_TAG = "packet_type"


def to_json(value: Any) -> Any:
    """Dataclasses → dicts (field order kept, led by their class tag if they have one),
    bytes → hex strings, enums → names."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: to_json(getattr(value, field.name))
                  for field in dataclasses.fields(value)}
        # A class-level tag (MQTT's packet_type) names what the fields are: without it
        # an MQTT PINGRESP would print as {}.
        tag = getattr(type(value), CLASS_TAG, None)
        return fields if tag is None else {CLASS_TAG: to_json(tag), **fields}
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value
