"""TLS Kconfig: Zephyr's names as its TLS samples set them, what is honoured, what is
refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.config import ConfigError, configure, load_board
from levante.config.kconfig import Config
from levante.kernel.settings import KernelConfig
from levante.net.tls.library import LibraryProfile

# What Zephyr's TLS samples put in their prj.conf (mqtt_publisher, http_client, ...).
SAMPLE_TLS = """
CONFIG_NETWORKING=y
CONFIG_NET_IPV4=y
CONFIG_NET_SOCKETS=y
CONFIG_NET_SOCKETS_SOCKOPT_TLS=y
CONFIG_NET_SOCKETS_ENABLE_DTLS=y
CONFIG_TLS_MAX_CREDENTIALS_NUMBER=5
CONFIG_MBEDTLS=y
CONFIG_MBEDTLS_BUILTIN=y
CONFIG_MBEDTLS_TLS_VERSION_1_2=y
CONFIG_MBEDTLS_SERVER_NAME_INDICATION=y
CONFIG_MBEDTLS_PEM_CERTIFICATE_FORMAT=y
CONFIG_MBEDTLS_SSL_MAX_CONTENT_LEN=2048
CONFIG_MBEDTLS_KEY_EXCHANGE_RSA_ENABLED=n
"""


def configure_text(tmp_path: Path, text: str) -> Config:
    app = tmp_path / "app"
    app.mkdir(exist_ok=True)
    (app / "prj.conf").write_text(text)
    return configure(app, load_board("lv_m4"), tmp_path / "build", [])


def test_a_tls_sample_configuration_is_accepted_and_honoured(tmp_path: Path) -> None:
    config = configure_text(tmp_path, SAMPLE_TLS)
    assert config.is_enabled("TLS_CREDENTIALS")  # selected by the socket option
    settings = KernelConfig.from_config(config)
    assert settings.tls_credentials and settings.tls_max_credentials == 5
    assert settings.is_enabled("TLS_CREDENTIALS")
    profile = LibraryProfile.from_config(config)
    assert profile.max_content_len == 2048
    assert profile.disabled_key_exchanges == {"RSA"}
    assert not profile.allows("TLS-RSA-WITH-AES-128-GCM-SHA256")
    assert profile.allows("TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256")


def test_without_tls_the_credential_calls_are_off(tmp_path: Path) -> None:
    settings = KernelConfig.from_config(configure_text(tmp_path, ""))
    assert not settings.is_enabled("TLS_CREDENTIALS")


@pytest.mark.parametrize("line", ["CONFIG_MBEDTLS_SERVER_NAME_INDICATION=n",
                                  "CONFIG_TLS_MAX_CREDENTIALS_NUMBER=65",
                                  "CONFIG_MBEDTLS_SSL_DTLS_CONNECTION_ID=y",
                                  "CONFIG_TLS_CREDENTIAL_FILENAMES=y",
                                  "CONFIG_MBEDTLS_ECP_C=y"])
def test_what_levante_cannot_honour_is_refused(tmp_path: Path, line: str) -> None:
    with pytest.raises(ConfigError) as refused:
        configure_text(tmp_path, SAMPLE_TLS + line + "\n")
    assert line.split("=")[0] in str(refused.value)


@pytest.mark.parametrize("line", ["CONFIG_MBEDTLS_ECP_C=y",
                                  "CONFIG_MBEDTLS_SSL_DTLS_CONNECTION_ID=y"])
def test_refusals_say_what_is_missing(tmp_path: Path, line: str) -> None:
    with pytest.raises(ConfigError) as refused:
        configure_text(tmp_path, SAMPLE_TLS + line + "\n")
    assert "not provided by Levante" in str(refused.value)


def test_tls_socket_options_need_the_socket_layer(tmp_path: Path) -> None:
    # As in Zephyr, where the option sits inside NET_SOCKETS' menu: without the socket
    # layer the assignment lapses, with a warning.
    app = tmp_path / "app"
    app.mkdir()
    (app / "prj.conf").write_text("CONFIG_NETWORKING=y\nCONFIG_NET_SOCKETS_SOCKOPT_TLS=y\n")
    warnings: list[str] = []
    config = configure(app, load_board("lv_m4"), tmp_path / "build", [], warnings.append)
    assert not config.is_enabled("NET_SOCKETS_SOCKOPT_TLS")
    assert len(warnings) == 1 and "depends on NET_SOCKETS" in warnings[0], warnings
