"""`levante policy check` against the interface files next to the policy: rules on IPC
events name methods that exist and fields their events have."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from levante.idl.language import compile_idl, event_fields
from levante.policy.check import check_policy

DOOR = compile_idl("interface door { method unlock(in who: string<8>, out ok: bool); }",
                   "door.idl")


def _findings(text: str) -> list[str]:
    return [finding.render("p.lvp")
            for finding in check_policy(text, "p.lvp", event_fields(DOOR))]


def test_each_method_has_its_parameters_and_the_common_fields_as_fields() -> None:
    assert event_fields(DOOR) == {"ipc.door.unlock": frozenset({
        "thread", "peer", "direction", "interface", "method", "status", "who", "ok"})}


def test_rules_on_ipc_events_are_checked_against_the_interfaces() -> None:
    assert _findings('default allow\n'
                     'deny service ipc.door.unlock when who == "x" and ok and '
                     'direction == "reply"\n'
                     'grant service ipc.door.* when anything\n'
                     'grant service ipc.malformed\n') == []
    assert _findings('default allow\n'
                     'deny service ipc.door.unlock when code == 3\n'
                     'grant service ipc.door.open\n') == [
        "p.lvp:2: error: service ipc.door.unlock has no field 'code' (this deny reads it)",
        "p.lvp:3: error: service ipc.door.open: no interface of the application has this "
        "method",
    ]


def test_without_interfaces_ipc_rules_are_not_checked() -> None:
    assert check_policy("default allow\ngrant service ipc.door.open\n", "p.lvp") == []


def test_the_cli_reads_the_interface_files_next_to_the_policy(tmp_path: Path) -> None:
    (tmp_path / "door.idl").write_text("interface door { method unlock(in who: string<8>); }")
    policy = tmp_path / "policy.lvp"
    policy.write_text("default allow\ndeny service ipc.door.unlock when whom == 1\n")
    result = subprocess.run([sys.executable, "-m", "levante.cli", "policy", "check",
                             str(policy)], capture_output=True, text=True, check=False,
                            timeout=120)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"{policy}:2: error: service ipc.door.unlock has no field 'whom' (this deny reads it)")
