"""sys_reboot in the kernel (mock CPU): the run ends with RunEnd.REBOOT before any other
thread or due timeout runs; from the fatal error handler no halt follows; a user
thread's call is refused; without CONFIG_REBOOT the call oopses."""

from __future__ import annotations

from mock_cpu import Args, MockSystem, Script, call, mark, run

from levante.abi import THREAD_OPTIONS
from levante.kernel.fatal import K_ERR_KERNEL_OOPS
from levante.kernel.kernel import RunEnd

K_USER = THREAD_OPTIONS["K_USER"]
SYS_REBOOT_WARM, SYS_REBOOT_COLD = 0, 1


def bystander(_: Args) -> Script:
    """A lower-priority thread that must never run once the board reboots."""
    yield mark("bystander ran")


def test_a_reboot_ends_the_run_before_anything_else_runs() -> None:
    system = MockSystem(reboot=True)

    def rebooter(_: Args) -> Script:
        yield run(100)
        yield call("z_levante_reboot", SYS_REBOOT_COLD)
        yield mark("came back")

    system.thread("rebooter", rebooter, 5)
    system.thread("bystander", bystander, 9)
    assert system.run() is RunEnd.REBOOT
    assert system.kernel.reboot_cold is True
    assert "came back" not in system.labels() and "bystander ran" not in system.labels()
    assert [event["type"] for event in system.events("reboot")] == ["cold"]


def test_any_type_but_cold_is_a_warm_reboot() -> None:
    system = MockSystem(reboot=True)

    def rebooter(_: Args) -> Script:
        yield call("z_levante_reboot", 7)

    system.thread("rebooter", rebooter, 5)
    assert system.run() is RunEnd.REBOOT and system.kernel.reboot_cold is False


def test_a_fatal_handler_that_reboots_does_not_halt() -> None:
    system = MockSystem(reboot=True)

    def handler(_: Args) -> Script:
        yield call("z_levante_reboot", SYS_REBOOT_WARM)
        yield mark("handler came back")

    def oopser(_: Args) -> Script:
        yield call(0xFFFF)  # an invalid call: the caller oopses

    system.fatal_handler(handler)
    system.thread("oopser", oopser, 5)
    system.thread("bystander", bystander, 9)
    assert system.run() is RunEnd.REBOOT
    assert system.kernel.halted_reason is None and not system.events("halt")
    assert "handler came back" not in system.labels() and "bystander ran" not in system.labels()
    assert [event["in_isr"] for event in system.events("reboot")] == [True]


def test_a_user_thread_may_not_reboot() -> None:
    system = MockSystem(reboot=True, userspace=True)

    def user(_: Args) -> Script:
        yield call("z_levante_reboot", SYS_REBOOT_COLD)

    system.thread("user", user, 5, options=K_USER)
    assert system.run() is not RunEnd.REBOOT
    assert system.kernel.reboot_cold is None
    assert [(fault.thread, fault.reason) for fault in system.kernel.faults] == [
        ("user", K_ERR_KERNEL_OOPS)]


def test_without_config_reboot_the_call_oopses() -> None:
    system = MockSystem()

    def rebooter(_: Args) -> Script:
        yield call("z_levante_reboot", SYS_REBOOT_COLD)

    system.thread("rebooter", rebooter, 5)
    assert system.run() is not RunEnd.REBOOT
    assert "CONFIG_REBOOT is disabled" in system.kernel.faults[0].description
