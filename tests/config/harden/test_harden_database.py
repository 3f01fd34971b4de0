"""The rule database: the shipped rules cover Zephyr's lists, and bad rule files are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.config.harden.database import (
    AllOf,
    AnyOf,
    Check,
    RuleDatabase,
    RuleDatabaseError,
    default_rule_files,
    load_database,
)

FIXTURES = Path(__file__).parent / "fixtures"

# Symbols named by Zephyr's hardening lists and by the best-practices document (seed 002).
# Each must be checked by a rule, under its current name or through a recorded rename.
HARDENED_CSV = """
HW_STACK_PROTECTION INIT_STACKS KERNEL_DEBUG BOOT_BANNER BOOT_DELAY THREAD_MONITOR THREAD_NAME
STACK_CANARIES EXECUTE_XOR_WRITE STACK_POINTER_RANDOM BOUNDS_CHECK_BYPASS_MITIGATION
PERFORMANCE_METRICS STATS DEBUG TRACING STACK_USAGE PRINTK EARLY_CONSOLE ASSERT
OVERRIDE_FRAME_POINTER_DEFAULT DEBUG_INFO DEBUG_THREAD_INFO TRACING_CTF USE_SEGGER_RTT LOG
SHELL TEST_RANDOM_GENERATOR ZTEST TEST TEST_SHELL TEST_EXTRA_STACKSIZE TEST_USERSPACE
BUILD_OUTPUT_STRIPPED SOC_ATMEL_SAME70_DISABLE_ERASE_PIN SOC_ATMEL_SAME70_WAIT_MODE FAULT_DUMP
EXCEPTION_DEBUG X86_MMU BUILTIN_STACK_GUARD MPU_STACK_GUARD STACK_SENTINEL BOOT_TIME_MEASUREMENT
BT_A2DP BT_AVDTP BT_BREDR BT_H5 BT_HFP_HF BT_RFCOMM BT_DEBUG_SMP BT_OOB_DATA_FIXED
BT_FIXED_PASSKEY BT_DEBUG_KEYS BT_LOG_SNIFFER_INFO BT_USE_DEBUG_KEYS BT_STORE_DEBUG_KEYS
BT_CONN_DISABLE_SECURITY CAN_NET CONSOLE_SUBSYS CRYPTO CRYPTO_MBEDTLS_SHIM CRYPTO_TINYCRYPT_SHIM
MODEM_CONTEXT NET_BUF_VARIABLE_DATA_SIZE NET_CONNECTION_MANAGER NET_GPTP NET_IPV4_AUTO
NET_L2_CANBUS NET_L2_IEEE802154_SECURITY NET_L2_PPP NET_OFFLOAD NET_PROMISCUOUS_MODE
NET_SOCKETS_CAN NET_SOCKETS_ENABLE_DTLS NET_SOCKETS_NET_MGMT NET_SOCKETS_OFFLOAD
NET_SOCKETS_SOCKOPT_TLS SHELL_TELNET_SUPPORT_COMMAND SPI_SLAVE UART_ASYNC_API MCUMGR_CMD_FS_MGMT
""".split()
HARDENING_YAML = """
BOUNDS_CHECK_BYPASS_MITIGATION BUILTIN_STACK_GUARD EXECUTE_XOR_WRITE HW_STACK_PROTECTION
MPU_STACK_GUARD STACK_CANARIES STACK_POINTER_RANDOM STACK_SENTINEL X86_MMU
OVERRIDE_FRAME_POINTER_DEFAULT BOOT_BANNER BOOT_DELAY BT_CONN_DISABLE_SECURITY BT_FIXED_PASSKEY
BT_KEYS_LOG_LEVEL_DBG BT_LOG_SNIFFER_INFO BT_OOB_DATA_FIXED BT_SMP_ENFORCE_MITM
BT_SMP_LOG_LEVEL_DBG BT_STORE_DEBUG_KEYS BT_TESTING BT_USE_DEBUG_KEYS TEST_RANDOM_GENERATOR
TIMER_RANDOM_GENERATOR BUILD_OUTPUT_STRIPPED TFM_CMAKE_BUILD_TYPE_DEBUG TFM_DUMMY_PROVISIONING
TFM_EXCEPTION_INFO_DUMP TFM_SPM_LOG_LEVEL_DEBUG CORTEX_M_DEBUG_MONITOR_HOOK
DMA_INTEL_ADSP_GPDMA_DEBUG ESPI_PERIPHERAL_DEBUG_PORT_80 ETH_E1000_VERBOSE_DEBUG
MODEM_CONTEXT_VERBOSE_DEBUG SOC_ATMEL_SAM_DISABLE_ERASE_PIN SOC_ATMEL_SAM_WAIT_MODE
SOC_MEC1501_DEBUG_DISABLED ASSERT DEBUG DEBUG_COREDUMP DEBUG_THREAD_INFO EARLY_CONSOLE
EXCEPTION_DEBUG FAULT_DUMP GDBSTUB INIT_STACKS LOG PRINTK SHELL STACK_USAGE STATS THREAD_ANALYZER
THREAD_MONITOR THREAD_NAME TRACING X86_DEBUG_INFO TEST TEST_USERSPACE ZTEST
MEM_DOMAIN_ISOLATED_STACKS OBJ_CORE THREAD_RUNTIME_STATS USERSPACE_THREAD_MAY_RAISE_PRIORITY
X86_DISABLE_SSBD X86_ENABLE_EXTENDED_IBRS X86_KPTI COAP_TEST_API_ENABLE NET_CAPTURE
NET_TCP_ISN_RFC6528 NET_ZPERF WIFI_CREDENTIALS_STATIC MCUMGR_GRP_FS MCUMGR_GRP_IMG_VERBOSE_ERR
MCUMGR_GRP_SHELL MCUMGR_TRANSPORT_UDP_DTLS
""".split()
SEED_002 = """
USERSPACE EXECUTE_XOR_WRITE APPLICATION_MEMORY X86_PAE_MODE RETPOLINE GDT_DYNAMIC STACK_CANARIES
HW_STACK_PROTECTION STACK_POINTER_RANDOM THREAD_MONITOR THREAD_STACK_INFO SYS_LOG KERNEL_DEBUG
DEBUG CONSOLE_SHELL BOOT_BANNER INIT_STACKS X86_TSC_RANDOM_GENERATOR TIMER_RANDOM_GENERATOR
ENTROPY_DEVICE_RANDOM_GENERATOR XOROSHIRO_RANDOM_GENERATOR WATCHDOG
""".split()


def _leaves(check: Check) -> list[str]:
    if isinstance(check, AnyOf | AllOf):
        return [symbol for item in check.checks for symbol in _leaves(item)]
    return [check.symbol]


@pytest.fixture(scope="module")
def database() -> RuleDatabase:
    return load_database()


def _covered(database: RuleDatabase, symbol: str) -> bool:
    checked = {leaf for rule in database.rules for leaf in _leaves(rule.check)}
    if symbol in checked:
        return True
    rename = database.renames.get(symbol)
    if rename is None:
        return False
    if rename.current is None:  # removed: the note must say what covers it now
        return bool(rename.note)
    return _covered(database, rename.current)


@pytest.mark.parametrize("symbol", sorted(set(HARDENED_CSV + HARDENING_YAML + SEED_002)))
def test_every_recommendation_of_zephyr_and_seed_002_is_covered(
    database: RuleDatabase, symbol: str
) -> None:
    assert _covered(database, symbol), f"no rule checks CONFIG_{symbol}"


def test_the_old_names_the_issue_asks_for_are_recognised(database: RuleDatabase) -> None:
    assert database.renames["XOROSHIRO_RANDOM_GENERATOR"].current == "XOSHIRO_RANDOM_GENERATOR"
    assert database.renames["CTR_DRBG_CSPRNG_GENERATOR"].current == "PSA_CSPRNG_GENERATOR"
    assert database.old_names_of("X86_RETPOLINE") == ["RETPOLINE"]


def test_insecure_generators_are_checked_in_every_profile(database: RuleDatabase) -> None:
    for profile in database.profiles:
        symbols = {leaf for rule in database.rules_for(profile) for leaf in _leaves(rule.check)}
        assert {"TEST_RANDOM_GENERATOR", "TIMER_RANDOM_GENERATOR"} <= symbols, profile


def test_strict_is_a_superset_of_base(database: RuleDatabase) -> None:
    base = {rule.rule_id for rule in database.rules_for("base")}
    strict = {rule.rule_id for rule in database.rules_for("strict")}
    assert base < strict


def test_the_csprng_rule_offers_hardware_and_drbg_alternatives(database: RuleDatabase) -> None:
    csprng = next(rule for rule in database.rules if rule.rule_id == "csprng")
    assert isinstance(csprng.check, AnyOf)
    assert set(_leaves(csprng.check)) == {"HARDWARE_DEVICE_CS_GENERATOR", "PSA_CSPRNG_GENERATOR"}


def test_every_rule_explains_itself_and_names_its_source(database: RuleDatabase) -> None:
    for rule in database.rules:
        assert len(rule.rationale) > 40, rule.rule_id
        assert rule.sources and all(source in database.sources for source in rule.sources)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_rules_unknown_key.yaml", "rule 'my-rule': unknown key(s) ['refrences']"),
        ("bad_rules_min_max.yaml", "min 200 is greater than max 100"),
        ("bad_rules_syntax.yaml", "invalid YAML"),
    ],
)
def test_a_malformed_rule_file_is_a_clear_error(name: str, message: str) -> None:
    with pytest.raises(RuleDatabaseError) as caught:
        load_database([*default_rule_files(), FIXTURES / name])
    assert message in caught.value.message
    assert name in caught.value.message


RULE = """
rules:
  sample-rule:
    title: A sample
    {check}
    rationale: Some reason that is long enough.
    references: {{sources: [seed-002]}}
    {extra}
"""


@pytest.mark.parametrize(
    ("check", "extra", "message"),
    [
        ("symbol: LOG", "", "give either 'value' or 'min'/'max'"),
        ("symbol: LOG\n    value: n\n    min: 1", "", "give either 'value' or 'min'/'max'"),
        ("symbol: LOG\n    value: n\n    any: [{symbol: A, value: y}, {symbol: B, value: y}]", "",
         "give exactly one of"),
        ("symbol: CONFIG_LOG\n    value: n", "", "write it without CONFIG_"),
        ("any: [{symbol: LOG, value: n}]", "", "at least two checks"),
        ("symbol: LOG\n    value: n", "profiles: [paranoid]", "unknown profile 'paranoid'"),
        ("symbol: LOG\n    value: n", "arch: [z80]", "unknown architecture 'z80'"),
        ("symbol: LOG\n    value: n", "severity: fatal", "'severity' must be one of"),
        ("symbol: LOG\n    value: n", "title: again", "duplicate key 'title'"),
        ("symbol: LOG\n    min: low", "", "must be integers"),
    ],
)
def test_rule_shape_mistakes_are_reported(
    tmp_path: Path, check: str, extra: str, message: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(RULE.format(check=check, extra=extra))
    with pytest.raises(RuleDatabaseError, match="mine.yaml") as caught:
        load_database([*default_rule_files(), path])
    assert message in caught.value.message


def test_a_rule_defined_twice_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "again.yaml"
    path.write_text(RULE.format(check="symbol: LOG\n    value: n", extra=""))
    with pytest.raises(RuleDatabaseError, match="'sample-rule' is already defined"):
        load_database([*default_rule_files(), path, path])


def test_a_profile_cycle_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "profiles.yaml"
    path.write_text(
        "profiles:\n"
        "  base: {description: b, extends: loop}\n"
        "  loop: {description: l, extends: base}\n"
    )
    with pytest.raises(RuleDatabaseError, match="cycle"):
        load_database([path])
