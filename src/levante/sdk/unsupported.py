"""Compiler errors about Zephyr APIs Levante does not provide, said as such.

A program calling an API Levante lacks fails to compile (an undeclared function is an
error, never a guess at its type); the compiler then says `implicit declaration of
function 'k_p4wq_submit'`, which reads like a typo.  When the name belongs to a Zephyr API
family, the build's one-line error says which family and that Levante does not provide
it, with the compiler's line after it.
"""

from __future__ import annotations

import re

from levante.abi import SYSCALLS_BY_NAME

# Zephyr API families by name prefix, most specific first.
FAMILIES: tuple[tuple[str, str], ...] = (
    ("k_p4wq_", "pooled parallel work queues (k_p4wq)"),
    ("k_mem_map", "virtual memory (k_mem_map)"),
    ("k_smp_", "SMP"),
    ("sys_heap_", "sys_heap"),
    ("sys_mem_blocks_", "memory blocks (sys_mem_blocks)"),
    ("ring_buf_", "ring buffers (sys/ring_buffer.h)"),
    ("dns_resolve_", "DNS resolver contexts (Levante has the default resolver's "
     "dns_get_addr_info and dns_cancel_addr_info)"),
    ("net_", "networking"),
    ("bt_", "Bluetooth"),
    ("usb_", "USB"),
    ("usbd_", "USB"),
    ("fs_", "file systems"),
    ("nvs_", "NVS storage"),
    ("settings_", "settings"),
    ("i2c_", "the I2C driver API"),
    ("spi_", "the SPI driver API"),
    ("adc_", "the ADC driver API"),
    ("pwm_", "the PWM driver API"),
    ("counter_", "the counter driver API"),
    ("can_", "the CAN driver API"),
    ("display_", "the display driver API"),
    ("led_", "the LED driver API"),
    ("wdt_", "the watchdog driver API"),
    ("rtc_", "the RTC driver API"),
    ("input_", "the input subsystem"),
    ("shell_", "the shell API beyond command registration and printing"),
    ("pm_", "power management"),
    ("LOG_MODULE_", "the logging module API"),
)
_UNDECLARED = (
    re.compile(r"implicit declaration of function '(\w+)'"),
    re.compile(r"'(\w+)' undeclared"),
    re.compile(r"unknown type name '(\w+)'"),
    re.compile(r"storage size of '\w+' isn't known.*struct (\w+)"),
    re.compile(r"variable '\w+' has initializer but incomplete type"),
    # A call declared whatever the configuration (as Zephyr declares it) and left out.
    re.compile(r"undefined reference to `(\w+)'"),
)


# Functions of the C runtime that exist only with their option (not system calls).
_RUNTIME_REQUIRES = {"sys_reboot": "REBOOT", "dns_get_addr_info": "DNS_RESOLVER",
                     "dns_cancel_addr_info": "DNS_RESOLVER"}
_SOCKET_PREFIX = "zsock_"  # <zephyr/net/socket.h>: with CONFIG_NET_SOCKETS


def _disabled_call(name: str) -> str | None:
    """A Levante system call or runtime function the configuration leaves out: the
    option it needs."""
    call = SYSCALLS_BY_NAME.get(name)
    if call is not None and call.requires:
        return call.requires
    if name.startswith(_SOCKET_PREFIX):
        return "NET_SOCKETS"
    return _RUNTIME_REQUIRES.get(name)


def family_of(name: str) -> str | None:
    return next((family for prefix, family in FAMILIES if name.startswith(prefix)), None)


def explain(line: str) -> str | None:
    """For a compiler error line about an undeclared Zephyr name: the sentence saying
    which API it is and that Levante does not provide it; else None."""
    for pattern in _UNDECLARED:
        match = pattern.search(line)
        if match is None or not match.groups():
            continue
        name = match.group(1)
        option = _disabled_call(name)
        if option is not None:
            return f"{name} needs CONFIG_{option}=y"
        family = family_of(name)
        if family is not None:
            return f"{name} is Zephyr's {family} API, which Levante does not provide yet"
    return None


def first_error(errors: list[str]) -> str:
    """The line a build failure reports: an unsupported API named as such when one is
    the cause, else the compiler's first error."""
    for line in errors:
        sentence = explain(line)
        if sentence is not None:
            return f"{sentence} ({line.strip()})"
    return errors[0]
