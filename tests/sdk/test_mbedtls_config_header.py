"""<mbedtls/ssl_ciphersuites.h> answers what Zephyr applications ask of it (the
mqtt_publisher sample's test_certs.h): which key exchanges the kernel's mbedTLS offers
this image, from its CONFIG_MBEDTLS_KEY_EXCHANGE_* symbols; without CONFIG_MBEDTLS,
none."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import levante

TLS = ("CONFIG_NETWORKING=y\nCONFIG_NET_IPV4=y\nCONFIG_NET_TCP=y\nCONFIG_NET_SOCKETS=y\n"
       "CONFIG_NET_SOCKETS_SOCKOPT_TLS=y\nCONFIG_MBEDTLS=y\n")
NO_PSK = "".join(f"CONFIG_MBEDTLS_KEY_EXCHANGE_{name}_ENABLED=n\n"
                 for name in ("PSK", "DHE_PSK", "ECDHE_PSK", "RSA_PSK"))
MACROS = ("MBEDTLS_X509_CRT_PARSE_C", "MBEDTLS_KEY_EXCHANGE_SOME_PSK_ENABLED",
          "MBEDTLS_KEY_EXCHANGE_PSK_ENABLED", "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED")


@pytest.mark.parametrize(("prj", "defined"), [
    (TLS, set(MACROS)),
    (TLS + NO_PSK, {"MBEDTLS_X509_CRT_PARSE_C", "MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED"}),
    ("CONFIG_PRINTK=y\n", set()),
], ids=["every exchange", "no PSK exchange", "no mbedTLS"])
def test_the_macros_follow_the_image_configuration(tmp_path: Path, prj: str,
                                                   defined: set[str]) -> None:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / "prj.conf").write_text(prj)
    checks = "".join(
        f"#if{'n' if macro in defined else ''}def {macro}\n#error \"{macro}\"\n#endif\n"
        for macro in MACROS)
    (app / "src" / "main.c").write_text("#include <mbedtls/ssl_ciphersuites.h>\n" + checks
                                        + "int main(void) { return 0; }\n")
    result = levante("build", str(app), "-d", str(tmp_path / "build"))
    assert result.returncode == 0, result.stderr
