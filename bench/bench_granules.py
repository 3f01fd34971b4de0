"""(f) Memory accesses on a page the granule guard watches vs on a page Unicorn protects
alone: what a user thread pays when its data shares a 1 KiB page with memory of other
rights (a 512-byte stack beside kernel data)."""

from __future__ import annotations

from typing import Any

from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, UC_PROT_ALL, Uc
from unicorn import arm_const as arm

from bench.common import Result, best_time
from levante.arch.cortex_m.protection import PAGE_SIZE, PageProtection
from levante.arch.interface import AccessRegion

FLASH, RAM, BLOCK = 0x0000_0000, 0x2000_0000, 0x1_0000
ITERATIONS = 200_000
STORE_LOAD_LOOP = bytes.fromhex(
    "0160"  # 1: str r1, [r0]
    "0368"  #    ldr r3, [r0]
    "013a"  #    subs r2, #1
    "fbd1"  #    bne 1b
    "00be"  #    bkpt #0
)
CODE = AccessRegion(FLASH, 0x4000, read=True, execute=True)
# One page wholly read/write, and one where only the first 512 bytes are.
UNIFORM = AccessRegion(RAM, PAGE_SIZE, read=True, write=True)
SHARED = AccessRegion(RAM + 4 * PAGE_SIZE, PAGE_SIZE // 2, read=True, write=True)


def loop_seconds(address: int) -> float:
    uc: Any = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.mem_map(FLASH, BLOCK, UC_PROT_ALL)
    uc.mem_map(RAM, BLOCK, UC_PROT_ALL)
    uc.mem_write(FLASH, STORE_LOAD_LOOP)
    protection = PageProtection(uc, [(FLASH, FLASH + BLOCK), (RAM, RAM + BLOCK)])
    protection.apply((CODE, UNIFORM, SHARED))

    def run() -> None:
        uc.reg_write_batch([(arm.UC_ARM_REG_R0, address), (arm.UC_ARM_REG_R2, ITERATIONS)])
        uc.emu_start(FLASH | 1, FLASH + len(STORE_LOAD_LOOP) - 2)

    return best_time(run)


def run() -> Result:
    uniform = loop_seconds(UNIFORM.start)
    watched = loop_seconds(SHARED.start)
    per_access = (watched - uniform) / (2 * ITERATIONS)
    return Result(
        "granule_guard_vs_page", watched / uniform, 4.0, False,
        f"store+load loop on a watched page {watched * 1e3:.1f} ms vs a uniform page "
        f"{uniform * 1e3:.1f} ms ({per_access * 1e9:.0f} ns more per access)",
    )
