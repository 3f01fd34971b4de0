"""What the kernel reads from an image at boot: runtime symbols, sections and kernel objects."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Symbol:
    address: int
    size: int


@dataclass(frozen=True)
class KernelObjectSymbol:
    """A kernel object the image defines statically: where, what kind (the C struct), how big,
    and the C expression that names it ("sems[2]", "channel.queue")."""

    address: int
    kind: str
    size: int
    name: str


@dataclass(frozen=True)
class ImageLayout:
    """Addresses the kernel reads at boot: runtime symbols, static-object sections and the
    kernel objects the image defines statically (sorted by address)."""

    symbols: dict[str, Symbol]
    sections: dict[str, Symbol] = field(default_factory=dict)
    kernel_objects: tuple[KernelObjectSymbol, ...] = ()

    def address_of(self, name: str) -> int:
        return self.symbols[name].address & ~1  # Thumb function symbols have bit 0 set

    def section(self, name: str) -> Symbol | None:
        return self.sections.get(name)
