"""The build step of an application's interfaces: headers and the compiled checker in
the build folder, stale output removed, mistakes as one-line build errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from levante.errors import BuildError
from levante.idl.checker import MessageChecker
from levante.sdk.idl_build import build_interfaces, load_interfaces

DOOR = "interface door @ 0x10 { method open(in code: u32, out ok: bool); }\n"


def _app(tmp_path: Path, **files: str) -> Path:
    app = tmp_path / "app"
    app.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (app / name).write_text(text)
    return app


def test_each_file_becomes_a_header_and_all_one_checker(tmp_path: Path) -> None:
    app = _app(tmp_path, **{"door.idl": DOOR,
                            "bell.idl": "interface bell { method ring(); }\n"})
    build = tmp_path / "build"
    assert build_interfaces(app, build) == build / "ipc.json"
    header = (build / "include" / "idl" / "door.h").read_text()
    assert "#define DOOR_INTERFACE_ID 0x10u" in header
    assert "static inline int door_open(levante_ipc_endpoint_t ep, uint32_t code, bool *ok)" \
        in header
    assert "static inline int door_dispatch(const struct door_ops *ops" in header
    assert "from door.idl" in header and str(tmp_path) not in header
    assert (build / "include" / "idl" / "bell.h").is_file()
    checker = load_interfaces(build)
    assert isinstance(checker, MessageChecker)
    assert checker.knows(0x10) and sorted(checker.interface_names.values()) == ["bell", "door"]


def test_output_of_an_earlier_build_is_removed(tmp_path: Path) -> None:
    app = _app(tmp_path, **{"door.idl": DOOR})
    build = tmp_path / "build"
    build_interfaces(app, build)
    (app / "door.idl").unlink()
    assert build_interfaces(app, build) is None
    assert not (build / "ipc.json").exists()
    assert not (build / "include" / "idl" / "door.h").exists()
    assert load_interfaces(build) is None


@pytest.mark.parametrize(("files", "message"), [
    ({"door.idl": "interface door { method m(in x: u7); }"},
     "door.idl:1:33: error: unknown type 'u7'"),
    ({"door-lock.idl": DOOR}, "an interface file's name must be a C identifier"),
    ({"a.idl": DOOR, "b.idl": DOOR.replace("door", "gate")},
     "b.idl:1:1: error: interface 'gate' clashes with 'door'"),
])
def test_a_mistake_fails_the_build_with_one_line(tmp_path: Path, files: dict[str, str],
                                                 message: str) -> None:
    app = _app(tmp_path, **files)
    with pytest.raises(BuildError) as raised:
        build_interfaces(app, tmp_path / "build")
    assert message in raised.value.message and "\n" not in raised.value.message


@pytest.mark.parametrize("text", ["{", '{"version": 99}', '{"version": 1}', "[]"])
def test_a_corrupt_compiled_checker_asks_for_a_rebuild(tmp_path: Path, text: str) -> None:
    (tmp_path / "ipc.json").write_text(text)
    with pytest.raises(BuildError, match="rebuild"):
        load_interfaces(tmp_path)


def test_the_descriptor_is_the_same_whatever_the_checkout(tmp_path: Path) -> None:
    first = _app(tmp_path / "one", **{"door.idl": DOOR})
    second = _app(tmp_path / "two", **{"door.idl": DOOR})
    build_interfaces(first, tmp_path / "b1")
    build_interfaces(second, tmp_path / "b2")
    assert json.loads((tmp_path / "b1" / "ipc.json").read_text()) == \
        json.loads((tmp_path / "b2" / "ipc.json").read_text())
    assert (tmp_path / "b1" / "include" / "idl" / "door.h").read_text() == \
        (tmp_path / "b2" / "include" / "idl" / "door.h").read_text()


def _levante(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "levante.cli", *arguments],
                          capture_output=True, text=True, check=False, timeout=120)


def test_idl_check_reports_each_file_and_fails_with_one_line(tmp_path: Path) -> None:
    good = tmp_path / "door.idl"
    good.write_text(DOOR)
    result = _levante("idl", "check", str(good))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"levante: {good}: door (id 0x10, 1 method(s))\n"
    bad = tmp_path / "bad.idl"
    bad.write_text("interface x {\n    method m(in s: string<2000>);\n}\n")
    result = _levante("idl", "check", str(good), str(bad))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"levante: error: {bad}:2:27: error: string bound 2000: "
                             "must be 1 to 1024\n")
    result = _levante("idl", "check", str(tmp_path / "missing.idl"))
    assert result.returncode == 2 and "cannot read" in result.stderr
    assert len(result.stderr.splitlines()) == 1
