"""Shared benchmark plumbing: build the bench apps, boot them, and run code on bare Unicorn."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from unicorn import UC_ARCH_ARM, UC_HOOK_INTR, UC_MODE_MCLASS, UC_MODE_THUMB, UC_PROT_ALL, Uc
from unicorn import arm_const as arm

from levante.arch.cortex_m.cpu import UnicornCpu
from levante.board.system import System, power_up
from levante.config import load_board
from levante.image.elf import ElfImage, load_elf
from levante.sdk.build import build

REPO = Path(__file__).resolve().parent.parent
APPS = Path(__file__).resolve().parent / "apps"
BUILD = REPO / "build" / "bench"
REPEATS = 3


@dataclass(frozen=True)
class Result:
    """One benchmark: the ratio, its target, and whether higher is better."""

    name: str
    ratio: float
    target: float
    higher_is_better: bool
    details: str

    @property
    def ok(self) -> bool:
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    def line(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        verdict = "ok" if self.ok else "below"
        return f"BENCH {self.name} {self.ratio:.2f} {sign}{self.target:g} {verdict}"


def build_app(name: str, board: str = "lv_m4") -> Path:
    build_dir = BUILD / f"{name}_{board}"
    build(APPS / name, build_dir, load_board(board))
    return build_dir


def boot_quietly(build_dir: Path) -> System:
    return power_up(build_dir, lambda _: None)


def best_time(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """The fastest of several runs: the least disturbed by the rest of the machine."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


class BareMachine:
    """The image's memory on a plain Unicorn engine, no kernel and no clock hook."""

    def __init__(self, build_dir: Path, board: str = "lv_m4") -> None:
        self.image: ElfImage = load_elf(build_dir / "levante.elf")
        self.board = load_board(board)
        self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        self.uc.ctl_set_cpu_model(arm.UC_CPU_ARM_CORTEX_M4)
        for region in (self.board.flash, self.board.sram):
            self.uc.mem_map(region.base, region.size, UC_PROT_ALL)
        for segment in self.image.segments:
            self.uc.mem_write(segment.address, segment.data)
        # A mapped, never-executed address to return to: emulation stops on arrival.
        self.return_address = self.board.flash.end - 16

    def add_svc_hook(self, hook: Callable[..., None]) -> None:
        self.uc.hook_add(UC_HOOK_INTR, hook)

    def call(self, function: str, *arguments: int) -> int:
        entry = self.image.symbols[function].address
        registers = [arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1, arm.UC_ARM_REG_R2]
        for register, value in zip(registers, arguments, strict=False):
            self.uc.reg_write(register, value)
        self.uc.reg_write(arm.UC_ARM_REG_SP, self.board.sram.end - 64)
        self.uc.reg_write(arm.UC_ARM_REG_LR, self.return_address | 1)
        self.uc.emu_start(entry | 1, self.return_address)
        return int(self.uc.reg_read(arm.UC_ARM_REG_R0))


def count_instructions(build_dir: Path, function: str, *arguments: int) -> int:
    """Instructions one call executes, counted by Levante's own block clock."""
    cpu = UnicornCpu(load_board("lv_m4"))
    image = load_elf(build_dir / "levante.elf")
    for segment in image.segments:
        cpu.load(segment.address, segment.data)
    bare = BareMachine(build_dir)
    cpu.uc.reg_write(arm.UC_ARM_REG_SP, bare.board.sram.end - 64)
    cpu.uc.reg_write(arm.UC_ARM_REG_LR, bare.return_address | 1)
    for register, value in zip((arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1), arguments, strict=False):
        cpu.uc.reg_write(register, value)
    before = cpu.executed_instructions
    cpu.uc.emu_start(image.symbols[function].address | 1, bare.return_address)
    return cpu.executed_instructions - before
