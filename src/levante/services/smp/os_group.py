"""The SMP OS management group (group 0): echo, task statistics, reset, the MCUmgr
parameters and the boot loader's information."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from levante.codecs.smp import SmpValue
from levante.services.smp.results import Mgmt, OsError, Refusal
from levante.services.smp.target import SmpTarget

Body = Mapping[str, SmpValue]
# MCUboot's modes as the bootloader information reports them: Levante's boot stage
# swaps using move (no scratch area).
MCUBOOT_MODE_SWAP_USING_MOVE = 3


@dataclass(frozen=True)
class OsSettings:
    buffer_size: int  # CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE
    buffer_count: int  # CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT
    echo_max: int  # longest echo string: what fits a response buffer


class OsGroup:
    def __init__(self, target: SmpTarget, settings: OsSettings) -> None:
        self.target = target
        self.settings = settings

    def echo(self, body: Body) -> dict[str, SmpValue]:
        text = body.get("d")
        if not isinstance(text, str):
            raise Refusal(Mgmt.EINVAL, "echo needs a text 'd'")
        if len(text.encode()) > self.settings.echo_max:
            raise Refusal(Mgmt.EMSGSIZE, "the echo does not fit a response buffer")
        return {"r": text}

    def task_stats(self, body: Body) -> dict[str, SmpValue]:
        tasks: dict[str, SmpValue] = {}
        for task in self.target.tasks():
            tasks[task.name] = {
                "prio": task.priority, "tid": task.thread_id, "state": task.state,
                "stkuse": task.stack_used, "stksiz": task.stack_size,
                "cswcnt": task.switches, "runtime": task.runtime,
                "last_checkin": 0, "next_checkin": 0}
        return {"tasks": tasks}

    def parameters(self, body: Body) -> dict[str, SmpValue]:
        return {"buf_size": self.settings.buffer_size,
                "buf_count": self.settings.buffer_count}

    def bootloader_info(self, body: Body) -> dict[str, SmpValue]:
        slots = self.target.slots
        if slots is None:
            raise Refusal.os(OsError.QUERY_YIELDS_NO_ANSWER, "no boot loader: this build "
                             "boots without MCUboot")
        query = body.get("query")
        if query is None:
            return {"bootloader": "MCUboot"}
        if query == "mode":
            info: dict[str, SmpValue] = {"mode": MCUBOOT_MODE_SWAP_USING_MOVE}
            if slots.downgrade_prevention:
                info["no-downgrade"] = True
            return info
        raise Refusal.os(OsError.QUERY_YIELDS_NO_ANSWER, f"no answer to {query!r}")
