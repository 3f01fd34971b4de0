"""Kconfig processing: merge defaults and fragments into .config, autoconf.h and a frozen Config."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import kconfiglib  # type: ignore[import-untyped]

from levante.config.absent import absent_subsystem, zephyr_dependencies
from levante.errors import LevanteError

if TYPE_CHECKING:
    from levante.config.board import Board

KCONFIG_ROOT = Path(__file__).with_name("Kconfig")

ConfigValue = bool | int | str

# Fragment and .config syntax. Stricter than kconfiglib on purpose: it takes
# "yes" for y and "1_000" for an int and passes them on, and a value mangled
# like that must be refused before it reaches the C compiler via autoconf.h.
_ASSIGNMENT = re.compile(r"CONFIG_([A-Za-z0-9_]+)=(.*)")
_NOT_SET = re.compile(r"# CONFIG_([A-Za-z0-9_]+) is not set")
_QUOTED_STRING = re.compile(r'"((?:[^\\"]|\\.)*)"')
_UNESCAPE = re.compile(r"\\(.)")
# A leading zero would make C read a decimal value as octal, and a hex value
# without 0x would be indistinguishable from decimal when .config is read back.
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")
_HEXADECIMAL = re.compile(r"0[xX][0-9a-fA-F]+")

_BOOL_TYPES = (kconfiglib.BOOL, kconfiglib.TRISTATE)
# kconfiglib's warning for `CONFIG_X=value` where X is not in the tree.
_UNDEFINED_ASSIGNED = re.compile(
    r"attempt to assign the value '(.*)' to the undefined symbol (\w+)")


def _scanned_absent_warning(warning: str) -> bool:
    """kconfiglib's warning about `CONFIG_BT=n` and the like, or about an absent symbol
    with Zephyr dependencies, which the scan accepted (the latter to be judged later)."""
    match = _UNDEFINED_ASSIGNED.search(warning)
    if match is None:
        return False
    return (match[1] == "n" and absent_subsystem(match[2]) is not None) \
        or zephyr_dependencies(match[2]) is not None


class ConfigError(LevanteError):
    """A configuration that cannot be built: bad fragment, board file or .config.

    ``message`` is one line (the first problem, prefixed ``file:line:`` when
    it comes from a line of a file); ``details`` holds every problem found,
    one line each.
    """

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.details: tuple[str, ...] = tuple(details) or (message,)


@dataclass(frozen=True)
class Config:
    """The frozen result of configuration: symbol name (no CONFIG_ prefix) to value.

    Holds exactly what .config holds. A symbol whose dependencies are unmet
    is absent, like in autoconf.h: use ``is_enabled`` for "is this feature
    on" questions, and the ``get_*`` methods where the symbol must exist.
    """

    values: Mapping[str, ConfigValue]
    board: str

    def __post_init__(self) -> None:
        # Copy, so that later changes to the caller's dict cannot leak in.
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def __hash__(self) -> int:
        return hash((self.board, frozenset(self.values.items())))

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def get_bool(self, name: str) -> bool:
        """Value of a bool symbol; KeyError if absent, TypeError if not a bool."""
        value = self._lookup(name)
        if not isinstance(value, bool):
            raise TypeError(f"CONFIG_{name} is {_kind(value)}, not a bool")
        return value

    def get_int(self, name: str) -> int:
        """Value of an int or hex symbol; KeyError if absent, TypeError if not an int."""
        value = self._lookup(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"CONFIG_{name} is {_kind(value)}, not an int")
        return value

    def get_str(self, name: str) -> str:
        """Value of a string symbol; KeyError if absent, TypeError if not a string."""
        value = self._lookup(name)
        if not isinstance(value, str):
            raise TypeError(f"CONFIG_{name} is {_kind(value)}, not a string")
        return value

    def is_enabled(self, name: str) -> bool:
        """True only for a bool symbol that is set to y (like Zephyr's IS_ENABLED)."""
        return self.values.get(name) is True

    def _lookup(self, name: str) -> ConfigValue:
        try:
            return self.values[name]
        except KeyError:
            hint = (
                " (leave out the CONFIG_ prefix)" if name.startswith("CONFIG_") else ""
            )
            raise KeyError(f"no symbol {name} in this configuration{hint}") from None

    @classmethod
    def from_dotconfig(cls, path: Path) -> Config:
        """Read a .config written by ``configure`` back, without kconfiglib."""
        values = _parse_dotconfig(path)
        board = values.get("BOARD")
        if not isinstance(board, str):
            raise ConfigError(f"{path}: no CONFIG_BOARD string; not a Levante .config")
        return cls(values=values, board=board)


def configure(
    app_dir: Path,
    board: Board,
    build_dir: Path,
    extra_fragments: Sequence[Path] = (),
    warn: Callable[[str], None] | None = None,
    conf_files: Sequence[Path] = (),
) -> Config:
    """Configure ``app_dir`` for ``board``, writing .config and autoconf.h into ``build_dir``.

    Fragments are merged in order: Kconfig defaults, the board's defconfig,
    the application's prj.conf, then ``extra_fragments`` (relative paths are
    taken relative to the current directory). Raises ConfigError for an
    assignment that is malformed, names an unknown symbol, has an invalid
    value (out of range too), sets a symbol without a prompt, or enables what
    Levante lacks. An assignment that does not take for another reason (its
    dependencies unmet, a select, a choice) is a warning, as in Zephyr.
    """
    fragments = _fragments(app_dir, board, extra_fragments, conf_files)
    kconf = _parse_kconfig_tree(app_dir)
    assignments, absent = _scan_fragments(fragments, kconf)
    if warn is not None:
        for warning in _repeated_assignments(assignments):
            warn(warning)
    _load_fragments(kconf, fragments)
    _check_result(kconf, board, fragments, assignments)
    _raise_if_any(_absent_enabled_errors(kconf, absent))
    if warn is not None:
        lapsed = _lapsed_settings(kconf, assignments) + _lapsed_absent(kconf, absent)
        # In the order of the files and lines, as the user reads them.
        for _, warning in sorted(lapsed, key=lambda item: (
                fragments.index(item[0].fragment), item[0].line)):
            warn(warning)
    dotconfig = build_dir / ".config"
    _write_outputs(
        kconf, board, dotconfig, build_dir / "include" / "generated" / "autoconf.h"
    )
    return Config.from_dotconfig(dotconfig)


@dataclass(frozen=True)
class _Fragment:
    """A configuration fragment and the short name used for it in messages."""

    path: Path
    label: str
    from_board: bool = False


@dataclass(frozen=True)
class _Assignment:
    """One ``CONFIG_NAME=value`` (or ``# CONFIG_NAME is not set``) line of a fragment."""

    fragment: _Fragment
    line: int
    name: str
    value: str
    # Written as "# CONFIG_NAME is not set" rather than "CONFIG_NAME=n".
    is_not_set_line: bool = False

    @property
    def where(self) -> str:
        return f"{self.fragment.label}:{self.line}"

    @property
    def text(self) -> str:
        return f"CONFIG_{self.name}={self.value}"


def _fragments(app_dir: Path, board: Board, extra: Sequence[Path],
               conf_files: Sequence[Path] = ()) -> list[_Fragment]:
    """The board's defconfig, the application's prj.conf (or, as Zephyr's CONF_FILE,
    `conf_files` in its place), then `extra`."""
    if not board.defconfig.is_file():
        raise ConfigError(f"{board.defconfig}: board '{board.name}' has no defconfig")
    fragments = [_Fragment(board.defconfig.resolve(), board.defconfig.name, from_board=True)]
    if conf_files:
        for path in conf_files:
            if not path.is_file():
                raise ConfigError(f"{path}: configuration file (CONF_FILE) not found")
            fragments.append(_Fragment(path.resolve(), _label(path, app_dir)))
    else:
        prj_conf = app_dir / "prj.conf"
        if not prj_conf.is_file():
            raise ConfigError(
                f"{prj_conf}: application has no prj.conf (an empty one will do)"
            )
        fragments.append(_Fragment(prj_conf.resolve(), "prj.conf"))
    for path in extra:
        if not path.is_file():
            raise ConfigError(f"{path}: configuration fragment not found")
        fragments.append(_Fragment(path.resolve(), _label(path, app_dir)))
    return fragments


def _label(path: Path, app_dir: Path) -> str:
    try:
        return path.resolve().relative_to(app_dir.resolve()).as_posix()
    except ValueError:
        return path.name


def _parse_kconfig_tree(app_dir: Path | None = None) -> Any:
    """Levante's tree, or the application's own Kconfig file when it has one: that file
    declares the application's symbols and sources "Kconfig.zephyr" (Levante's tree),
    as Zephyr applications do."""
    app_kconfig = app_dir.resolve() / "Kconfig" if app_dir is not None else None
    if app_kconfig is None or not app_kconfig.is_file():
        root, blame = KCONFIG_ROOT, None
    else:
        root, blame = app_kconfig, app_kconfig
    previous = os.environ.get("srctree")
    # `source "Kconfig.zephyr"` is looked up under $srctree: Levante's configuration.
    os.environ["srctree"] = str(KCONFIG_ROOT.parent)
    try:
        kconf = kconfiglib.Kconfig(str(root), warn_to_stderr=False)
    except OSError as error:  # a file it sources cannot be read
        raise ConfigError(f"{blame or root}: cannot read {error.filename}: "
                          f"{error.strerror}") from None
    except kconfiglib.KconfigError as error:
        first_line = str(error).strip().splitlines()[0]
        if blame is None:
            # The tree ships with Levante, so this is a bug in Levante, not in the app.
            raise ConfigError(f"internal Kconfig error: {first_line}") from error
        # kconfiglib says "<file>:<line>: error: <what>": keep the place and the what.
        where, _, what = first_line.partition(": error: ")
        raise ConfigError(f"{where}: {what}" if what else f"{blame}: {first_line}") \
            from None
    finally:
        if previous is None:
            os.environ.pop("srctree", None)
        else:
            os.environ["srctree"] = previous
    kconf.warn_assign_undef = True
    # Later fragments overriding earlier ones is the whole point of merging.
    kconf.warn_assign_override = False
    kconf.warn_assign_redun = False
    return kconf


def _scan_fragments(fragments: Iterable[_Fragment],
                    kconf: Any) -> tuple[list[_Assignment], list[_Assignment]]:
    """Parse and check every line before anything is loaded, so errors carry file:line.
    Returns the assignments to symbols in the tree, and those to absent symbols whose
    Zephyr dependencies decide, once everything is loaded, between a refusal and a
    warning."""
    assignments: list[_Assignment] = []
    absent: list[_Assignment] = []
    errors: list[str] = []
    for fragment in fragments:
        for number, line in enumerate(_read_lines(fragment), 1):
            assignment = _parse_fragment_line(fragment, number, line, errors)
            if assignment is None or _disables_absent(kconf, assignment):
                continue
            if _is_undefined(kconf, assignment.name) \
                    and zephyr_dependencies(assignment.name) is not None:
                absent.append(assignment)
                continue
            problem = _check_assignment(kconf, assignment)
            if problem:
                errors.append(f"{assignment.where}: {problem}")
            else:
                assignments.append(assignment)
    _raise_if_any(errors)
    return assignments, absent


def _is_undefined(kconf: Any, name: str) -> bool:
    sym = kconf.syms.get(name)
    return sym is None or not sym.nodes


def _absent_enabled_errors(kconf: Any, absent: Sequence[_Assignment]) -> list[str]:
    """An absent symbol assigned where its Zephyr dependencies hold: Levante lacks it."""
    last = {assignment.name: assignment for assignment in absent}
    return [f"{assignment.where}: {_unknown_symbol(kconf, name)}"
            for name, assignment in last.items()
            if kconf.eval_string(zephyr_dependencies(name)) != 0]


def _lapsed_absent(kconf: Any,
                   absent: Sequence[_Assignment]) -> list[tuple[_Assignment, str]]:
    """Warnings for absent symbols whose Zephyr dependencies are unmet: as Zephyr, the
    assignment is ignored."""
    last = {assignment.name: assignment for assignment in absent}
    warnings: list[tuple[_Assignment, str]] = []
    for name, assignment in last.items():
        dependencies = zephyr_dependencies(name)
        if kconf.eval_string(dependencies) == 0:
            warnings.append((assignment, f"{assignment.where}: warning: {assignment.text} "
                                         f"was not applied: depends on {dependencies} (=n) "
                                         "in Zephyr's Kconfig (the setting lapses)"))
    return warnings


def _repeated_assignments(assignments: Sequence[_Assignment]) -> list[str]:
    """A symbol assigned twice in one fragment (as Zephyr, warned: the last one counts);
    a later fragment overriding an earlier one is what merging is for."""
    first: dict[tuple[_Fragment, str], _Assignment] = {}
    warnings = []
    for assignment in assignments:
        key = (assignment.fragment, assignment.name)
        if key in first:
            warnings.append(f"{assignment.where}: warning: CONFIG_{assignment.name} was "
                            f"already assigned on line {first[key].line}; this value counts")
        else:
            first[key] = assignment
    return warnings


def _read_lines(fragment: _Fragment) -> list[str]:
    try:
        return fragment.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{fragment.label}: cannot read: {_reason(error)}") from error


def _parse_fragment_line(
    fragment: _Fragment, number: int, line: str, errors: list[str]
) -> _Assignment | None:
    line = line.rstrip()  # like the C tools, ignore trailing whitespace
    if match := _ASSIGNMENT.fullmatch(line):
        return _Assignment(fragment, number, match[1], match[2])
    if match := _NOT_SET.fullmatch(line):
        return _Assignment(fragment, number, match[1], "n", is_not_set_line=True)
    if line and not line.lstrip().startswith("#"):
        errors.append(
            f"{fragment.label}:{number}: malformed line '{line}' "
            "(expected CONFIG_NAME=value or a # comment)"
        )
    return None


def _disables_absent(kconf: Any, assignment: _Assignment) -> bool:
    """`CONFIG_BT=n` and the like: disabling what Levante does not have asks for nothing."""
    sym = kconf.syms.get(assignment.name)
    return (assignment.value == "n" and (sym is None or not sym.nodes)
            and absent_subsystem(assignment.name) is not None)


def _unknown_symbol(kconf: Any, name: str) -> str:
    """Why CONFIG_`name` cannot be set: a subsystem Levante lacks, or a likely typo."""
    subsystem = absent_subsystem(name)
    if subsystem is not None:
        return f"CONFIG_{name}: {subsystem} is not provided by Levante"
    known = [symbol for symbol, sym in kconf.syms.items() if sym.nodes]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    hint = f" (did you mean CONFIG_{close[0]}?)" if close else ""
    return f"unknown Kconfig symbol CONFIG_{name}{hint}"


def _check_assignment(kconf: Any, assignment: _Assignment) -> str | None:
    sym = kconf.syms.get(assignment.name)
    if sym is None or not sym.nodes:
        return _unknown_symbol(kconf, assignment.name)
    type_name = str(kconfiglib.TYPE_TO_STR[sym.orig_type])
    if assignment.is_not_set_line and sym.orig_type not in _BOOL_TYPES:
        # kconfiglib silently ignores these, which would hide the user's intent.
        return f"'is not set' only applies to bool symbols; CONFIG_{assignment.name} is {type_name}"
    value = assignment.value
    invalid = f"invalid value '{value}' for {type_name} symbol CONFIG_{assignment.name}"
    if sym.orig_type in _BOOL_TYPES and value not in ("y", "n"):
        return f"{invalid} (expected y or n)"
    if sym.orig_type is kconfiglib.INT and not _DECIMAL.fullmatch(value):
        return invalid
    if sym.orig_type is kconfiglib.HEX and not _HEXADECIMAL.fullmatch(value):
        return f"{invalid} (expected 0x followed by hex digits)"
    if sym.orig_type is kconfiglib.STRING and not _QUOTED_STRING.fullmatch(value):
        return f"{invalid} (expected a double-quoted string)"
    return None


def _load_fragments(kconf: Any, fragments: Sequence[_Fragment]) -> None:
    first_new_warning = len(kconf.warnings)
    for index, fragment in enumerate(fragments):
        kconf.load_config(str(fragment.path), replace=index == 0)
    # The line scan should have caught everything kconfiglib warns about with
    # a location; anything it still reports about our files is an error too.
    errors = []
    for warning in kconf.warnings[first_new_warning:]:
        if _scanned_absent_warning(warning):
            continue
        for fragment in fragments:
            prefix = f"{fragment.path}:"
            if warning.startswith(prefix):
                location, _, text = warning.removeprefix(prefix).partition(
                    ": warning: "
                )
                errors.append(f"{fragment.label}:{location}: {text}")
    _raise_if_any(errors)


def _check_result(
    kconf: Any,
    board: Board,
    fragments: Sequence[_Fragment],
    assignments: Sequence[_Assignment],
) -> None:
    errors = _board_errors(kconf, board, fragments, assignments)
    errors += _unapplied_assignment_errors(kconf, assignments)
    errors += _missing_value_errors(kconf, fragments[0])
    _raise_if_any(errors)


def _board_errors(
    kconf: Any,
    board: Board,
    fragments: Sequence[_Fragment],
    assignments: Sequence[_Assignment],
) -> list[str]:
    """The board choice must end up on the board the build was asked for."""
    selected = str(kconf.syms["BOARD"].str_value)
    if selected == board.name:
        return []
    for assignment in reversed(assignments):
        sym = kconf.syms[assignment.name]
        if (
            not assignment.fragment.from_board
            and assignment.name.startswith("BOARD_")
            and sym.choice is not None
            and assignment.value == "y"
        ):
            conflict = f"{assignment.text} conflicts with board {board.name}"
            return [
                f"{assignment.where}: {conflict} (choose the board on the command line)"
            ]
    return [
        f"{fragments[0].label}: does not select CONFIG_BOARD_{board.name.upper()}=y"
    ]


def _unapplied_assignment_errors(
    kconf: Any, assignments: Sequence[_Assignment]
) -> list[str]:
    """A symbol that does not end with the value its last assignment gave it is an error
    only where Zephyr's kconfig.py stops the build; elsewhere it warns (below)."""
    return [f"{assignment.where}: {_why_not_applied(kconf.syms[assignment.name], assignment)}"
            for assignment in _unapplied(kconf, assignments)
            if not _only_warned(kconf.syms[assignment.name])]


def _unapplied(kconf: Any, assignments: Sequence[_Assignment]) -> list[_Assignment]:
    """The last assignment of each symbol, where it did not take."""
    # Later assignments override earlier ones, so only the last one counts.
    last = {assignment.name: assignment for assignment in assignments}
    # As in Zephyr, a later fragment may choose another member of a choice: a member
    # set to y before the choice's last y is overridden, not refused.
    chosen_last = {kconf.syms[assignment.name].choice: assignment for assignment in assignments
                   if kconf.syms[assignment.name].choice is not None and assignment.value == "y"}
    unapplied = []
    for assignment in last.values():
        sym = kconf.syms[assignment.name]
        if sym.choice is not None and assignment.value == "y" \
                and chosen_last[sym.choice] is not assignment:
            continue
        if not _was_applied(sym, assignment.value):
            unapplied.append(assignment)
    return unapplied


def _only_warned(sym: Any) -> bool:
    """Zephyr's kconfig.py (check_assigned_sym_values) only warns when an assigned value
    does not take: the dependencies are unmet (echo_client's CONFIG_MAX_THREAD_BYTES
    without CONFIG_USERSPACE, mqtt_publisher's IPv6 settings with CONFIG_NET_IPV6=n), a
    select forces another value, a choice picks another member. It stops the build for
    an assignment to a symbol without a prompt (check_no_promptless_assign) and for a
    value outside the symbol's range (kconfiglib's warning, made an error)."""
    has_prompt = any(node.prompt for node in sym.nodes)
    return has_prompt and _active_range(sym) is None


def _lapsed_settings(kconf: Any,
                     assignments: Sequence[_Assignment]) -> list[tuple[_Assignment, str]]:
    """Warnings for the assignments `_only_warned` lets pass."""
    return [(assignment, f"{assignment.where}: warning: "
             f"{_why_not_applied(kconf.syms[assignment.name], assignment)} "
             "(the setting lapses)")
            for assignment in _unapplied(kconf, assignments)
            if _only_warned(kconf.syms[assignment.name])]


def _was_applied(sym: Any, value: str) -> bool:
    actual = str(sym.str_value)
    if sym.orig_type in _BOOL_TYPES:
        return actual == value
    if sym.orig_type is kconfiglib.INT:
        return actual != "" and int(actual, 10) == int(value, 10)
    if sym.orig_type is kconfiglib.HEX:
        return actual != "" and int(actual, 16) == int(value, 16)
    return actual == _unquote(value)


def _why_not_applied(sym: Any, assignment: _Assignment) -> str:
    not_applied = f"{assignment.text} was not applied"
    if kconfiglib.expr_value(sym.direct_dep) == 0:
        return f"{not_applied}: depends on {_without_choices(sym.direct_dep)}"
    active_range = _active_range(sym)
    if active_range is not None:
        low, high = active_range
        type_name = kconfiglib.TYPE_TO_STR[sym.orig_type]
        return (
            f"invalid value '{assignment.value}' for {type_name} symbol"
            f" CONFIG_{assignment.name} (allowed range {low} to {high})"
        )
    selectors = _active_selectors(sym)
    if selectors:
        return f"{not_applied}: selected by {', '.join(selectors)}"
    if not any(node.prompt for node in sym.nodes):
        return f"{not_applied}: it has no prompt, so only the Kconfig tree sets it"
    if sym.choice is not None:
        return f"{not_applied}: choice '{_prompt(sym.choice)}' always has one member selected"
    return f"{not_applied}: the resulting value is {_shown_value(sym)}"


def _active_range(sym: Any) -> tuple[str, str] | None:
    """The (low, high) range the symbol's user value violates, if that is why it was dropped."""
    if sym.orig_type not in (kconfiglib.INT, kconfiglib.HEX) or not sym.user_value:
        return None
    base = 16 if sym.orig_type is kconfiglib.HEX else 10
    for low, high, condition in sym.ranges:
        if kconfiglib.expr_value(condition):
            low_text, high_text = str(low.str_value), str(high.str_value)
            if (
                not int(low_text, base)
                <= int(sym.user_value, base)
                <= int(high_text, base)
            ):
                return low_text, high_text
            return None
    return None


def _active_selectors(sym: Any) -> list[str]:
    if sym.orig_type not in _BOOL_TYPES:
        return []
    terms = kconfiglib.split_expr(sym.rev_dep, kconfiglib.OR)
    return [_without_choices(term) for term in terms if kconfiglib.expr_value(term)]


def _without_choices(term: Any) -> str:
    """Show a select condition without the "&& <choice>" kconfiglib adds for choice members."""
    factors = kconfiglib.split_expr(term, kconfiglib.AND)
    shown = [
        kconfiglib.expr_str(f) for f in factors if not isinstance(f, kconfiglib.Choice)
    ]
    return " && ".join(shown)


def _prompt(node_owner: Any) -> str:
    prompts = [node.prompt[0] for node in node_owner.nodes if node.prompt]
    return str(prompts[0]) if prompts else str(node_owner.name)


def _shown_value(sym: Any) -> str:
    value = str(sym.str_value)
    if sym.orig_type is kconfiglib.STRING:
        return f'"{kconfiglib.escape(value)}"'
    return value or "empty"


def _missing_value_errors(kconf: Any, board_fragment: _Fragment) -> list[str]:
    """An int without a default must be set by someone, or .config gets 'CONFIG_X='."""
    errors = []
    for sym in kconf.unique_defined_syms:
        is_number = sym.orig_type in (kconfiglib.INT, kconfiglib.HEX)
        if is_number and sym.config_string and not sym.str_value:
            errors.append(
                f"{board_fragment.label}: CONFIG_{sym.name} has no value"
                " (it has no default; set it in the board defconfig or prj.conf)"
            )
    return errors


def _write_outputs(kconf: Any, board: Board, dotconfig: Path, autoconf: Path) -> None:
    # kconfiglib leaves a file untouched when its contents would not change, so
    # an unchanged configuration does not trigger a rebuild of everything.
    banner = f"Generated by Levante for board {board.name}; do not edit (change prj.conf instead)"
    try:
        autoconf.parent.mkdir(parents=True, exist_ok=True)
        kconf.write_config(str(dotconfig), header=f"# {banner}\n", save_old=False)
        kconf.write_autoconf(str(autoconf), header=f"/* {banner} */\n")
    except OSError as error:
        failed = error.filename or dotconfig.parent
        raise ConfigError(
            f"{failed}: cannot write configuration: {_reason(error)}"
        ) from error


def _parse_dotconfig(path: Path) -> dict[str, ConfigValue]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"{path}: cannot read configuration: {_reason(error)}"
        ) from error
    values: dict[str, ConfigValue] = {}
    for number, line in enumerate(lines, 1):
        if match := _ASSIGNMENT.fullmatch(line):
            values[match[1]] = _parse_dotconfig_value(match[2], f"{path}:{number}")
        elif match := _NOT_SET.fullmatch(line):
            values[match[1]] = False
        elif line and not line.startswith("#"):
            raise ConfigError(f"{path}:{number}: malformed line '{line}'")
    return values


def _parse_dotconfig_value(text: str, where: str) -> ConfigValue:
    if text in ("y", "n"):
        return text == "y"
    if _QUOTED_STRING.fullmatch(text):
        return _unquote(text)
    if _DECIMAL.fullmatch(text):
        return int(text, 10)
    if _HEXADECIMAL.fullmatch(text):
        return int(text, 16)
    raise ConfigError(f"{where}: cannot understand value '{text}'")


def _unquote(text: str) -> str:
    """The contents of a double-quoted .config string, backslash escapes undone."""
    return _UNESCAPE.sub(r"\1", text[1:-1])


def _kind(value: ConfigValue) -> str:
    if isinstance(value, bool):
        return "a bool"
    return "an int" if isinstance(value, int) else "a string"


def _reason(error: OSError | UnicodeDecodeError) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    return error.strerror or str(error)


def _raise_if_any(errors: Sequence[str]) -> None:
    if errors:
        raise ConfigError(errors[0], errors)
