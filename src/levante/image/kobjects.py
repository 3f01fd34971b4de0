"""Find the kernel objects an image defines statically, from its DWARF (as gen_kobject_list.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from elftools.dwarf.compileunit import CompileUnit
from elftools.dwarf.die import DIE, AttributeValue
from elftools.dwarf.typeunit import TypeUnit
from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile

from levante.abi import OBJECT_KINDS
from levante.image.layout import KernelObjectSymbol

STACK_KIND = OBJECT_KINDS["K_OBJ_THREAD_STACK_ELEMENT"]
# Structures that are one kernel object each; a stack is an array of STACK_KIND elements.
OBJECT_STRUCTS = frozenset(OBJECT_KINDS.values()) - {STACK_KIND}
_KIND_STRUCTS = OBJECT_STRUCTS | {STACK_KIND}

_DW_OP_ADDR = 0x03
_DW_OP_ADDRX = 0xA1
_DW_OP_GNU_ADDR_INDEX = 0xFB
_DW_OP_PLUS_UCONST = 0x23
_EXPRESSION_FORMS = frozenset(
    {"DW_FORM_exprloc", "DW_FORM_block", "DW_FORM_block1", "DW_FORM_block2", "DW_FORM_block4"}
)
_CONSTANT_FORMS = frozenset(
    {"DW_FORM_data1", "DW_FORM_data2", "DW_FORM_data4", "DW_FORM_data8",
     "DW_FORM_sdata", "DW_FORM_udata", "DW_FORM_implicit_const"}
)
_DATA_WIDTHS = {"DW_FORM_data1": 8, "DW_FORM_data2": 16, "DW_FORM_data4": 32, "DW_FORM_data8": 64}
_SIGNED_ENCODINGS = frozenset({0x05, 0x06})  # DW_ATE_signed, DW_ATE_signed_char
# References that may leave the unit: a unit without them holds all the types it uses.
_CROSS_UNIT_FORMS = frozenset(
    {"DW_FORM_ref_addr", "DW_FORM_ref_sig8", "DW_FORM_ref_sup4", "DW_FORM_ref_sup8",
     "DW_FORM_GNU_ref_alt"}
)
_TRANSPARENT_TYPES = frozenset(
    {"DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type", "DW_TAG_restrict_type",
     "DW_TAG_atomic_type"}
)
# Their children are members, enumerators or parameters: never variables with storage.
_TYPE_TAGS = frozenset(
    {"DW_TAG_structure_type", "DW_TAG_union_type", "DW_TAG_class_type",
     "DW_TAG_enumeration_type", "DW_TAG_array_type", "DW_TAG_subroutine_type"}
)
_MAX_LINKS = 16  # bounds chains of typedefs and specifications in malformed DWARF

_TypeKey = tuple[bool, int]  # (in a type unit, offset): offsets restart in .debug_types


@dataclass(frozen=True)
class _Slot:
    """A kernel object inside a type: its offset, kind, size and the C path to it from the
    variable ("", "[2]", ".queue", "[1].events")."""

    offset: int
    kind: str
    size: int
    path: str


def find_kernel_objects(elf: ELFFile) -> tuple[KernelObjectSymbol, ...]:
    """Every kernel object among the image's global and static variables, sorted by address,
    each address once; () if the image has no DWARF."""
    if not elf.has_dwarf_info(strict=True):
        return ()
    storage = _storage_ranges(elf)
    layouts = _ObjectLayouts()
    found: dict[int, KernelObjectSymbol] = {}
    # A linked image's DWARF is final: looking for relocations would cost a fifth of the run.
    dwarf = elf.get_dwarf_info(relocate_dwarf_sections=elf["e_type"] == "ET_REL",
                               follow_links=False)
    for unit in dwarf.iter_CUs():
        for variable in _located_variables(unit):
            for kernel_object in _objects_of(variable, layouts):
                # The linker leaves discarded (--gc-sections) variables at address 0, in code.
                if _in_storage(kernel_object, storage):
                    found.setdefault(kernel_object.address, kernel_object)
    return tuple(found[address] for address in sorted(found))


def _storage_ranges(elf: ELFFile) -> list[range]:
    """The address ranges of allocated, non-executable sections: where variables live."""
    return [
        range(section["sh_addr"], section["sh_addr"] + section["sh_size"])
        for section in elf.iter_sections()
        if section["sh_flags"] & SH_FLAGS.SHF_ALLOC
        and not section["sh_flags"] & SH_FLAGS.SHF_EXECINSTR
        and section["sh_size"]
    ]


def _in_storage(kernel_object: KernelObjectSymbol, storage: list[range]) -> bool:
    end = kernel_object.address + kernel_object.size
    return any(kernel_object.address in area and end <= area.stop for area in storage)


def _objects_of(variable: DIE, layouts: _ObjectLayouts) -> Iterator[KernelObjectSymbol]:
    address = _fixed_address(variable)
    if address is None:
        return
    slots = layouts.slots(_referenced_type(_owner_of(variable, "DW_AT_type")))
    if not slots:
        return
    name = _name(_owner_of(variable, "DW_AT_name"))
    for slot in slots:
        yield KernelObjectSymbol(address + slot.offset, slot.kind, slot.size, name + slot.path)


# ---- Which variables: those with a fixed address, in units that can hold objects ----------


def _located_variables(unit: CompileUnit) -> Iterator[DIE]:
    """Variables with a location, file-scope or function-scope, in a unit that defines an
    object structure; other units cannot have a variable of one, so only their top level
    is read (GCC's DW_AT_sibling lets the walk skip function bodies unparsed)."""
    variables: list[DIE] = []
    scopes: list[DIE] = []
    defines_object_struct = False
    for die in unit.get_top_DIE().iter_children():
        if die.tag == "DW_TAG_variable":
            variables.append(die)
        elif die.tag == "DW_TAG_structure_type":
            defines_object_struct = defines_object_struct or _is_object_struct(die)
        elif die.has_children and die.tag not in _TYPE_TAGS:
            scopes.append(die)
    if not defines_object_struct and not _refers_outside(unit):
        return
    yield from (die for die in variables if "DW_AT_location" in die.attributes)
    for scope in scopes:
        yield from _nested_variables(scope)


def _nested_variables(scope: DIE) -> Iterator[DIE]:
    """Function-local statics: variables with a location anywhere below a function."""
    for die in scope.iter_children():
        if die.tag == "DW_TAG_variable":
            if "DW_AT_location" in die.attributes:
                yield die
        elif die.has_children and die.tag not in _TYPE_TAGS:
            yield from _nested_variables(die)


def _is_object_struct(die: DIE) -> bool:
    return "DW_AT_declaration" not in die.attributes and _name(die) in _KIND_STRUCTS


def _refers_outside(unit: CompileUnit) -> bool:
    """Whether the unit's entries may take types from another unit (LTO, type units), which
    makes its own type definitions no guide; unknown abbreviation layouts count as yes."""
    declarations = getattr(unit.get_abbrev_table(), "_abbrev_map", None)
    if not isinstance(declarations, dict):
        return True
    return any(
        form in _CROSS_UNIT_FORMS
        for declaration in declarations.values()
        for _, form in declaration.iter_attr_specs()
    )


def _fixed_address(variable: DIE) -> int | None:
    """The address of a variable whose location is a bare DW_OP_addr (or DW_OP_addrx);
    registers, frame offsets and location lists are not fixed."""
    location = variable.attributes.get("DW_AT_location")
    if location is None or location.form not in _EXPRESSION_FORMS or not location.value:
        return None
    opcode, operand = location.value[0], bytes(location.value[1:])
    if opcode == _DW_OP_ADDR and len(operand) == variable.cu["address_size"]:
        little_endian = variable.dwarfinfo.config.little_endian
        return int.from_bytes(operand, "little" if little_endian else "big")
    if opcode in (_DW_OP_ADDRX, _DW_OP_GNU_ADDR_INDEX):
        index = _uleb128(operand)
        if index is not None:
            return int(variable.dwarfinfo.get_addr(variable.cu, index))
    return None


def _uleb128(encoded: bytes) -> int | None:
    """The value of an operand that is exactly one ULEB128 number, else None."""
    value = 0
    for position, byte in enumerate(encoded):
        value |= (byte & 0x7F) << (7 * position)
        if not byte & 0x80:
            return value if position == len(encoded) - 1 else None
    return None


# ---- Where objects sit inside a type, computed once per type ------------------------------


class _ObjectLayouts:
    """The kernel objects inside each type, cached by the type's DIE offset: many variables
    share a type, and arrays repeat their element's layout."""

    def __init__(self) -> None:
        self._cache: dict[_TypeKey, tuple[_Slot, ...]] = {}

    def slots(self, type_die: DIE | None) -> tuple[_Slot, ...]:
        if type_die is None:
            return ()
        key = (isinstance(type_die.cu, TypeUnit), type_die.offset)
        cached = self._cache.get(key)
        if cached is None:
            self._cache[key] = ()  # a type cannot hold itself by value: stops malformed loops
            cached = self._cache[key] = self._compute(_strip(type_die))
        return cached

    def _compute(self, type_die: DIE | None) -> tuple[_Slot, ...]:
        if type_die is None or "DW_AT_declaration" in type_die.attributes:
            return ()
        if type_die.tag == "DW_TAG_structure_type":
            return self._struct_slots(type_die)
        if type_die.tag == "DW_TAG_array_type":
            return self._array_slots(type_die)
        return ()  # unions alias their members, so none of them is reliably an object

    def _struct_slots(self, struct: DIE) -> tuple[_Slot, ...]:
        name = _name(struct)
        if name in OBJECT_STRUCTS:
            size = _byte_size(struct)
            return (_Slot(0, name, size, ""),) if size else ()
        slots: list[_Slot] = []
        for member in struct.iter_children():
            if member.tag != "DW_TAG_member":
                continue
            offset = _member_offset(member)
            inner = self.slots(_referenced_type(member))
            if offset is None or not inner:
                continue
            member_name = _name(member)
            prefix = f".{member_name}" if member_name else ""  # anonymous struct members
            slots.extend(
                _Slot(offset + slot.offset, slot.kind, slot.size, prefix + slot.path)
                for slot in inner
            )
        return tuple(slots)

    def _array_slots(self, array: DIE) -> tuple[_Slot, ...]:
        shape = _array_shape(array)
        if shape is None:
            return ()
        dimensions, element = shape
        element_size = _byte_size(element)
        if not dimensions or element is None or not element_size:
            return ()
        if _is_stack_element(element):
            return _stack_slots(dimensions, element_size)
        inner = self.slots(element)
        if not inner:
            return ()  # plain data: no element is worth visiting, however many there are
        return tuple(
            _Slot(number * element_size + slot.offset, slot.kind, slot.size, path + slot.path)
            for number, path in enumerate(_indices(dimensions))
            for slot in inner
        )


def _is_stack_element(type_die: DIE) -> bool:
    return type_die.tag == "DW_TAG_structure_type" and _name(type_die) == STACK_KIND


def _stack_slots(dimensions: list[int], element_size: int) -> tuple[_Slot, ...]:
    """One stack per row: K_THREAD_STACK_DEFINE is one row, K_THREAD_STACK_ARRAY_DEFINE a
    2-D array whose rows are the stacks."""
    row_size = dimensions[-1] * element_size
    if not row_size:
        return ()
    return tuple(
        _Slot(number * row_size, STACK_KIND, row_size, path)
        for number, path in enumerate(_indices(dimensions[:-1]))
    )


def _indices(dimensions: list[int]) -> Iterator[str]:
    """"[0][0]", "[0][1]", ... in memory order; a single "" for no dimensions."""
    for index in itertools.product(*(range(count) for count in dimensions)):
        yield "".join(f"[{i}]" for i in index)


def _array_shape(array: DIE) -> tuple[list[int], DIE | None] | None:
    """The dimensions, outermost first, and the element type of an array, looking through
    arrays of arrays (a typedef'd row); None if a bound is unknown (flexible, variable)."""
    dimensions: list[int] = []
    current: DIE | None = array
    for _ in range(_MAX_LINKS):
        if current is None or current.tag != "DW_TAG_array_type":
            return dimensions, current
        for subrange in current.iter_children():
            if subrange.tag == "DW_TAG_subrange_type":
                count = _element_count(subrange)
                if count is None:
                    return None
                dimensions.append(count)
        current = _strip(_referenced_type(current))
    return None


def _element_count(subrange: DIE) -> int | None:
    count = _constant(subrange.attributes.get("DW_AT_count"))
    if count is not None:
        return max(count, 0)
    signed = _has_signed_index(subrange)
    upper = _constant(subrange.attributes.get("DW_AT_upper_bound"), signed)
    if upper is None:
        return None
    lower = _constant(subrange.attributes.get("DW_AT_lower_bound"), signed) or 0  # C's default
    return max(upper - lower + 1, 0)


def _has_signed_index(subrange: DIE) -> bool:
    """Whether bounds in dataN forms are signed: DWARF leaves that to the index type."""
    index_type = _strip(_referenced_type(subrange))
    if index_type is None or "DW_AT_encoding" not in index_type.attributes:
        return False
    return index_type.attributes["DW_AT_encoding"].value in _SIGNED_ENCODINGS


def _constant(attribute: AttributeValue | None, signed: bool = False) -> int | None:
    """A constant attribute's value (dataN forms read as unsigned unless told otherwise)."""
    if attribute is None or attribute.form not in _CONSTANT_FORMS:
        return None  # a reference or an expression: a bound computed at run time
    value = int(attribute.value)
    width = _DATA_WIDTHS.get(attribute.form)
    if signed and width is not None and value >= 1 << (width - 1):
        value -= 1 << width
    return value


def _member_offset(member: DIE) -> int | None:
    location = member.attributes.get("DW_AT_data_member_location")
    if location is None:
        return 0  # DWARF omits it for a member at the start
    if location.form in _EXPRESSION_FORMS:
        # DWARF 2/3 style: DW_OP_plus_uconst <offset>
        expression = bytes(location.value)
        is_plus_uconst = expression[:1] == bytes([_DW_OP_PLUS_UCONST])
        return _uleb128(expression[1:]) if is_plus_uconst else None
    return _constant(location)


# ---- Attribute helpers -------------------------------------------------------------------


def _owner_of(die: DIE, attribute: str) -> DIE:
    """The DIE that carries an attribute for this one: a definition whose DW_AT_location
    sits apart from its declaration names it through DW_AT_specification, a concrete
    instance its abstract one through DW_AT_abstract_origin."""
    current = die
    for _ in range(_MAX_LINKS):
        if attribute in current.attributes:
            return current
        link = _link_of(current)
        if link is None:
            break
        current = current.get_DIE_from_attribute(link)
    return die


def _link_of(die: DIE) -> str | None:
    for link in ("DW_AT_specification", "DW_AT_abstract_origin"):
        if link in die.attributes:
            return link
    return None


def _referenced_type(die: DIE | None) -> DIE | None:
    if die is None or "DW_AT_type" not in die.attributes:
        return None
    return die.get_DIE_from_attribute("DW_AT_type")


def _strip(type_die: DIE | None) -> DIE | None:
    """The type under typedefs and const/volatile qualifiers."""
    current = type_die
    for _ in range(_MAX_LINKS):
        if current is None or current.tag not in _TRANSPARENT_TYPES:
            return current
        current = _referenced_type(current)
    return None


def _name(die: DIE) -> str:
    attribute = die.attributes.get("DW_AT_name")
    if attribute is None:
        return ""
    value = attribute.value
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _byte_size(die: DIE | None) -> int:
    if die is None:
        return 0
    return _constant(die.attributes.get("DW_AT_byte_size")) or 0
