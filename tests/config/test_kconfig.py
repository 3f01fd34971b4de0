"""Tests for Kconfig merging, the files it writes and the frozen Config it returns."""

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import kconfiglib  # type: ignore[import-untyped]
import pytest

from levante.config import (
    KCONFIG_ROOT,
    Config,
    ConfigError,
    ConfigValue,
    configure,
    load_board,
)

Build = Callable[..., Config]

# The symbols the tree must define, and nothing else: placeholders for
# features nobody implements yet are not wanted.
EXPECTED_SYMBOLS = {
    "GPIO", "GPIO_GET_DIRECTION", "GPIO_GET_CONFIG", "SERIAL_SUPPORT_INTERRUPT",
    "UART_INTERRUPT_DRIVEN", "SENSOR", "CBPRINTF_FP_SUPPORT", "NEWLIB_LIBC_FLOAT_PRINTF", "ARCH",
    "THREAD_CUSTOM_DATA", "REBOOT", "TIMING_FUNCTIONS", "POLL", "SYS_CLOCK_EXISTS",
    "APPLICATION_DEFINED_SYSCALL", "TEST_HW_STACK_PROTECTION", "COMMON_LIBC_MALLOC_ARENA_SIZE",
    "NEWLIB_LIBC", "PICOLIBC", "MINIMAL_LIBC", "LINKER_ITERABLE_SUBALIGN",
    "NET_MGMT_EVENT_INFO", "COAP_SERVER_SHELL",
    "COAP_EXTENDED_OPTIONS_LEN", "COAP_EXTENDED_OPTIONS_LEN_VALUE", "ZVFS_POLL_MAX",
    "SYSTEM_WORKQUEUE", "SYSTEM_WORKQUEUE_STACK_SIZE", "SYSTEM_WORKQUEUE_PRIORITY",
    "SYSTEM_WORKQUEUE_NO_YIELD", "THREAD_RUNTIME_STATS", "SCHED_THREAD_USAGE",
    "SCHED_THREAD_USAGE_ALL", "SCHED_THREAD_USAGE_ANALYSIS", "NUM_METAIRQ_PRIORITIES",
    "SCHED_DEADLINE", "TIMESLICE_PER_THREAD", "SCHED_DUMB", "SCHED_SCALABLE", "SCHED_MULTIQ",
    "DYNAMIC_THREAD", "DYNAMIC_THREAD_STACK_SIZE", "DYNAMIC_THREAD_ALLOC",
    "DYNAMIC_THREAD_POOL_SIZE", "DYNAMIC_THREAD_PREFER_ALLOC", "DYNAMIC_THREAD_PREFER_POOL",
    "BOARD_LV_M4", "BOARD_LV_M33", "BOARD", "LITTLE_ENDIAN", "CPU_CORTEX_M", "CPU_CORTEX_M4",
    "CPU_CORTEX_M33", "ARMV7_M_ARMV8_M_MAINLINE", "ARMV8_M_MAINLINE", "CPU_HAS_MPU",
    "CPU_HAS_FPU", "FPU", "SYS_CLOCK_HW_CYCLES_PER_SEC", "SYS_CLOCK_TICKS_PER_SEC",
    "TICKLESS_KERNEL", "MAIN_THREAD_PRIORITY", "MAIN_STACK_SIZE", "IDLE_STACK_SIZE",
    "ISR_STACK_SIZE", "NUM_COOP_PRIORITIES", "NUM_PREEMPT_PRIORITIES", "TIMESLICING",
    "TIMESLICE_SIZE", "TIMESLICE_PRIORITY", "THREAD_NAME", "THREAD_MAX_NAME_LEN",
    "ERRNO", "THREAD_LOCAL_STORAGE", "EVENTS", "NUM_MBOX_ASYNC_MSGS", "ASSERT",
    "ASSERT_VERBOSE", "PRINTK", "BOOT_BANNER",
    "PIPES", "PIPE_READ_WRITE", "MEM_SLAB_TRACE_MAX_UTILIZATION",
    "MPU_REQUIRES_POWER_OF_TWO_ALIGNMENT", "USERSPACE", "PRIVILEGED_STACK_SIZE",
    "MAX_THREAD_BYTES", "MEM_DOMAIN_ISOLATED_STACKS", "THREAD_USERSPACE_LOCAL_DATA",
    "MAX_DOMAIN_PARTITIONS",
    "EXECUTE_XOR_WRITE", "DYNAMIC_OBJECTS",
    "HEAP_MEM_POOL_SIZE", "HEAP_MEM_POOL_IGNORE_MIN", "HEAP_MEM_POOL_ADD_SIZE_MQUEUE",
    "ARM", "BOARD_TARGET", "BOARD_QUALIFIERS", "SOC", "COOP_ENABLED",
    "PREEMPT_ENABLED", "ARCH_HAS_USERSPACE", "ARCH_HAS_STACK_PROTECTION",
    "ARCH_HAS_THREAD_LOCAL_STORAGE", "TOOLCHAIN_SUPPORTS_THREAD_LOCAL_STORAGE",
    # Zephyr's symbols for what a Levante board has one of (compat.kconfig).
    "MP_MAX_NUM_CPUS", "MULTITHREADING", "SMP", "SCHED_CPU_MASK", "CONSOLE", "SERIAL",
    "UART_CONSOLE",
    "STDOUT_CONSOLE", "BOOT_DELAY", "LOG_MODE_MINIMAL", "LOG_MODE_IMMEDIATE",
    "DEBUG_THREAD_INFO", "TEST", "COVERAGE", "FORCE_NO_ASSERT",
    "COMPILER_WARNINGS_AS_ERRORS", "CPLUSPLUS", "IRQ_OFFLOAD",
    "NEWLIB_LIBC_MIN_REQUIRED_HEAP_SIZE",
    # ztest (ztest.kconfig).
    "ZTEST", "ZTEST_NEW_API", "ZTEST_STACK_SIZE", "TEST_EXTRA_STACK_SIZE",
    "ZTEST_THREAD_PRIORITY", "ZTEST_TEST_DELAY_MS", "ZTEST_FAIL_FAST", "ZTEST_ASSERT_VERBOSE",
    "ZTEST_FATAL_HOOK", "ZTEST_ASSERT_HOOK", "ZTEST_VERIFY_RUN_ALL", "ZTEST_SUMMARY",
    "ZTEST_VERBOSE_OUTPUT", "ZTEST_VERBOSE_SUMMARY", "ZTEST_FAIL_ON_ASSUME", "TEST_USERSPACE",
    # Random numbers.
    "ENTROPY_GENERATOR", "ENTROPY_HAS_DRIVER", "TEST_RANDOM_GENERATOR",
    "TIMER_RANDOM_GENERATOR", "ENTROPY_DEVICE_RANDOM_GENERATOR", "XOSHIRO_RANDOM_GENERATOR",
    "HARDWARE_DEVICE_CS_GENERATOR", "CTR_DRBG_CSPRNG_GENERATOR", "TEST_CSPRNG_GENERATOR",
    "CTR_DRBG_RESEED_INTERVAL",
    # Stack protection and memory attributes.
    "STACK_CANARIES", "STACK_CANARIES_STRONG", "STACK_CANARIES_ALL", "STACK_CANARIES_TLS",
    "HW_STACK_PROTECTION", "MPU_STACK_GUARD", "MPU_STACK_GUARD_SIZE", "BUILTIN_STACK_GUARD",
    "STACK_SENTINEL", "STACK_POINTER_RANDOM", "INIT_STACKS", "THREAD_STACK_INFO",
    "NULL_POINTER_EXCEPTION_DETECTION_NONE", "NULL_POINTER_EXCEPTION_DETECTION_MPU",
    "CORTEX_M_NULL_POINTER_EXCEPTION_PAGE_SIZE",
    # Debug surface.
    "THREAD_MONITOR", "LOG", "LOG_DEFAULT_LEVEL", "SHELL", "SHELL_STACK_SIZE",
    "SHELL_PRIORITY", "SHELL_PROMPT_UART",
    # Boot stage.
    "BOOTLOADER_MCUBOOT", "BOOT_SIGNATURE_KEY_FILE", "MCUBOOT_IMGTOOL_SIGN_VERSION",
    "MCUBOOT_EXTRA_IMGTOOL_ARGS", "MCUBOOT_GENERATE_CONFIRMED_IMAGE",
    "MCUBOOT_DOWNGRADE_PREVENTION", "MCUBOOT_HW_DOWNGRADE_PREVENTION", "BOOT_VALIDATE_SLOT0",
    # Flash and the image manager.
    "FLASH", "FLASH_HAS_PAGE_LAYOUT", "FLASH_HAS_EXPLICIT_ERASE", "FLASH_PAGE_LAYOUT",
    "FLASH_MAP", "STREAM_FLASH", "STREAM_FLASH_ERASE", "IMG_MANAGER", "MCUBOOT_IMG_MANAGER",
    "IMG_BLOCK_BUF_SIZE", "IMG_ERASE_PROGRESSIVELY",
    # Networking (net.kconfig).
    "NETWORKING", "NET_IPV4", "NET_IP", "NET_UDP", "NET_INITIAL_TTL", "NET_ARP_TABLE_SIZE",
    "NET_CONFIG_SETTINGS", "NET_CONFIG_NEED_IPV4", "NET_CONFIG_MY_IPV4_ADDR",
    "NET_CONFIG_MY_IPV4_NETMASK", "NET_CONFIG_MY_IPV4_GW", "NET_CONFIG_PEER_IPV4_ADDR",
    "NET_IPV4_FRAGMENT", "NET_IPV4_FRAGMENT_MAX_COUNT", "NET_IPV4_FRAGMENT_MAX_PKT",
    "NET_IPV4_FRAGMENT_TIMEOUT", "NET_TCP", "NET_TCP_TIME_WAIT_DELAY",
    "NET_TCP_INIT_RETRANSMISSION_TIMEOUT", "NET_TCP_RETRY_COUNT",
    "NET_TCP_MAX_SEND_WINDOW_SIZE", "NET_TCP_MAX_RECV_WINDOW_SIZE",
    "NET_TCP_REJECT_CONN_WITH_RST", "NET_TCP_FAST_RETRANSMIT",
    "NET_TCP_CONGESTION_AVOIDANCE",
    "NET_IPV6", "NET_IF_UNICAST_IPV6_ADDR_COUNT",
    "NET_IF_MCAST_IPV6_ADDR_COUNT", "NET_IF_IPV6_PREFIX_COUNT", "NET_INITIAL_HOP_LIMIT",
    "NET_IPV6_MAX_NEIGHBORS", "NET_MAX_ROUTERS", "NET_IPV6_MLD", "NET_IPV6_NBR_CACHE",
    "NET_IPV6_ND", "NET_IPV6_DAD", "NET_CONFIG_NEED_IPV6", "NET_CONFIG_MY_IPV6_ADDR",
    "NET_CONFIG_PEER_IPV6_ADDR", "NET_IPV6_FRAGMENT", "NET_IPV6_FRAGMENT_MAX_COUNT",
    "NET_IPV6_FRAGMENT_MAX_PKT", "NET_IPV6_FRAGMENT_TIMEOUT",
    "NET_SOCKETS", "NET_SOCKETS_POSIX_NAMES",
    "NET_SOCKETS_POLL_MAX", "NET_MAX_CONTEXTS", "ZVFS_OPEN_MAX", "POSIX_API",
    "NET_SHELL", "NET_DHCPV4", "NET_DHCPV4_INITIAL_DELAY_MAX",
    "MCUMGR", "MCUMGR_GRP_IMG", "MCUMGR_GRP_OS", "MCUMGR_GRP_OS_RESET_MS",
    "MCUMGR_TRANSPORT_NETBUF_SIZE", "MCUMGR_TRANSPORT_NETBUF_COUNT", "MCUMGR_TRANSPORT_UDP",
    "MCUMGR_TRANSPORT_UDP_PORT", "MCUMGR_TRANSPORT_UDP_IPV4", "MCUMGR_TRANSPORT_UDP_IPV6",
    "MCUMGR_TRANSPORT_UART", "MCUMGR_TRANSPORT_UART_MTU",
    "STATS", "STATS_NAMES", "MCUMGR_GRP_OS_TASKSTAT", "MCUMGR_GRP_STAT",
    "MCUMGR_GRP_STAT_MAX_NAME_LEN", "NET_BUF", "ZCBOR", "CRC", "BASE64", "LOG_MAX_LEVEL",
    "MCUBOOT_UTIL_LOG_LEVEL_OFF", "MCUBOOT_UTIL_LOG_LEVEL_ERR", "MCUBOOT_UTIL_LOG_LEVEL_WRN",
    "MCUBOOT_UTIL_LOG_LEVEL_INF", "MCUBOOT_UTIL_LOG_LEVEL_DBG", "MCUMGR_TRANSPORT_SHELL",
    "UART_CONSOLE_MCUMGR", "SHELL_BACKEND_SERIAL", "SHELL_LOG_BACKEND", "MCUMGR_GRP_SHELL",
    "SHELL_BACKEND_DUMMY",
    "DNS_RESOLVER", "DNS_SERVER_IP_ADDRESSES", "DNS_SERVER1", "DNS_SERVER2", "DNS_SERVER3",
    "DNS_SERVER4", "DNS_SERVER5", "DNS_NUM_CONCUR_QUERIES", "DNS_RESOLVER_CACHE",
    "DNS_RESOLVER_CACHE_MAX_ENTRIES", "DNS_RESOLVER_MAX_SERVERS",
    "DNS_RESOLVER_ADDITIONAL_QUERIES", "DNS_RESOLVER_AI_MAX_ENTRIES", "NET_SOCKETS_DNS_TIMEOUT",
    "MDNS_RESOLVER", "DNS_RESOLVER_ADDITIONAL_BUF_CTR", "NET_ARP", "NET_MGMT", "NET_MGMT_EVENT",
    "NET_CONNECTION_MANAGER", "NET_CONFIG_INIT_TIMEOUT",
    "EVENTFD", "ZVFS_EVENTFD", "ZVFS_EVENTFD_MAX", "NET_SOCKETS_DTLS_TIMEOUT",
    "NET_SOCKETS_TLS_SET_MAX_FRAGMENT_LENGTH", "NET_SOCKETS_DTLS_MAX_FRAGMENT_LENGTH",
    "NET_MGMT_EVENT_STACK_SIZE", "NET_DHCPV4_OPTION_CALLBACKS", "NET_LOG",
    # CoAP (coap.kconfig).
    "COAP", "COAP_SERVER", "COAP_SERVER_STACK_SIZE", "COAP_SERVER_MESSAGE_SIZE",
    "COAP_SERVICE_OBSERVERS", "COAP_SERVER_WELL_KNOWN_CORE", "COAP_SERVICE_PENDING_MESSAGES",
    "COAP_INIT_ACK_TIMEOUT_MS",
    "COAP_ACK_RANDOM_PERCENT", "COAP_MAX_RETRANSMIT", "COAP_BACKOFF_PERCENT",
    "COAP_CLIENT", "COAP_CLIENT_BLOCK_SIZE", "COAP_CLIENT_MESSAGE_SIZE",
    "COAP_CLIENT_MESSAGE_HEADER_SIZE", "COAP_CLIENT_STACK_SIZE", "COAP_CLIENT_MAX_INSTANCES",
    "COAP_CLIENT_MAX_REQUESTS", "COAP_WELL_KNOWN_BLOCK_WISE", "COAP_WELL_KNOWN_BLOCK_WISE_SIZE",
    # TLS and DTLS (tls.kconfig).
    "TLS_CREDENTIALS", "TLS_MAX_CREDENTIALS_NUMBER", "TLS_CREDENTIAL_MAX_SIZE",
    "NET_SOCKETS_SOCKOPT_TLS", "NET_SOCKETS_ENABLE_DTLS", "NET_SOCKETS_TLS_MAX_CONTEXTS",
    "MBEDTLS_ENABLE_HEAP", "MBEDTLS_HEAP_SIZE",
    "MBEDTLS", "MBEDTLS_BUILTIN",
    "MBEDTLS_TLS_VERSION_1_2", "MBEDTLS_SERVER_NAME_INDICATION", "MBEDTLS_SSL_ALPN",
    "MBEDTLS_PEM_CERTIFICATE_FORMAT", "MBEDTLS_SSL_MAX_CONTENT_LEN",
    "MBEDTLS_KEY_EXCHANGE_PSK_ENABLED", "MBEDTLS_KEY_EXCHANGE_DHE_PSK_ENABLED",
    "MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED", "MBEDTLS_KEY_EXCHANGE_RSA_PSK_ENABLED",
    "MBEDTLS_KEY_EXCHANGE_RSA_ENABLED", "MBEDTLS_KEY_EXCHANGE_DHE_RSA_ENABLED",
    "MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED", "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED",
    "MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA_ENABLED", "MBEDTLS_KEY_EXCHANGE_ECDH_RSA_ENABLED",
    "MBEDTLS_CIPHER_AES_ENABLED", "MBEDTLS_CIPHER_GCM_ENABLED", "MBEDTLS_CIPHER_CCM_ENABLED",
    "MBEDTLS_CIPHER_CHACHA20_ENABLED",
    # MQTT (mqtt.kconfig).
    "MQTT_LIB", "MQTT_KEEPALIVE", "MQTT_LIB_TLS", "MQTT_LIB_TLS_USE_ALPN", "MQTT_CLEAN_SESSION",
    "MQTT_VERSION_5_0", "MQTT_USER_PROPERTIES_MAX", "MQTT_SUBSCRIPTION_ID_PROPERTIES_MAX",
    "MQTT_TOPIC_ALIAS_MAX",
    "NET_STATISTICS", "NET_PKT_RX_COUNT", "REQUIRES_FULL_LIBC",
    "NET_PKT_TX_COUNT", "NET_BUF_RX_COUNT", "NET_BUF_TX_COUNT", "NET_BUF_DATA_SIZE",
    "NET_CONTEXT_NET_PKT_POOL", "NET_IF_MAX_IPV4_COUNT", "NET_IF_MAX_IPV6_COUNT",
    # Timers, clocks and init levels.
    "BOUNDS_CHECK_BYPASS_MITIGATION", "CBPRINTF_COMPLETE", "CBPRINTF_NANO",
    "CBPRINTF_FULL_INTEGRAL", "CBPRINTF_REDUCED_INTEGRAL", "KERNEL_INIT_PRIORITY_OBJECTS",
    "KERNEL_INIT_PRIORITY_DEFAULT", "KERNEL_INIT_PRIORITY_DEVICE", "APPLICATION_INIT_PRIORITY",
    "MISRA_SANE", "PRINTK_SYNC", "TIMER_HAS_64BIT_CYCLE_COUNTER",
}  # fmt: skip

DEFAULTS: dict[str, bool | int] = {
    "SYS_CLOCK_TICKS_PER_SEC": 1000,
    "TICKLESS_KERNEL": True,
    "MAIN_THREAD_PRIORITY": 0,
    "MAIN_STACK_SIZE": 1024,
    "IDLE_STACK_SIZE": 320,
    "ISR_STACK_SIZE": 2048,
    "NUM_COOP_PRIORITIES": 16,
    "NUM_PREEMPT_PRIORITIES": 15,
    "TIMESLICING": True,
    "TIMESLICE_SIZE": 0,
    "TIMESLICE_PRIORITY": 0,
    "THREAD_NAME": True,
    "THREAD_MAX_NAME_LEN": 32,
    "ERRNO": True,
    "EVENTS": False,
    "ASSERT": False,
    "PRINTK": True,
    "BOOT_BANNER": True,
    # Hardening: as Zephyr, the secure generators are the defaults and the stack and
    # debug options are off until asked for.
    "ENTROPY_GENERATOR": True,
    "XOSHIRO_RANDOM_GENERATOR": True,
    "CTR_DRBG_CSPRNG_GENERATOR": True,
    "TEST_RANDOM_GENERATOR": False,
    "STACK_CANARIES": False,
    "HW_STACK_PROTECTION": False,
    "STACK_SENTINEL": False,
    "STACK_POINTER_RANDOM": 0,
    "INIT_STACKS": False,
    "EXECUTE_XOR_WRITE": True,
    "NULL_POINTER_EXCEPTION_DETECTION_NONE": True,
    "THREAD_MONITOR": False,
    "SHELL": False,
}


@pytest.fixture
def build(tmp_path: Path) -> Build:
    """Configure an app whose prj.conf holds ``prj``; returns the Config."""

    def run(
        prj: str = "",
        board: str = "lv_m4",
        extra: dict[str, str] | None = None,
    ) -> Config:
        app = tmp_path / "app"
        app.mkdir(exist_ok=True)
        (app / "prj.conf").write_text(prj)
        fragments = []
        for relative, text in (extra or {}).items():
            path = app / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            fragments.append(path)
        return configure(app, load_board(board), tmp_path / "build", fragments)

    return run


def configured_with_warnings(tmp_path: Path, prj: str, board: str = "lv_m4",
                             extra: dict[str, str] | None = None) -> tuple[Config, list[str]]:
    """Configure an app whose prj.conf holds ``prj``; the Config and the warnings."""
    app = tmp_path / "warned_app"
    app.mkdir(exist_ok=True)
    (app / "prj.conf").write_text(prj)
    fragments = []
    for relative, text in (extra or {}).items():
        (app / relative).write_text(text)
        fragments.append(app / relative)
    warnings: list[str] = []
    config = configure(app, load_board(board), tmp_path / "warned_build", fragments,
                       warnings.append)
    return config, warnings


def config_error(build: Build, prj: str, **kwargs: object) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        build(prj, **kwargs)
    return caught.value


# --- The Kconfig tree itself -------------------------------------------------


def test_tree_parses_without_warnings() -> None:
    kconf = kconfiglib.Kconfig(str(KCONFIG_ROOT), warn_to_stderr=False)
    assert kconf.warnings == []


def test_tree_defines_exactly_the_expected_symbols() -> None:
    kconf = kconfiglib.Kconfig(str(KCONFIG_ROOT), warn_to_stderr=False)
    assert {sym.name for sym in kconf.unique_defined_syms} == EXPECTED_SYMBOLS


def test_every_symbol_has_help_text() -> None:
    kconf = kconfiglib.Kconfig(str(KCONFIG_ROOT), warn_to_stderr=False)
    undocumented = [
        sym.name
        for sym in kconf.unique_defined_syms
        if not any(node.help for node in sym.nodes)
    ]
    assert undocumented == []


# --- Defaults, board defconfig and prj.conf ----------------------------------


@pytest.mark.parametrize(("name", "value"), DEFAULTS.items())
def test_default_values(build: Build, name: str, value: bool | int) -> None:
    assert build().values[name] == value


def test_defaults_land_in_dotconfig_and_autoconf(build: Build, tmp_path: Path) -> None:
    build()
    dotconfig = (tmp_path / "build" / ".config").read_text().splitlines()
    assert "CONFIG_MAIN_STACK_SIZE=1024" in dotconfig
    assert "CONFIG_TIMESLICING=y" in dotconfig
    assert "# CONFIG_EVENTS is not set" in dotconfig
    assert 'CONFIG_BOARD="lv_m4"' in dotconfig
    autoconf = (tmp_path / "build" / "include" / "generated" / "autoconf.h").read_text()
    lines = autoconf.splitlines()
    assert '#define CONFIG_BOARD "lv_m4"' in lines
    assert "#define CONFIG_BOARD_LV_M4 1" in lines
    assert "#define CONFIG_MAIN_STACK_SIZE 1024" in lines
    assert "#define CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC 64000000" in lines
    assert "#define CONFIG_TIMESLICING 1" in lines
    # A disabled bool is left undefined in C, so #ifdef works.
    assert "CONFIG_EVENTS" not in autoconf


@pytest.mark.parametrize(
    ("board", "clock"), [("lv_m4", 64_000_000), ("lv_m33", 100_000_000)]
)
def test_board_defconfig_sets_the_clock(build: Build, board: str, clock: int) -> None:
    config = build(board=board)
    assert config.board == board
    assert config.get_str("BOARD") == board
    assert config.get_int("SYS_CLOCK_HW_CYCLES_PER_SEC") == clock


@pytest.mark.parametrize("name", ["lv_m4", "lv_m33"])
def test_defconfig_clock_agrees_with_board_file(name: str) -> None:
    board = load_board(name)
    assert (
        f"CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC={board.clock_hz}"
        in board.defconfig.read_text()
    )


def test_lv_m4_cpu_symbols(build: Build) -> None:
    config = build(board="lv_m4")
    for name in ("BOARD_LV_M4", "CPU_CORTEX_M", "CPU_CORTEX_M4", "ARMV7_M_ARMV8_M_MAINLINE",
                 "CPU_HAS_MPU", "CPU_HAS_FPU", "LITTLE_ENDIAN"):  # fmt: skip
        assert config.get_bool(name), name
    assert config.get_bool("BOARD_LV_M33") is False
    assert not config.is_enabled("CPU_CORTEX_M33")
    assert not config.is_enabled("ARMV8_M_MAINLINE")
    assert config.get_bool("FPU") is False  # present but off by default


def test_lv_m33_cpu_symbols(build: Build) -> None:
    config = build(board="lv_m33")
    for name in ("BOARD_LV_M33", "CPU_CORTEX_M", "CPU_CORTEX_M33", "ARMV8_M_MAINLINE",
                 "ARMV7_M_ARMV8_M_MAINLINE", "CPU_HAS_MPU", "LITTLE_ENDIAN"):  # fmt: skip
        assert config.get_bool(name), name
    assert not config.is_enabled("CPU_CORTEX_M4")
    assert not config.is_enabled("CPU_HAS_FPU")
    assert "FPU" not in config  # its dependency is unmet, so it is not written at all


def test_prj_conf_overrides_defaults(build: Build) -> None:
    config = build(
        "CONFIG_MAIN_STACK_SIZE=4096\nCONFIG_EVENTS=y\n# CONFIG_PRINTK is not set\n"
    )
    assert config.get_int("MAIN_STACK_SIZE") == 4096
    assert config.get_bool("EVENTS") is True
    assert config.get_bool("PRINTK") is False


def test_a_later_fragment_may_choose_another_member_of_a_choice(
        build: Build, tmp_path: Path) -> None:
    config = build("CONFIG_SCHED_DUMB=y\n", extra={"extra.conf": "CONFIG_SCHED_SCALABLE=y\n"})
    assert config.get_bool("SCHED_SCALABLE") is True
    assert config.get_bool("SCHED_DUMB") is False
    # Within the ready-queue choice, MULTIQ still cannot be had with deadlines: as
    # Zephyr's kconfig.py, the assignment is ignored with a warning.
    config, warnings = configured_with_warnings(
        tmp_path, "CONFIG_SCHED_DEADLINE=y\nCONFIG_SCHED_MULTIQ=y\n")
    assert not config.is_enabled("SCHED_MULTIQ")
    assert warnings == ["prj.conf:2: warning: CONFIG_SCHED_MULTIQ=y was not applied: "
                        "depends on !SCHED_DEADLINE (the setting lapses)"]


def test_a_full_c_library_cannot_be_the_minimal_one(build: Build, tmp_path: Path) -> None:
    config, warnings = configured_with_warnings(
        tmp_path, "CONFIG_REQUIRES_FULL_LIBC=y\nCONFIG_MINIMAL_LIBC=y\n")
    assert not config.is_enabled("MINIMAL_LIBC")
    assert warnings == ["prj.conf:2: warning: CONFIG_MINIMAL_LIBC=y was not applied: "
                        "depends on !REQUIRES_FULL_LIBC (the setting lapses)"]
    config = build("CONFIG_REQUIRES_FULL_LIBC=y\nCONFIG_PICOLIBC=y\n")
    assert config.get_bool("PICOLIBC") is True
    assert build("CONFIG_REQUIRES_FULL_LIBC=y\n").get_bool("NEWLIB_LIBC") is True


def test_net_log_selects_logging(build: Build) -> None:
    config = build("CONFIG_NETWORKING=y\nCONFIG_NET_LOG=y\n")
    assert config.get_bool("LOG") is True
    assert build("CONFIG_NETWORKING=y\n").get_bool("LOG") is False


def test_the_receive_ring_follows_the_packet_and_buffer_counts(build: Build) -> None:
    from levante.net.configuration import receive_ring
    from levante.net.stack.settings import SettingsError

    assert receive_ring(build("CONFIG_NETWORKING=y\n"), 1500) == 64
    # Zephyr's echo_server: 16 packets, but 64 buffers of 128 octets hold five 1514s.
    echo_server = "CONFIG_NETWORKING=y\nCONFIG_NET_PKT_RX_COUNT=16\nCONFIG_NET_BUF_RX_COUNT=64\n"
    assert receive_ring(build(echo_server), 1500) == 5
    assert receive_ring(build("CONFIG_NETWORKING=y\nCONFIG_NET_PKT_RX_COUNT=3\n"), 1500) == 3
    with pytest.raises(SettingsError, match="cannot hold one 1514-octet frame"):
        receive_ring(build("CONFIG_NETWORKING=y\nCONFIG_NET_BUF_RX_COUNT=11\n"), 1500)


def test_prj_conf_overrides_board_defconfig(build: Build) -> None:
    config = build("CONFIG_SYS_CLOCK_HW_CYCLES_PER_SEC=32768\n")
    assert config.get_int("SYS_CLOCK_HW_CYCLES_PER_SEC") == 32768


def test_disabling_a_feature_drops_its_dependents(build: Build) -> None:
    config = build("CONFIG_TIMESLICING=n\nCONFIG_ASSERT=y\n")
    assert "TIMESLICE_SIZE" not in config
    assert config.get_bool("ASSERT_VERBOSE") is True


def test_fpu_can_be_enabled_where_the_cpu_has_one(build: Build) -> None:
    assert build("CONFIG_FPU=y\n", board="lv_m4").get_bool("FPU") is True


def test_extra_fragments_are_merged_after_prj_conf(build: Build) -> None:
    config = build(
        "CONFIG_MAIN_STACK_SIZE=2048\nCONFIG_ASSERT=y\n",
        extra={
            "a.conf": "CONFIG_MAIN_STACK_SIZE=4096\n",
            "b.conf": "CONFIG_ASSERT=n\n",
        },
    )
    assert config.get_int("MAIN_STACK_SIZE") == 4096
    assert config.get_bool("ASSERT") is False


def test_unchanged_configuration_leaves_files_untouched(
    build: Build, tmp_path: Path
) -> None:
    build("CONFIG_EVENTS=y\n")
    outputs = [tmp_path / "build" / ".config",
               tmp_path / "build" / "include" / "generated" / "autoconf.h"]  # fmt: skip
    before = [path.stat().st_mtime_ns for path in outputs]
    build("CONFIG_EVENTS=y\n")
    assert [path.stat().st_mtime_ns for path in outputs] == before


# --- Errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prj", "message"),
    [
        (
            "# comment\n\nCONFIG_FOO=y\n",
            "prj.conf:3: unknown Kconfig symbol CONFIG_FOO",
        ),
        (
            "# CONFIG_FOO is not set\n",
            "prj.conf:1: unknown Kconfig symbol CONFIG_FOO",
        ),
        (
            "CONFIG_PRINTK=y\nCONFIG_MAIN_STACK_SIZE=abc\n",
            "prj.conf:2: invalid value 'abc' for int symbol CONFIG_MAIN_STACK_SIZE",
        ),
        (
            # C would read 0100 as octal, so it is refused rather than passed on.
            "CONFIG_MAIN_STACK_SIZE=0100\n",
            "prj.conf:1: invalid value '0100' for int symbol CONFIG_MAIN_STACK_SIZE",
        ),
        (
            "CONFIG_SYS_CLOCK_TICKS_PER_SEC=0\n",
            (
                "prj.conf:1: invalid value '0' for int symbol CONFIG_SYS_CLOCK_TICKS_PER_SEC"
                " (allowed range 1 to 1000000)"
            ),
        ),
        (
            "CONFIG_TIMESLICE_PRIORITY=16\n",
            (
                "prj.conf:1: invalid value '16' for int symbol CONFIG_TIMESLICE_PRIORITY"
                " (allowed range 0 to 15)"
            ),
        ),
        (
            "CONFIG_PRINTK=yes\n",
            "prj.conf:1: invalid value 'yes' for bool symbol CONFIG_PRINTK (expected y or n)",
        ),
        (
            "# CONFIG_MAIN_STACK_SIZE is not set\n",
            (
                "prj.conf:1: 'is not set' only applies to bool symbols;"
                " CONFIG_MAIN_STACK_SIZE is int"
            ),
        ),
        (
            "CONFIG_PRINTK = y\n",
            (
                "prj.conf:1: malformed line 'CONFIG_PRINTK = y'"
                " (expected CONFIG_NAME=value or a # comment)"
            ),
        ),
        (
            "CONFIG_EVENTS=y\nPRINTK=y\n",
            "prj.conf:2: malformed line 'PRINTK=y' (expected CONFIG_NAME=value or a # comment)",
        ),
        (
            "CONFIG_CPU_HAS_MPU=n\n",
            "prj.conf:1: CONFIG_CPU_HAS_MPU=n was not applied: selected by BOARD_LV_M4",
        ),
        (
            'CONFIG_BOARD="lv_m33"\n',
            (
                'prj.conf:1: CONFIG_BOARD="lv_m33" was not applied:'
                " it has no prompt, so only the Kconfig tree sets it"
            ),
        ),
        (
            "CONFIG_BOARD_LV_M33=y\n",
            (
                "prj.conf:1: CONFIG_BOARD_LV_M33=y conflicts with board lv_m4"
                " (choose the board on the command line)"
            ),
        ),
    ],
)
def test_fragment_errors_name_file_and_line(
    build: Build, prj: str, message: str
) -> None:
    assert config_error(build, prj).message == message


@pytest.mark.parametrize(("prj", "warning"), [
    ("CONFIG_ASSERT_VERBOSE=y\n",
     "prj.conf:1: warning: CONFIG_ASSERT_VERBOSE=y was not applied: depends on ASSERT "
     "(the setting lapses)"),
    ("CONFIG_BOARD_LV_M4=n\n",
     "prj.conf:1: warning: CONFIG_BOARD_LV_M4=n was not applied: choice 'Target board' "
     "always has one member selected (the setting lapses)"),
])
def test_what_zephyr_only_warns_about_is_a_warning(tmp_path: Path, prj: str,
                                                   warning: str) -> None:
    # Zephyr's scripts/kconfig/kconfig.py: check_assigned_sym_values and
    # check_assigned_choice_values warn; the build goes on without the value.
    config, warnings = configured_with_warnings(tmp_path, prj)
    assert warnings == [warning]
    assert not config.is_enabled("ASSERT_VERBOSE") and config.is_enabled("BOARD_LV_M4")


def test_unmet_dependency_on_other_board(tmp_path: Path) -> None:
    config, warnings = configured_with_warnings(tmp_path, "CONFIG_FPU=y\n", board="lv_m33")
    assert warnings == ["prj.conf:1: warning: CONFIG_FPU=y was not applied: depends on "
                        "CPU_HAS_FPU (the setting lapses)"]
    assert not config.is_enabled("FPU")
    # Where the dependency holds, the value takes.
    config, warnings = configured_with_warnings(tmp_path, "CONFIG_FPU=y\n", board="lv_m4")
    assert warnings == [] and config.is_enabled("FPU")


def test_only_the_last_assignment_must_stick(build: Build) -> None:
    # The first assignment is overridden, not ignored: no error for it.
    config = build("CONFIG_TIMESLICE_SIZE=10\nCONFIG_TIMESLICE_SIZE=20\n")
    assert config.get_int("TIMESLICE_SIZE") == 20


def test_dependency_disabled_later_is_blamed_on_the_assignment(tmp_path: Path) -> None:
    _, warnings = configured_with_warnings(tmp_path, "CONFIG_ASSERT_VERBOSE=y\nCONFIG_ASSERT=n\n")
    assert [warning.split(" was ")[0] for warning in warnings] == [
        "prj.conf:1: warning: CONFIG_ASSERT_VERBOSE=y"]


def test_dependency_disabled_by_a_later_fragment_lapses(build: Build) -> None:
    config = build("CONFIG_TIMESLICE_SIZE=10\n", extra={"extra.conf": "CONFIG_TIMESLICING=n\n"})
    assert config.get_bool("TIMESLICING") is False
    assert "TIMESLICE_SIZE" not in config


def test_all_errors_are_in_details(build: Build) -> None:
    error = config_error(build, "CONFIG_FOO=y\nCONFIG_EVENTS=y\nCONFIG_BAR=1\n")
    assert error.message == "prj.conf:1: unknown Kconfig symbol CONFIG_FOO"
    assert error.details == (
        "prj.conf:1: unknown Kconfig symbol CONFIG_FOO",
        "prj.conf:3: unknown Kconfig symbol CONFIG_BAR",
    )


def test_error_in_extra_fragment_is_named_relative_to_the_app(build: Build) -> None:
    error = config_error(
        build, "", extra={"overlays/debug.conf": "CONFIG_EVENTS=y\nCONFIG_X=1\n"}
    )
    assert error.message == "overlays/debug.conf:2: unknown Kconfig symbol CONFIG_X"


def test_extra_fragment_outside_the_app_is_named_by_basename(
    build: Build, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere" / "ci.conf"
    outside.parent.mkdir()
    outside.write_text("CONFIG_NOPE=y\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "prj.conf").write_text("")
    with pytest.raises(ConfigError) as caught:
        configure(app, load_board("lv_m4"), tmp_path / "build", [outside])
    assert caught.value.message == "ci.conf:1: unknown Kconfig symbol CONFIG_NOPE"


def test_missing_prj_conf_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        configure(tmp_path, load_board("lv_m4"), tmp_path / "build")
    assert caught.value.message.startswith(f"{tmp_path / 'prj.conf'}: ")


def test_missing_extra_fragment_is_named(build: Build, tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "prj.conf").write_text("")
    missing = tmp_path / "missing.conf"
    with pytest.raises(
        ConfigError, match="missing.conf: configuration fragment not found"
    ):
        configure(app, load_board("lv_m4"), tmp_path / "build", [missing])


def test_board_without_defconfig(tmp_path: Path) -> None:
    board = dataclasses.replace(load_board("lv_m4"), name="no_such_board")
    (tmp_path / "prj.conf").write_text("")
    with pytest.raises(ConfigError, match="board 'no_such_board' has no defconfig"):
        configure(tmp_path, board, tmp_path / "build")


def test_nothing_is_written_when_configuration_fails(
    build: Build, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError):
        build("CONFIG_FOO=y\n")
    assert not (tmp_path / "build" / ".config").exists()


def test_error_messages_are_one_line(build: Build) -> None:
    error = config_error(build, "CONFIG_FOO=y\nCONFIG_BAR=y\n")
    assert "\n" not in error.message
    assert error.exit_status == 2


# --- The frozen Config ---------------------------------------------------------


def test_config_round_trips_through_dotconfig(build: Build, tmp_path: Path) -> None:
    config = build("CONFIG_MAIN_STACK_SIZE=3000\nCONFIG_ASSERT=y\n", board="lv_m33")
    reread = Config.from_dotconfig(tmp_path / "build" / ".config")
    assert reread == config
    assert hash(reread) == hash(config)
    assert reread.board == "lv_m33"
    assert reread.get_int("MAIN_STACK_SIZE") == 3000
    assert reread.get_bool("ASSERT") is True


def test_from_dotconfig_parses_every_value_kind(tmp_path: Path) -> None:
    path = tmp_path / ".config"
    path.write_text(
        "# header comment\n"
        "#\n# Menu\n#\n"
        'CONFIG_BOARD="lv_m4"\n'
        "CONFIG_ON=y\n"
        "# CONFIG_OFF is not set\n"
        "CONFIG_NEGATIVE=-5\n"
        "CONFIG_ADDRESS=0x2000F000\n"
        'CONFIG_QUOTED="say \\"hi\\" \\\\ bye"\n'
        "\n"
        "# end of Menu\n"
    )
    config = Config.from_dotconfig(path)
    assert config.values == {
        "BOARD": "lv_m4",
        "ON": True,
        "OFF": False,
        "NEGATIVE": -5,
        "ADDRESS": 0x2000_F000,
        "QUOTED": 'say "hi" \\ bye',
    }
    assert config.board == "lv_m4"


def test_from_dotconfig_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "build" / ".config"
    with pytest.raises(ConfigError) as caught:
        Config.from_dotconfig(path)
    assert caught.value.message.startswith(f"{path}: cannot read configuration")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'CONFIG_BOARD="lv_m4"\nCONFIG_X=maybe\n',
            ":2: cannot understand value 'maybe'",
        ),
        ('CONFIG_BOARD="lv_m4"\nnonsense\n', ":2: malformed line 'nonsense'"),
        ("CONFIG_X=1\n", ": no CONFIG_BOARD string; not a Levante .config"),
    ],
)
def test_from_dotconfig_rejects_bad_files(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / ".config"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        Config.from_dotconfig(path)
    assert caught.value.message == f"{path}{message}"


def test_config_accessors_check_names_and_types() -> None:
    config = Config(values={"BOARD": "lv_m4", "ON": True, "SIZE": 8}, board="lv_m4")
    assert "ON" in config
    assert "CONFIG_ON" not in config
    assert config.is_enabled("ON")
    assert not config.is_enabled("MISSING")
    assert not config.is_enabled("SIZE")  # an int is not a feature switch
    with pytest.raises(KeyError, match="MISSING"):
        config.get_bool("MISSING")
    with pytest.raises(KeyError, match="leave out the CONFIG_ prefix"):
        config.get_int("CONFIG_SIZE")
    with pytest.raises(TypeError, match="CONFIG_ON is a bool, not an int"):
        config.get_int("ON")
    with pytest.raises(TypeError, match="CONFIG_SIZE is an int, not a bool"):
        config.get_bool("SIZE")
    with pytest.raises(TypeError, match="CONFIG_SIZE is an int, not a string"):
        config.get_str("SIZE")


def test_config_is_frozen() -> None:
    source: dict[str, ConfigValue] = {"BOARD": "lv_m4", "SIZE": 8}
    config = Config(values=source, board="lv_m4")
    source["SIZE"] = 9  # the caller's dict is copied, not shared
    assert config.get_int("SIZE") == 8
    with pytest.raises(TypeError):
        config.values["SIZE"] = 10  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.board = "lv_m33"  # type: ignore[misc]


# --- Zephyr's vocabulary: typos, subsystems Levante lacks, repeated assignments ---------


def test_a_mistyped_symbol_gets_a_suggestion(build: Build) -> None:
    error = config_error(build, "CONFIG_THREAD_NAMES=y\n")
    assert error.message == ("prj.conf:1: unknown Kconfig symbol CONFIG_THREAD_NAMES "
                             "(did you mean CONFIG_THREAD_NAME?)")


@pytest.mark.parametrize(("line", "subsystem"), [
    ("CONFIG_BT=y", "Bluetooth"),
    ("CONFIG_BT_PERIPHERAL=y", "Bluetooth"),
    ("CONFIG_USB_DEVICE_STACK=y", "USB"),
    ("CONFIG_FILE_SYSTEM=y", "file systems"),
    ("CONFIG_MCUMGR_GRP_FS=y", "MCUmgr's file-system group (Levante has no file system)"),
    ("CONFIG_MCUMGR_GRP_SETTINGS=y",
     "MCUmgr's settings group (Levante has no settings subsystem)"),
    ("CONFIG_MCUMGR_TRANSPORT_BT=y", "MCUmgr over Bluetooth"),
    ("CONFIG_RETAINED_MEM=y", "retained memory drivers"),
])
def test_enabling_a_subsystem_levante_lacks_says_so(build: Build, line: str,
                                                     subsystem: str) -> None:
    error = config_error(build, line + "\n")
    name = line.split("=")[0]
    assert error.message == f"prj.conf:1: {name}: {subsystem} is not provided by Levante"


def test_disabling_a_subsystem_levante_lacks_is_accepted(build: Build) -> None:
    config = build("CONFIG_BT=n\n# CONFIG_USB_DEVICE_STACK is not set\n")
    assert "BT" not in config and config.is_enabled("PRINTK")


def test_zephyr_symbols_for_what_levante_has_one_of_work(build: Build) -> None:
    config = build("CONFIG_MP_MAX_NUM_CPUS=1\nCONFIG_STDOUT_CONSOLE=y\nCONFIG_SERIAL=y\n"
                   "CONFIG_SCHED_CPU_MASK=y\nCONFIG_TEST=y\n")
    assert config.get_int("MP_MAX_NUM_CPUS") == 1 and config.is_enabled("SCHED_CPU_MASK")
    error = config_error(build, "CONFIG_MP_MAX_NUM_CPUS=2\n")
    assert "CONFIG_MP_MAX_NUM_CPUS" in error.message


def test_board_symbols_exist_as_zephyr_generates_them(build: Build) -> None:
    config = build(board="lv_m33")
    assert config.get_str("BOARD") == "lv_m33"
    assert config.get_str("BOARD_TARGET") == "lv_m33"
    assert config.is_enabled("BOARD_LV_M33")


def test_priority_counts_keep_zephyrs_range(build: Build) -> None:
    error = config_error(build, "CONFIG_NUM_PREEMPT_PRIORITIES=1000\n")
    assert "allowed range 0 to 128" in error.message
    config = build("CONFIG_NUM_COOP_PRIORITIES=0\n")
    assert not config.is_enabled("COOP_ENABLED") and config.is_enabled("PREEMPT_ENABLED")


def test_a_symbol_assigned_twice_in_one_fragment_is_warned(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "prj.conf").write_text("CONFIG_EVENTS=y\nCONFIG_PRINTK=y\nCONFIG_EVENTS=n\n")
    warnings: list[str] = []
    config = configure(app, load_board("lv_m4"), tmp_path / "build", (), warnings.append)
    assert warnings == ["prj.conf:3: warning: CONFIG_EVENTS was already assigned on line 1; "
                        "this value counts"]
    assert not config.is_enabled("EVENTS")


def test_a_value_for_a_feature_that_is_off_lapses_with_a_warning(tmp_path: Path) -> None:
    # Zephyr's kconfig.py warns and goes on (echo_client sets CONFIG_MAX_THREAD_BYTES
    # without CONFIG_USERSPACE), for a bool asking for a feature too.
    app = tmp_path / "app"
    app.mkdir()
    (app / "prj.conf").write_text("CONFIG_TIMESLICING=n\nCONFIG_TIMESLICE_SIZE=10\n"
                                  "CONFIG_MAX_THREAD_BYTES=3\n")
    warnings: list[str] = []
    config = configure(app, load_board("lv_m4"), tmp_path / "build", (), warnings.append)
    assert warnings == [
        "prj.conf:2: warning: CONFIG_TIMESLICE_SIZE=10 was not applied: depends on "
        "TIMESLICING (the setting lapses)",
        "prj.conf:3: warning: CONFIG_MAX_THREAD_BYTES=3 was not applied: depends on "
        "USERSPACE (the setting lapses)"]
    assert not config.is_enabled("USERSPACE") and "TIMESLICE_SIZE" not in config.values
    (app / "prj.conf").write_text("CONFIG_ASSERT=n\nCONFIG_ASSERT_VERBOSE=y\n")
    warnings.clear()
    config = configure(app, load_board("lv_m4"), tmp_path / "build", (), warnings.append)
    assert warnings == ["prj.conf:2: warning: CONFIG_ASSERT_VERBOSE=y was not applied: "
                        "depends on ASSERT (the setting lapses)"]
    assert not config.is_enabled("ASSERT_VERBOSE")


# --- An application's own Kconfig file -------------------------------------------------


@pytest.mark.parametrize("source_line", ['source "Kconfig.zephyr"', 'source "Kconfig"'])
def test_an_application_kconfig_declares_its_own_symbols(build: Build, tmp_path: Path,
                                                         source_line: str) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "Kconfig").write_text(
        f'mainmenu "My app"\n{source_line}\n'
        'config APP_COUNT\n\tint "How many"\n\tdefault 3\n'
        'config APP_FAST\n\tbool "Go fast"\n\tdepends on USERSPACE\n')
    config = build("CONFIG_APP_COUNT=5\nCONFIG_USERSPACE=y\nCONFIG_APP_FAST=y\n")
    assert config.get_int("APP_COUNT") == 5 and config.is_enabled("APP_FAST")
    assert config.is_enabled("PRINTK")  # Levante's own symbols are all there
    autoconf = (tmp_path / "build" / "include" / "generated" / "autoconf.h").read_text()
    assert "#define CONFIG_APP_COUNT 5" in autoconf
    config = build("CONFIG_APP_FAST=y\n")  # its dependency is unmet: it lapses
    assert not config.is_enabled("APP_FAST")


def test_a_broken_application_kconfig_is_one_line_naming_the_place(
        build: Build, tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "Kconfig").write_text('source "Kconfig.zephyr"\nconfig BAD\n\tbool "x"\n'
                                 '\tdepends on\n')
    error = config_error(build, "")
    assert error.message.startswith(f"{app / 'Kconfig'}:4: ")
    assert "malformed expression" in error.message


def test_without_preemptible_priorities_main_is_cooperative(build: Build) -> None:
    """As Zephyr: MAIN_THREAD_PRIORITY defaults to -2 when NUM_PREEMPT_PRIORITIES is 0,
    so that main() has a valid priority."""
    config = build("CONFIG_NUM_PREEMPT_PRIORITIES=0\n")
    assert config.get_int("MAIN_THREAD_PRIORITY") == -2
    assert not config.is_enabled("PREEMPT_ENABLED")


def test_an_application_kconfig_works_with_a_relative_app_path(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "Kconfig").write_text('source "Kconfig.zephyr"\nconfig APP_X\n\tbool "x"\n'
                                 '\tdefault y\n')
    (app / "prj.conf").write_text("")
    cwd = Path.cwd()
    try:
        os.chdir(tmp_path)
        config = configure(Path("app"), load_board("lv_m4"), tmp_path / "build")
    finally:
        os.chdir(cwd)
    assert config.is_enabled("APP_X")


# --- Where Zephyr only warns ------------------------------------------------------------


def test_zephyr_ipv6_settings_beside_ipv6_off_lapse_with_warnings(tmp_path: Path) -> None:
    # The shape of Zephyr's samples/net/mqtt_publisher prj.conf: IPv6 settings kept
    # while CONFIG_NET_IPV6=n. Zephyr's kconfig.py warns about each and builds;
    # NET_IPV6_RA_RDNSS is not in Levante's tree, but its Zephyr dependencies are.
    prj = ("CONFIG_NETWORKING=y\nCONFIG_NET_SOCKETS=y\nCONFIG_NET_TCP=y\n"
           "CONFIG_NET_IPV6_RA_RDNSS=y\nCONFIG_NET_IF_UNICAST_IPV6_ADDR_COUNT=3\n"
           "CONFIG_NET_IPV6=n\nCONFIG_NET_IPV4=y\nCONFIG_NET_CONFIG_SETTINGS=y\n"
           'CONFIG_NET_CONFIG_MY_IPV6_ADDR="2001:db8::1"\n'
           'CONFIG_NET_CONFIG_MY_IPV4_ADDR="192.0.2.1"\n')
    config, warnings = configured_with_warnings(tmp_path, prj)
    assert warnings == [
        "prj.conf:4: warning: CONFIG_NET_IPV6_RA_RDNSS=y was not applied: depends on "
        "NET_IPV6 && NET_IPV6_ND && DNS_RESOLVER (=n) in Zephyr's Kconfig "
        "(the setting lapses)",
        "prj.conf:5: warning: CONFIG_NET_IF_UNICAST_IPV6_ADDR_COUNT=3 was not applied: "
        "depends on NET_IPV6 (the setting lapses)",
        "prj.conf:9: warning: CONFIG_NET_CONFIG_MY_IPV6_ADDR=\"2001:db8::1\" was not "
        "applied: depends on NET_CONFIG_SETTINGS && NET_IPV6 (the setting lapses)"]
    assert not config.is_enabled("NET_IPV6") and "NET_IPV6_RA_RDNSS" not in config
    assert config.get_str("NET_CONFIG_MY_IPV4_ADDR") == "192.0.2.1"
    autoconf = (tmp_path / "warned_build" / "include" / "generated" / "autoconf.h").read_text()
    assert "RA_RDNSS" not in autoconf and "MY_IPV6_ADDR" not in autoconf


@pytest.mark.parametrize("prj", [
    "CONFIG_NETWORKING=y\nCONFIG_NET_IPV4=y\nCONFIG_NET_UDP=y\nCONFIG_DNS_RESOLVER=y\n"
    "CONFIG_NET_IPV6_RA_RDNSS=y\n",
    "CONFIG_NETWORKING=y\nCONFIG_NET_IPV6_PE=y\n",
])
def test_an_absent_symbol_whose_zephyr_dependencies_hold_is_refused(
        build: Build, prj: str) -> None:
    # IPv6 is on by default: Zephyr would give the symbol its value, Levante lacks it.
    error = config_error(build, prj)
    assert error.message.endswith("is not provided by Levante"), error.message
    assert error.message.startswith(f"prj.conf:{prj.count(chr(10))}: CONFIG_NET_IPV6_")


def test_an_absent_ipv6_symbol_with_ipv6_off_lapses(tmp_path: Path) -> None:
    config, warnings = configured_with_warnings(
        tmp_path, "CONFIG_NETWORKING=y\nCONFIG_NET_IPV6=n\nCONFIG_NET_IPV6_PE=y\n")
    assert warnings == ["prj.conf:3: warning: CONFIG_NET_IPV6_PE=y was not applied: "
                        "depends on NET_IPV6 (=n) in Zephyr's Kconfig (the setting lapses)"]
    assert "NET_IPV6_PE" not in config


def test_absent_symbols_without_known_zephyr_dependencies_stay_refused(build: Build) -> None:
    assert config_error(build, "CONFIG_BT_PERIPHERAL=y\n").message == \
        "prj.conf:1: CONFIG_BT_PERIPHERAL: Bluetooth is not provided by Levante"


@pytest.mark.parametrize(("prj", "message"), [
    # Zephyr's check_no_promptless_assign stops the build.
    ("CONFIG_CPU_HAS_MPU=n\n",
     "prj.conf:1: CONFIG_CPU_HAS_MPU=n was not applied: selected by BOARD_LV_M4"),
    # kconfiglib's out-of-range warning, which Zephyr turns into an error.
    ("CONFIG_NETWORKING=y\nCONFIG_NET_IF_MCAST_IPV6_ADDR_COUNT=1\n",
     "prj.conf:2: invalid value '1' for int symbol CONFIG_NET_IF_MCAST_IPV6_ADDR_COUNT "
     "(allowed range 2 to 16)"),
])
def test_what_zephyr_stops_the_build_for_stays_an_error(build: Build, prj: str,
                                                        message: str) -> None:
    assert config_error(build, prj).message == message
