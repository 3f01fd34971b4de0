"""Structural rules of the kernel, checked on its source: the unsafe way cannot be written."""

from __future__ import annotations

import ast
from pathlib import Path

import levante.kernel.usermem

KERNEL = Path(levante.kernel.usermem.__file__).parent
# The one module that turns a caller's pointer into bytes (through its checks).
MEMORY_GATE = KERNEL / "usermem.py"
RAW_ACCESSES = {"read_memory", "write_memory"}


def _raw_memory_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in RAW_ACCESSES
                and isinstance(node.value, ast.Attribute) and node.value.attr == "cpu"):
            found.append(f"{path.name}:{node.lineno}: cpu.{node.attr}")
    return found


def test_no_kernel_module_but_the_memory_gate_touches_cpu_memory() -> None:
    """Handlers, objects and the kernel reach memory only through CallerMemory, whose
    every access is checked against the rights in force (or is named kernel_*)."""
    offenders = [hit for path in sorted(KERNEL.rglob("*.py")) if path != MEMORY_GATE
                 for hit in _raw_memory_calls(path)]
    assert offenders == []


def test_the_gate_detector_finds_a_raw_access(tmp_path: Path) -> None:
    sample = tmp_path / "handler.py"
    sample.write_text("def h(kernel):\n    return kernel.cpu.read_memory(0, 4)\n")
    assert len(_raw_memory_calls(sample)) == 1


def test_every_kind_the_abi_declares_statically_has_one_state_class() -> None:
    """One record per kind: the ABI's record and the state class registered for it are
    all boot and the decoder need (no list of kinds elsewhere)."""
    from levante.abi import STATIC_KINDS, STRUCTS_BY_NAME
    from levante.kernel.objects.kinds import load_all_kinds
    from levante.kernel.syscalls import dispatch

    states = load_all_kinds()
    for kind in STATIC_KINDS:
        state = states[kind.name].from_static(0x2000_0000, {f.name: 8 for f in kind.fields})
        assert type(state).KIND == kind.name
    decoded = {state.KIND for state in dispatch._OBJECT_TYPES.values()}
    # A futex and a sys_mutex are checked by memory (syscalls/by_memory.py): their
    # parameters stay addresses.
    assert decoded == {name for name in states if STRUCTS_BY_NAME[name].k_obj is not None
                       and name not in ("k_futex", "sys_mutex")}
    assert "k_heap" not in decoded  # not a kernel object: its parameters stay addresses
