"""The TLS credential calls under the mock CPU: Zephyr's results, the store's bounds,
validation that changes nothing, and what a user thread may read."""

from __future__ import annotations

from mock_cpu import K_FOREVER, Args, MockSystem, Script, call
from stage_checks import validation_checked

from levante.abi import ERRNO, THREAD_OPTIONS
from levante.abi.tls import TlsCredentialType

CA, KEY, PSK_ID = (int(TlsCredentialType.CA_CERTIFICATE), int(TlsCredentialType.PRIVATE_KEY),
                   int(TlsCredentialType.PSK_ID))


def _system() -> MockSystem:
    return MockSystem(userspace=True, tls_credentials=True, tls_max_credentials=3,
                      tls_credential_max_size=32)


def test_supervisor_calls_follow_zephyr_and_validation_changes_nothing() -> None:
    system = _system()
    buffer, length = system.ram(64), system.ram(4)
    system.cpu.write_memory(buffer, b"certificate-bytes")
    results: list[object] = []

    def main(_: Args) -> Script:
        for step in (
            call("tls_credential_add", 1, CA, buffer, 17),
            call("tls_credential_add", 1, CA, buffer, 17),  # EEXIST
            call("tls_credential_add", 2, KEY, buffer, 33),  # over the size: ENOMEM
            call("tls_credential_add", 2, KEY, buffer, 32),
            call("tls_credential_add", 3, PSK_ID, buffer, 3),
            call("tls_credential_add", 4, PSK_ID, buffer, 3),  # full: ENOMEM
            call("tls_credential_add", 4, 0, buffer, 3),  # TLS_CREDENTIAL_NONE: EINVAL
            call("tls_credential_get", 9, CA, buffer, length),  # ENOENT
            call("tls_credential_delete", 3, PSK_ID),
            call("tls_credential_delete", 3, PSK_ID),  # ENOENT
        ):
            results.append((yield step))
        system.cpu.write_memory(length, (5).to_bytes(4, "little"))
        results.append((yield call("tls_credential_get", 1, CA, buffer, length)))  # EFBIG

    system.main(main)
    with validation_checked(system) as validated:
        system.run()
    e = {name: -ERRNO[name] for name in ("EEXIST", "ENOMEM", "EINVAL", "ENOENT", "EFBIG")}
    assert results == [0, e["EEXIST"], e["ENOMEM"], 0, 0, e["ENOMEM"], e["EINVAL"],
                       e["ENOENT"], 0, e["ENOENT"], e["EFBIG"]]
    assert {"tls_credential_add", "tls_credential_get", "tls_credential_delete"} <= set(
        validated)
    store = system.kernel.tls_credentials
    assert store.find(1, CA) == b"certificate-bytes" and len(store) == 2
    assert int.from_bytes(system.cpu.read_memory(length, 4), "little") == 5  # unchanged


def test_a_user_thread_reads_certificates_but_never_keys() -> None:
    system = _system()
    results: list[object] = []
    cells: dict[str, int] = {}

    def user(_: Args) -> Script:
        buffer, length = cells["buffer"], cells["length"]
        system.cpu.write_memory(length, (32).to_bytes(4, "little"))
        results.append((yield call("tls_credential_get", 1, CA, buffer, length)))
        results.append((yield call("tls_credential_get", 2, KEY, buffer, length)))
        results.append((yield call("tls_credential_get", 8, KEY, buffer, length)))

    tid = system.thread("user", user, 5, options=THREAD_OPTIONS["K_USER"])
    stack = system.thread_named("user").stack_start
    cells.update(buffer=stack + 64, length=stack + 128)
    system.kernel.tls_credentials.add(1, CA, b"public")
    system.kernel.tls_credentials.add(2, KEY, b"secret")

    def main(_: Args) -> Script:
        yield call("k_sleep", K_FOREVER)

    system.main(main)
    system.run()
    assert tid
    eacces = -ERRNO["EACCES"]
    assert results == [0, eacces, eacces]
    assert system.cpu.read_memory(cells["buffer"], 6) == b"public"
