"""The interface language's compiler: `.idl` text → a descriptor (JSON-able).

The grammar is `idl.lark`.  Compiling resolves every type name (enums and structs are
declared before use, so no type can contain itself), numbers interfaces and methods, and
inlines each parameter's whole type, so that a descriptor's method needs nothing else to
check a message (`checker.py`) or to generate C (`cgen.py`).  Every bound is enforced
here, where a mistake is one line `FILE:LINE:COL: error: ...`, never later in the kernel.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from levante.errors import LevanteError
from levante.grammar_errors import unexpected
from levante.idl.cnames import (
    IDENTIFIER,
    enumerator_constant,
    interface_names,
    method_names,
    type_names,
)
from levante.idl.wire import HEADER_SIZE, MAX_MESSAGE, max_size

FORMAT_VERSION = 1  # of the descriptor: a build of another is rebuilt, never misread
MAX_SEQUENCE = 1024  # string<N> and bytes<N>: N at most this
MAX_ARRAY = 256  # T[N]
MAX_STRUCT_DEPTH = 8  # structs inside structs: the checker recurses this deep at most
MAX_METHODS = 64
MAX_PARAMETERS = 32
MAX_FIELDS = 256  # of a struct
MAX_ENUMERATORS = 256
MAX_INTERFACES = 256  # in a build, all its files together
MAX_SOURCE = 1 << 20  # bytes of one interface file
# Rights a `handle<...>` may name (the domains' handle rights).
HANDLE_RIGHTS = ("read", "write", "signal", "wait", "duplicate", "transfer")
_INTEGERS = {"u8": (8, False), "u16": (16, False), "u32": (32, False), "u64": (64, False),
             "i8": (8, True), "i16": (16, True), "i32": (32, True), "i64": (64, True)}
# C's keywords: every name becomes a C identifier.
_C_KEYWORDS = frozenset({
    "auto", "bool", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "false", "float", "for", "goto", "if", "inline",
    "int", "long", "register", "restrict", "return", "short", "signed", "sizeof",
    "static", "struct", "switch", "true", "typedef", "union", "unsigned", "void",
    "volatile", "while", "NULL",
    # GNU C's keywords, and what the generated code uses from the C library (errno is
    # a macro in newlib; the dispatch calls memset).
    "asm", "typeof", "errno", "memset"})
# A parameter may not take the name of a field every IPC event has (the policy's) or of
# a parameter of the generated stubs and dispatch; the generated code's own locals all
# start with lv_, which no name may.
_PARAMETER_RESERVED = frozenset({
    "direction", "interface", "method", "status", "thread", "peer", "ep", "timeout",
    "ops", "context"})
# An interface's name is part of the policy's event name: `ipc.malformed` is taken.
_INTERFACE_RESERVED = frozenset({"malformed"})

Descriptor = dict[str, Any]
Type = dict[str, Any]


class IdlError(LevanteError):
    """An interface file that does not parse or whose names and bounds do not hold."""


@cache
def _parser() -> Lark:
    grammar = resources.files("levante.idl").joinpath("idl.lark").read_text()
    return Lark(grammar, parser="lalr", propagate_positions=True)


def interface_id_of(name: str) -> int:
    """An interface's id when it declares none: a stable hash of its name (never 0)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little") or 1


class _Compiler:
    def __init__(self, source: str) -> None:
        self.source = source
        self.types: dict[str, Type] = {}
        # Every C name the header will declare, with what declares it (cnames.py).
        self.c_names: dict[tuple[str, str], str] = {}
        self.parameters: list[Token] = []

    def fail(self, where: Tree[Token] | Token, message: str) -> IdlError:
        if isinstance(where, Token):
            line, column = where.line, where.column
        else:
            line, column = where.meta.line, where.meta.column
        return IdlError(f"{self.source}:{line}:{column}: error: {message}")

    def name(self, token: Token, what: str, reserved: frozenset[str] = frozenset()) -> str:
        text = str(token)
        # C reserves names that begin with an underscore (and the capital or second
        # underscore after it) and POSIX those that end in _t; k_ and z_ are Zephyr's.
        if text in _C_KEYWORDS or text in reserved or text.endswith("_t") or \
                text.startswith(("_", "k_", "z_", "lv_", "levante_", "LEVANTE_")):
            raise self.fail(token, f"{what} {text!r}: a reserved name")
        if text.upper() == text and not text.strip("_0123456789") == "":
            # EINVAL, K_FOREVER, CONFIG_...: a macro would replace it in the C.
            raise self.fail(token, f"{what} {text!r}: a name in capitals only is left "
                            "to C's macros")
        return text

    def claim(self, token: Token, names: list[tuple[str, str]], what: str) -> None:
        """Take the C names a declaration makes; one already taken is a clash."""
        for name in names:
            if name in self.c_names:
                raise self.fail(token, f"{what}: its C name {name[1]!r} is taken by "
                                f"{self.c_names[name]}")
        self.c_names.update(dict.fromkeys(names, what))

    def number(self, token: Token, low: int, high: int, what: str) -> int:
        value = int(str(token), 0)
        if not low <= value <= high:
            raise self.fail(token, f"{what} {value}: must be {low} to {high}")
        return value

    def compile(self, tree: Tree[Token]) -> Descriptor:
        interfaces: list[dict[str, Any]] = []
        for item in tree.children:
            assert isinstance(item, Tree)
            if item.data == "enum_def":
                self.enum(item)
            elif item.data == "struct_def":
                self.struct(item)
            else:
                if len(interfaces) >= MAX_INTERFACES:
                    head = item.children[0]
                    assert isinstance(head, Token)
                    raise self.fail(head, f"interface {str(head)!r}: more than "
                                    f"{MAX_INTERFACES} interfaces in a build")
                interfaces.append(self.interface(item, interfaces))
        if not interfaces:
            raise IdlError(f"{self.source}:1:1: error: no interface is declared")
        for token in self.parameters:  # a local of its name would hide the function
            taken = self.c_names.get((IDENTIFIER, str(token)))
            if taken is not None:
                raise self.fail(token, f"parameter {str(token)!r}: the C name of "
                                f"{taken} too")
        return {"version": FORMAT_VERSION, "interfaces": interfaces}

    def declare(self, token: Token, definition: Type) -> None:
        name = self.name(token, "type")
        if name in self.types:
            raise self.fail(token, f"type {name!r} is declared twice")
        self.types[name] = definition

    def enum(self, item: Tree[Token]) -> None:
        values: dict[str, int] = {}
        taken: set[int] = set()
        following = 0
        for enumerator in item.children[1:]:
            assert isinstance(enumerator, Tree)
            token, value_token = enumerator.children
            assert isinstance(token, Token)
            name = self.name(token, "enumerator")
            value = following if not isinstance(value_token, Token) else \
                self.number(value_token, 0, 0xFFFFFFFF, "enumerator value")
            if len(values) >= MAX_ENUMERATORS:
                raise self.fail(token, f"enumerator {name!r}: more than "
                                f"{MAX_ENUMERATORS} enumerators")
            if name in values:
                raise self.fail(token, f"enumerator {name!r} is declared twice")
            if value in taken:
                raise self.fail(token, f"enumerator {name!r}: value {value} is taken")
            taken.add(value)
            self.claim(token, [(IDENTIFIER, enumerator_constant(str(item.children[0]), name))],
                       f"enumerator {item.children[0]}.{name}")
            values[name] = value
            following = value + 1
        head = item.children[0]
        assert isinstance(head, Token)
        self.declare(head, {"kind": "enum", "name": str(head), "values": values})
        self.claim(head, type_names(self.types[str(head)])[:1], f"enum {str(head)!r}")

    def struct(self, item: Tree[Token]) -> None:
        head = item.children[0]
        assert isinstance(head, Token)
        fields: list[list[Any]] = []
        for field in item.children[1:]:
            assert isinstance(field, Tree)
            token, type_tree = field.children
            assert isinstance(token, Token) and isinstance(type_tree, Tree)
            if len(fields) >= MAX_FIELDS:
                raise self.fail(token, f"struct {str(head)!r}: more than {MAX_FIELDS} "
                                "fields")
            name = self.name(token, "field")
            if any(name == existing for existing, _ in fields):
                raise self.fail(token, f"field {name!r} is declared twice")
            kind = self.type(type_tree)
            if kind["kind"] in ("string", "bytes", "handle"):
                raise self.fail(token, f"field {name!r}: a struct holds fixed-size values "
                                "only (no string, bytes or handle)")
            fields.append([name, kind])
        if not fields:
            raise self.fail(head, f"struct {str(head)!r} has no field")
        depth = 1 + max(_depth(kind) for _, kind in fields)
        if depth > MAX_STRUCT_DEPTH:
            raise self.fail(head, f"structs nest more than {MAX_STRUCT_DEPTH} deep")
        self.declare(head, {"kind": "struct", "name": str(head), "fields": fields})
        self.claim(head, type_names(self.types[str(head)]), f"struct {str(head)!r}")

    def type(self, tree: Tree[Token]) -> Type:
        base, count = tree.children
        assert isinstance(base, Tree)
        kind = self.base_type(base)
        if count is None:
            return kind
        assert isinstance(count, Token)
        if kind["kind"] in ("string", "bytes", "handle"):
            raise self.fail(count, f"an array of {kind['kind']}: arrays hold fixed-size "
                            "values only")
        return {"kind": "array", "of": kind,
                "count": self.number(count, 1, MAX_ARRAY, "array length")}

    def base_type(self, tree: Tree[Token]) -> Type:
        tokens = [child for child in tree.children if isinstance(child, Token)]
        if tree.data == "scalar":
            text = str(tokens[0])
            if text == "bool":
                return {"kind": "bool"}
            bits, signed = _INTEGERS[text]
            return {"kind": "int", "bits": bits, "signed": signed}
        if tree.data in ("string", "bytes"):
            return {"kind": str(tree.data),
                    "max": self.number(tokens[0], 1, MAX_SEQUENCE, f"{tree.data} bound")}
        if tree.data == "handle":
            rights: list[str] = []
            for token in tokens:
                if str(token) not in HANDLE_RIGHTS:
                    raise self.fail(token, f"unknown handle right {str(token)!r} "
                                    f"(one of {', '.join(HANDLE_RIGHTS)})")
                if str(token) in rights:
                    raise self.fail(token, f"handle right {str(token)!r} is named twice")
                rights.append(str(token))
            return {"kind": "handle", "rights": rights}
        name = str(tokens[0])
        if name not in self.types:
            raise self.fail(tokens[0], f"unknown type {name!r} (declare an enum or struct "
                            "before its use)")
        return self.types[name]

    def interface(self, item: Tree[Token], earlier: list[dict[str, Any]]) -> dict[str, Any]:
        head, number = item.children[0], item.children[1]
        assert isinstance(head, Token)
        name = self.name(head, "interface", _INTERFACE_RESERVED)
        if any(name == other["name"] for other in earlier) or name in self.types:
            raise self.fail(head, f"name {name!r} is declared twice")
        identifier = interface_id_of(name) if not isinstance(number, Token) else \
            self.number(number, 1, 0xFFFFFFFF, "interface id")
        if any(identifier == other["id"] for other in earlier):
            raise self.fail(head, f"interface {name!r}: id {identifier:#x} is taken")
        self.claim(head, interface_names(name), f"interface {name!r}")
        methods: list[dict[str, Any]] = []
        following = 1
        for child in item.children[2:]:
            assert isinstance(child, Tree)
            method_head = child.children[0]
            assert isinstance(method_head, Token)
            if len(methods) >= MAX_METHODS:
                raise self.fail(method_head, f"interface {name!r}: more than "
                                f"{MAX_METHODS} methods")
            method = self.method(child, methods, following)
            self.claim(method_head, method_names(name, method["name"]),
                       f"method {name}.{method['name']}")
            methods.append(method)
            following = method["id"] + 1
        if not methods:
            raise self.fail(head, f"interface {name!r} has no method")
        return {"name": name, "id": identifier, "methods": methods}

    def method(self, item: Tree[Token], earlier: list[dict[str, Any]],
               following: int) -> dict[str, Any]:
        head = item.children[0]
        assert isinstance(head, Token)
        name = self.name(head, "method")
        if any(name == other["name"] for other in earlier):
            raise self.fail(head, f"method {name!r} is declared twice")
        number = item.children[-1]
        identifier = self.number(number, 1, 0xFFFF, "method id") \
            if isinstance(number, Token) else following
        if identifier > 0xFFFF:
            raise self.fail(head, f"method {name!r}: id {identifier} is past 65535")
        if any(identifier == other["id"] for other in earlier):
            raise self.fail(head, f"method {name!r}: id {identifier} is taken")
        directions: dict[str, list[list[Any]]] = {"in": [], "out": []}
        seen: set[str] = set()
        parameters = [child for child in item.children[1:] if isinstance(child, Tree)]
        if len(parameters) > MAX_PARAMETERS:
            raise self.fail(head, f"method {name!r}: more than {MAX_PARAMETERS} parameters")
        for parameter in parameters:
            direction, token, type_tree = parameter.children
            assert isinstance(token, Token) and isinstance(type_tree, Tree)
            parameter_name = self.name(token, "parameter", _PARAMETER_RESERVED)
            self.parameters.append(token)
            kind = self.type(type_tree)
            # In C a bytes parameter is two: NAME and NAME_len.
            c_names = {parameter_name} | \
                ({f"{parameter_name}_len"} if kind["kind"] == "bytes" else set())
            if c_names & seen:
                raise self.fail(token, f"parameter {parameter_name!r} is declared twice "
                                "(in C a bytes parameter NAME is also NAME_len)")
            seen |= c_names
            directions[str(direction)].append([parameter_name, kind])
        for way, listed in directions.items():
            if HEADER_SIZE + sum(max_size(kind) for _, kind in listed) > MAX_MESSAGE:
                raise self.fail(head, f"method {name!r}: its {way} message can exceed "
                                f"{MAX_MESSAGE} bytes")
        return {"name": name, "id": identifier, "in": directions["in"],
                "out": directions["out"]}


def _depth(kind: Type) -> int:
    if kind["kind"] == "struct":
        return 1 + max(_depth(field) for _, field in kind["fields"])
    if kind["kind"] == "array":
        return _depth(kind["of"])
    return 0


def parse(text: str, source: str) -> Tree[Token]:
    """The syntax tree of an interface file; an IdlError naming where it does not parse."""
    try:
        return _parser().parse(text)
    except UnexpectedInput as error:
        what = unexpected(error, text, "the file")
        raise IdlError(f"{source}:{error.line}:{error.column}: error: {what}") from None


def compile_idl(text: str, source: str) -> Descriptor:
    """Compile one interface file into its descriptor; IdlError on the first mistake."""
    size = len(text.encode())
    if size > MAX_SOURCE:
        raise IdlError(f"{source}:1:1: error: {size} bytes: an interface file holds at "
                       f"most {MAX_SOURCE}")
    return _Compiler(source).compile(parse(text, source))


def _kinds(kind: Type) -> list[Type]:
    """The enums and structs a parameter's type uses, itself included."""
    if kind["kind"] == "array":
        return _kinds(kind["of"])
    if kind["kind"] == "struct":
        return [kind, *(used for _, field in kind["fields"] for used in _kinds(field))]
    return [kind] if kind["kind"] == "enum" else []


def _c_names(descriptor: Descriptor) -> tuple[dict[tuple[str, str], str], set[str]]:
    """The C names one file's header declares (each with what declares it) and its
    parameters' names."""
    names: dict[tuple[str, str], str] = {}
    parameters: set[str] = set()
    for interface in descriptor["interfaces"]:
        names.update(dict.fromkeys(interface_names(interface["name"]),
                                   f"interface {interface['name']!r}"))
        for method in interface["methods"]:
            names.update(dict.fromkeys(method_names(interface["name"], method["name"]),
                                       f"method {interface['name']}.{method['name']}"))
            for parameter, kind in method["in"] + method["out"]:
                parameters.add(parameter)
                for used in _kinds(kind):
                    names.update(dict.fromkeys(type_names(used),
                                               f"{used['kind']} {used['name']!r}"))
    return names, parameters


def _check_c_names(descriptors: list[tuple[str, Descriptor]]) -> None:
    """No two files' headers declare one C name, nor name a parameter like another's
    function (an application may include them all)."""
    taken: dict[tuple[str, str], tuple[str, str]] = {}
    for source, descriptor in descriptors:
        names, parameters = _c_names(descriptor)
        for name, what in names.items():
            first = taken.setdefault(name, (source, what))
            if first[0] != source:
                raise IdlError(f"{source}:1:1: error: {what}: its C name {name[1]!r} is "
                               f"taken by {first[1]} of {first[0]}")
        for parameter in sorted(parameters):
            other = taken.get((IDENTIFIER, parameter))
            if other is not None and other[0] != source:
                raise IdlError(f"{source}:1:1: error: parameter {parameter!r}: the C name "
                               f"of {other[1]} of {other[0]} too")


def _type_names(kind: Type) -> set[str]:
    if kind["kind"] == "array":
        return _type_names(kind["of"])
    if kind["kind"] == "enum":
        return {kind["name"]}
    if kind["kind"] == "struct":
        return {kind["name"]}.union(*(_type_names(field) for _, field in kind["fields"]))
    return set()


def merge(descriptors: list[tuple[str, Descriptor]]) -> Descriptor:
    """The build's interfaces from all its files: names and ids unique across files, and
    each enum and struct (a C type of the generated headers) from one file only."""
    interfaces: list[dict[str, Any]] = []
    by_name: dict[str, dict[str, Any]] = {}
    by_id: dict[int, dict[str, Any]] = {}
    type_sources: dict[str, str] = {}
    for source, descriptor in descriptors:
        used = set().union(*(_type_names(kind) for interface in descriptor["interfaces"]
                             for method in interface["methods"]
                             for _, kind in method["in"] + method["out"]))
        for name in sorted(used):
            if type_sources.setdefault(name, source) != source:
                raise IdlError(f"{source}:1:1: error: type {name!r} is also declared in "
                               f"{type_sources[name]} (the headers would both define it)")
        for interface in descriptor["interfaces"]:
            other = by_name.get(interface["name"]) or by_id.get(interface["id"])
            if other is not None:
                raise IdlError(f"{source}:1:1: error: interface {interface['name']!r} "
                               f"clashes with {other['name']!r} (same name or id "
                               f"{other['id']:#x})")
            if len(interfaces) >= MAX_INTERFACES:
                raise IdlError(f"{source}:1:1: error: more than {MAX_INTERFACES} "
                               "interfaces in a build")
            by_name[interface["name"]] = by_id[interface["id"]] = interface
            interfaces.append(interface)
    _check_c_names(descriptors)
    return {"version": FORMAT_VERSION, "interfaces": interfaces}


# The fields every IPC event has besides its parameters (docs/ipc.md, "Policy events").
EVENT_FIELDS = frozenset({"thread", "peer", "direction", "interface", "method", "status"})


def event_fields(descriptor: Descriptor) -> dict[str, frozenset[str]]:
    """Each method's policy event ("ipc.door.unlock") and the fields it can have: the
    common ones and its parameters of both directions."""
    return {f"ipc.{interface['name']}.{method['name']}":
            EVENT_FIELDS | {name for name, _ in method["in"] + method["out"]}
            for interface in descriptor["interfaces"] for method in interface["methods"]}
