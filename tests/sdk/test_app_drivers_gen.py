"""Finding the application's driver subsystems (`__subsystem struct <name>_driver_api`)
and what the build generates from them: kind numbers from APP_DRIVER_KIND_BASE in name
order, the K_SYSCALL_DRIVER_* checks, the API types DEVICE_DEFINE maps to kinds, and the
names table the kernel reads."""

from __future__ import annotations

from pathlib import Path

from levante.abi import APP_DRIVER_KIND_BASE, APP_DRIVER_SECTION
from levante.sdk.app_drivers import (
    HEADER,
    TABLE_SOURCE,
    drivers_header,
    find_subsystems,
    write_app_drivers,
)


def test_subsystems_are_found_in_headers_and_sources_but_not_comments(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "zeta.h").write_text(
        "__subsystem struct zeta_driver_api { int (*op)(void); };\n"
        "/* __subsystem struct commented_driver_api { }; */\n")
    (tmp_path / "src" / "alpha.c").write_text(
        "__subsystem struct alpha_driver_api {\n\tint (*op)(void);\n};\n"
        "struct plain_driver_api { int x; };  // no __subsystem: no kind\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "old.h").write_text("__subsystem struct built_driver_api {};\n")
    assert find_subsystems([tmp_path]) == ["alpha", "zeta"]


def test_kinds_are_numbered_in_name_order() -> None:
    header = drivers_header(["alpha", "zeta"])
    assert f"#define K_OBJ_DRIVER_ALPHA {APP_DRIVER_KIND_BASE}" in header
    assert f"#define K_OBJ_DRIVER_ZETA {APP_DRIVER_KIND_BASE + 1}" in header
    assert ("#define K_SYSCALL_DRIVER_ZETA(ptr, op) K_SYSCALL_DRIVER_GEN(ptr, op, zeta, ZETA)"
            in header)
    # Both a const and a plain pointer to the API select its kind.
    assert f"const struct alpha_driver_api *: {APP_DRIVER_KIND_BASE}, " in header
    assert f"struct zeta_driver_api *: {APP_DRIVER_KIND_BASE + 1}, " in header


def test_the_names_table_comes_only_with_subsystems(tmp_path: Path) -> None:
    app, include, source = tmp_path / "app", tmp_path / "include", tmp_path / "src"
    app.mkdir()
    assert write_app_drivers(app, include, source) is None
    header = (include / HEADER).read_text()
    assert "#define Z_LEVANTE_APP_DRIVER_KINDS \n" in header  # nothing to associate
    (app / "demo.h").write_text("__subsystem struct demo_driver_api { int (*op)(void); };\n")
    table = write_app_drivers(app, include, source)
    assert table == source / TABLE_SOURCE
    text = table.read_text()
    assert f'section("{APP_DRIVER_SECTION}")' in text and '"device_demo",' in text
    # The application dropped its subsystem: the old table goes too.
    (app / "demo.h").unlink()
    assert write_app_drivers(app, include, source) is None
    assert not table.exists()
