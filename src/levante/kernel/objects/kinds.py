"""The kernel's state class for each kind of object the ABI declares.

A kind is declared once in the ABI (`levante.abi.STRUCTS`: its C structure, size,
fields, K_OBJ name, static section, Kconfig option); its module here declares the state
the kernel keeps and how a K_*_DEFINE instance becomes one (`from_static`), and
registers itself with `@kind_state`.  Boot initialises static instances of every
registered kind and the system-call decoder recognises its parameters, with no list of
kinds anywhere else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from typing import ClassVar, Protocol, TypeVar

from levante.abi import STRUCTS_BY_NAME

# A static instance's fields, as the ABI record names them, read from its structure.
StaticFields = Mapping[str, int]


class KindState(Protocol):
    """The state of one kind of object."""

    KIND: ClassVar[str]

    @classmethod
    def from_static(cls, address: int, fields: StaticFields) -> KindState:
        """The state of a K_*_DEFINE instance at `address`."""
        ...


S = TypeVar("S", bound=type[KindState])
STATE_CLASSES: dict[str, type[KindState]] = {}


def kind_state(state_class: S) -> S:
    """Register the state class of a kind the ABI declares."""
    kind = state_class.KIND
    if kind not in STRUCTS_BY_NAME:
        raise ValueError(f"{state_class.__name__}: the ABI declares no kind {kind!r}")
    if kind in STATE_CLASSES:
        raise ValueError(f"two state classes for {kind!r}")
    STATE_CLASSES[kind] = state_class
    return state_class


def load_all_kinds() -> dict[str, type[KindState]]:
    """Import every module of this package, so that every kind has registered."""
    package = importlib.import_module("levante.kernel.objects")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"levante.kernel.objects.{module.name}")
    return STATE_CLASSES
