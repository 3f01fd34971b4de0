"""entropy_get_entropy, sys_rand_get and sys_csrand_get (Zephyr's random and entropy APIs).

Each checks the whole destination buffer for writing before it draws a byte (Zephyr's
K_SYSCALL_MEMORY_WRITE), so a bad buffer consumes no entropy and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.arch.interface import AccessKind
from levante.kernel.fatal import Oops
from levante.kernel.objects.device import EntropyDevice
from levante.kernel.random import NoEntropy
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.kernel import Kernel

# A single request larger than this is refused rather than served slowly: no real use
# needs 64 KiB of random bytes at once, and it bounds what one call can cost the kernel.
MAX_RANDOM_REQUEST = 1 << 16


def _fill(kernel: Kernel, caller: Caller, buffer: int, length: int,
          draw: Callable[[int], bytes]) -> int:
    kernel.memory.check(caller, buffer, length, AccessKind.WRITE)
    if length > MAX_RANDOM_REQUEST:
        return -ERRNO["EINVAL"]
    try:
        data = draw(length)
    except NoEntropy as error:
        raise Oops(str(error)) from None
    if length:
        kernel.memory.write(caller, buffer, data)
    return 0


@syscall("entropy_get_entropy")
def entropy_get_entropy(kernel: Kernel, caller: Caller, device: EntropyDevice, buffer: int,
                        length: int) -> int:
    return _fill(kernel, caller, buffer, length & 0xFFFF, kernel.random.entropy)


@syscall("sys_rand_get")
def sys_rand_get(kernel: Kernel, caller: Caller, buffer: int, length: int) -> None:
    if _fill(kernel, caller, buffer, length, kernel.random.rand):
        raise Oops(f"sys_rand_get: {length} bytes is more than one request may ask")


@syscall("sys_csrand_get")
def sys_csrand_get(kernel: Kernel, caller: Caller, buffer: int, length: int) -> int:
    return _fill(kernel, caller, buffer, length, kernel.random.csrand)
