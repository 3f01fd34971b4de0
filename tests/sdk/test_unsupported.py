"""A call to a Zephyr API Levante does not provide fails the build with one line that
names the API's family, not with a bare "implicit declaration"."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.config import load_board
from levante.errors import BuildError
from levante.sdk.build import build
from levante.sdk.unsupported import explain, first_error


@pytest.mark.parametrize(("line", "family"), [
    ("main.c:4:9: error: implicit declaration of function 'k_p4wq_submit'", "parallel work"),
    ("main.c:9:5: error: implicit declaration of function 'k_mem_map'", "virtual memory"),
    ("main.c:3:1: error: unknown type name 'bt_addr_le_t'", "Bluetooth"),
    ("x.c:1:1: error: implicit declaration of function 'net_if_get_default'",
     "networking"),
    ("x.c:1:1: error: implicit declaration of function 'dns_resolve_init'",
     "DNS resolver contexts"),
])
def test_zephyr_families_are_named(line: str, family: str) -> None:
    sentence = explain(line)
    assert sentence is not None and family in sentence
    assert "Levante does not provide" in sentence


def test_a_call_its_configuration_leaves_out_names_the_option() -> None:
    sentence = explain("main.c:4:9: error: implicit declaration of function 'k_poll'")
    assert sentence == "k_poll needs CONFIG_POLL=y"


def test_a_socket_call_without_sockets_names_the_option() -> None:
    sentence = explain("x.c:1:1: error: implicit declaration of function 'zsock_socket'")
    assert sentence == "zsock_socket needs CONFIG_NET_SOCKETS=y"


def test_a_runtime_function_its_configuration_leaves_out_names_the_option() -> None:
    sentence = explain("main.c:24: undefined reference to `sys_reboot'")
    assert sentence == "sys_reboot needs CONFIG_REBOOT=y"


def test_the_resolver_api_without_the_resolver_names_the_option() -> None:
    sentence = explain("x.c:2:5: error: implicit declaration of function 'dns_get_addr_info'")
    assert sentence == "dns_get_addr_info needs CONFIG_DNS_RESOLVER=y"


def test_other_errors_are_left_as_the_compiler_said() -> None:
    line = "main.c:4:9: error: implicit declaration of function 'my_helper'"
    assert explain(line) is None
    assert first_error([line]) == line


def test_a_build_calling_an_unsupported_api_says_so(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "prj.conf").write_text("")
    (app / "src" / "main.c").write_text(
        "#include <zephyr/kernel.h>\nint main(void)\n{\n\tk_p4wq_submit(0, 0);\n\treturn 0;\n}\n")
    with pytest.raises(BuildError) as caught:
        build(app, tmp_path / "build", load_board("lv_m4"))
    message = caught.value.message
    assert "k_p4wq_submit is Zephyr's pooled parallel work queues (k_p4wq) API" in message
    assert "main.c:4" in message and "\n" not in message
