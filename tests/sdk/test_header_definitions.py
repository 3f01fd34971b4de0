"""Every header of Levante's SDK, included together in one source in either order, builds
without a warning: no macro is defined twice with different text (GCC's "redefined"),
as a Zephyr application including <zephyr/toolchain.h> and <zephyr/sys/util.h> would
otherwise see in every file."""

from __future__ import annotations

from pathlib import Path

from conftest import levante

INCLUDE = Path(__file__).parents[2] / "src" / "levante" / "sdk" / "include"
# What the headers that need a subsystem expect (ztest, the image manager, sockets, the
# IoT services).
PRJ_CONF = """CONFIG_NETWORKING=y
CONFIG_NET_IPV4=y
CONFIG_NET_TCP=y
CONFIG_NET_SOCKETS=y
CONFIG_NET_SOCKETS_SOCKOPT_TLS=y
CONFIG_ZTEST=y
CONFIG_FLASH=y
CONFIG_FLASH_MAP=y
CONFIG_STREAM_FLASH=y
CONFIG_IMG_MANAGER=y
CONFIG_NET_UDP=y
CONFIG_COAP=y
CONFIG_COAP_SERVER=y
CONFIG_COAP_CLIENT=y
CONFIG_MQTT_LIB=y
CONFIG_DNS_RESOLVER=y
"""
CMAKE_LISTS = ("cmake_minimum_required(VERSION 3.20.0)\n"
               "find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})\n"
               "project(headers)\n"
               "target_sources(app PRIVATE src/main.c src/reversed.c)\n")


def _includes(reverse: bool) -> str:
    headers = sorted((path.relative_to(INCLUDE).as_posix()
                      for path in (INCLUDE / "zephyr").rglob("*.h")), reverse=reverse)
    return "".join(f"#include <{header}>\n" for header in headers)


def test_all_headers_together_build_without_a_warning(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "prj.conf").write_text(PRJ_CONF)
    (app / "CMakeLists.txt").write_text(CMAKE_LISTS)
    (app / "src" / "main.c").write_text(_includes(False) + "int main(void) { return 0; }\n")
    (app / "src" / "reversed.c").write_text(_includes(True) + "int reversed;\n")
    result = levante("build", str(app), "-d", str(tmp_path / "build"))
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
