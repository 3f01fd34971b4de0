"""The target description GDB reads (qXfer:features:read): an M-profile ARM core.

GDB's `org.gnu.gdb.arm.m-profile` feature names r0-r12, sp, lr, pc and xpsr; with it GDB
knows the core is M-profile (Thumb only, exception frames on the stack).  The registers
are numbered 0-16 here, which is the order of the `g` packet and the numbers `p`/`P` use.
"""

from __future__ import annotations

REGISTER_NAMES = (
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12",
    "sp", "lr", "pc", "xpsr",
)
_TYPES = {"sp": "data_ptr", "lr": "int", "pc": "code_ptr"}


def _register(number: int, name: str) -> str:
    kind = _TYPES.get(name, "int")
    return f'    <reg name="{name}" bitsize="32" regnum="{number}" type="{kind}"/>\n'


TARGET_XML = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE target SYSTEM "gdb-target.dtd">\n'
    '<target version="1.0">\n'
    "  <architecture>arm</architecture>\n"
    '  <feature name="org.gnu.gdb.arm.m-profile">\n'
    + "".join(_register(number, name) for number, name in enumerate(REGISTER_NAMES))
    + "  </feature>\n"
    "</target>\n"
).encode()

# Annexes qXfer:features:read serves.
FEATURE_DOCUMENTS = {"target.xml": TARGET_XML}
