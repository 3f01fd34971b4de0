"""The SMP statistics management group (group 2): list the registered statistics
groups and read one group's counters, as they are at the moment of the request."""

from __future__ import annotations

from collections.abc import Mapping

from levante.codecs.smp import SmpValue
from levante.services.smp.results import Mgmt, Refusal, StatError
from levante.services.smp.target import SmpTarget

Body = Mapping[str, SmpValue]


class StatGroup:
    def __init__(self, target: SmpTarget, max_name_length: int) -> None:
        self.target = target
        # CONFIG_MCUMGR_GRP_STAT_MAX_NAME_LEN: Zephyr's buffer for the requested name,
        # its NUL included.
        self.max_name_length = max_name_length

    def show(self, body: Body) -> dict[str, SmpValue]:
        """stat show (2.0): {"name"} → {"name", "fields": {counter: value}}."""
        name = body.get("name")
        if not isinstance(name, str) or not name or \
                len(name.encode()) >= self.max_name_length:
            raise Refusal(Mgmt.EINVAL, "stat show needs a text 'name' of 1 to "
                          f"{self.max_name_length - 1} octets")
        fields = self.target.stat_values(name)
        if fields is None:
            raise Refusal.stat(StatError.INVALID_STAT_NAME, f"no statistics group {name!r}")
        values: dict[str, SmpValue] = dict(fields)
        return {"name": name, "fields": values}

    def list(self, body: Body) -> dict[str, SmpValue]:
        """stat list (2.1): {"stat_list": [names]}, in registration order."""
        names: list[SmpValue] = list(self.target.stat_groups())
        return {"stat_list": names}
