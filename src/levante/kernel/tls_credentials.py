"""The kernel's TLS credential store (Zephyr's tls_credentials volatile backend).

Zephyr's volatile backend keeps a pointer to the application's buffer; here the bytes
are copied into the kernel when added, so no thread can change a credential after the
fact, and the store is bounded: CONFIG_TLS_MAX_CREDENTIALS_NUMBER entries of at most
CONFIG_TLS_CREDENTIAL_MAX_SIZE bytes each. Entries are unique by (tag, type).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from levante.abi.tls import TlsCredentialType


@dataclass
class CredentialStore:
    capacity: int
    max_size: int
    _entries: dict[tuple[int, int], bytes] = field(default_factory=dict)

    def find(self, tag: int, kind: int) -> bytes | None:
        return self._entries.get((tag, kind))

    @property
    def full(self) -> bool:
        return len(self._entries) >= self.capacity

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, tag: int, kind: int, blob: bytes) -> None:
        """Only after `find` and `full` said it may: a refused add changes nothing."""
        self._entries[(tag, kind)] = bytes(blob)

    def delete(self, tag: int, kind: int) -> None:
        self._entries.pop((tag, kind), None)

    def lookup(self, tag: int, kind: TlsCredentialType) -> bytes | None:
        """A TLS session's view (levante.net.tls.CredentialLookup)."""
        return self.find(tag, int(kind))

    def tags(self) -> list[int]:
        return sorted({tag for tag, _ in self._entries})
