"""Who makes a system call, and the marker a handler returns when its caller blocks."""

from __future__ import annotations

from dataclasses import dataclass

from levante.kernel.thread import Thread


class Blocked:
    """Returned by a handler whose caller now waits; its result is set when it wakes."""


BLOCKED = Blocked()


@dataclass(frozen=True)
class Caller:
    """Who is making a system call: a thread, or an ISR that interrupted it."""

    thread: Thread
    in_isr: bool = False
    # The verification of an application-defined call: the elevated thread's checks
    # judge it as the user thread it is (its view, its permissions).
    as_user: bool = False

    @property
    def is_user(self) -> bool:
        """Unprivileged: its pointers and objects are checked (an ISR is privileged, and
        so is a user thread running an application-defined call's handler)."""
        if self.as_user:
            return True
        return self.thread.user and not self.in_isr and self.thread.elevated_from is None
