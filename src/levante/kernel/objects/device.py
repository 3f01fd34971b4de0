"""Device driver objects: the board's entropy device (Zephyr's K_OBJ_DRIVER_ENTROPY), its
flash controller (K_OBJ_DRIVER_FLASH), the devices the board attaches by address (GPIO
controllers, UARTs, sensors: `Kernel.device_models`), and the application's own devices
(DEVICE_DEFINE), whose drivers are its code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from levante.kernel.flash_port import FlashPort
    from levante.kernel.kernel import Kernel
    from levante.kernel.objects.registry import HasKind


class EntropyDevice:
    """The TRNG's `struct device`; its bytes come from the kernel's RandomService.

    A kernel object like any other: a user thread needs a grant to read it."""

    KIND: ClassVar[str] = "device_entropy"


@dataclass(eq=False)
class FlashDevice:
    """The flash controller's `struct device`, served through the port the system
    attached (None: the system runs without one, and every call says -ENODEV).

    A user thread needs a grant on it for the flash calls and for the boot-control
    calls, which write the same flash."""

    KIND: ClassVar[str] = "device_flash"

    port: FlashPort | None


@dataclass(eq=False)
class AppDevice:
    """A device the application defines: a kernel object of its driver subsystem's kind
    (`kind`, as the image names it: "device_sample" for `struct sample_driver_api`), or
    none when its API is no subsystem.  The runtime records its init function's result
    at `state` (Zephyr's struct device_state), which the kernel reads for
    device_is_ready."""

    KIND: ClassVar[str] = "device"

    kind: str
    state: int


def device_state(kernel: Kernel, kind: str, address: int) -> DeviceModel | HasKind | None:
    """The kernel's state for the device of `kind` whose registers are at `address`, or
    None when the board has no such device."""
    if kind == EntropyDevice.KIND:
        return EntropyDevice() if kernel.config.entropy_driver else None
    if kind == FlashDevice.KIND:
        return FlashDevice(kernel.flash)
    model = kernel.device_models.get(address)
    return model if model is not None and model.KIND == kind else None


class DeviceModel(Protocol):
    """What the board attaches at a register address (a GPIO controller, a UART, a
    sensor): a kind of kernel object that learns its image's `struct device`, which its
    interrupt callbacks get as their device."""

    KIND: ClassVar[str]
    device: int
