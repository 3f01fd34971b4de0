"""What a system call's stages may use of the kernel: validate reads, perform acts.

Handlers are given the kernel through these narrow types, never as `Kernel`: a validate
stage sees `Inspect`, which has no operation that changes kernel state (it may copy
user memory in, check it, look objects and threads up, and ask whether an action would
be possible), so it is pure by construction and mypy holds it to that; a perform stage
sees `Services`, the operations that act.  Neither reaches the CPU, the run loop, the
devices or the kernel's internal tables.  The Kernel class conforms to both (checked in
dispatch.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NoReturn, Protocol, TypeVar

if TYPE_CHECKING:
    from levante.arch.interface import AccessKind, Context
    from levante.image.layout import ImageLayout
    from levante.kernel.base import ConsoleSink, ConsoleSource
    from levante.kernel.caller import Blocked, Caller
    from levante.kernel.domains import Domains
    from levante.kernel.dynamic_stacks import DynamicStacks
    from levante.kernel.fatal import Oops, PendingFault
    from levante.kernel.handle_transfer import HandleTransfer
    from levante.kernel.memdomain import DomainRules, MemoryDomain, Partition
    from levante.kernel.net_port import NetworkPort
    from levante.kernel.object_records import ObjectRecords
    from levante.kernel.objects.ipc_endpoint import MessageChecking
    from levante.kernel.objects.registry import HasKind, InitState, KernelObject
    from levante.kernel.objects.socket import SocketTable
    from levante.kernel.policy import PolicyAudit, QueryPolicy
    from levante.kernel.pool import MemoryPool
    from levante.kernel.random import RandomService
    from levante.kernel.sched import Scheduler
    from levante.kernel.service_control import ServicePolicy
    from levante.kernel.settings import KernelConfig
    from levante.kernel.smp_shell import SmpShellPort
    from levante.kernel.stacks import StackProtection
    from levante.kernel.stats import StatsGroup, StatsRegistry
    from levante.kernel.thread import Thread, WaitData
    from levante.kernel.timeout import Timeout, TimeoutQueue
    from levante.kernel.tls_credentials import CredentialStore
    from levante.kernel.usage import CpuUsage
    from levante.kernel.usermem import UserBuffer
    from levante.kernel.userspace import UserSpace
    from levante.kernel.waitq import WaitQueue

T = TypeVar("T", bound="HasKind")


class MemoryQueries(Protocol):
    """A caller's memory, checked against its current rights; copying in only."""

    def check(self, caller: Caller, address: int, size: int, access: AccessKind) -> None: ...

    def check_privileged(self, caller: Caller, address: int, size: int,
                         access: AccessKind) -> None: ...

    def check_array(self, caller: Caller, address: int, count: int, element_size: int,
                    access: AccessKind) -> int: ...

    def buffer(self, caller: Caller, address: int, size: int,
               access: AccessKind) -> UserBuffer: ...

    def read(self, caller: Caller, address: int, size: int) -> bytes: ...

    def read_words(self, caller: Caller, address: int, count: int) -> tuple[int, ...]: ...

    def read_string(self, caller: Caller, address: int, limit: int) -> bytes: ...

    def kernel_read(self, address: int, size: int) -> bytes: ...


class MemoryActions(MemoryQueries, Protocol):
    """Writes too: to a caller's memory (checked again) and to the kernel's own."""

    def write(self, caller: Caller, address: int, data: bytes) -> None: ...

    def kernel_write(self, address: int, data: bytes) -> None: ...

    def kernel_write_u32(self, address: int, value: int) -> None: ...


class ObjectQueries(Protocol):
    """Kernel objects looked up and validated (Zephyr's k_object_validate)."""

    def entry(self, address: int) -> KernelObject | None: ...

    def __iter__(self) -> Iterator[KernelObject]: ...

    def validate(self, thread: Thread, address: int, kind: str | None,
                 init: InitState) -> int: ...

    def checked(self, caller: Caller, address: int, kind: str | None,
                init: InitState) -> KernelObject: ...

    def deny(self, address: int, kind: str | None, error: int) -> NoReturn: ...

    def use(self, caller: Caller, address: int, kind: type[T]) -> T: ...

    def unchecked(self, address: int, kind: type[T]) -> T: ...

    def unchecked_state(self, address: int) -> object | None: ...


class ObjectActions(ObjectQueries, Protocol):
    """Objects initialised, registered, revoked."""

    def initialise(self, caller: Caller, address: int, obj: HasKind) -> None: ...

    def register(self, address: int, obj: HasKind) -> KernelObject: ...

    def revoke(self, address: int, thread: Thread) -> KernelObject | None: ...

    def remove(self, address: int) -> None: ...

    def uninitialise_state(self, state: object) -> None: ...

    def grant_pending(self, address: int, thread_object: int) -> None: ...

    def revoke_pending(self, address: int, thread_object: int) -> None: ...


class UserSpaceQueries(Protocol):
    """Memory domains looked at, and whether a change would fit the MPU."""

    @property
    def rules(self) -> DomainRules: ...

    @property
    def domains(self) -> Mapping[int, MemoryDomain]: ...

    def read_partition(self, address: int, name: str = "") -> Partition: ...

    def fits(self, thread: Thread, partitions: list[Partition]) -> bool: ...

    def partitions_fit(self, domain: MemoryDomain, partitions: list[Partition]) -> bool: ...

    def user_view(self, thread: Thread, partitions: list[Partition] | None = None) -> object: ...

    @property
    def object_records(self) -> ObjectRecords: ...


class RandomQueries(Protocol):
    def unavailable(self, service: str) -> str | None: ...


class CredentialQueries(Protocol):
    """The TLS credential store, read only."""

    @property
    def full(self) -> bool: ...

    @property
    def max_size(self) -> int: ...

    def find(self, tag: int, kind: int) -> bytes | None: ...


class StatsQueries(Protocol):
    """The registered statistics groups, read only."""

    @property
    def full(self) -> bool: ...

    def find(self, name: str) -> StatsGroup | None: ...


class Inspect(Protocol):
    """A validate stage's kernel: it reads, checks and copies in; it changes nothing."""

    @property
    def config(self) -> KernelConfig: ...

    @property
    def image(self) -> ImageLayout: ...

    @property
    def memory(self) -> MemoryQueries: ...

    @property
    def objects(self) -> ObjectQueries: ...

    @property
    def userspace(self) -> UserSpaceQueries | None: ...

    @property
    def random(self) -> RandomQueries: ...

    @property
    def tls_credentials(self) -> CredentialQueries: ...

    @property
    def stats(self) -> StatsQueries: ...

    @property
    def smp_shell(self) -> SmpShellPort | None: ...

    @property
    def policy_audit(self) -> PolicyAudit | None:
        """The installed policy's audit buffer: its grants are asked, nothing taken."""

    @property
    def input_buffer(self) -> Sequence[int]:
        """The console input received and not yet read."""
        ...

    @property
    def device_objects(self) -> Mapping[str, Sequence[int]]:
        """The image's device objects by kind (their struct device addresses)."""
        ...

    @property
    def app_driver_kinds(self) -> Mapping[int, str]:
        """The application's driver subsystems' kinds by K_OBJ number."""
        ...

    @property
    def current(self) -> Thread: ...

    @property
    def sockets(self) -> SocketTable:
        """CONFIG_NET_SOCKETS' descriptors and the network behind them (a validate stage
        only looks them up)."""
        ...

    @property
    def dynamic_stacks(self) -> DynamicStacks:
        """CONFIG_DYNAMIC_THREAD's pool and allocated stacks."""
        ...

    def thread_at(self, address: int) -> Thread: ...

    @property
    def security_domains(self) -> Domains:
        """The security domains and their handle tables (domains.py)."""
        ...

    def threads_alive(self) -> list[Thread]: ...

    def resource_pool_of(self, caller: Caller) -> MemoryPool | None: ...

    def check_thread_creation(self, address: int, stack: int, stack_size: int,
                              priority: int, options: int, creator: Thread | None) -> None: ...


class Services(Inspect, Protocol):
    """A perform stage's kernel: the operations that act on a validated plan."""

    now: int
    idle_cycles: int
    slice_end: int | None
    input_buffer: bytearray

    @property
    def memory(self) -> MemoryActions: ...

    @property
    def objects(self) -> ObjectActions: ...

    @property
    def userspace(self) -> UserSpace | None: ...

    @property
    def random(self) -> RandomService: ...

    @property
    def tls_credentials(self) -> CredentialStore: ...

    @property
    def stats(self) -> StatsRegistry: ...

    @property
    def timeouts(self) -> TimeoutQueue: ...

    @property
    def scheduler(self) -> Scheduler: ...

    @property
    def stacks(self) -> StackProtection: ...

    @property
    def system_pool(self) -> MemoryPool | None: ...

    @property
    def console(self) -> ConsoleSink: ...

    @property
    def console_input(self) -> ConsoleSource | None: ...

    @property
    def network(self) -> NetworkPort | None: ...

    @property
    def cycles_per_tick(self) -> int: ...

    def ticks(self) -> int: ...

    def deadline_after_ticks(self, ticks: int) -> int: ...

    def ms_to_ticks(self, ms: int) -> int: ...

    def trace(self, event: str, **fields: object) -> None: ...

    @property
    def service_policy(self) -> ServicePolicy | None:
        """The services' control point's policy (kernel/service_control.py)."""

    @property
    def policy_audit(self) -> PolicyAudit | None:
        """The installed policy's audit buffer (kernel/policy.py)."""

    @property
    def query_policy(self) -> QueryPolicy | None:
        """What judges an explicit query from code (kernel/policy.py)."""

    @property
    def ipc_checker(self) -> MessageChecking | None:
        """The build's interfaces, as IPC messages are checked against them."""

    @property
    def handle_transfer(self) -> HandleTransfer | None:
        """What moves a message's handles between domains (kernel/handle_transfer.py)."""

    # Blocking and waking (blocking.py).
    def pend(self, caller: Caller, queue: WaitQueue | None, timeout_ticks: int,
             timeout_result: int, wait_data: WaitData = None,
             on_timeout: Callable[[], int | None] | None = None) -> Blocked | int: ...

    def sleep(self, thread: Thread, deadline: int | None) -> Blocked: ...

    def wake(self, thread: Thread, result: int, high: int | None = None) -> None: ...

    def fault_on_resume(self, thread: Thread, fault: PendingFault) -> None: ...

    def refusal_fault(self, context: Context | None, refused: Oops,
                      user: bool) -> PendingFault: ...

    # Scheduling (blocking.py, loop.py).
    def set_priority(self, thread: Thread, priority: int) -> None: ...

    def update_ready_queue(self, thread: Thread) -> None: ...

    def settle_usage(self) -> None:
        """Count the running thread's cycles up to now."""
        ...

    @property
    def cpu_usage(self) -> CpuUsage: ...

    @property
    def internal_timeouts(self) -> dict[int, Timeout]:
        """timeout_q.h's armed timeouts, by struct _timeout address."""
        ...

    def mirror_thread_base(self, thread: Thread) -> None:
        """Show a change of the thread's options in its struct k_thread's `base`."""
        ...

    def yield_current(self) -> None: ...

    # Threads (threads.py).
    def start_thread(self, thread: Thread) -> None: ...

    def create_thread(self, address: int, stack: int, stack_size: int, entry: int,
                      parameters: tuple[int, int, int], priority: int, options: int,
                      delay_ticks: int, name: str, creator: Thread | None = None) -> Thread: ...

    def abort_thread(self, thread: Thread) -> None: ...

    def assign_resource_pool(self, thread: Thread, pool: MemoryPool | None) -> None: ...

    def enter_user_mode(self, thread: Thread, entry: int,
                        parameters: tuple[int, ...]) -> None: ...

    def write_thread_name(self, thread: Thread) -> None: ...

    # Callbacks and the end of the system (fatal_errors.py).
    def run_callback(self, function: int, arguments: tuple[int, ...], what: str) -> None: ...

    def halt(self, reason: int) -> None: ...

    def reboot(self, cold: bool, in_isr: bool) -> None:
        """End this boot after the current call: the board starts again (loop.py)."""
        ...

    def request_stop(self) -> None:
        """End the calling thread's run after this call: who runs, or what is due, may
        have changed in a way the scheduler's bookkeeping does not show."""
        ...
