"""tls_credential_add, _get and _delete (Zephyr's <zephyr/net/tls_credentials.h>).

Who may do what, Levante's choice for a secure system (Zephyr's are plain kernel
functions, which its user threads cannot call at all):
- adding and deleting are for supervisor threads (`supervisor_only` in the ABI table):
  provisioning the device's identity is the system's business, and a user thread that
  could add a CA certificate could make any TLS socket trust an attacker;
- reading back is a system call: a user thread may read certificates and PSK
  identities, which are public, but a private key or a PSK gives it -EACCES whether or
  not it exists, so it cannot even probe for one. Supervisor threads read everything.

Zephyr's results: -EEXIST for a (tag, type) already present, -ENOMEM when the store is
full (or, here, when the credential is larger than CONFIG_TLS_CREDENTIAL_MAX_SIZE),
-ENOENT for none, -EFBIG when the caller's buffer is too small (*credlen unchanged).
An unknown type is -EINVAL. Every buffer is checked whole before anything is copied.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from levante.abi import ERRNO
from levante.abi.tls import SECRET_CREDENTIALS, TlsCredentialType
from levante.arch.interface import AccessKind
from levante.kernel.syscalls.registry import syscall

if TYPE_CHECKING:
    from levante.kernel.caller import Caller
    from levante.kernel.syscalls.context import Inspect, Services
    from levante.kernel.syscalls.registry import Plan

EINVAL, EEXIST, ENOMEM, ENOENT, EFBIG, EACCES = (
    -ERRNO[name] for name in ("EINVAL", "EEXIST", "ENOMEM", "ENOENT", "EFBIG", "EACCES"))
_SIZE_T = struct.Struct("<I")


def _known_type(kind: int) -> bool:
    return kind in TlsCredentialType.__members__.values() and kind != TlsCredentialType.NONE


def _valid_add(kernel: Inspect, caller: Caller, tag: int, kind: int, cred: int,
               credlen: int) -> int | Plan:
    store = kernel.tls_credentials
    if not _known_type(kind):
        return EINVAL
    if store.find(tag, kind) is not None:
        return EEXIST
    if store.full or credlen > store.max_size:
        return ENOMEM
    blob = kernel.memory.read(caller, cred, credlen)  # copied in: checked whole first
    return tag, kind, blob


@syscall("tls_credential_add", validate=_valid_add)
def tls_credential_add(kernel: Services, caller: Caller, tag: int, kind: int,
                       blob: bytes) -> int:
    kernel.tls_credentials.add(tag, kind, blob)
    return 0


def _valid_get(kernel: Inspect, caller: Caller, tag: int, kind: int, cred: int,
               credlen: int) -> int | Plan:
    kernel.memory.check(caller, credlen, _SIZE_T.size, AccessKind.WRITE)
    capacity = _SIZE_T.unpack(kernel.memory.read(caller, credlen, _SIZE_T.size))[0]
    if not _known_type(kind):
        return EINVAL
    if caller.is_user and kind in SECRET_CREDENTIALS:
        return EACCES  # before the lookup: a user thread learns nothing of secrets
    blob = kernel.tls_credentials.find(tag, kind)
    if blob is None:
        return ENOENT
    if len(blob) > capacity:
        return EFBIG
    kernel.memory.check(caller, cred, len(blob), AccessKind.WRITE)
    return cred, credlen, blob


@syscall("tls_credential_get", validate=_valid_get)
def tls_credential_get(kernel: Services, caller: Caller, cred: int, credlen: int,
                       blob: bytes) -> int:
    kernel.memory.write(caller, cred, blob)
    kernel.memory.write(caller, credlen, _SIZE_T.pack(len(blob)))
    return 0


def _valid_delete(kernel: Inspect, caller: Caller, tag: int, kind: int) -> int | Plan:
    if not _known_type(kind):
        return EINVAL
    if kernel.tls_credentials.find(tag, kind) is None:
        return ENOENT
    return tag, kind


@syscall("tls_credential_delete", validate=_valid_delete)
def tls_credential_delete(kernel: Services, caller: Caller, tag: int, kind: int) -> int:
    kernel.tls_credentials.delete(tag, kind)
    return 0
