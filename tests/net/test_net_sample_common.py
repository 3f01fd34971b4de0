"""Zephyr 4's network samples include ${ZEPHYR_BASE}/samples/net/common/common.cmake and
call wait_for_network() (net_sample_common.h): with the connection manager it returns
once NET_EVENT_L4_CONNECTED is raised (for an interface ready before the wait too),
without it at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import levante

CMAKE_LISTS = ("cmake_minimum_required(VERSION 3.20.0)\n"
               "find_package(Zephyr REQUIRED HINTS $ENV{ZEPHYR_BASE})\n"
               "project(waits)\n"
               "target_sources(app PRIVATE src/main.c)\n"
               "include(${ZEPHYR_BASE}/samples/net/common/common.cmake)\n")
MAIN_C = """#include <zephyr/kernel.h>
#include "net_sample_common.h"

int main(void)
{
	k_msleep(100); /* the interface is ready by now: the event was raised before */
	wait_for_network();
	printk("after the wait\\n");
	return 0;
}
"""
PRJ_CONF = ("CONFIG_NETWORKING=y\nCONFIG_NET_IPV4=y\nCONFIG_NET_IPV6=n\nCONFIG_NET_UDP=y\n"
            "CONFIG_NET_SOCKETS=y\nCONFIG_NET_CONFIG_SETTINGS=y\n"
            'CONFIG_NET_CONFIG_MY_IPV4_ADDR="192.0.2.1"\n'
            'CONFIG_NET_CONFIG_PEER_IPV4_ADDR="192.0.2.2"\n')


@pytest.mark.parametrize("manager", [True, False], ids=["connection manager", "none"])
def test_wait_for_network(tmp_path: Path, manager: bool) -> None:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "CMakeLists.txt").write_text(CMAKE_LISTS)
    (app / "src" / "main.c").write_text(MAIN_C)
    (app / "prj.conf").write_text(PRJ_CONF + ("CONFIG_NET_CONNECTION_MANAGER=y\n"
                                              if manager else ""))
    built = levante("build", str(app), "-d", str(tmp_path / "build"))
    assert built.returncode == 0, built.stderr
    run = levante("run", str(tmp_path / "build"), "--net", "user", "--max-time", "0.5s")
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stdout.splitlines()
             if line in ("Waiting for network...", "Network connectivity established",
                         "after the wait")]
    assert lines == (["Waiting for network...", "Network connectivity established",
                      "after the wait"] if manager else ["after the wait"]), run.stdout
