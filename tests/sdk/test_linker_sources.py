"""zephyr_linker_sources and zephyr_iterable_section: an application's own iterable
sections reach the link (RAM records that change, flash records in numeric order, a
declared section without records), and mistakes end in one line naming them."""

from __future__ import annotations

from pathlib import Path

from conftest import Builder, levante

APP = Path(__file__).parent / "linker_app"


def test_the_application_sections_are_laid_out_as_declared(builder: Builder) -> None:
    result = builder.run(APP)
    assert result.status == 0, result.errors
    assert result.output.splitlines()[1:] == [
        "counter apples 10 ram",  # ITERABLE_SECTION_RAM from DATA_SECTIONS text
        "counter pears 50 ram",
        "numbered 1 flash",  # NUMERIC: _1 and _2 before _10
        "numbered 2 flash",
        "numbered 10 flash",
        "ordinal 3 flash",  # ITERABLE_SECTION_ROM_NUMERIC from ROM_SECTIONS text
        "ordinal 12 flash",
        "spare 0",  # declared, no record: still bounded by its symbols
    ]


def _app(tmp_path: Path, extra_cmake: str, linker_text: str = "") -> Path:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "prj.conf").write_text("")
    (app / "src" / "main.c").write_text("int main(void) { return 0; }\n")
    (app / "extra.ld").write_text(linker_text)
    (app / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20.0)\n"
        "find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})\n"
        "project(app)\n"
        "target_sources(app PRIVATE src/main.c)\n" + extra_cmake)
    return app


def _build_error(app: Path, tmp_path: Path) -> str:
    result = levante("build", str(app), "-d", str(tmp_path / "build"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_an_unknown_location_is_named(tmp_path: Path) -> None:
    app = _app(tmp_path, "zephyr_linker_sources(ITCM_SECTIONS extra.ld)\n")
    error = _build_error(app, tmp_path)
    assert "zephyr_linker_sources(ITCM_SECTIONS)" in error and "no place" in error


def test_a_missing_linker_file_is_named(tmp_path: Path) -> None:
    app = _app(tmp_path, "zephyr_linker_sources(DATA_SECTIONS absent.ld)\n")
    assert "absent.ld does not exist" in _build_error(app, tmp_path)


def test_a_preprocessor_error_in_the_text_is_named(tmp_path: Path) -> None:
    app = _app(tmp_path, "zephyr_linker_sources(SECTIONS extra.ld)\n", "#include <nowhere.h>\n")
    error = _build_error(app, tmp_path)
    assert error.startswith("levante: error: zephyr_linker_sources(SECTIONS):")
    assert "nowhere.h" in error


def test_an_iterable_section_needs_a_region(tmp_path: Path) -> None:
    app = _app(tmp_path, "zephyr_iterable_section(NAME thing_entry)\n")
    assert "GROUP or VMA is required" in _build_error(app, tmp_path)


def test_an_unknown_region_is_named(tmp_path: Path) -> None:
    app = _app(tmp_path, "zephyr_iterable_section(NAME thing_entry GROUP CCM_REGION)\n")
    assert "GROUP/VMA CCM_REGION is not one of" in _build_error(app, tmp_path)


def test_a_subalign_that_is_no_alignment_is_named(tmp_path: Path) -> None:
    app = _app(tmp_path, "zephyr_iterable_section(NAME thing_entry GROUP DATA_REGION "
                         "SUBALIGN 12)\n")
    assert "SUBALIGN 12 is not a power of two" in _build_error(app, tmp_path)
