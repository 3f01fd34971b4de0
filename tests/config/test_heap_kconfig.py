"""The system heap's size: HEAP_MEM_POOL_SIZE against the subsystems' HEAP_MEM_POOL_ADD_SIZE_*
shares, HEAP_MEM_POOL_IGNORE_MIN, and the one rule every reader takes it from."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.config import Config, configure, load_board
from levante.config.heap import heap_requirements, heap_size_warning, system_heap_size
from levante.kernel.settings import KernelConfig
from levante.sdk.build import _keep_symbols

# What Zephyr's socket samples (echo_client, echo_server) set: POSIX_API over sockets.
POSIX_SOCKETS = "CONFIG_NETWORKING=y\nCONFIG_NET_IPV4=y\nCONFIG_NET_SOCKETS=y\nCONFIG_POSIX_API=y\n"


def configure_text(tmp_path: Path, text: str) -> Config:
    app = tmp_path / "app"
    app.mkdir(exist_ok=True)
    (app / "prj.conf").write_text(text)
    return configure(app, load_board("lv_m4"), tmp_path / "build", [])


def synthetic(**values: int | bool) -> Config:
    """A configuration holding just the heap's symbols, to test the rule alone."""
    return Config(values=dict(values), board="lv_m4")


def test_no_subsystem_and_no_size_means_no_heap(tmp_path: Path) -> None:
    config = configure_text(tmp_path, "")
    assert heap_requirements(config) == {}
    assert system_heap_size(config) == 0
    assert KernelConfig.from_config(config).heap_mem_pool_size == 0


def test_posix_api_asks_for_zephyrs_message_queue_share(tmp_path: Path) -> None:
    config = configure_text(tmp_path, POSIX_SOCKETS)
    assert heap_requirements(config) == {"HEAP_MEM_POOL_ADD_SIZE_MQUEUE": 1024}
    assert config.get_int("HEAP_MEM_POOL_SIZE") == 0
    assert system_heap_size(config) == 1024
    assert KernelConfig.from_config(config).heap_mem_pool_size == 1024


def test_sockets_without_posix_api_ask_for_nothing(tmp_path: Path) -> None:
    config = configure_text(tmp_path, POSIX_SOCKETS.replace("CONFIG_POSIX_API=y\n", ""))
    assert "HEAP_MEM_POOL_ADD_SIZE_MQUEUE" not in config
    assert system_heap_size(config) == 0


def test_a_larger_heap_size_wins_over_the_sum(tmp_path: Path) -> None:
    config = configure_text(tmp_path, POSIX_SOCKETS + "CONFIG_HEAP_MEM_POOL_SIZE=4096\n")
    assert system_heap_size(config) == 4096


def test_a_smaller_heap_size_is_raised_to_the_sum(tmp_path: Path) -> None:
    config = configure_text(tmp_path, POSIX_SOCKETS + "CONFIG_HEAP_MEM_POOL_SIZE=256\n")
    assert system_heap_size(config) == 1024
    warning = heap_size_warning(config)
    assert warning is not None
    assert "HEAP_MEM_POOL_SIZE=256" in warning and "HEAP_MEM_POOL_ADD_SIZE_MQUEUE=1024" in warning
    assert "1024 bytes" in warning


def test_no_warning_when_the_size_is_the_default_or_large_enough(tmp_path: Path) -> None:
    assert heap_size_warning(configure_text(tmp_path, POSIX_SOCKETS)) is None
    assert heap_size_warning(configure_text(
        tmp_path, POSIX_SOCKETS + "CONFIG_HEAP_MEM_POOL_SIZE=4096\n")) is None
    assert heap_size_warning(configure_text(
        tmp_path, POSIX_SOCKETS + "CONFIG_HEAP_MEM_POOL_SIZE=256\n"
        "CONFIG_HEAP_MEM_POOL_IGNORE_MIN=y\n")) is None


def test_ignore_min_takes_the_heap_size_alone(tmp_path: Path) -> None:
    config = configure_text(tmp_path, POSIX_SOCKETS + "CONFIG_HEAP_MEM_POOL_SIZE=256\n"
                            "CONFIG_HEAP_MEM_POOL_IGNORE_MIN=y\n")
    assert system_heap_size(config) == 256
    assert KernelConfig.from_config(config).heap_mem_pool_size == 256


def test_ignore_min_with_no_size_leaves_no_heap(tmp_path: Path) -> None:
    config = configure_text(tmp_path, POSIX_SOCKETS + "CONFIG_HEAP_MEM_POOL_IGNORE_MIN=y\n")
    assert system_heap_size(config) == 0
    assert not any("z_kernel_pool" in flag for flag in _keep_symbols(config))


def test_ignore_min_is_off_by_default(tmp_path: Path) -> None:
    assert configure_text(tmp_path, "").get_bool("HEAP_MEM_POOL_IGNORE_MIN") is False


@pytest.mark.parametrize(("size", "shares", "expected"), [
    (0, {"HEAP_MEM_POOL_ADD_SIZE_A": 512, "HEAP_MEM_POOL_ADD_SIZE_B": 1024}, 1536),
    (1000, {"HEAP_MEM_POOL_ADD_SIZE_A": 512, "HEAP_MEM_POOL_ADD_SIZE_B": 1024}, 1536),
    (2000, {"HEAP_MEM_POOL_ADD_SIZE_A": 512, "HEAP_MEM_POOL_ADD_SIZE_B": 1024}, 2000),
    (300, {}, 300),
])
def test_every_share_is_summed(size: int, shares: dict[str, int], expected: int) -> None:
    assert system_heap_size(synthetic(HEAP_MEM_POOL_SIZE=size, **shares)) == expected


def test_the_build_keeps_the_heap_when_only_a_share_asks_for_it(tmp_path: Path) -> None:
    config = configure_text(tmp_path, POSIX_SOCKETS)
    assert any("z_kernel_pool" in flag for flag in _keep_symbols(config))
