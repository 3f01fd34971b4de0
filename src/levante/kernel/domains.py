"""Security domains: named sets of threads, each with its handle table, that the policy judges by.

An application declares its domains in `domains.toml` next to `prj.conf` (compiled at
build time into the build folder's `domains.json`) and with `LEVANTE_DOMAIN_DEFINE` in
C (<levante/domain.h>).  Every thread belongs to exactly one domain: the image's own
threads to the domain the manifest names them in (or `default`), every other thread to
its creator's, until a supervisor places it elsewhere with `levante_domain_add_thread`
before it starts.  A thread's name plays no part in its domain once it exists, so
renaming a thread never moves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from levante.kernel.handles import MAX_DOMAIN_INDEX, HandleRegistry, HandleTable

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from levante.kernel.memdomain import MemoryDomain
    from levante.kernel.thread import Thread

DEFAULT_DOMAIN = "default"  # where a thread no declaration places begins
MAX_DOMAINS = MAX_DOMAIN_INDEX + 1  # a handle value has five bits for its domain


@dataclass(eq=False)
class SecurityDomain:
    """One domain: its name, its index (in its handles' values), the address of its
    `struct levante_domain` (0 when only the manifest declares it), its threads and
    its handle table."""

    name: str
    index: int
    address: int = 0
    threads: set[Thread] = field(default_factory=set)
    handles: HandleTable = field(init=False)
    # Its memory: the partitions the manifest names (K_APPMEM_PARTITION_DEFINE), made
    # into a memory domain at boot that the image's threads of the domain begin in.
    partitions: tuple[str, ...] = ()
    memory: MemoryDomain | None = None

    def __post_init__(self) -> None:
        self.handles = HandleTable(self)


class DomainError(ValueError):
    """A declaration the kernel cannot honour (too many domains, a clash)."""


class Domains:
    """Every domain of the system, the initial placement of the image's threads, and
    the handle registry over their tables."""

    def __init__(self) -> None:
        self.by_name: dict[str, SecurityDomain] = {}
        self.by_address: dict[int, SecurityDomain] = {}
        self.initial: dict[str, str] = {}  # an image thread's name -> its domain's
        self.default = self.declare(DEFAULT_DOMAIN)
        self.handles = HandleRegistry(lambda thread: self.of(thread).handles)

    @property
    def declared(self) -> bool:
        """Whether the application declared domains (beyond the default one): the
        policy's `from DOMAIN` then means the kernel's domain of that name."""
        return len(self.by_name) > 1 or self.default.address != 0

    def declare(self, name: str, address: int = 0) -> SecurityDomain:
        """The domain `name`, made on first declaration; `address` ties it to its
        C definition."""
        domain = self.by_name.get(name)
        if domain is None:
            if len(self.by_name) >= MAX_DOMAINS:
                raise DomainError(f"more than {MAX_DOMAINS} security domains")
            domain = SecurityDomain(name, len(self.by_name))
            self.by_name[name] = domain
        if address:
            if domain.address not in (0, address):
                raise DomainError(f"domain {name!r} is defined twice")
            domain.address = address
            self.by_address[address] = domain
        return domain

    def install(self, manifest: Mapping[str, Mapping[str, Iterable[str]]]) -> None:
        """A compiled manifest: each domain, the image threads that begin in it and the
        partitions of its memory."""
        for name, body in manifest.items():
            domain = self.declare(name)
            domain.partitions = tuple(body.get("partitions", ()))
            for thread in body.get("threads", ()):
                self.initial[thread] = name

    def of(self, thread: Thread) -> SecurityDomain:
        """`thread`'s domain (the default one for a thread never placed, such as idle)."""
        domain: SecurityDomain | None = thread.security_domain
        return domain if domain is not None else self.default

    def domain_for(self, thread: Thread, creator: Thread | None) -> SecurityDomain:
        """A new thread's domain: its creator's, or for the image's own threads the
        manifest's (by the name it is defined with), else the default."""
        if creator is not None:
            return self.of(creator)
        return self.by_name.get(self.initial.get(thread.name, ""), self.default)

    def adopt(self, thread: Thread, creator: Thread | None) -> SecurityDomain:
        domain = self.domain_for(thread, creator)
        self.place(thread, domain)
        return domain

    def place(self, thread: Thread, domain: SecurityDomain) -> None:
        old: SecurityDomain | None = thread.security_domain
        if old is not None:
            old.threads.discard(thread)
        thread.security_domain = domain
        domain.threads.add(thread)

    def release(self, thread: Thread) -> None:
        """A thread exited: it leaves its domain (the domain and its handles stay, the
        other threads of the domain hold them too)."""
        self.of(thread).threads.discard(thread)
