"""Topic names and topic filters (MQTT 3.1.1 §4.7 / 5.0 §4.7, shared subscriptions §4.8.2)."""

from __future__ import annotations

from levante.codecs.mqtt.errors import MqttTopicError

SHARE_PREFIX = "$share/"


# §4.7.3: a topic name is at least one character and holds no wildcard; it is where a
# message is published, so a wildcard there would be ambiguous.
def validate_topic_name(topic: str) -> str:
    if not topic:
        raise MqttTopicError("a topic name must be at least one character long")
    if "+" in topic or "#" in topic:
        raise MqttTopicError(f"topic name {topic!r} contains a wildcard")
    return topic


# §4.7.1.2: '#' stands alone in the last level; §4.7.1.3: '+' stands alone in its level.
# §4.7.3: a filter is at least one character long.
# Shared subscriptions exist only in MQTT 5.0; in 3.1.1 "$share/..." is an ordinary filter.
def validate_topic_filter(topic_filter: str, shared_subscriptions: bool = True) -> str:
    if not topic_filter:
        raise MqttTopicError("a topic filter must be at least one character long")
    levels = topic_filter
    if shared_subscriptions and topic_filter.startswith(SHARE_PREFIX):
        levels = _shared_subscription_filter(topic_filter)
    if "+" not in levels and "#" not in levels:
        return topic_filter
    parts = levels.split("/")
    last = len(parts) - 1
    for index, level in enumerate(parts):
        if "#" in level and (level != "#" or index != last):
            raise MqttTopicError(f"'#' must be alone in the last level of {topic_filter!r}")
        if "+" in level and level != "+":
            raise MqttTopicError(f"'+' must be alone in its level of {topic_filter!r}")
    return topic_filter


# MQTT 5.0 §4.8.2: "$share/{ShareName}/{filter}"; the share name is one non-empty
# level without wildcards, and the filter after it follows the usual rules.
def _shared_subscription_filter(topic_filter: str) -> str:
    share_name, slash, levels = topic_filter[len(SHARE_PREFIX) :].partition("/")
    if not share_name or "+" in share_name or "#" in share_name:
        raise MqttTopicError(f"invalid share name in {topic_filter!r}")
    if not slash or not levels:
        raise MqttTopicError(f"shared subscription {topic_filter!r} has no topic filter")
    return levels
