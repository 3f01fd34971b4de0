"""The flash driver's system calls (Zephyr's drivers/flash.h) and the MCUboot image API
(dfu/mcuboot.h), served through the FlashPort the system attached.

Zephyr's verification order: the device first (a user thread needs a grant on the flash
controller), then the whole buffer (before anything is read, written or erased), then
the range, the alignment and the partition.  Writes and erases are refused with -EACCES
outside the partitions the port marks writable, here as well as in the port, so that a
port that forgets cannot be talked into overwriting the boot stage or the running image.
The boot-control calls take no device in C; they write the same flash, so a user
thread needs the same grant.  A refusal from the port becomes its negative errno.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO, STRUCT_SIZES
from levante.arch.interface import AccessKind
from levante.kernel.flash_port import FlashPort, FlashRefused
from levante.kernel.objects.device import FlashDevice
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL, EACCES, ENODEV, EIO = (-ERRNO[name] for name in ("EINVAL", "EACCES", "ENODEV", "EIO"))
IMAGE_INDEX = 0  # Levante boards run one image (MCUboot's image 0)
_PAGE_INFO = struct.Struct("<iII")  # struct flash_pages_info: start_offset, size, index
assert _PAGE_INFO.size == STRUCT_SIZES["flash_pages_info"]


def _refused(error: FlashRefused) -> int:
    """The errno a refusal carries; a name the ABI does not know is an I/O error."""
    return -ERRNO.get(error.errno, ERRNO["EIO"])


def _in_range(port: FlashPort, offset: int, length: int) -> bool:
    return offset >= 0 and length >= 0 and offset + length <= port.size


def _writable(port: FlashPort, offset: int, length: int) -> bool:
    """Every byte of [offset, offset + length) lies in a partition threads may write."""
    position, end = offset, offset + length
    spans = sorted((part.offset, part.offset + part.size)
                   for part in port.partitions() if part.writable)
    for start, stop in spans:
        if start <= position < stop:
            position = stop
    return position >= end


def _valid_read(kernel: Inspect, caller: Caller, dev: FlashDevice, offset: int, data: int,
                length: int) -> int | Plan:
    port = dev.port
    kernel.memory.check(caller, data, length, AccessKind.WRITE)
    if port is None:
        return ENODEV
    if not _in_range(port, offset, length):
        return EINVAL
    return port, offset, data, length


@syscall("flash_read", validate=_valid_read)
def flash_read(kernel: Services, caller: Caller, port: FlashPort, offset: int, data: int,
               length: int) -> int:
    # A device's own refusal is an outcome of the call (its errno), never a fault.
    try:
        content = port.read(offset, length)
    except FlashRefused as error:
        return _refused(error)
    kernel.memory.write(caller, data, content)
    return 0


def _valid_write(kernel: Inspect, caller: Caller, dev: FlashDevice, offset: int, data: int,
                 length: int) -> int | Plan:
    port = dev.port
    kernel.memory.check(caller, data, length, AccessKind.READ)
    if port is None:
        return ENODEV
    alignment = port.write_alignment
    if not _in_range(port, offset, length) or offset % alignment or length % alignment:
        return EINVAL
    if not _writable(port, offset, length):
        return EACCES
    return port, offset, kernel.memory.read(caller, data, length)  # copied in once


@syscall("flash_write", validate=_valid_write)
def flash_write(kernel: Services, caller: Caller, port: FlashPort, offset: int,
                content: bytes) -> int:
    try:
        port.program(offset, content)
    except FlashRefused as error:
        return _refused(error)
    return 0


def _valid_erase(kernel: Inspect, caller: Caller, dev: FlashDevice, offset: int,
                 size: int) -> int | Plan:
    port = dev.port
    if port is None:
        return ENODEV
    sector = port.sector_size
    if not _in_range(port, offset, size) or offset % sector or size % sector:
        return EINVAL
    if not _writable(port, offset, size):
        return EACCES
    return port, offset, size


@syscall("flash_erase", validate=_valid_erase)
def flash_erase(kernel: Services, caller: Caller, port: FlashPort, offset: int,
                size: int) -> int:
    try:
        port.erase(offset, size)
    except FlashRefused as error:
        return _refused(error)
    return 0


@syscall("flash_get_write_block_size")
def flash_get_write_block_size(kernel: Services, caller: Caller, dev: FlashDevice) -> int:
    """0 when the system has no flash: flash_area_open reports that as -ENODEV."""
    port = dev.port
    return port.write_alignment if port is not None else 0


def _valid_page_info(kernel: Inspect, caller: Caller, dev: FlashDevice, offset: int,
                     info: int) -> int | Plan:
    port = dev.port
    kernel.memory.check(caller, info, _PAGE_INFO.size, AccessKind.WRITE)
    if port is None:
        return ENODEV
    if not 0 <= offset < port.size:
        return EINVAL
    return port, offset, info


@syscall("flash_get_page_info_by_offs", validate=_valid_page_info)
def flash_get_page_info_by_offs(kernel: Services, caller: Caller, port: FlashPort,
                                offset: int, info: int) -> int:
    index = offset // port.sector_size
    page = _PAGE_INFO.pack(index * port.sector_size, port.sector_size, index)
    kernel.memory.write(caller, info, page)
    return 0


@syscall("flash_get_page_count")
def flash_get_page_count(kernel: Services, caller: Caller, dev: FlashDevice) -> int:
    port = dev.port
    return port.size // port.sector_size if port is not None else 0


# ---- MCUboot's public API (bootutil_public through the port) -----------------------


def _boot_port(kernel: Inspect, caller: Caller) -> FlashPort | None:
    """The port behind the flash controller, once a user caller's grant is checked."""
    devices = kernel.device_objects.get(FlashDevice.KIND)
    if not devices:
        return None
    return kernel.objects.use(caller, devices[0], FlashDevice).port


def _valid_boot_port(kernel: Inspect, caller: Caller, *arguments: int) -> int | Plan:
    """The boot-control calls: the port (ENODEV without one), then their arguments."""
    port = _boot_port(kernel, caller)
    return ENODEV if port is None else (port, *arguments)


def _valid_boot_query(kernel: Inspect, caller: Caller) -> Plan:
    """boot_is_img_confirmed: no flash is an answer (not confirmed), not a refusal."""
    return (_boot_port(kernel, caller),)


@syscall("boot_write_img_confirmed", validate=_valid_boot_port)
def boot_write_img_confirmed(kernel: Services, caller: Caller, port: FlashPort) -> int:
    """0 also when the image was confirmed already (Zephyr: safe to call again)."""
    try:
        port.confirm_image(IMAGE_INDEX)
    except FlashRefused as error:
        return _refused(error)
    return 0


@syscall("boot_is_img_confirmed", validate=_valid_boot_query)
def boot_is_img_confirmed(kernel: Services, caller: Caller, port: FlashPort | None) -> int:
    return int(port is not None and port.image_confirmed(IMAGE_INDEX))


@syscall("boot_request_upgrade", validate=_valid_boot_port)
def boot_request_upgrade(kernel: Services, caller: Caller, port: FlashPort,
                         permanent: int) -> int:
    try:
        port.request_upgrade(IMAGE_INDEX, permanent != 0)
    except FlashRefused as error:
        return _refused(error)
    return 0


@syscall("mcuboot_swap_type", validate=_valid_boot_port)
def mcuboot_swap_type(kernel: Services, caller: Caller, port: FlashPort) -> int:
    try:
        return port.swap_type(IMAGE_INDEX)
    except FlashRefused as error:
        return _refused(error)
