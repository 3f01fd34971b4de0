"""Assemble a running system: board, CPU backend, loaded image and kernel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from levante.abi import RUNTIME_SYMBOLS
from levante.arch.cortex_m.cpu import UnicornCpu
from levante.arch.cortex_m.thumb import find_divisions
from levante.board.flash import PoweredOn, default_flash_folder, power_on
from levante.board.flash_port import BoardFlashPort
from levante.board.mcumgr import smp_service
from levante.board.network import (
    NANOSECONDS,
    BoardNetwork,
    NetworkOptions,
    board_network,
    rebooted_network,
)
from levante.board.wiring import load_wiring
from levante.config import Board, Config, ConfigError, load_board
from levante.crypto.entropy import EntropySource, HostEntropy
from levante.devices.console import ConsoleUart
from levante.devices.entropy import TrngDevice
from levante.devices.flash import FlashController
from levante.devices.gpio import BoardGpio
from levante.devices.sensor import BoardSensor
from levante.devices.stimulus import StimulusEvent
from levante.devices.uart import BoardUart, InterruptingUart
from levante.errors import ImageError, UsageError
from levante.image.elf import ElfImage, load_elf
from levante.kernel.devices import Device
from levante.kernel.kernel import ConsoleSink, ConsoleSource, Kernel, RunEnd, TraceSink
from levante.kernel.settings import KernelConfig
from levante.net.stack import NetworkStack
from levante.policy.install import install_policy
from levante.sdk.domain_build import load_compiled_domains
from levante.sdk.idl_build import load_interfaces
from levante.sdk.mcuboot import uses_mcuboot
from levante.sdk.policy_build import load_compiled_policy


@dataclass(frozen=True)
class PowerUpRequest:
    """What the board was powered up with: a reboot powers it up again the same way."""

    path: Path
    console: ConsoleSink
    trace: TraceSink | None = None
    entropy: EntropySource | None = None
    console_input: ConsoleSource | None = None
    flash_folder: Path | None = None
    network: NetworkOptions | None = None
    show_gpio: bool = False


@dataclass
class System:
    config: Config
    image: ElfImage
    cpu: UnicornCpu
    kernel: Kernel
    flash: BoardFlashPort | None = None  # the board's flash, when it boots through MCUboot
    network: BoardNetwork | None = None  # the network interface, with CONFIG_NETWORKING
    request: PowerUpRequest | None = None  # how to power the board up again at a reboot
    reboots: int = 0  # sys_reboot calls the board followed
    earlier_cycles: int = 0  # simulated time of the boots before this one
    interrupted: bool = False  # the host asked the run to stop (Ctrl-C)

    def run(self, max_cycles: int | None = None, follow_reboots: bool = True) -> RunEnd:
        """Run until idle, halted or `max_cycles` of simulated time, counted over every
        boot of this run (each boot's own clock starts at 0, as Zephyr's uptime does),
        so that a program that reboots forever still ends at the limit."""
        while True:
            remaining = None if max_cycles is None else max_cycles - self.earlier_cycles
            end = self.kernel.run(remaining)
            if end is not RunEnd.REBOOT or not follow_reboots or self.request is None \
                    or self.interrupted:
                return end
            self._power_up_again()

    def interrupt(self) -> None:
        """Stop the run at the end of the current system call (or CPU run): safe to call
        from inside a Unicorn callback, where the kernel may be halfway through a call."""
        self.interrupted = True
        self.kernel.end_run()

    @property
    def total_cycles(self) -> int:
        """Simulated time since the first power-up, across reboots."""
        return self.earlier_cycles + self.kernel.now

    def _power_up_again(self) -> None:
        """The reboot: the board starts from power-on, through its boot stage; a warm
        reboot keeps the RAM of .noinit as a system reset does, a cold one nothing."""
        assert self.request is not None
        kept = None if self.kernel.reboot_cold else _noinit_ram(self.cpu, self.image)
        self.earlier_cycles += self.kernel.now
        # The board stays plugged into its link across the reboot; each boot's stack
        # reports its own counters.
        network, self.network = self.network, None
        if network is not None:
            _trace_net_stats(self.kernel, network.interface.stack)
        later = _LaterBoot(kept, network,
                           self.earlier_cycles * NANOSECONDS // self.kernel.config.clock_hz)
        try:
            again = _power_up(self.request, (), later)
        except BaseException:
            if network is not None:
                network.close()
            raise
        self.config, self.image, self.cpu, self.kernel = (again.config, again.image,
                                                          again.cpu, again.kernel)
        self.flash, self.network = again.flash, again.network
        self.reboots += 1

    def close(self) -> None:
        """Release what the run holds on the host (the network link, the capture); the
        trace ends with the network interface's counters (`net_stats`)."""
        if self.network is not None:
            _trace_net_stats(self.kernel, self.network.interface.stack)
            self.network.close()
            self.network = None


def _trace_net_stats(kernel: Kernel, stack: NetworkStack) -> None:
    """The interface's counters, and its bounded tables' sizes, peaks and limits."""
    kernel.trace("net_stats", counters=stack.stats.snapshot(), tables=stack.tables.snapshot())


@dataclass(frozen=True)
class _LaterBoot:
    """What a boot after a reboot inherits from the one before."""

    kept_ram: tuple[int, bytes] | None  # a warm reboot's .noinit bytes (address, data)
    network: BoardNetwork | None  # the link and capture the board stays plugged into
    earlier_nanoseconds: int  # simulated time of the boots before (the capture's clock)


def _noinit_ram(cpu: UnicornCpu, image: ElfImage) -> tuple[int, bytes] | None:
    """The bytes of the image's .noinit section as the CPU left them."""
    section = image.sections.get(".noinit")
    if section is None or section.size == 0:
        return None
    return section.address, cpu.read_memory(section.address, section.size)


def _keep_noinit(cpu: UnicornCpu, image: ElfImage, kept: tuple[int, bytes]) -> None:
    """RAM survives a system reset: what the new image leaves uninitialised (its
    .noinit) holds what was there; the rest is initialised by the start-up as always."""
    section = image.sections.get(".noinit")
    if section is None:
        return
    address, data = kept
    start, end = max(address, section.address), min(address + len(data),
                                                     section.address + section.size)
    if start < end:
        cpu.write_memory(start, data[start - address:end - address])


def locate_build(path: Path) -> tuple[Path, Path]:
    """(levante.elf, .config) for a build folder or an ELF inside one."""
    elf = path / "levante.elf" if path.is_dir() else path
    dotconfig = elf.parent / ".config"
    if not elf.exists():
        raise ImageError(f"{elf}: no such image (run `levante build` first)")
    if not dotconfig.is_file():
        raise ImageError(f"{dotconfig}: missing (the image must sit in its build folder)")
    return elf, dotconfig


def _check_runtime(image: ElfImage) -> None:
    missing = [name for name in RUNTIME_SYMBOLS if name not in image.symbols]
    if missing:
        raise ImageError(
            f"{image.path}: not a Levante image (missing {', '.join(missing)})"
        )


def _load_config(dotconfig: Path) -> tuple[Config, Board, KernelConfig]:
    try:
        config = Config.from_dotconfig(dotconfig)
        board = load_board(config.board)
        return config, board, KernelConfig.from_config(config, board)
    except ConfigError as error:
        # Messages about the file itself already start with its path.
        message = error.message
        if not message.startswith(f"{dotconfig}:"):
            message = f"{dotconfig}: {message}"
        raise ImageError(message) from None
    except (KeyError, TypeError) as error:
        raise ImageError(f"{dotconfig}: not a complete Levante .config ({error.args[0]})") from None


def _load_image(elf_path: Path, board: Board) -> ElfImage:
    image = load_elf(elf_path)
    _check_runtime(image)
    for segment in image.segments:
        if not any(region.contains(segment.address, len(segment.data))
                   for region in board.memory):
            raise ImageError(f"{image.path}: segment at {segment.address:#x} lies outside "
                             f"{board.name}'s memory")
    return image


def _load_from_flash(cpu: UnicornCpu, image: ElfImage, board: Board,
                     flash: memoryview) -> None:
    """The CPU sees the board's flash as it is; RAM is initialised from it (a C
    start-up's data copy). The ELF only indexes the image: every byte it would load must
    be the verified image's, or it belongs to another build."""
    cpu.load(board.flash.base, bytes(flash))
    for segment in image.segments:
        if segment.loaded_from is not None:
            offset = segment.loaded_from - board.flash.base
            cpu.load(segment.address, bytes(flash[offset:offset + len(segment.data)]))
            continue
        offset = segment.address - board.flash.base
        if not 0 <= offset <= len(flash) - len(segment.data) or \
                flash[offset:offset + len(segment.data)] != segment.data:
            raise ImageError(f"{image.path}: the board booted another image than this "
                             "build's (run the build that produced it, or rebuild)")


def _no_input() -> bytes:
    return b""


def power_up(path: Path, console: ConsoleSink, trace: TraceSink | None = None,
             entropy: EntropySource | None = None,
             console_input: ConsoleSource | None = None,
             flash_folder: Path | None = None,
             stimulus: Sequence[StimulusEvent] = (), show_gpio: bool = False,
             network: NetworkOptions | None = None) -> System:
    """Load the build at `path` and boot it (the kernel has run nothing yet).

    With CONFIG_BOOTLOADER_MCUBOOT the board powers on through the boot stage, from its
    flash in `flash_folder` (default: the build's flash/ folder), and runs the image
    that boots, with the symbols of the build that produced it.
    The TRNG reads the host's randomness unless `entropy` says otherwise (a seeded
    source makes a run reproducible); `console_input` feeds the shell; `stimulus`
    presses the buttons (at times of the first boot); `show_gpio` prints LED changes on
    the console; `network` plugs the interface of a build with CONFIG_NETWORKING into a
    link and a capture. After a sys_reboot, `System.run` powers the board up again
    with the same request."""
    request = PowerUpRequest(path, console, trace, entropy, console_input, flash_folder,
                             network, show_gpio)
    return _power_up(request, stimulus, None)


def _power_up(request: PowerUpRequest, stimulus: Sequence[StimulusEvent],
              later: _LaterBoot | None) -> System:
    elf_path, dotconfig = locate_build(request.path)
    config, board, kernel_config = _load_config(dotconfig)
    image = _load_image(elf_path, board)
    console, trace = request.console, request.trace
    powered = None
    if uses_mcuboot(config):
        folder = request.flash_folder or default_flash_folder(elf_path.parent)
        powered = power_on(elf_path.parent, config, board, folder,
                           lambda line: console(f"{line}\n".encode()))
        if powered.build_dir != elf_path.parent.resolve():
            elf_path, dotconfig = locate_build(powered.build_dir)
            config, board, kernel_config = _load_config(dotconfig)
            image = _load_image(elf_path, board)
        if trace is not None:
            trace({"cycle": 0, "event": "boot_stage", **_boot_facts(powered)})
    cpu = UnicornCpu(board)
    port = None
    if powered is not None:
        _load_from_flash(cpu, image, board, powered.board_flash.flash.view())
        port = BoardFlashPort(powered.board_flash, powered.layout, cpu.load)
    else:
        for segment in image.segments:
            cpu.load(segment.address, segment.data)
    if later is not None and later.kept_ram is not None:
        _keep_noinit(cpu, image, later.kept_ram)
    code = {segment.address: segment.data for segment in image.code}
    cpu.trap_division_by_zero(find_divisions(image.functions, code))
    entropy = request.entropy if request.entropy is not None else HostEntropy()
    devices: list[Device] = [TrngDevice(entropy)]
    wiring = load_wiring(elf_path.parent)
    console_input = request.console_input
    if wiring.uarts:
        uart = InterruptingUart if kernel_config.uart_interrupt_driven else BoardUart
        devices.append(uart(console_input or _no_input, wiring.uarts))
    elif console_input is not None:
        devices.append(ConsoleUart(console_input))
    if port is not None:
        devices.append(FlashController(port))
    buttons = [event for event in stimulus if event.action != "sensor"]
    readings = [event for event in stimulus if event.action == "sensor"]
    if wiring.gpio_controllers:
        devices.append(BoardGpio(wiring.gpio_controllers, wiring.gpio_lines, buttons,
                                 request.show_gpio))
    elif buttons:
        raise UsageError("--stimulus: this build has no GPIO controller (CONFIG_GPIO=n)")
    if wiring.sensors:
        devices.append(BoardSensor(wiring.sensors, readings))
    elif readings:
        raise UsageError("--stimulus: this build has no sensor (CONFIG_SENSOR=n)")
    if later is not None and later.network is not None:
        interface = rebooted_network(config, later.network, later.earlier_nanoseconds,
                                     entropy)
    else:
        interface = board_network(config, dotconfig, request.network or NetworkOptions(),
                                  entropy)
    if interface is not None:
        devices.append(interface.interface)
    # After the console, the flash and the interface: it serves on all three.
    smp = smp_service(config, powered.layout if powered is not None else None,
                      interface.interface.stack if interface is not None else None)
    if smp is not None:
        devices.append(smp)
    try:
        kernel = Kernel(cpu, kernel_config, image.layout(), console, trace, devices=devices)
        compiled_domains = load_compiled_domains(elf_path.parent)
        if compiled_domains is not None:
            kernel.security_domains.install(compiled_domains)
        compiled_policy = load_compiled_policy(elf_path.parent)
        if compiled_policy is not None:
            install_policy(kernel, compiled_policy)
        kernel.ipc_checker = load_interfaces(elf_path.parent)
        kernel.boot()
    except BaseException:
        if interface is not None:
            interface.close()
        raise
    return System(config, image, cpu, kernel, port, interface, request)


def _boot_facts(powered: PoweredOn) -> dict[str, object]:
    booted = powered.result.images[0]
    return {
        "version": str(booted.version), "digest": booted.verified.digest.hex(),
        "swap": powered.result.swap_types[0].name,
        "development_key": booted.development_key,
        "slot": f"{booted.slot_address:#010x}", "build": powered.build_dir.name,
    }
