"""Checks on the system-call stages while a mock system runs: every validate stage
changes nothing (no memory written, no kernel state changed), whatever it is asked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mock_cpu import MockSystem

from levante.kernel.kernel import Kernel
from levante.kernel.syscalls import dispatch
from levante.kernel.waitq import WaitQueue

_PLAIN = (int, str, bytes, bool, float, type(None))
# Memos filled on first use (a thread's flattened privileged map), not state.
_MEMOS = frozenset({"privileged_map"})


def _value(value: object) -> object:
    """A comparable picture of one attribute: plain values as they are, a wait queue as
    the threads in it, anything else by identity (its own fields are pictured apart)."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, WaitQueue):
        return tuple(id(thread) for thread in value.threads())
    return id(value)


def _fields(item: object) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((name, _value(field)) for name, field in vars(item).items()
                        if name not in _MEMOS))


def fingerprint(kernel: Kernel) -> tuple[Any, ...]:
    """Everything a system call could change in the kernel, as comparable values."""
    objects = tuple(
        (entry.address, entry.kind, entry.public, entry.size,
         tuple(sorted(id(thread) for thread in entry.permissions)),
         _fields(entry.state) if entry.state is not None else None)
        for entry in kernel.objects)
    threads = tuple((address, _fields(thread)) for address, thread in kernel.threads.items())
    userspace = kernel.userspace
    domains: tuple[Any, ...] = ()
    slots: tuple[int, ...] = ()
    if userspace is not None:
        domains = tuple((address, tuple(domain.partitions),
                         tuple(sorted(id(thread) for thread in domain.threads)))
                        for address, domain in userspace.domains.items())
        slots = tuple(userspace._free_slots)
    pools = {id(thread.resource_pool): thread.resource_pool.used
             for thread in kernel.threads.values() if thread.resource_pool is not None}
    if kernel.system_pool is not None:
        pools[id(kernel.system_pool)] = kernel.system_pool.used
    return (kernel.now, objects, threads, domains, slots, tuple(sorted(pools.items())),
            len(kernel.timeouts), kernel.random.entropy_bytes_read, kernel.current.address,
            len(kernel.objects.awaiting_free), bytes(kernel.input_buffer),
            tuple(sorted((number, id(sock))
                         for number, sock in kernel.sockets.by_descriptor.items())),
            tuple(sorted(kernel.tls_credentials._entries.items())),
            tuple(kernel.stats.groups()))


@contextmanager
def validation_checked(system: MockSystem) -> Iterator[list[str]]:
    """While inside, every validate stage run is checked to change nothing; yields the
    names of the calls validated (so that a test can see the checks ran)."""
    cpu = system.cpu
    writes: list[int] = []
    validated: list[str] = []
    write_memory = cpu.write_memory

    def recorded_write(address: int, data: bytes) -> None:
        writes.append(address)
        write_memory(address, data)

    originals = {}
    for entry in dispatch.TABLE.values():
        validate = entry.validate
        if validate is None:
            continue
        originals[entry] = validate

        def checked(k: Kernel, caller: Any, *arguments: object, _validate: Any = validate,
                    _name: str = entry.call.name) -> object:
            before, written = fingerprint(k), len(writes)
            try:
                return _validate(k, caller, *arguments)
            finally:
                validated.append(_name)
                assert len(writes) == written, f"{_name}: its validation wrote memory"
                assert fingerprint(k) == before, f"{_name}: its validation changed the kernel"

        object.__setattr__(entry, "validate", checked)  # the table is frozen
    cpu.write_memory = recorded_write  # type: ignore[method-assign]
    try:
        yield validated
    finally:
        for entry, validate in originals.items():
            object.__setattr__(entry, "validate", validate)
        cpu.write_memory = write_memory  # type: ignore[method-assign]
