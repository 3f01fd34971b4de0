"""sys_mutex with user mode: a word in user memory that names a kernel mutex.

As in Zephyr, the word itself holds nothing yet (every lock and unlock is a system
call); the kernel keeps a k_mutex's state for each sys_mutex the image defines, from
boot.  A sys_mutex is never allocated at run time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from levante.kernel.objects.kinds import StaticFields, kind_state
from levante.kernel.objects.mutex import Mutex


@kind_state
@dataclass(eq=False)
class SysMutex(Mutex):
    KIND: ClassVar[str] = "sys_mutex"

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> SysMutex:
        return cls()
