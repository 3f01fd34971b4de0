"""The stages of each system call, bound to the ABI's calls by name.

A call is served as decode → validate → policy → perform (dispatch.py).  `validate` is
pure: it reads kernel state and the caller's memory (copying in what perform needs) and
returns a plan, the arguments perform takes, or a negative errno that refuses the call
(an oops refuses it by raising).  `perform` acts on the plan and cannot fail: whatever
could refuse was asked before.  A call whose checks are all in decoding (its kernel
objects, validated by type) has no validate stage: its decoded arguments are its plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from levante.kernel.caller import Blocked

Plan = tuple[object, ...]
Perform = Callable[..., Union[int, "Blocked", None]]
Validate = Callable[..., int | Plan]


@dataclass(frozen=True)
class Stages:
    """What serving one system call runs, after decoding."""

    perform: Perform
    validate: Validate | None = None


STAGES: dict[str, Stages] = {}


def syscall(name: str, validate: Validate | None = None) -> Callable[[Perform], Perform]:
    """Register `perform` (the decorated function) and its `validate` stage as the
    system call `name` (declared in levante.abi)."""

    def register(perform: Perform) -> Perform:
        if name in STAGES:
            raise ValueError(f"two handlers for {name}")
        STAGES[name] = Stages(perform, validate)
        return perform

    return register
