"""Red-team findings against object lifetimes, revocation, run limits and fault reasons.

Each test states, in its docstring, a minimal reproduction and the outcome Zephyr (or
Levante's own invariants, /work/shared/DESIGN.md) requires; each runs on both system-call
paths (stop events, and the inline path of the Unicorn backend) where that matters.
"""

from __future__ import annotations

import pytest
from mock_cpu import (
    K_FOREVER,
    Args,
    MockSystem,
    Script,
    call,
    returning_fatal_handler,
    run,
)

from levante.abi import ERRNO, KERNEL_OBJECT_TYPES, THREAD_OPTIONS
from levante.image.layout import Symbol
from levante.kernel.kernel import RunEnd
from levante.kernel.objects.registry import STACK_KIND
from levante.kernel.objects.timer import Timer

K_USER = THREAD_OPTIONS["K_USER"]
K_ESSENTIAL = THREAD_OPTIONS["K_ESSENTIAL"]
K_OBJ_TIMER = KERNEL_OBJECT_TYPES["K_OBJ_TIMER"]
K_OBJ_SEM = KERNEL_OBJECT_TYPES["K_OBJ_SEM"]
OOPS = "K_ERR_KERNEL_OOPS"
PATHS = pytest.mark.parametrize("inline", [False, True], ids=["stop-events", "inline"])


class RanPastTheLimit(AssertionError):
    """Raised from inside a script when simulated time is far past the run's limit:
    without it the kernel would never return and the test would hang."""


def _fault_list(system: MockSystem) -> list[tuple[str, str, str]]:
    return [(e["thread"], e["reason"], e["description"]) for e in system.events("fault")]


def _track(system: MockSystem, address: int) -> None:
    """Make a static thread's object one user threads can be granted (as the image's
    object table does for K_THREAD_DEFINE threads on a real build)."""
    entry = system.kernel.objects.entry(address)
    assert entry is not None
    entry.tracked = True


# ---- 1. a running timer freed under its expiry -----------------------------------------------


@PATHS
def test_a_released_running_timer_never_expires_on_freed_memory(inline: bool) -> None:
    """HIGH: a user thread halts the system (and the kernel uses a freed object).

    Reproduction: main allocates a dynamic k_timer (k_object_alloc(K_OBJ_TIMER)),
    k_timer_init's it with an expiry function that uses its argument as Zephyr code does
    (k_timer_user_data_get(timer)), starts it periodic, grants it to a user thread and
    drops its own right (k_object_release).  The user thread calls
    k_object_release(timer): the last permission goes, the kernel frees the object
    (userspace.free_object: memory zeroed, back to the pool, entry removed) but leaves
    its timeout armed.  The next expiry runs the ISR with the freed address (here already
    handed to the user again as a k_sem): k_timer_user_data_get oopses in ISR context and
    the whole system halts.

    Secure outcome: a timer object is never freed while it is armed, or freeing stops
    it; an expiry only ever sees a live k_timer; a user thread cannot halt the system."""
    holder: dict[str, int] = {}
    stale: list[int] = []

    def expiry(args: Args) -> Script:
        entry = system.kernel.objects.entry(args[0])
        if entry is None or not isinstance(entry.state, Timer):
            stale.append(system.kernel.now)
        yield call("k_timer_user_data_get", args[0])

    def user(_: Args) -> Script:
        yield call("k_sleep", 5)  # the timer expires a few times
        yield call("k_object_release", holder["timer"])
        holder["sem"] = yield call("k_object_alloc", K_OBJ_SEM)  # reuses the block
        yield call("k_sleep", 20)

    def main(_: Args) -> Script:
        yield call("k_thread_system_pool_assign", 0)
        yield call("k_thread_system_pool_assign", holder["user"])
        timer = yield call("k_object_alloc", K_OBJ_TIMER)
        holder["timer"] = timer
        yield call("k_timer_init", timer, holder["expiry"], 0)
        yield call("k_timer_start", timer, 1, 1)
        yield call("k_object_access_grant", timer, holder["user"])
        yield call("k_object_release", timer)

    system = MockSystem(inline_svcs=inline, userspace=True, dynamic_objects=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("user", user, priority=2, options=K_USER)
    system.main(main)
    system.extra_symbols["z_kernel_pool"] = Symbol(system.ram(1024, align=1024), 1024)
    holder["expiry"] = system.function(expiry, "expiry")
    holder["user"] = system.thread_named("user").address
    end = system.run(until=400_000)
    assert stale == [], f"expiry ran on a freed timer at cycles {stale[:3]}"
    assert system.kernel.halted_reason is None, _fault_list(system)
    assert end is not RunEnd.HALTED


# ---- 2. --max-time must end every run ----------------------------------------------------------


@PATHS
def test_a_timer_whose_expiry_outlasts_its_period_does_not_defeat_the_run_limit(
        inline: bool) -> None:
    """MEDIUM: a user thread makes `levante run --max-time` never return.

    Reproduction: a user thread granted a (static) timer whose expiry function takes
    1.5 ticks calls k_timer_start(timer, K_TICKS(1), K_TICKS(1)).  Every expiry re-arms
    the timer one period after the previous deadline, which is already in the past, so
    RunLoop._fire_due_timeouts pops it again at once: it loops forever, never returning
    to run(), which is the only place the limit is checked.  (Simulated time runs away:
    30 M cycles for a 200 k limit before this test stops it.)

    Secure outcome: run(until) returns (TIME_LIMIT) close to the limit whatever the
    timers do; time limits are the simulator's guarantee, even under an interrupt storm."""
    holder: dict[str, int] = {}
    limit = 200_000

    def expiry(_: Args) -> Script:
        if system.kernel.now > 10 * limit:
            raise RanPastTheLimit(f"still expiring at cycle {system.kernel.now}, "
                                  f"the run's limit was {limit}")
        yield run(15_000)  # 1.5 ticks of work in the ISR

    def user(_: Args) -> Script:
        yield call("k_timer_start", holder["timer"], 1, 1)
        yield call("k_sleep", K_FOREVER)

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", holder["timer"], holder["user"])

    system = MockSystem(inline_svcs=inline, userspace=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("user", user, priority=2, options=K_USER)
    system.main(main)
    holder["timer"] = system.timer(expiry)
    holder["user"] = system.thread_named("user").address
    end = system.run(until=limit)
    assert end is RunEnd.TIME_LIMIT
    assert system.kernel.now < 2 * limit


@PATHS
def test_a_fatal_handler_that_spins_does_not_defeat_the_run_limit(inline: bool) -> None:
    """MEDIUM: any user thread makes `levante run --max-time` never return.

    Reproduction: the application's k_sys_fatal_error_handler ends in `for (;;) { }`
    (a common custom handler; the device is meant to stop there).  A user thread
    executes `svc #2` (k_oops).  FatalErrors._run_callback runs the handler with
    cpu.run(context, 1 << 40) and loops on BUDGET while the system is not halted,
    ignoring the run's limit: the run never ends.

    Secure outcome: run(until) returns at the limit; a spinning handler is a hung
    device, not a hung simulator."""
    limit = 100_000
    spins = [0]

    def spinning_handler(_: Args) -> Script:
        while True:
            spins[0] += 1
            if spins[0] * 1_000 > 50 * limit:
                raise RanPastTheLimit(f"the fatal handler spun {spins[0] * 1000} cycles; "
                                      f"the run's limit was {limit}")
            yield run(1_000)

    def user(_: Args) -> Script:
        yield ("svc", 2, 3)

    system = MockSystem(inline_svcs=inline, userspace=True)
    system.fatal_handler(spinning_handler)
    system.thread("user", user, priority=2, options=K_USER)
    end = system.run(until=limit)
    assert end is RunEnd.TIME_LIMIT


# ---- 3. revocation faults only a thread that lost what it waits on ----------------------------


@PATHS
def test_revoking_a_right_on_a_public_object_does_not_fault_its_waiter(inline: bool) -> None:
    """LOW-MEDIUM: a supervisor's revoke kills a user thread that still has access.

    Reproduction: the semaphore is public (k_object_access_all_grant); a user thread
    blocks in k_sem_take(sem, K_FOREVER); main calls k_object_access_revoke(sem, user)
    (the user never had a personal right; or had one: it makes no difference to a
    public object, which every thread may use).  object_calls.k_object_access_revoke
    only asks whether the thread waits on the object and faults it on resume
    ("access denied (EPERM) (revoked while blocked)"), though validation would still
    pass.

    Secure outcome (Zephyr: k_object_access_revoke clears one bit; a public object
    stays usable): the waiter is not faulted and takes the semaphore when it is given."""
    holder: dict[str, int] = {}
    taken: list[int] = []

    def waiter(_: Args) -> Script:
        taken.append((yield call("k_sem_take", holder["sem"], K_FOREVER)))
        yield call("k_sleep", K_FOREVER)  # not z_thread_entry's exit: no thread objects here

    def main(_: Args) -> Script:
        yield call("k_object_access_all_grant", holder["sem"])
        yield call("k_sleep", 1)  # the waiter blocks
        yield call("k_object_access_revoke", holder["sem"], holder["waiter"])
        yield call("k_sem_give", holder["sem"])

    system = MockSystem(inline_svcs=inline, userspace=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("waiter", waiter, priority=2, options=K_USER)
    system.main(main)
    holder["sem"] = system.sem(0, 1)
    holder["waiter"] = system.thread_named("waiter").address
    system.run(until=1_000_000)
    assert _fault_list(system) == []
    assert taken == [0]


@PATHS
def test_revoking_a_right_on_a_thread_does_not_fault_a_thread_sharing_its_wait(
        inline: bool) -> None:
    """LOW-MEDIUM: revoke faults a thread for an object it is not waiting on.

    Reproduction: user thread W has rights on the semaphore and on thread O's object;
    W and O (a supervisor worker) both block in k_sem_take(sem, K_FOREVER).  main calls
    k_object_access_revoke(O, W).  waitq.is_waiting_on(W, O) compares W.waiting_on with
    every attribute of the Thread O, which include O.waiting_on: the semaphore's wait
    queue they share.  W is faulted "k_thread access denied (EPERM) (revoked while
    blocked)" although it never waited on O (a join would).

    Secure outcome: W keeps waiting on the semaphore and takes it when given."""
    holder: dict[str, int] = {}
    taken: list[int] = []

    def waiter(_: Args) -> Script:
        taken.append((yield call("k_sem_take", holder["sem"], K_FOREVER)))
        yield call("k_sleep", K_FOREVER)  # not z_thread_entry's exit: no thread objects here

    def other(_: Args) -> Script:
        yield call("k_sem_take", holder["sem"], K_FOREVER)

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", holder["sem"], holder["waiter"])
        yield call("k_object_access_grant", holder["other"], holder["waiter"])
        yield call("k_sleep", 1)  # both block on the semaphore
        yield call("k_object_access_revoke", holder["other"], holder["waiter"])
        yield call("k_sem_give", holder["sem"])
        yield call("k_sem_give", holder["sem"])

    system = MockSystem(inline_svcs=inline, userspace=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("waiter", waiter, priority=2, options=K_USER)
    system.thread("other", other, priority=3)
    system.main(main)
    holder["sem"] = system.sem(0, 2)
    holder["waiter"] = system.thread_named("waiter").address
    holder["other"] = system.thread_named("other").address
    system.run(until=1_000_000)
    assert _fault_list(system) == []
    assert taken == [0]


# ---- 4. what a user thread's refused call reports ----------------------------------------------


@PATHS
def test_a_user_thread_aborting_an_essential_thread_gets_an_oops(inline: bool) -> None:
    """LOW-MEDIUM: a user thread gets itself reported as a K_ERR_KERNEL_PANIC.

    Reproduction: a user thread with a right on an essential thread's object calls
    k_thread_abort(essential).  thread_calls.k_thread_abort raises
    Oops(..., K_ERR_KERNEL_PANIC) whoever the caller is, so the user thread's fault and
    the reason given to k_sys_fatal_error_handler is KERNEL_PANIC: user mode is meant
    to raise only OOPS or STACK_CHK_FAIL (fatal.user_raisable_reason), and a handler
    that halts on a panic (the usual policy) lets any such user thread halt the system.

    Secure outcome (Zephyr's z_vrfy_k_thread_abort: K_OOPS(K_SYSCALL_VERIFY_MSG(
    !essential, ...))): the user thread faults with K_ERR_KERNEL_OOPS; the essential
    thread lives on."""
    holder: dict[str, int] = {}

    def user(_: Args) -> Script:
        yield call("k_thread_abort", holder["essential"])

    def essential(_: Args) -> Script:
        yield call("k_sleep", K_FOREVER)

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", holder["essential"], holder["user"])

    system = MockSystem(inline_svcs=inline, userspace=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("user", user, priority=2, options=K_USER, delay_ms=10)
    system.thread("essential", essential, priority=3, options=K_ESSENTIAL)
    system.main(main)
    holder["user"] = system.thread_named("user").address
    holder["essential"] = system.thread_named("essential").address
    _track(system, holder["essential"])
    system.run(until=1_000_000)
    faults = _fault_list(system)
    assert [(thread, reason) for thread, reason, _ in faults] == [("user", OOPS)], faults
    assert system.thread_named("essential").is_alive()


# ---- 5. k_msgq_cleanup with a blocked sender -----------------------------------------------------


@PATHS
def test_cleanup_of_a_queue_with_a_blocked_sender_is_refused(inline: bool) -> None:
    """LOW: k_msgq_cleanup frees the ring of a queue a sender is still blocked on.

    Reproduction: main k_msgq_alloc_init's a 1-message queue from its pool and grants it
    to a user thread, which fills it and blocks in k_msgq_put(q, msg, K_FOREVER).  main
    calls k_msgq_cleanup(q): msgq_calls.k_msgq_cleanup looks only at receivers, so it
    returns 0, releases the ring and uninitialises the queue; the sender stays PENDING on
    a queue nothing can reach (and revocation can no longer see it waiting).

    Secure outcome (Zephyr: one wait queue for both, `CHECKIF(z_waitq_head(&msgq->wait_q)
    != NULL) return -EBUSY`): -EBUSY, the ring and the queue stay."""
    holder: dict[str, int] = {}
    results: list[object] = []

    def sender(_: Args) -> Script:
        yield call("k_msgq_put", holder["queue"], holder["message"], 0)
        yield call("k_msgq_put", holder["queue"], holder["message"], K_FOREVER)

    def main(_: Args) -> Script:
        yield call("k_thread_system_pool_assign", 0)
        yield call("k_msgq_alloc_init", holder["queue"], 4, 1)
        yield call("k_object_access_grant", holder["queue"], holder["sender"])
        yield call("k_sleep", 1)  # the sender fills the queue and blocks
        results.append((yield call("k_msgq_cleanup", holder["queue"])))
        results.append(system.kernel.system_pool.used if system.kernel.system_pool else -1)

    system = MockSystem(inline_svcs=inline, userspace=True, dynamic_objects=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("sender", sender, priority=2, options=K_USER)
    system.main(main)
    system.extra_symbols["z_kernel_pool"] = Symbol(system.ram(1024, align=1024), 1024)
    holder["queue"] = system.ram(24)
    holder["message"] = system.string("ABC")
    kernel = system.boot()
    kernel.objects.declare(holder["queue"], "k_msgq", 24)  # `struct k_msgq queue;`
    holder["sender"] = system.thread_named("sender").address
    system.run(until=1_000_000)
    assert results == [-ERRNO["EBUSY"], 4]


# ---- 6. kernel memory a user thread can grow ---------------------------------------------------


def test_faults_a_user_thread_provokes_do_not_grow_the_kernel_without_bound() -> None:
    """LOW: unbounded host memory: every fault is kept forever in Kernel.faults.

    Reproduction: a user thread holding a k_thread object and a stack object loops
    `k_thread_create(child, K_USER) ; k_thread_join(child, K_FOREVER)` where the child
    executes `svc #2`.  FatalErrors.fatal_error appends a FaultRecord per fault to
    `kernel.faults`, which nothing reads or trims: ~800 records per simulated second at
    1 MHz here, ~50 000/s at a 64 MHz board clock, for as long as the run lasts.

    Secure outcome (Zephyr keeps no history; the report goes to the console and the
    trace): what the kernel retains per fault is bounded (here: at most 4096 records
    after ~16 000 faults)."""
    holder: dict[str, int] = {}

    def child(_: Args) -> Script:
        yield ("svc", 2, 3)

    def parent(_: Args) -> Script:
        while True:
            yield call("k_thread_create", holder["thread"], holder["stack"], 256,
                       holder["child"], 0, 0, 0, 5, K_USER, 0)
            yield call("k_thread_join", holder["thread"], K_FOREVER)

    def main(_: Args) -> Script:
        yield call("k_object_access_grant", holder["thread"], holder["parent"])
        yield call("k_object_access_grant", holder["stack"], holder["parent"])

    system = MockSystem(userspace=True)
    system.fatal_handler(returning_fatal_handler)
    system.thread("parent", parent, priority=2, options=K_USER)
    system.main(main)
    holder["child"] = system.function(child, "child")
    holder["thread"] = system.ram(64)
    holder["stack"] = system.ram(256, align=256)
    kernel = system.boot(trace=False)
    kernel.objects.declare(holder["thread"], "k_thread", 64)
    kernel.objects.declare(holder["stack"], STACK_KIND, 256)
    holder["parent"] = system.thread_named("parent").address
    system.run(until=20_000_000)
    provoked = system.console.count(b"Kernel oops")
    assert provoked > 10_000
    assert len(kernel.faults) <= 4096, f"{len(kernel.faults)} fault records kept"


