"""The kernel's state, its console and trace, and memory on its own behalf."""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from levante.arch.interface import Cpu, MemoryView
from levante.arch.memview import FlatView, flatten
from levante.image.layout import ImageLayout
from levante.kernel.caller import Caller
from levante.kernel.debug import DebugMonitor
from levante.kernel.devices import Device, DeviceBus
from levante.kernel.domains import Domains
from levante.kernel.dynamic_stacks import POOL_SYMBOL, DynamicStacks
from levante.kernel.fatal import FaultRecord
from levante.kernel.memdomain import supervisor_view
from levante.kernel.objects.registry import ObjectRegistry
from levante.kernel.objects.socket import SocketTable
from levante.kernel.policy import (
    PolicyAudit,
    QueryPolicy,
    SyscallPolicy,
    ThreadStartPolicy,
)
from levante.kernel.pool import MemoryPool
from levante.kernel.random import RandomService
from levante.kernel.sched import Scheduler, ZephyrScheduler
from levante.kernel.service_control import ServicePolicy
from levante.kernel.settings import KernelConfig
from levante.kernel.smp_shell import SmpShellPort
from levante.kernel.stacks import StackProtection
from levante.kernel.stats import StatsRegistry
from levante.kernel.thread import Thread, ThreadState
from levante.kernel.thread_errno import ThreadErrno
from levante.kernel.thread_tls import ThreadLocalStorage
from levante.kernel.timeout import Timeout, TimeoutQueue
from levante.kernel.tls_credentials import CredentialStore
from levante.kernel.usage import CpuUsage
from levante.kernel.usermem import CallerMemory
from levante.kernel.userspace import UserSpace

if TYPE_CHECKING:
    from levante.kernel.flash_port import FlashPort
    from levante.kernel.handle_transfer import HandleTransfer
    from levante.kernel.kernel import Kernel
    from levante.kernel.net_port import NetworkPort
    from levante.kernel.objects.device import DeviceModel
    from levante.kernel.objects.ipc_endpoint import MessageChecking


TraceSink = Callable[[dict[str, Any]], None]
ConsoleSink = Callable[[bytes], None]
# Console input (the shell's): the next bytes typed or piped in, b"" once it has ended.
ConsoleSource = Callable[[], bytes]


NO_LIMIT = 1 << 62  # a run without a time limit
FAULTS_KEPT = 256  # fault records kept for inspection (tests, tools)


def _dynamic_stacks(config: KernelConfig, image: ImageLayout) -> DynamicStacks:
    """CONFIG_DYNAMIC_THREAD's pool, where the image has one."""
    count = config.dynamic_thread_pool_size
    pool = image.symbols.get(POOL_SYMBOL) if config.dynamic_thread and count else None
    if pool is None:
        return DynamicStacks()
    # Each stack of the array is rounded up to its MPU size: the array's size tells.
    return DynamicStacks(pool.address, pool.size // count, count)


class KernelState:
    """The kernel's state, its console and trace, and memory on its own behalf."""

    def __init__(
        self,
        cpu: Cpu,
        config: KernelConfig,
        image: ImageLayout,
        console: ConsoleSink,
        trace: TraceSink | None = None,
        *,
        devices: Iterable[Device] = (),
    ) -> None:
        self.cpu = cpu
        self.config = config
        self.image = image
        self.console = console
        self._trace = trace
        self.now = 0
        self.timeouts = TimeoutQueue()
        self.scheduler: Scheduler = ZephyrScheduler(config.metairq_below,
                                                    config.sched_deadline)
        self.objects = ObjectRegistry()
        # Security domains and their handle tables (domains.py, handles.py).
        self.security_domains = Domains()
        self.memory = CallerMemory(cpu, self.privileged_map)
        self._whole = cast("Kernel", self)
        self.threads: dict[int, Thread] = {}
        self.idle = Thread(0, "idle", config.preempt_priorities, 0, None)
        self.idle.state = ThreadState.READY
        self.current: Thread = self.idle
        self.slice_end: int | None = None
        self.halted_reason: int | None = None
        # sys_reboot's request (True: cold), served by the loop before anything else runs.
        self.reboot_cold: bool | None = None
        # The most recent faults (the console and the trace report every one): a thread
        # that provokes faults forever must not grow the kernel.
        self.faults: deque[FaultRecord] = deque(maxlen=FAULTS_KEPT)
        self.fault_count = 0
        self.syscall_count = 0
        self.switch_count = 0
        self.idle_cycles = 0  # cycles the CPU spent idle (k_thread_runtime_stats_all_get)
        self.cpu_usage = CpuUsage()
        self.dynamic_stacks = _dynamic_stacks(config, image)
        # timeout_q.h's timeouts armed by supervisor code, by struct _timeout address.
        self.internal_timeouts: dict[int, Timeout] = {}
        # The thread in the CPU now, and the cycle its usage was counted up to.
        self.usage_thread: Thread | None = None
        self.usage_mark = 0
        self._yielding = False
        self._run_base = 0  # time when the current cpu.run began
        self._run_costs = 0  # modelled kernel costs charged during it
        self._run_limit = 0
        # Where the current run ends: nothing the kernel runs (threads, callbacks, due
        # timeouts) may carry simulated time past it unbounded.
        self.limit = NO_LIMIT
        self._run_stop = 0
        self._in_callback = 0
        self._in_fatal_handler = False
        self._stop_requested = False
        self._end_requested = False  # the host asked the run to end (RunLoop.end_run)
        self.random = RandomService(config, None, lambda: self.now)
        self.tls_credentials = CredentialStore(config.tls_max_credentials,
                                               config.tls_credential_max_size)
        self.stats = StatsRegistry()  # <zephyr/stats/stats.h>'s registered groups
        # Console input (the shell's), from the console device when the board has one.
        self.console_input: ConsoleSource | None = None
        self.input_buffer = bytearray()
        self.monitor: list[Thread] = []  # CONFIG_THREAD_MONITOR: newest first
        # The board's flash and boot stage (None: run without them): the flash
        # controller device serves its calls through it.
        self.flash: FlashPort | None = None
        # The board's network interface (None: no CONFIG_NETWORKING), for the network
        # calls of supervisor code.
        self.network: NetworkPort | None = None
        # MCUmgr's shell group (None without it): the shell reports SMP commands' results.
        self.smp_shell: SmpShellPort | None = None
        # The board's devices; they attach when the kernel is assembled.
        self.devices = DeviceBus(devices)
        # What the board's devices serve, by register address (a GPIO controller's
        # pins, ...): boot makes the image's `struct device` of each a kernel object.
        self.device_models: dict[int, DeviceModel] = {}
        # Application-defined system calls looked up so far: (handler, name) by index.
        self.app_syscall_entries: dict[int, tuple[int, str]] = {}
        # The image's device objects by kind (their struct device addresses), in order.
        self.device_objects: dict[str, list[int]] = {}
        # The application's driver subsystems' kinds by K_OBJ number (from the image).
        self.app_driver_kinds: dict[int, str] = {}
        # Asked once per system call, after decoding and before the handler acts (None:
        # every call that passed validation is allowed, nothing is asked).
        self.policy: SyscallPolicy | None = None
        # The per-message control point's policy (kernel/service_control.py).
        self.service_policy: ServicePolicy | None = None
        # Asked before a thread first becomes ready (None: every thread starts).
        self.thread_policy: ThreadStartPolicy | None = None
        # The policy's audit buffer, for z_levante_policy_audit_read (None: no policy).
        self.policy_audit: PolicyAudit | None = None
        # What judges levante_policy_query, a query from code (None: no policy).
        self.query_policy: QueryPolicy | None = None
        # IPC (docs/ipc.md): the build's interfaces, which every message is checked
        # against (None: no interface, every call refused), and what moves the handles a
        # message carries between domains: the domains' handle registry (None: a message
        # with a handle is refused).
        self.ipc_checker: MessageChecking | None = None
        self.handle_transfer: HandleTransfer | None = self.security_domains.handles
        # A debugger attached to the run loop (kernel/debug.py); None: no debugging, and
        # the loop asks nothing.
        self.debugger: DebugMonitor | None = None
        # The system heap (HEAP_MEM_POOL_SIZE), what k_thread_system_pool_assign gives.
        self.system_pool: MemoryPool | None = None
        # CONFIG_NET_SOCKETS: descriptors, the slots behind them (found at boot) and the
        # network the board's interface attaches.
        self.sockets = SocketTable(poll_max=config.net_sockets_poll_max,
                                   descriptor_limit=config.zvfs_open_max)
        # Last, as they need the kernel whole: user mode, stack protection, the devices.
        self.userspace = UserSpace(self._whole) if config.userspace else None
        self.stacks = StackProtection(self._whole)
        self.thread_errno = ThreadErrno(self._whole)
        self.thread_tls = ThreadLocalStorage(self._whole)
        self.devices.attach_all(self._whole)

    @property
    def whole(self) -> Kernel:
        """The kernel these layers make up: what handlers and devices are given."""
        return self._whole

    @property
    def boot_over(self) -> bool:
        """This boot ends: the system halted, or sys_reboot asked for a new boot. No
        thread or callback runs any more."""
        return self.halted_reason is not None or self.reboot_cold is not None

    @property
    def tracing(self) -> bool:
        return self._trace is not None

    def trace(self, event: str, **fields: Any) -> None:
        if self._trace is not None:
            self._trace({"cycle": self.now, "event": event, **fields})

    def print(self, text: str) -> None:
        self.console(text.encode())

    def read_u32(self, address: int) -> int:
        return self.memory.kernel_read_u32(address)

    def read_i32(self, address: int) -> int:
        value: int = struct.unpack("<i", self.memory.kernel_read(address, 4))[0]
        return value

    def read_c_string(self, address: int, limit: int) -> bytes:
        data = self.memory.kernel_read(address, limit)
        end = data.find(b"\0")
        return data if end < 0 else data[:end]

    def privileged_map(self, caller: Caller) -> FlatView:
        """The MPU map the kernel's own accesses obey while it serves `caller`, flat
        (worked out once per thread: its stack guard does not move)."""
        if caller.in_isr:
            return flatten(self.supervisor_view(None))
        thread = caller.thread
        if thread.privileged_map is None:
            thread.privileged_map = flatten(self.supervisor_view(thread))
        return thread.privileged_map

    def supervisor_view(self, thread: Thread | None) -> MemoryView:
        """What a supervisor thread (or, for None, a callback) may access."""
        config = self.config
        guard = self.stacks.guard_region(thread) if thread is not None else None
        return supervisor_view(config.code_region, config.ram_region,
                               config.execute_xor_write, config.null_guard_size, guard)

    def resource_pool_of(self, caller: Caller) -> MemoryPool | None:
        """Where the kernel allocates for `caller`: its thread's resource pool, or the
        system pool for an ISR (Zephyr's z_thread_malloc)."""
        return self.system_pool if caller.in_isr else caller.thread.resource_pool

    def request_stop(self) -> None:
        """End the current thread's run after this system call (its context or view
        changed under it)."""
        self._stop_requested = True

