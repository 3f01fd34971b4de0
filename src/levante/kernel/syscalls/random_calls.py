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
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

# A single request larger than this is refused rather than served slowly: no real use
# needs 64 KiB of random bytes at once, and it bounds what one call can cost the kernel.
MAX_RANDOM_REQUEST = 1 << 16


def _valid_fill(kernel: Inspect, caller: Caller, buffer: int, length: int,
                service: str) -> int | Plan:
    """The whole destination first, then the length, then the generator: a refused call
    draws nothing."""
    kernel.memory.check(caller, buffer, length, AccessKind.WRITE)
    if length > MAX_RANDOM_REQUEST:
        return -ERRNO["EINVAL"]
    problem = kernel.random.unavailable(service)
    if problem is not None:
        raise Oops(problem)
    return buffer, length


def _fill(kernel: Services, caller: Caller, buffer: int, length: int,
          draw: Callable[[int], bytes]) -> int:
    if length:
        kernel.memory.write(caller, buffer, draw(length))
    return 0


def _valid_entropy(kernel: Inspect, caller: Caller, device: EntropyDevice, buffer: int,
                   length: int) -> int | Plan:
    return _valid_fill(kernel, caller, buffer, length & 0xFFFF, "entropy")


@syscall("entropy_get_entropy", validate=_valid_entropy)
def entropy_get_entropy(kernel: Services, caller: Caller, buffer: int, length: int) -> int:
    return _fill(kernel, caller, buffer, length, kernel.random.entropy)


def _valid_rand(kernel: Inspect, caller: Caller, buffer: int, length: int) -> Plan:
    plan = _valid_fill(kernel, caller, buffer, length, "rand")
    if isinstance(plan, int):  # sys_rand_get returns nothing: a refusal is an oops
        raise Oops(f"sys_rand_get: {length} bytes is more than one request may ask")
    return plan


@syscall("sys_rand_get", validate=_valid_rand)
def sys_rand_get(kernel: Services, caller: Caller, buffer: int, length: int) -> None:
    _fill(kernel, caller, buffer, length, kernel.random.rand)


def _valid_csrand(kernel: Inspect, caller: Caller, buffer: int, length: int) -> int | Plan:
    return _valid_fill(kernel, caller, buffer, length, "csrand")


@syscall("sys_csrand_get", validate=_valid_csrand)
def sys_csrand_get(kernel: Services, caller: Caller, buffer: int, length: int) -> int:
    return _fill(kernel, caller, buffer, length, kernel.random.csrand)
