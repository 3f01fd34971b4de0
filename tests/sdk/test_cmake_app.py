"""Applications with their own CMakeLists.txt, built by `levante build` with real CMake and
Ninja through Levante's Zephyr package: what each CMake feature contributes reaches the
image, a Kconfig fragment switches conditional sources, and mistakes in the project end
in one line naming the problem."""

from __future__ import annotations

from pathlib import Path

from conftest import Builder, levante

APP = Path(__file__).parent / "cmake_app"


def test_every_cmake_feature_reaches_the_image(builder: Builder) -> None:
    result = builder.run(APP)
    assert result.status == 0, result.errors
    assert result.output.splitlines()[1:] == [
        "number 42",  # zephyr_compile_definitions
        "greeting hello",  # zephyr_library_named + its own definitions
        "core 3",  # FILE(GLOB) sources
        "word levante (7 bytes)",  # generate_inc_file_for_target
        "board lv_m4",  # CONFIG_BOARD_TARGET
        "events off",  # target_sources_ifdef: CONFIG_EVENTS is off
    ]


def test_a_fragment_switches_the_conditional_sources_on(builder: Builder) -> None:
    result = builder.run(APP, extra=("events.conf",))
    assert result.status == 0, result.errors
    # target_sources_ifdef, if(CONFIG_EVENTS) and zephyr_library_sources_ifdef all saw it.
    assert result.output.splitlines()[-1] == "events 1 with events"


def test_the_board_reaches_cmake(builder: Builder) -> None:
    result = builder.run(APP, board="lv_m33")
    assert "board lv_m33" in result.output.splitlines()


def _app(tmp_path: Path, cmake_lists: str, main: str = "int main(void) { return 0; }\n") -> Path:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "prj.conf").write_text("")
    (app / "CMakeLists.txt").write_text(cmake_lists)
    (app / "src" / "main.c").write_text(main)
    return app


ZEPHYR_APP = ("cmake_minimum_required(VERSION 3.20.0)\n"
              "find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})\n"
              "project(app)\n"
              "target_sources(app PRIVATE src/main.c)\n")


def _build_error(app: Path, tmp_path: Path) -> str:
    result = levante("build", str(app), "-d", str(tmp_path / "build"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_a_cmake_error_is_one_line_with_its_place(tmp_path: Path) -> None:
    app = _app(tmp_path, ZEPHYR_APP + "target_sources(nowhere PRIVATE src/main.c)\n")
    error = _build_error(app, tmp_path)
    assert error.startswith("levante: error: configuring app with CMake failed: CMake Error at")
    assert "CMakeLists.txt:5" in error and "nowhere" in error


def test_a_compile_error_names_the_file_and_line(tmp_path: Path) -> None:
    app = _app(tmp_path, ZEPHYR_APP, "int main(void) { return undeclared_thing; }\n")
    error = _build_error(app, tmp_path)
    assert "main.c:1:" in error and "undeclared_thing" in error


def test_an_implicit_declaration_is_an_error(tmp_path: Path) -> None:
    app = _app(tmp_path, ZEPHYR_APP, "int main(void) { return k_not_an_api(); }\n")
    error = _build_error(app, tmp_path)
    assert "implicit declaration of function 'k_not_an_api'" in error


def test_a_project_that_never_finds_the_zephyr_package_is_told_so(tmp_path: Path) -> None:
    app = _app(tmp_path, "cmake_minimum_required(VERSION 3.20.0)\nproject(app C)\n")
    error = _build_error(app, tmp_path)
    assert "find_package(Zephyr" in error


def test_a_newer_zephyr_than_levante_follows_is_refused(tmp_path: Path) -> None:
    app = _app(tmp_path, ZEPHYR_APP.replace("Zephyr REQUIRED", "Zephyr 99.0 REQUIRED"))
    error = _build_error(app, tmp_path)
    assert "CMake Error" in error and "Zephyr" in error


def test_warnings_are_shown_when_the_build_succeeds(tmp_path: Path) -> None:
    app = _app(tmp_path, ZEPHYR_APP, "int main(void) { int unused_local; return 0; }\n")
    result = levante("build", str(app), "-d", str(tmp_path / "build"))
    assert result.returncode == 0, result.stderr
    assert "warning: unused variable 'unused_local'" in result.stderr


USER_PRINTF = """#include <zephyr/kernel.h>
#include <stdio.h>
#include <stdlib.h>

struct k_thread user_thread;
K_THREAD_STACK_DEFINE(user_stack, 2048);

static void user_function(void *p1, void *p2, void *p3)
{
	char *memory = malloc(16);

	const char *mode = k_is_user_context() ? "user mode" : "kernel";

	printf("printf from %s, malloc %s\\n", mode, memory != NULL ? "works" : "failed");
	free(memory);
}

int main(void)
{
	printf("main first\\n");
	k_thread_create(&user_thread, user_stack, K_THREAD_STACK_SIZEOF(user_stack),
			user_function, NULL, NULL, NULL, -1, K_USER, K_NO_WAIT);
	return 0;
}
"""


def test_user_threads_use_stdio_and_malloc(tmp_path: Path) -> None:
    """With user mode, malloc's arena is in the C library's partition (Zephyr's
    z_malloc_partition): the FILE objects newlib allocated for main() are reachable from
    user mode, and a user thread's malloc gets NULL rather than a fault (only supervisor
    code grows the arena)."""
    app = _app(tmp_path, ZEPHYR_APP, USER_PRINTF)
    (app / "prj.conf").write_text("CONFIG_USERSPACE=y\n")
    assert levante("build", str(app), "-d", str(tmp_path / "b")).returncode == 0
    run = levante("run", str(tmp_path / "b"), "--max-time", "2s")
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[-2:] == ["main first", "printf from user mode, malloc failed"]


def test_relative_folders_and_a_redefined_internal_variable(tmp_path: Path) -> None:
    """Found by a red-team pass: a relative build folder broke every CMake build (CMake
    resolved the paths against the app), and a failed configure left a cache that chose
    the host compiler; Levante's own CMake variables now win over an application's."""
    _app(tmp_path, ZEPHYR_APP)
    result = levante("build", "app", "-d", "relative", "-D", "LEVANTE_BUILD_INFO=nowhere",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "levante: built relative/levante.elf" in result.stdout
    again = levante("build", "app", "-d", str(tmp_path / "relative"), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
