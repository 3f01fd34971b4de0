"""The kernel-object table: k_object_validate's errors, oopses, permissions and orphans."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from levante.abi import ERRNO
from levante.kernel.caller import Caller
from levante.kernel.fatal import Oops
from levante.kernel.objects.mutex import Mutex
from levante.kernel.objects.registry import STACK_KIND, InitState, KernelObject, ObjectRegistry
from levante.kernel.objects.sem import Semaphore
from levante.kernel.thread import Thread

EBADF = -ERRNO["EBADF"]
EPERM = -ERRNO["EPERM"]
EINVAL = -ERRNO["EINVAL"]
EADDRINUSE = -ERRNO["EADDRINUSE"]

SEM = 0x2000_1000
MUTEX = 0x2000_1100
THREAD = 0x2000_2000
STACK = 0x2000_4000
UNKNOWN = 0x2000_9000

SEM_KIND = Semaphore.KIND
MUTEX_KIND = Mutex.KIND


def make_thread(name: str, *, user: bool, address: int = 0x2000_3000) -> Thread:
    thread = Thread(address, name, 5, 0, context=None)
    thread.user = user
    return thread


@pytest.fixture
def registry() -> ObjectRegistry:
    return ObjectRegistry()


@pytest.fixture
def user() -> Thread:
    return make_thread("user", user=True)


@pytest.fixture
def supervisor() -> Thread:
    return make_thread("supervisor", user=False)


# ---- the table ------------------------------------------------------------------------------


def test_declared_objects_are_uninitialised_and_not_counted(registry: ObjectRegistry) -> None:
    entry = registry.declare(SEM, SEM_KIND, 16)
    assert registry.entry(SEM) is entry
    assert (entry.kind, entry.size, entry.tracked, entry.dynamic) == (SEM_KIND, 16, True, False)
    assert not entry.initialised
    assert registry.unchecked_state(SEM) is None
    assert len(registry) == 0
    assert list(registry) == [entry]


def test_len_counts_only_initialised_objects(registry: ObjectRegistry) -> None:
    registry.declare(SEM, SEM_KIND, 16)
    registry.declare(MUTEX, MUTEX_KIND, 20)
    registry.register(SEM, Semaphore(0, 1))
    assert len(registry) == 1
    assert len(list(registry)) == 2


def test_remove_forgets_an_entry_and_ignores_unknown_addresses(registry: ObjectRegistry) -> None:
    registry.declare(SEM, SEM_KIND, 16)
    registry.remove(SEM)
    registry.remove(UNKNOWN)
    assert registry.entry(SEM) is None
    assert list(registry) == []


def test_iteration_is_over_a_snapshot(registry: ObjectRegistry) -> None:
    registry.declare(SEM, SEM_KIND, 16)
    registry.declare(MUTEX, MUTEX_KIND, 20)
    for entry in registry:  # removing while iterating must not raise
        registry.remove(entry.address)
    assert list(registry) == []


def test_register_of_a_declared_object_keeps_its_entry(registry: ObjectRegistry,
                                                      user: Thread) -> None:
    declared = registry.declare(SEM, SEM_KIND, 16)
    registry.grant(SEM, user)
    semaphore = Semaphore(1, 2)
    entry = registry.register(SEM, semaphore)
    assert entry is declared
    assert entry.tracked and entry.size == 16
    assert entry.permissions == {user}
    assert registry.unchecked_state(SEM) is semaphore


def test_register_of_an_unknown_address_makes_an_untracked_entry(registry: ObjectRegistry,
                                                                user: Thread) -> None:
    semaphore = Semaphore(0, 1)
    entry = registry.register(UNKNOWN, semaphore)
    assert registry.entry(UNKNOWN) is entry
    assert (entry.kind, entry.tracked, entry.state) == (SEM_KIND, False, semaphore)
    # Even a granted user thread cannot reach an object the image does not declare.
    registry.grant(UNKNOWN, user)
    assert registry.validate(user, UNKNOWN, SEM_KIND, InitState.ANY) == EBADF


def test_register_over_an_object_of_another_kind_replaces_it(registry: ObjectRegistry) -> None:
    registry.declare(MUTEX, MUTEX_KIND, 20)
    entry = registry.register(MUTEX, Semaphore(0, 1))
    assert entry.kind == SEM_KIND and not entry.tracked
    assert registry.entry(MUTEX) is entry


def test_get_returns_the_live_object_of_the_kind(registry: ObjectRegistry) -> None:
    semaphore = Semaphore(0, 1)
    registry.register(SEM, semaphore)
    assert registry.unchecked(SEM, Semaphore) is semaphore
    with pytest.raises(Oops, match="a Semaphore, expected a Mutex"):
        registry.unchecked(SEM, Mutex)
    with pytest.raises(Oops, match="not a kernel object"):
        registry.unchecked(UNKNOWN, Semaphore)
    registry.declare(MUTEX, MUTEX_KIND, 20)
    with pytest.raises(Oops, match="not a kernel object"):
        registry.unchecked(MUTEX, Mutex)  # declared but never initialised


# ---- validate -------------------------------------------------------------------------------


def test_validate_unknown_address_is_ebadf(registry: ObjectRegistry, user: Thread) -> None:
    for init in InitState:
        assert registry.validate(user, UNKNOWN, SEM_KIND, init) == EBADF
        assert registry.validate(user, UNKNOWN, None, init) == EBADF


def test_validate_wrong_kind_is_ebadf(registry: ObjectRegistry, user: Thread) -> None:
    registry.declare(SEM, SEM_KIND, 16)
    registry.grant(SEM, user)
    assert registry.validate(user, SEM, MUTEX_KIND, InitState.ANY) == EBADF
    assert registry.validate(user, SEM, SEM_KIND, InitState.ANY) == 0
    assert registry.validate(user, SEM, None, InitState.ANY) == 0  # any kind will do


def test_validate_untracked_is_ebadf_even_when_public(registry: ObjectRegistry,
                                                     user: Thread) -> None:
    entry = registry.declare(SEM, SEM_KIND, 16, tracked=False)
    entry.public = True
    assert registry.validate(user, SEM, SEM_KIND, InitState.ANY) == EBADF


def test_validate_without_permission_is_eperm(registry: ObjectRegistry, user: Thread) -> None:
    registry.declare(SEM, SEM_KIND, 16)
    registry.grant(SEM, make_thread("other", user=True))
    assert registry.validate(user, SEM, SEM_KIND, InitState.ANY) == EPERM
    registry.grant(SEM, user)
    assert registry.validate(user, SEM, SEM_KIND, InitState.ANY) == 0


def test_public_objects_need_no_permission(registry: ObjectRegistry, user: Thread) -> None:
    entry = registry.declare(SEM, SEM_KIND, 16)
    entry.public = True
    assert registry.validate(user, SEM, SEM_KIND, InitState.ANY) == 0
    assert entry.permits(user)


def test_validate_initialised_required(registry: ObjectRegistry, user: Thread) -> None:
    registry.declare(SEM, SEM_KIND, 16)
    registry.grant(SEM, user)
    assert registry.validate(user, SEM, SEM_KIND, InitState.INITIALISED) == EINVAL
    assert registry.validate(user, SEM, SEM_KIND, InitState.UNINITIALISED) == 0
    registry.register(SEM, Semaphore(0, 1))
    assert registry.validate(user, SEM, SEM_KIND, InitState.INITIALISED) == 0
    assert registry.validate(user, SEM, SEM_KIND, InitState.UNINITIALISED) == EADDRINUSE
    assert registry.validate(user, SEM, SEM_KIND, InitState.ANY) == 0


def test_validate_checks_kind_before_permission_before_init(registry: ObjectRegistry,
                                                           user: Thread) -> None:
    registry.declare(SEM, SEM_KIND, 16)  # uninitialised, no permission
    assert registry.validate(user, SEM, MUTEX_KIND, InitState.INITIALISED) == EBADF
    assert registry.validate(user, SEM, SEM_KIND, InitState.INITIALISED) == EPERM


@given(
    known=st.booleans(),
    tracked=st.booleans(),
    right_kind=st.booleans(),
    any_kind=st.booleans(),
    permitted=st.booleans(),
    public=st.booleans(),
    initialised=st.booleans(),
    init=st.sampled_from(list(InitState)),
)
def test_validate_matches_zephyr_rules(known: bool, tracked: bool, right_kind: bool,
                                      any_kind: bool, permitted: bool, public: bool,
                                      initialised: bool, init: InitState) -> None:
    registry = ObjectRegistry()
    thread = make_thread("t", user=True)
    if known:
        entry = registry.declare(SEM, SEM_KIND if right_kind else MUTEX_KIND, 16,
                                 tracked=tracked)
        entry.public = public
        if permitted:
            entry.permissions.add(thread)
        if initialised:
            entry.state = Semaphore(0, 1)
    kind = None if any_kind else SEM_KIND
    if not known or not tracked or not (right_kind or any_kind):
        expected = EBADF
    elif not (permitted or public):
        expected = EPERM
    elif init is InitState.INITIALISED and not initialised:
        expected = EINVAL
    elif init is InitState.UNINITIALISED and initialised:
        expected = EADDRINUSE
    else:
        expected = 0
    assert registry.validate(thread, SEM, kind, init) == expected


# ---- checked / use / initialise --------------------------------------------------------------


def test_checked_returns_the_entry_when_valid(registry: ObjectRegistry, user: Thread) -> None:
    entry = registry.declare(SEM, SEM_KIND, 16)
    registry.grant(SEM, user)
    assert registry.checked(user.caller, SEM, SEM_KIND, InitState.ANY) is entry


@pytest.mark.parametrize(
    ("setup", "kind", "init", "name"),
    [
        ("unknown", SEM_KIND, InitState.ANY, "EBADF"),
        ("denied", SEM_KIND, InitState.ANY, "EPERM"),
        ("granted", SEM_KIND, InitState.INITIALISED, "EINVAL"),
        ("initialised", SEM_KIND, InitState.UNINITIALISED, "EADDRINUSE"),
        ("granted", MUTEX_KIND, InitState.ANY, "EBADF"),
    ],
)
def test_checked_oopses_with_the_errno_name(registry: ObjectRegistry, user: Thread, setup: str,
                                            kind: str, init: InitState, name: str) -> None:
    if setup != "unknown":
        registry.declare(SEM, SEM_KIND, 16)
    if setup in ("granted", "initialised"):
        registry.grant(SEM, user)
    if setup == "initialised":
        registry.register(SEM, Semaphore(0, 1))
    with pytest.raises(Oops, match=f"access denied \\({name}\\)") as caught:
        registry.checked(user.caller, SEM, kind, init)
    assert f"{SEM:#x}" in caught.value.message


def test_checked_names_a_generic_kernel_object_without_kind(registry: ObjectRegistry,
                                                           user: Thread) -> None:
    with pytest.raises(Oops, match="kernel object access denied \\(EBADF\\)"):
        registry.checked(user.caller, UNKNOWN, None, InitState.ANY)


def test_use_by_a_user_needs_permission_and_initialisation(registry: ObjectRegistry,
                                                           user: Thread) -> None:
    registry.declare(SEM, SEM_KIND, 16)
    with pytest.raises(Oops, match="EPERM"):
        registry.use(user.caller, SEM, Semaphore)
    registry.grant(SEM, user)
    with pytest.raises(Oops, match="EINVAL"):
        registry.use(user.caller, SEM, Semaphore)
    semaphore = Semaphore(2, 5)
    registry.register(SEM, semaphore)
    assert registry.use(user.caller, SEM, Semaphore) is semaphore
    with pytest.raises(Oops, match="EBADF"):
        registry.use(user.caller, SEM, Mutex)


def test_use_by_a_supervisor_skips_permission_and_tracking(registry: ObjectRegistry,
                                                           supervisor: Thread) -> None:
    semaphore = Semaphore(0, 1)
    registry.register(UNKNOWN, semaphore)  # untracked, nobody has permission
    assert registry.use(supervisor.caller, UNKNOWN, Semaphore) is semaphore
    # ... but still needs a live object of the right kind.
    with pytest.raises(Oops):
        registry.use(supervisor.caller, UNKNOWN, Mutex)
    registry.declare(SEM, SEM_KIND, 16)
    with pytest.raises(Oops):
        registry.use(supervisor.caller, SEM, Semaphore)


def test_use_from_an_isr_skips_permission_checks(registry: ObjectRegistry, user: Thread) -> None:
    semaphore = Semaphore(0, 1)
    registry.declare(SEM, SEM_KIND, 16)
    registry.register(SEM, semaphore)
    isr = Caller(user, in_isr=True)
    assert not isr.is_user
    assert registry.use(isr, SEM, Semaphore) is semaphore
    with pytest.raises(Oops):
        registry.use(user.caller, SEM, Semaphore)  # the interrupted thread itself may not


def test_check_initialisable(registry: ObjectRegistry, user: Thread,
                             supervisor: Thread) -> None:
    registry.check_initialisable(supervisor.caller, UNKNOWN, Semaphore)
    registry.check_initialisable(Caller(user, in_isr=True), UNKNOWN, Semaphore)
    with pytest.raises(Oops, match="EBADF"):
        registry.check_initialisable(user.caller, UNKNOWN, Semaphore)
    registry.declare(SEM, SEM_KIND, 16)
    with pytest.raises(Oops, match="EPERM"):
        registry.check_initialisable(user.caller, SEM, Semaphore)
    registry.grant(SEM, user)
    registry.check_initialisable(user.caller, SEM, Semaphore)
    registry.register(SEM, Semaphore(0, 1))
    registry.check_initialisable(user.caller, SEM, Semaphore)  # re-initialising is allowed
    with pytest.raises(Oops, match="EBADF"):
        registry.check_initialisable(user.caller, SEM, Mutex)


def test_initialise_by_a_user(registry: ObjectRegistry, user: Thread) -> None:
    with pytest.raises(Oops, match="EBADF"):
        registry.initialise(user.caller, UNKNOWN, Semaphore(0, 1))
    assert registry.entry(UNKNOWN) is None  # nothing was created
    entry = registry.declare(SEM, SEM_KIND, 16)
    first = Semaphore(0, 1)
    with pytest.raises(Oops, match="EPERM"):
        registry.initialise(user.caller, SEM, first)
    assert entry.state is None
    registry.grant(SEM, user)
    registry.initialise(user.caller, SEM, first)
    assert entry.state is first
    second = Semaphore(3, 3)
    registry.initialise(user.caller, SEM, second)  # k_sem_init again: any state will do
    assert registry.entry(SEM) is entry and entry.state is second
    with pytest.raises(Oops, match="EBADF"):
        registry.initialise(user.caller, SEM, Mutex())
    assert entry.state is second


@pytest.mark.parametrize("in_isr", [False, True])
def test_initialise_by_a_trusted_caller_registers(registry: ObjectRegistry, in_isr: bool) -> None:
    thread = make_thread("trusted", user=in_isr)  # an ISR interrupting a user thread too
    caller = Caller(thread, in_isr=in_isr)
    semaphore = Semaphore(0, 1)
    registry.initialise(caller, UNKNOWN, semaphore)
    entry = registry.entry(UNKNOWN)
    assert entry is not None and entry.state is semaphore and not entry.tracked
    declared = registry.declare(SEM, SEM_KIND, 16)
    registry.initialise(caller, SEM, semaphore)
    assert registry.entry(SEM) is declared and declared.tracked and declared.state is semaphore


# ---- permissions -----------------------------------------------------------------------------


def test_grant_of_an_unknown_address_is_ignored(registry: ObjectRegistry, user: Thread) -> None:
    registry.grant(UNKNOWN, user)
    assert registry.entry(UNKNOWN) is None


def test_inherit_copies_permissions_except_on_the_parent_itself(registry: ObjectRegistry) -> None:
    parent = make_thread("parent", user=True, address=THREAD)
    child = make_thread("child", user=True, address=THREAD + 0x100)
    sem = registry.declare(SEM, SEM_KIND, 16)
    mutex = registry.declare(MUTEX, MUTEX_KIND, 20)
    other = registry.declare(UNKNOWN, SEM_KIND, 16)
    own = registry.declare(THREAD, Thread.KIND, 128)
    own.state = parent
    for entry in (sem, mutex, own):
        entry.permissions.add(parent)
    other.permissions.add(make_thread("stranger", user=True))
    registry.inherit(parent, child)
    assert child in sem.permissions and child in mutex.permissions
    assert child not in own.permissions
    assert child not in other.permissions
    assert parent in own.permissions  # the parent keeps all it had


def test_inherit_includes_a_thread_object_that_is_not_the_parent(
        registry: ObjectRegistry) -> None:
    parent = make_thread("parent", user=True)
    child = make_thread("child", user=True)
    sibling = make_thread("sibling", user=True)
    entry = registry.declare(THREAD, Thread.KIND, 128)
    entry.state = sibling
    entry.permissions.add(parent)
    uninitialised = registry.declare(THREAD + 0x100, Thread.KIND, 128)
    uninitialised.permissions.add(parent)
    registry.inherit(parent, child)
    assert child in entry.permissions and child in uninitialised.permissions


def test_inherit_includes_the_parents_stack_object(registry: ObjectRegistry) -> None:
    parent = make_thread("parent", user=True, address=THREAD)
    child = make_thread("child", user=True, address=THREAD + 0x100)
    own = registry.declare(THREAD, Thread.KIND, 128)
    stack = registry.declare(STACK, STACK_KIND, 1024)
    own.state = stack.state = parent  # as Kernel._track_thread leaves them
    own.permissions.add(parent)
    stack.permissions.add(parent)
    registry.inherit(parent, child)
    assert child not in own.permissions
    assert child in stack.permissions


def test_revoke_reports_only_dynamic_orphans(registry: ObjectRegistry) -> None:
    a = make_thread("a", user=True)
    b = make_thread("b", user=True)
    static = registry.declare(SEM, SEM_KIND, 16)
    dynamic = registry.declare(MUTEX, MUTEX_KIND, 20, dynamic=True)
    for entry in (static, dynamic):
        entry.permissions.update({a, b})
    assert registry.revoke(SEM, a) is None
    assert registry.revoke(SEM, b) is None
    assert static.permissions == set()
    assert registry.revoke(MUTEX, a) is None  # b still holds it
    assert a not in dynamic.permissions
    assert registry.revoke(MUTEX, b) is dynamic
    assert registry.revoke(UNKNOWN, a) is None


def test_revoke_never_orphans_a_public_object(registry: ObjectRegistry, user: Thread) -> None:
    entry = registry.declare(SEM, SEM_KIND, 16, dynamic=True)
    entry.public = True
    entry.permissions.add(user)
    assert registry.revoke(SEM, user) is None
    assert user not in entry.permissions


def test_revoke_of_a_thread_without_permission_on_a_dynamic_orphan(registry: ObjectRegistry,
                                                                  user: Thread) -> None:
    entry = registry.declare(SEM, SEM_KIND, 16, dynamic=True)
    # Nobody holds it: revoking reports it as an orphan (the caller frees it).
    assert registry.revoke(SEM, user) is entry


def test_forget_thread_drops_every_permission_and_reports_orphans(
        registry: ObjectRegistry) -> None:
    leaving = make_thread("leaving", user=True)
    staying = make_thread("staying", user=True)
    static = registry.declare(SEM, SEM_KIND, 16)
    shared = registry.declare(MUTEX, MUTEX_KIND, 20, dynamic=True)
    alone = registry.declare(UNKNOWN, SEM_KIND, 16, dynamic=True)
    untouched = registry.declare(UNKNOWN + 0x100, SEM_KIND, 16, dynamic=True)
    static.permissions.add(leaving)
    shared.permissions.update({leaving, staying})
    alone.permissions.add(leaving)
    orphans = registry.forget_thread(leaving)
    assert orphans == [alone]
    assert untouched not in orphans  # already without permissions, but not this thread's
    assert all(leaving not in entry.permissions for entry in registry)
    assert shared.permissions == {staying}


@pytest.mark.parametrize("kind", [Thread.KIND, STACK_KIND])
def test_a_live_thread_or_a_stack_in_use_is_never_an_orphan(registry: ObjectRegistry,
                                                           kind: str) -> None:
    holder = make_thread("holder", user=True)
    entry = registry.declare(THREAD, kind, 1024, dynamic=True)
    entry.state = make_thread("running", user=True)
    entry.permissions.add(holder)
    assert registry.revoke(THREAD, holder) is None
    assert not ObjectRegistry.is_orphan(entry)
    entry.permissions.add(holder)
    assert registry.forget_thread(holder) == []
    entry.state = None  # the thread exited (k_object_uninit)
    assert ObjectRegistry.is_orphan(entry)


@given(
    dynamic=st.booleans(),
    permitted=st.booleans(),
    public=st.booleans(),
    kind=st.sampled_from([SEM_KIND, MUTEX_KIND, Thread.KIND, STACK_KIND]),
    initialised=st.booleans(),
)
def test_is_orphan_rule(dynamic: bool, permitted: bool, public: bool, kind: str,
                        initialised: bool) -> None:
    entry = KernelObject(SEM, kind, 16, dynamic=dynamic, public=public)
    if permitted:
        entry.permissions.add(make_thread("p", user=True))
    if initialised:
        entry.state = object()
    in_use = kind in (Thread.KIND, STACK_KIND) and initialised
    expected = dynamic and not permitted and not public and not in_use
    assert ObjectRegistry.is_orphan(entry) is expected
