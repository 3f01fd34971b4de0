"""Zephyr subsystems Levante does not provide, by the Kconfig symbols that enable them.

An application enabling one gets one line naming what is missing, rather than
"unknown symbol"; disabling one (`=n`) is accepted, since it asks for nothing.
"""

from __future__ import annotations

# Symbol name, or prefix ending in "_", to the subsystem's name.
_SUBSYSTEMS: dict[str, str] = {
    "BT": "Bluetooth", "BT_": "Bluetooth",
    "USB": "USB", "USB_": "USB", "UDC_": "USB", "UHC_": "USB",
    "CAN": "CAN bus drivers", "CAN_": "CAN bus drivers",
    "I2C": "I2C drivers", "I2C_": "I2C drivers",
    "SPI": "SPI drivers", "SPI_": "SPI drivers",
    "ADC": "ADC drivers", "ADC_": "ADC drivers",
    "PWM": "PWM drivers", "PWM_": "PWM drivers",
    "WDT_": "watchdog drivers", "WATCHDOG": "watchdog drivers",
    "DISPLAY": "display drivers", "DISPLAY_": "display drivers",
    "LVGL": "LVGL graphics", "LV_": "LVGL graphics",
    "FILE_SYSTEM": "file systems", "FILE_SYSTEM_": "file systems", "FAT_FILESYSTEM_ELM":
    "file systems", "FS_": "file systems",
    "SETTINGS": "the settings subsystem", "SETTINGS_": "the settings subsystem",
    "NVS": "NVS storage", "ZMS": "ZMS storage",
    "WIFI": "Wi-Fi", "WIFI_": "Wi-Fi",
    "SLIP_": "SLIP links",
    "LLMNR_RESOLVER": "LLMNR name resolution (RFC 4795)",
    # Levante's stack has IPv4, ARP, ICMPv4, UDP, TCP, IPv6, UDP, TCP and TLS sockets, a
    # DHCPv4 client and a DNS resolver (net*.kconfig, tls.kconfig); the rest is to come.
    "NET_": "this part of networking (Levante has IPv4, ARP, ICMPv4, UDP, TCP, IPv6, "
    "sockets (TLS too), DHCPv4, DNS and TLS credentials so far)",
    # TLS (tls.kconfig): Levante's mbedTLS runs in the kernel and applications reach it
    # through TLS sockets; its C API and the device-side settings below are not theirs.
    "MBEDTLS_SSL_DTLS_CONNECTION_ID": "DTLS connection IDs (RFC 9146)",
    "TLS_CREDENTIAL_FILENAMES": "TLS credential file names (offloaded sockets)",
    "TLS_CREDENTIALS_BACKEND_PROTECTED_STORAGE": "the protected-storage credential backend",
    "MBEDTLS_": "this mbedTLS option (Levante's mbedTLS runs in the kernel and is reached "
    "through TLS sockets; its C API is not linked into images)",
    "MQTT_LIB_WEBSOCKET": "MQTT over WebSocket",
    "MQTT_LIB_CUSTOM_TRANSPORT": "custom MQTT transports",
    # MCUmgr (mcumgr.kconfig): the groups and transports Levante's SMP server lacks.
    "MCUMGR_GRP_FS": "MCUmgr's file-system group (Levante has no file system)",
    "MCUMGR_GRP_FS_": "MCUmgr's file-system group (Levante has no file system)",
    "MCUMGR_GRP_SETTINGS": "MCUmgr's settings group (Levante has no settings subsystem)",
    "MCUMGR_GRP_SETTINGS_": "MCUmgr's settings group (Levante has no settings subsystem)",
    "MCUMGR_GRP_ZBASIC": "MCUmgr's Zephyr basic group (storage erase)",
    "MCUMGR_GRP_ZBASIC_": "MCUmgr's Zephyr basic group (storage erase)",
    "MCUMGR_GRP_ENUM": "MCUmgr's enumeration group",
    "MCUMGR_GRP_ENUM_": "MCUmgr's enumeration group",
    "MCUMGR_TRANSPORT_BT": "MCUmgr over Bluetooth", "MCUMGR_TRANSPORT_BT_":
    "MCUmgr over Bluetooth",
    "MCUMGR_TRANSPORT_USB": "MCUmgr over USB", "MCUMGR_TRANSPORT_USB_": "MCUmgr over USB",
    "MCUMGR_TRANSPORT_LORAWAN": "MCUmgr over LoRaWAN",
    # MCUboot's RAM-load mode reports itself through retained memory (Zephyr 4.1's
    # smp_svr prj_ram_load.conf); Levante's boot stage swaps images in flash.
    "RETAINED_MEM": "retained memory drivers", "RETAINED_MEM_": "retained memory drivers",
    "RETENTION": "the retention subsystem", "RETENTION_": "the retention subsystem",
    "IEEE802154": "IEEE 802.15.4", "IEEE802154_": "IEEE 802.15.4",
    "LORA": "LoRa", "LORAWAN": "LoRaWAN",
    "MODEM": "modem drivers", "MODEM_": "modem drivers",
    "AUDIO": "audio", "AUDIO_": "audio",
    "VIDEO": "video", "VIDEO_": "video",
    "SMP": "SMP (Levante's boards have one CPU)",
    "CPP": "C++ applications", "CPLUSPLUS": "C++ applications", "STD_CPP": "C++ applications",
    "PTHREAD_IPC": "the POSIX API", "POSIX_": "the POSIX API",
    "LLEXT": "loadable extensions", "LLEXT_": "loadable extensions",
    "COVERAGE": "code coverage",
    "ZTEST_SHUFFLE": "ztest's shuffled test order", "ZTEST_SHELL": "ztest's shell",
    "ZTEST_MOCKING": "ztest's mocking", "ZTRESS": "ztest's stress framework",
    "ZTEST_RETEST_IF_PASSED": "board resets",
    "TRACING": "Zephyr's tracing (Levante's trace is `levante run --trace`)",
    "PM": "power management", "PM_": "power management",
    "LTO": "link-time optimisation",
    "ISR_TABLES_LOCAL_DECLARATION": "local ISR table declarations (the kernel dispatches "
    "Levante's interrupts)",
}


# Symbols Levante lacks (or prefixes of them) with the dependencies they have in Zephyr's
# Kconfig, in symbols Levante's tree has. Where those are unmet Zephyr gives the symbol
# no value and only warns (scripts/kconfig/kconfig.py, check_assigned_sym_values), so
# Levante warns too instead of refusing: mqtt_publisher's prj.conf sets
# NET_IPV6_RA_RDNSS beside NET_IPV6=n. Zephyr's subsys/net/ip/Kconfig.ipv6 defines its
# NET_IPV6_* symbols inside "if NET_IPV6".
_ZEPHYR_DEPENDENCIES: dict[str, str] = {
    "NET_IPV6_RA_RDNSS": "NET_IPV6 && NET_IPV6_ND && DNS_RESOLVER",
    "NET_IPV6_": "NET_IPV6",
}


def zephyr_dependencies(symbol: str) -> str | None:
    """The Kconfig expression an absent `symbol` depends on in Zephyr, where known."""
    if absent_subsystem(symbol) is None:
        return None
    if symbol in _ZEPHYR_DEPENDENCIES:
        return _ZEPHYR_DEPENDENCIES[symbol]
    for prefix, expression in _ZEPHYR_DEPENDENCIES.items():
        if prefix.endswith("_") and symbol.startswith(prefix):
            return expression
    return None


def absent_subsystem(symbol: str) -> str | None:
    """The subsystem `symbol` (without CONFIG_) belongs to, when Levante lacks it."""
    if symbol in _SUBSYSTEMS:
        return _SUBSYSTEMS[symbol]
    for prefix, name in _SUBSYSTEMS.items():
        if prefix.endswith("_") and symbol.startswith(prefix):
            return name
    return None
