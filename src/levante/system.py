"""Assemble a running system: board, CPU backend, loaded image and kernel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from levante.arch.cortex_m.cpu import UnicornCpu
from levante.arch.cortex_m.thumb import find_divisions
from levante.config import Config, ConfigError, load_board
from levante.crypto.entropy import EntropySource, HostEntropy
from levante.errors import ImageError
from levante.image.elf import ElfImage, load_elf
from levante.kernel.kernel import ConsoleSink, ConsoleSource, Kernel, RunEnd, TraceSink
from levante.kernel.layout import KernelConfig
from levante.sdk.abi import RUNTIME_SYMBOLS


@dataclass
class System:
    config: Config
    image: ElfImage
    cpu: UnicornCpu
    kernel: Kernel

    def run(self, max_cycles: int | None = None) -> RunEnd:
        return self.kernel.run(max_cycles)


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


def boot(path: Path, console: ConsoleSink, trace: TraceSink | None = None,
         entropy: EntropySource | None = None,
         console_input: ConsoleSource | None = None) -> System:
    """Load the build at `path` and boot it (the kernel has run nothing yet).

    The TRNG reads the host's randomness unless `entropy` says otherwise (a seeded
    source makes a run reproducible); `console_input` feeds the shell."""
    elf_path, dotconfig = locate_build(path)
    try:
        config = Config.from_dotconfig(dotconfig)
        board = load_board(config.board)
        kernel_config = KernelConfig.from_config(config, board)
    except ConfigError as error:
        # Messages about the file itself already start with its path.
        message = error.message
        if not message.startswith(f"{dotconfig}:"):
            message = f"{dotconfig}: {message}"
        raise ImageError(message) from None
    except (KeyError, TypeError) as error:
        raise ImageError(f"{dotconfig}: not a complete Levante .config ({error.args[0]})") from None
    image = load_elf(elf_path)
    _check_runtime(image)
    cpu = UnicornCpu(board)
    for segment in image.segments:
        if not any(region.contains(segment.address, len(segment.data))
                   for region in board.memory):
            raise ImageError(
                f"{elf_path}: segment at {segment.address:#x} lies outside {board.name}'s memory"
            )
        cpu.load(segment.address, segment.data)
    code = {segment.address: segment.data for segment in image.code}
    cpu.trap_division_by_zero(find_divisions(image.functions, code))
    kernel = Kernel(cpu, kernel_config, image.layout(), console, trace,
                    entropy if entropy is not None else HostEntropy(), console_input)
    kernel.boot()
    return System(config, image, cpu, kernel)
