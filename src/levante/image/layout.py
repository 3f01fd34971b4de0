"""What the kernel reads from an image at boot: runtime symbols and static-object sections."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Symbol:
    address: int
    size: int


@dataclass(frozen=True)
class ImageLayout:
    """Addresses the kernel reads at boot: runtime symbols and static-object sections."""

    symbols: dict[str, Symbol]
    sections: dict[str, Symbol] = field(default_factory=dict)

    def address_of(self, name: str) -> int:
        return self.symbols[name].address & ~1  # Thumb function symbols have bit 0 set

    def section(self, name: str) -> Symbol | None:
        return self.sections.get(name)
