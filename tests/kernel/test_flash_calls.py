"""The flash driver and MCUboot system calls under a mock CPU and a bytearray flash port."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from mock_cpu import K_FOREVER, Args, Script, call
from mock_flash import (
    FLASH_DEVICE,
    FLASH_SIZE,
    SECTOR,
    SLOT0,
    SLOT1,
    SWAP_TYPE_NONE,
    SWAP_TYPE_PERM,
    SWAP_TYPE_TEST,
    BytearrayFlashPort,
    FlashSystem,
)

from levante.abi import ERRNO, KERNEL_OBJECT_TYPES, THREAD_OPTIONS
from levante.image.layout import ImageLayout, Symbol
from levante.kernel.fatal import K_ERR_KERNEL_OOPS
from levante.kernel.flash_port import FlashRefused
from levante.kernel.settings import KernelConfig

EINVAL, EACCES, EIO, ENODEV = (-ERRNO[name] for name in ("EINVAL", "EACCES", "EIO", "ENODEV"))
K_USER = THREAD_OPTIONS["K_USER"]
PATTERN = bytes(range(16))

Body = Callable[[FlashSystem, list[object]], Script]


def run_main(body: Body, port: BytearrayFlashPort | None = None,
             **config: object) -> tuple[FlashSystem, list[object]]:
    """Run `body` as main (a supervisor thread); returns the system and what it logged."""
    system = FlashSystem(BytearrayFlashPort() if port is None else port, **config)
    results: list[object] = []

    def main(_: Args) -> Script:
        yield from body(system, results)

    system.main(main)
    system.run()
    return system, results


def write_pattern(system: FlashSystem, offset: int, data: bytes = PATTERN) -> Script:
    buffer = system.ram(len(data))
    system.cpu.write_memory(buffer, data)
    result = yield call("flash_write", FLASH_DEVICE, offset, buffer, len(data))
    return result


# ---- supervisor callers: the driver's rules ---------------------------------------------------


def test_write_then_read_back_in_the_writable_slot() -> None:
    def body(system: FlashSystem, results: list[object]) -> Script:
        results.append((yield from write_pattern(system, SLOT1.offset + 0x100)))
        buffer = system.ram(len(PATTERN))
        results.append((yield call("flash_read", FLASH_DEVICE, SLOT1.offset + 0x100, buffer,
                                   len(PATTERN))))
        results.append(system.cpu.read_memory(buffer, len(PATTERN)))

    system, results = run_main(body)
    assert results == [0, 0, PATTERN]
    assert system.port is not None
    assert system.port.data[SLOT1.offset + 0x100:SLOT1.offset + 0x110] == PATTERN


@pytest.mark.parametrize("offset, length", [
    (-4, 4), (FLASH_SIZE - 4, 8), (FLASH_SIZE, 1), (0, FLASH_SIZE + 1),
])
def test_reads_outside_the_device_are_einval(offset: int, length: int) -> None:
    def body(system: FlashSystem, results: list[object]) -> Script:
        buffer = system.ram(FLASH_SIZE + 16)
        results.append((yield call("flash_read", FLASH_DEVICE, offset, buffer, length)))

    assert run_main(body)[1] == [EINVAL]


@pytest.mark.parametrize("offset, length", [(2, 4), (0, 6), (1, 1)])
def test_misaligned_writes_are_einval_and_program_nothing(offset: int, length: int) -> None:
    def body(system: FlashSystem, results: list[object]) -> Script:
        results.append((yield from write_pattern(system, SLOT1.offset + offset,
                                                 PATTERN[:length])))

    system, results = run_main(body)
    assert results == [EINVAL]
    assert system.port is not None and system.port.operations == []


@pytest.mark.parametrize("offset", [0x0, SLOT0.offset, SLOT0.offset + SLOT0.size - 4,
                                    SLOT1.offset + SLOT1.size - 8, 0xC000])
def test_writes_outside_writable_partitions_are_eacces_even_if_the_port_allows(
        offset: int) -> None:
    def body(system: FlashSystem, results: list[object]) -> Script:
        results.append((yield from write_pattern(system, offset)))

    system, results = run_main(body)
    assert results == [EACCES]
    assert system.port is not None and system.port.operations == []
    assert system.port.data == b"\xff" * FLASH_SIZE


def test_programming_a_zero_bit_back_to_one_is_eio() -> None:
    def body(system: FlashSystem, results: list[object]) -> Script:
        results.append((yield from write_pattern(system, SLOT1.offset, bytes(4))))
        results.append((yield from write_pattern(system, SLOT1.offset, b"\x01\x00\x00\x00")))
        results.append((yield from write_pattern(system, SLOT1.offset + 4, b"\x0f" * 4)))
        results.append((yield from write_pattern(system, SLOT1.offset + 4, b"\x05" * 4)))

    system, results = run_main(body)
    assert results == [0, EIO, 0, 0]  # 0x0f -> 0x05 only clears bits
    assert system.port is not None
    assert system.port.data[SLOT1.offset:SLOT1.offset + 8] == bytes(4) + b"\x05" * 4


def test_erase_whole_sectors_of_the_writable_slot_only() -> None:
    port = BytearrayFlashPort()
    port.data[:] = bytes(FLASH_SIZE)

    def body(system: FlashSystem, results: list[object]) -> Script:
        for offset, size in ((SLOT1.offset, SECTOR), (SLOT1.offset + 4, SECTOR),
                             (SLOT1.offset, SECTOR // 2), (SLOT0.offset, SECTOR),
                             (SLOT1.offset + SLOT1.size - SECTOR, 2 * SECTOR),
                             (SLOT1.offset, 0x100000)):
            results.append((yield call("flash_erase", FLASH_DEVICE, offset, size)))

    system, results = run_main(body, port)
    assert results == [0, EINVAL, EINVAL, EACCES, EACCES, EINVAL]
    assert port.operations == [("erase", SLOT1.offset, SECTOR)]
    assert port.data[SLOT1.offset:SLOT1.offset + SECTOR] == b"\xff" * SECTOR
    assert port.data[SLOT0.offset:SLOT0.offset + SECTOR] == bytes(SECTOR)


def test_geometry_calls() -> None:
    def body(system: FlashSystem, results: list[object]) -> Script:
        info = system.ram(12)
        results.append((yield call("flash_get_write_block_size", FLASH_DEVICE)))
        results.append((yield call("flash_get_page_count", FLASH_DEVICE)))
        results.append((yield call("flash_get_page_info_by_offs", FLASH_DEVICE, 0x8123, info)))
        results.append(system.cpu.read_memory(info, 12))
        results.append((yield call("flash_get_page_info_by_offs", FLASH_DEVICE, FLASH_SIZE,
                                   info)))
        results.append((yield call("flash_get_page_info_by_offs", FLASH_DEVICE, -1, info)))

    expected = (0x8000).to_bytes(4, "little") + SECTOR.to_bytes(4, "little") + \
        (8).to_bytes(4, "little")
    assert run_main(body)[1] == [4, FLASH_SIZE // SECTOR, 0, expected, EINVAL, EINVAL]


def test_an_unknown_errno_from_the_port_is_eio() -> None:
    class Failing(BytearrayFlashPort):
        def erase(self, offset: int, length: int) -> None:
            raise FlashRefused("the controller overflowed", "EOVERFLOW")

    def body(system: FlashSystem, results: list[object]) -> Script:
        results.append((yield call("flash_erase", FLASH_DEVICE, SLOT1.offset, SECTOR)))

    assert run_main(body, Failing())[1] == [EIO]


def test_a_system_without_flash_answers_enodev() -> None:
    system = FlashSystem(None)
    results: list[object] = []

    def main(_: Args) -> Script:
        buffer = system.ram(4)
        results.append((yield call("flash_read", FLASH_DEVICE, 0, buffer, 4)))
        results.append((yield call("flash_write", FLASH_DEVICE, SLOT1.offset, buffer, 4)))
        results.append((yield call("flash_erase", FLASH_DEVICE, SLOT1.offset, SECTOR)))
        results.append((yield call("flash_get_write_block_size", FLASH_DEVICE)))
        results.append((yield call("boot_write_img_confirmed")))
        results.append((yield call("boot_is_img_confirmed")))
        results.append((yield call("mcuboot_swap_type")))

    system.main(main)
    system.run()
    assert results == [ENODEV, ENODEV, ENODEV, 0, ENODEV, 0, ENODEV]


def test_the_calls_need_config_flash() -> None:
    def body(system: FlashSystem, results: list[object]) -> Script:
        results.append((yield call("flash_get_write_block_size", FLASH_DEVICE)))

    system, results = run_main(body, flash=False)
    assert results == []
    assert [fault.reason for fault in system.kernel.faults] == [K_ERR_KERNEL_OOPS]
    assert "CONFIG_FLASH is disabled" in system.kernel.faults[0].description


def test_kernel_config_reads_the_flash_options() -> None:
    config = KernelConfig(clock_hz=1, ticks_per_second=1, flash=True, flash_page_layout=True)
    assert config.is_enabled("FLASH") and config.is_enabled("FLASH_PAGE_LAYOUT")
    assert not config.is_enabled("MCUBOOT_IMG_MANAGER")
    assert not KernelConfig(clock_hz=1, ticks_per_second=1,
                            flash_page_layout=True).is_enabled("FLASH_PAGE_LAYOUT")


# ---- the MCUboot API ---------------------------------------------------------------------------


def test_request_upgrade_confirm_and_swap_type() -> None:
    def body(system: FlashSystem, results: list[object]) -> Script:
        results.append((yield call("boot_request_upgrade", 0)))  # slot 1 is empty
        results.append((yield call("mcuboot_swap_type")))
        results.append((yield from write_pattern(system, SLOT1.offset)))
        results.append((yield call("boot_request_upgrade", 0)))
        results.append((yield call("mcuboot_swap_type")))
        results.append((yield call("boot_request_upgrade", 1)))
        results.append((yield call("mcuboot_swap_type")))
        results.append((yield call("boot_is_img_confirmed")))
        results.append((yield call("boot_write_img_confirmed")))
        results.append((yield call("boot_write_img_confirmed")))  # again: still 0
        results.append((yield call("boot_is_img_confirmed")))

    assert run_main(body)[1] == [EINVAL, SWAP_TYPE_NONE, 0, 0, SWAP_TYPE_TEST, 0,
                                 SWAP_TYPE_PERM, 0, 0, 0, 1]


# ---- user threads: grants and buffers ----------------------------------------------------------


def run_user(body: Callable[[FlashSystem, int, list[object]], Script], grant: bool = True,
             port: BytearrayFlashPort | None = None) -> tuple[FlashSystem, list[object]]:
    """Run `body(system, stack, results)` in a K_USER thread; main grants it the flash
    controller first when `grant`.  The thread's own stack is the buffer it may use."""
    system = FlashSystem(BytearrayFlashPort() if port is None else port, userspace=True)
    results: list[object] = []
    stack: list[int] = []

    def user(_: Args) -> Script:
        yield from body(system, stack[0], results)
        # Not z_thread_entry's exit: the mock image declares no thread objects, so the
        # thread could not name itself to k_thread_abort.
        yield call("k_sleep", K_FOREVER)

    thread = system.thread("flasher", user, priority=5, options=K_USER, stack_size=1024)

    def main(_: Args) -> Script:
        if grant:
            yield call("k_object_access_grant", FLASH_DEVICE, thread)

    system.main(main)
    system.boot()
    stack.append(system.thread_named("flasher").stack_start)
    system.run()
    return system, results


def test_a_user_thread_with_a_grant_writes_and_reads_its_own_buffers() -> None:
    def body(system: FlashSystem, stack: int, results: list[object]) -> Script:
        system.cpu.write_memory(stack, PATTERN)
        results.append((yield call("flash_write", FLASH_DEVICE, SLOT1.offset, stack, 16)))
        results.append((yield call("flash_read", FLASH_DEVICE, SLOT1.offset, stack + 32, 16)))
        results.append(system.cpu.read_memory(stack + 32, 16))
        results.append((yield call("boot_request_upgrade", 1)))
        results.append((yield call("mcuboot_swap_type")))

    system, results = run_user(body)
    assert results == [0, 0, PATTERN, 0, SWAP_TYPE_PERM]
    assert not system.kernel.faults


@pytest.mark.parametrize("name, arguments", [
    ("flash_write", (SLOT1.offset, 0, 16)),
    ("flash_erase", (SLOT1.offset, SECTOR)),
    ("flash_get_write_block_size", ()),
])
def test_a_user_thread_without_a_grant_oopses_and_changes_nothing(
        name: str, arguments: tuple[int, ...]) -> None:
    def body(system: FlashSystem, stack: int, results: list[object]) -> Script:
        args = tuple(stack if value == 0 else value for value in arguments)
        results.append((yield call(name, FLASH_DEVICE, *args)))

    system, results = run_user(body, grant=False)
    assert results == []
    assert [(f.thread, f.reason) for f in system.kernel.faults] == [
        ("flasher", K_ERR_KERNEL_OOPS)]
    assert "access denied (EPERM)" in system.kernel.faults[0].description
    assert system.port is not None and system.port.operations == []


@pytest.mark.parametrize("name", ["boot_write_img_confirmed", "boot_request_upgrade"])
def test_the_boot_calls_need_the_same_grant(name: str) -> None:
    port = BytearrayFlashPort()
    port.data[SLOT1.offset:SLOT1.offset + 4] = bytes(4)  # an image is there

    def body(system: FlashSystem, stack: int, results: list[object]) -> Script:
        args = (1,) if name == "boot_request_upgrade" else ()
        results.append((yield call(name, *args)))

    system, results = run_user(body, grant=False, port=port)
    assert results == []
    assert [f.reason for f in system.kernel.faults] == [K_ERR_KERNEL_OOPS]
    assert not port.confirmed and port.pending == SWAP_TYPE_NONE


def test_a_bad_buffer_oopses_before_anything_is_written() -> None:
    def body(system: FlashSystem, stack: int, results: list[object]) -> Script:
        kernel_memory = system.ram(16)  # not in the thread's view
        results.append((yield call("flash_write", FLASH_DEVICE, SLOT1.offset, kernel_memory,
                                   16)))

    system, results = run_user(body)
    assert results == []
    assert [f.reason for f in system.kernel.faults] == [K_ERR_KERNEL_OOPS]
    assert "outside the memory of thread 'flasher'" in system.kernel.faults[0].description
    assert system.port is not None and system.port.operations == []


def test_a_read_into_read_only_memory_oopses_and_writes_nothing() -> None:
    port = BytearrayFlashPort()
    port.data[SLOT1.offset:SLOT1.offset + 16] = PATTERN

    def body(system: FlashSystem, stack: int, results: list[object]) -> Script:
        code = 0x1000  # application code: readable, not writable
        results.append(system.cpu.read_memory(code, 16))
        results.append((yield call("flash_read", FLASH_DEVICE, SLOT1.offset, code, 16)))

    system, results = run_user(body, port=port)
    assert len(results) == 1
    assert system.cpu.read_memory(0x1000, 16) == results[0]
    assert [f.reason for f in system.kernel.faults] == [K_ERR_KERNEL_OOPS]


def test_a_buffer_running_past_the_stack_oopses() -> None:
    def body(system: FlashSystem, stack: int, results: list[object]) -> Script:
        results.append((yield call("flash_write", FLASH_DEVICE, SLOT1.offset,
                                   stack + 1024 - 8, 16)))

    system, results = run_user(body)
    assert results == []
    assert [f.reason for f in system.kernel.faults] == [K_ERR_KERNEL_OOPS]
    assert system.port is not None and system.port.operations == []


class _PoolSystem(FlashSystem):
    """A flash system whose image also has the kernel's object pool (z_kernel_pool)."""

    pool = 0  # its address, set before boot

    def layout(self) -> ImageLayout:
        layout = super().layout()
        layout.symbols["z_kernel_pool"] = Symbol(self.pool, 1024)
        return layout


@pytest.mark.parametrize("driver", ["K_OBJ_DRIVER_FLASH", "K_OBJ_DRIVER_ENTROPY"])
def test_an_allocated_driver_object_is_no_device(driver: str) -> None:
    """Zephyr's k_object_alloc gives a driver type a struct device's room; no device
    stands behind it, so a driver call on it oopses the caller and the board's device
    is untouched."""
    results: list[object] = []

    def main(_: Args) -> Script:
        yield call("k_thread_system_pool_assign", 0)  # main's allocations: the system heap
        results.append((yield call("k_object_alloc", KERNEL_OBJECT_TYPES[driver])))
        results.append((yield call("k_object_alloc", KERNEL_OBJECT_TYPES["K_OBJ_SEM"])))
        yield call("flash_erase", results[0], SLOT1.offset, SECTOR)
        results.append("erased")

    port = BytearrayFlashPort()
    before = bytes(port.data)
    system = _PoolSystem(port, userspace=True, dynamic_objects=True)
    system.pool = system.ram(1024)
    system.main(main)
    system.run()
    assert results[0] != 0 and results[1] != 0 and "erased" not in results
    assert [fault.reason for fault in system.kernel.faults] == [K_ERR_KERNEL_OOPS]
    assert bytes(port.data) == before
