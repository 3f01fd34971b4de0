"""Which addresses are kernel objects, and of what kind (Zephyr's kernel object table)."""

from __future__ import annotations

from typing import TypeVar

from levante.kernel.fatal import Oops

T = TypeVar("T")


class ObjectRegistry:
    """Kernel objects by the address of their C structure."""

    def __init__(self) -> None:
        self._objects: dict[int, object] = {}

    def register(self, address: int, obj: object) -> None:
        self._objects[address] = obj

    def find(self, address: int) -> object | None:
        return self._objects.get(address)

    def get(self, address: int, kind: type[T]) -> T:
        """The object of `kind` at `address`; the caller oopses when there is none."""
        obj = self._objects.get(address)
        if not isinstance(obj, kind):
            what = "not a kernel object" if obj is None else f"a {type(obj).__name__}"
            raise Oops(f"{address:#x} is {what}, expected a {kind.__name__}")
        return obj

    def __len__(self) -> int:
        return len(self._objects)
