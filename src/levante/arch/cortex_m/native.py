"""Addresses of Unicorn's C entry points, for the C extensions that call the engine
directly (the block clock and the granule guard) without linking against it."""

from __future__ import annotations

import ctypes
from typing import Any

from unicorn.unicorn_py3.unicorn import uclib


def entry_point(name: str) -> int:
    """The address of Unicorn's exported function `name` (e.g. "uc_hook_add")."""
    value = ctypes.cast(getattr(uclib, name), ctypes.c_void_p).value
    assert value is not None
    return value


def engine_handle(uc: Any) -> int:
    """The uc_engine pointer behind a Python `Uc` object."""
    return int(uc._uch.value)
