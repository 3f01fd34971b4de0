"""Handles with rights, on the registry alone: rights only shrink, a revoke reaches every
derived copy wherever it moved, tables are bounded, and no value a thread makes up
names a handle or makes the registry raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from levante.abi import ERRNO
from levante.kernel.domains import Domains
from levante.kernel.handles import (
    ALL_RIGHTS,
    RIGHTS,
    SAME_RIGHTS,
    TABLE_SIZE,
    HandleArgument,
)
from levante.kernel.objects.registry import KernelObject
from levante.kernel.thread import Thread

READ, WRITE, SIGNAL, WAIT, DUPLICATE, TRANSFER = (
    RIGHTS[name] for name in ("READ", "WRITE", "SIGNAL", "WAIT", "DUPLICATE", "TRANSFER"))
EBADF, EPERM, EINVAL, ENOSPC, ESRCH = (
    -ERRNO[name] for name in ("EBADF", "EPERM", "EINVAL", "ENOSPC", "ESRCH"))


class Sem:
    KIND = "k_sem"


def world() -> tuple[Domains, Thread, Thread, KernelObject]:
    """Two threads in two domains and one live semaphore."""
    domains = Domains()
    domains.install({"control": {"threads": ["ctl"]}, "network": {"threads": ["net"]}})
    ctl = Thread(0x1000, "ctl", 1, 0, None)
    net = Thread(0x2000, "net", 1, 0, None)
    domains.adopt(ctl, None)
    domains.adopt(net, None)
    return domains, ctl, net, KernelObject(0x3000, "k_sem", 16, state=Sem())


def test_threads_begin_in_the_manifest_domain_and_children_in_their_creator_s() -> None:
    domains, ctl, net, _ = world()
    child = Thread(0x4000, "child", 1, 0, None)
    domains.adopt(child, net)
    stray = Thread(0x5000, "stray", 1, 0, None)
    domains.adopt(stray, None)
    assert [domains.of(thread).name for thread in (ctl, net, child, stray)] == [
        "control", "network", "network", "default"]
    child.name = "ctl"  # a new name moves nothing
    assert domains.of(child).name == "network"
    assert domains.declared


def test_duplicates_keep_or_drop_rights_and_never_add_one() -> None:
    domains, ctl, _, sem = world()
    handles = domains.handles
    root = handles.create(ctl, sem, SIGNAL | WAIT | DUPLICATE)
    assert root > 0 and root & 1
    signal_only = handles.duplicate(ctl, root, SIGNAL)
    assert handles.find(ctl, signal_only).rights == SIGNAL  # type: ignore[union-attr]
    assert handles.duplicate(ctl, root, SIGNAL | WRITE) == EINVAL  # WRITE: more rights
    assert handles.duplicate(ctl, signal_only, SIGNAL) == EPERM  # no DUPLICATE right
    assert handles.duplicate(ctl, root, 1 << 20) == EINVAL  # no such right
    same = handles.duplicate(ctl, root, SAME_RIGHTS)
    assert handles.find(ctl, same).rights == SIGNAL | WAIT | DUPLICATE  # type: ignore[union-attr]
    assert handles.rights_on(ctl, sem) == SIGNAL | WAIT | DUPLICATE


def test_replace_narrows_and_makes_the_old_value_stale() -> None:
    domains, ctl, _, sem = world()
    handles = domains.handles
    old = handles.create(ctl, sem, SIGNAL | WAIT)
    assert handles.replace(ctl, old, SIGNAL | WAIT | DUPLICATE) == EINVAL
    new = handles.replace(ctl, old, SIGNAL)
    assert new != old and handles.find(ctl, old) is None
    assert handles.close(ctl, old) == EBADF
    assert handles.rights_on(ctl, sem) == SIGNAL


def test_revoke_invalidates_every_derived_copy_even_after_a_close_and_a_move() -> None:
    domains, ctl, net, sem = world()
    handles = domains.handles
    root = handles.create(ctl, sem, ALL_RIGHTS)
    middle = handles.duplicate(ctl, root, SIGNAL | DUPLICATE | TRANSFER)
    leaf = handles.duplicate(ctl, middle, SIGNAL | TRANSFER)
    sibling = handles.duplicate(ctl, root, READ)
    assert handles.close(ctl, middle) == 0  # the leaf now hangs from the root
    moved = handles.move(ctl, net, leaf)
    assert moved > 0 and handles.find(ctl, leaf) is None
    assert handles.rights_on(net, sem) == SIGNAL | TRANSFER
    assert handles.revoke(ctl, root) == 3  # root, sibling and the moved leaf
    for thread, value in ((ctl, root), (ctl, sibling), (net, moved)):
        assert handles.find(thread, value) is None
    assert handles.rights_on(net, sem) == handles.rights_on(ctl, sem) == 0
    assert domains.of(ctl).handles.count == domains.of(net).handles.count == 0


def test_revoking_a_copy_leaves_its_ancestors() -> None:
    domains, ctl, _, sem = world()
    handles = domains.handles
    root = handles.create(ctl, sem, SIGNAL | DUPLICATE)
    copy = handles.duplicate(ctl, root, SIGNAL | DUPLICATE)
    grandchild = handles.duplicate(ctl, copy, SIGNAL)
    assert handles.revoke(ctl, copy) == 2
    assert handles.find(ctl, root) is not None and handles.find(ctl, grandchild) is None
    assert handles.duplicate(ctl, root, SIGNAL) > 0


def test_move_needs_transfer_a_known_value_and_room() -> None:
    domains, ctl, net, sem = world()
    handles = domains.handles
    plain = handles.create(ctl, sem, SIGNAL)
    assert handles.move(ctl, net, plain) == EPERM
    assert handles.move(ctl, net, plain ^ 0x2000) == EBADF  # another generation
    movable = handles.create(ctl, sem, SIGNAL | TRANSFER)
    for _ in range(TABLE_SIZE):
        assert handles.create(net, sem, READ) > 0
    assert handles.create(net, sem, READ) == ENOSPC  # full: no growth
    assert handles.move(ctl, net, movable) == ENOSPC
    assert handles.find(ctl, movable) is not None  # it stayed the sender's


def test_a_value_of_another_domain_names_nothing_here() -> None:
    domains, ctl, net, sem = world()
    handles = domains.handles
    value = handles.create(ctl, sem, SIGNAL | DUPLICATE)
    assert handles.find(net, value) is None
    assert handles.duplicate(net, value, SIGNAL) == EBADF
    assert handles.revoke(net, value) == EBADF


def test_a_handle_to_a_freed_object_is_dead_not_a_name_for_the_next_one() -> None:
    domains, ctl, _, sem = world()
    handles = domains.handles
    value = handles.create(ctl, sem, SIGNAL | DUPLICATE)
    sem.state = Sem()  # freed and initialised again at the same address
    assert handles.rights_on(ctl, sem) == 0
    assert handles.duplicate(ctl, value, SIGNAL) == ESRCH
    assert HandleArgument(value, handles.find(ctl, value)).object is None
    assert handles.close(ctl, value) == 0  # a dead handle can still be closed


def test_a_slot_reused_gets_a_new_value() -> None:
    domains, ctl, _, sem = world()
    handles = domains.handles
    first = handles.create(ctl, sem, SIGNAL)
    handles.close(ctl, first)
    second = handles.create(ctl, sem, SIGNAL | WAIT)
    assert second != first and handles.find(ctl, first) is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["create", "duplicate", "replace", "close",
                                           "revoke", "move", "forge"]),
                          st.integers(0, 200), st.integers(0, (1 << 32) - 1),
                          st.booleans()), max_size=120))
def test_no_sequence_of_calls_raises_or_grows_a_table(
        steps: list[tuple[str, int, int, bool]]) -> None:
    domains, ctl, net, sem = world()
    handles = domains.handles
    held: list[tuple[Thread, int]] = []
    for operation, pick, number, other in steps:
        thread = net if other else ctl
        value = held[pick % len(held)][1] if held and operation != "forge" else number
        owner = held[pick % len(held)][0] if held and operation != "forge" else thread
        rights = number & (ALL_RIGHTS | SAME_RIGHTS)
        if operation == "create":
            result = handles.create(thread, sem, rights & ALL_RIGHTS)
        elif operation == "duplicate":
            result = handles.duplicate(owner, value, rights)
        elif operation == "replace":
            result = handles.replace(owner, value, rights)
        elif operation == "close":
            result = handles.close(owner, value)
        elif operation == "revoke":
            result = handles.revoke(owner, value)
        elif operation == "move":
            result = handles.move(owner, net if owner is ctl else ctl, value)
        else:
            result = handles.revoke(thread, number)
        if result > 0 and operation in ("create", "duplicate", "replace", "move"):
            held.append((owner if operation in ("duplicate", "replace") else
                         thread if operation == "create" else
                         (net if owner is ctl else ctl), result))
        assert result >= 0 or result in (EBADF, EPERM, EINVAL, ENOSPC, ESRCH)
    for domain in (domains.of(ctl), domains.of(net)):
        table = domain.handles
        live = table.handles()
        assert len(live) == table.count <= TABLE_SIZE
        for handle in live:  # every live handle is reachable and consistent
            assert table.lookup(handle.value) is handle
            assert handle.parent is None or handle in handle.parent.children


def test_the_c_header_s_rights_are_the_kernel_s() -> None:
    import re

    from levante.sdk.build import INCLUDE_DIR

    header = (INCLUDE_DIR / "levante" / "handle.h").read_text()
    defined = {name: int(shift) for name, shift in
               re.findall(r"#define LEVANTE_RIGHT_(\w+)\s+\(1u << (\d+)\)", header)}
    assert {name: 1 << shift for name, shift in defined.items()} == {
        **RIGHTS, "SAME_RIGHTS": SAME_RIGHTS}
    assert f"#define LEVANTE_RIGHTS_ALL      ({ALL_RIGHTS:#x}u)" in header


def test_every_call_a_right_stands_for_is_a_system_call_with_an_object_first() -> None:
    from levante.abi import SYSCALLS_BY_NAME
    from levante.kernel.handles import CALL_RIGHTS

    for name, right in CALL_RIGHTS.items():
        call = SYSCALLS_BY_NAME[name]
        assert call.parameters[0].c_type.startswith(("struct k_", "const struct device")), name
        assert not call.supervisor_only and right in RIGHTS.values(), name


def test_a_move_within_one_domain_renumbers_even_in_a_full_table() -> None:
    domains, ctl, _, sem = world()
    handles = domains.handles
    other = Thread(0x6000, "ctl2", 1, 0, None)
    domains.adopt(other, ctl)
    values = [handles.create(ctl, sem, SIGNAL | TRANSFER) for _ in range(TABLE_SIZE)]
    moved = handles.move(ctl, other, values[0])
    assert moved > 0 and moved != values[0] and handles.find(other, moved) is not None


def _snapshot(domains: Domains, *threads: Thread) -> list[list[tuple[int, int] | None]]:
    return [[None if handle is None else (handle.value, handle.rights)
             for handle in domains.of(thread).handles.slots] for thread in threads]


def test_a_message_s_handles_move_attenuated_to_what_their_slots_declare() -> None:
    domains, ctl, net, sem = world()
    handles = domains.handles
    wide = handles.create(ctl, sem, SIGNAL | WAIT | TRANSFER)
    other = handles.create(ctl, sem, READ | TRANSFER)
    moved = handles.move_all(ctl, net, [(wide, SIGNAL), (other, 0)])
    assert isinstance(moved, tuple) and len(moved) == 2
    received = [handles.find(net, value) for value in moved]
    assert [handle.rights if handle else None for handle in received] == [
        SIGNAL, READ | TRANSFER]  # declared rights, or the handle's when none declared
    assert handles.find(ctl, wide) is None and handles.find(ctl, other) is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, ALL_RIGHTS)), max_size=6),
       st.lists(st.integers(0, ALL_RIGHTS), min_size=4, max_size=4),
       st.integers(0, TABLE_SIZE), st.booleans())
def test_a_message_s_handles_all_move_or_none_does(
        picks: list[tuple[int, int]], created: list[int], filled: int,
        same_domain: bool) -> None:
    domains, ctl, net, sem = world()
    handles = domains.handles
    values = [handles.create(ctl, sem, rights) for rights in created]
    values.append(values[0] ^ 0x2000)  # a stale generation
    values.append(0)
    receiver = ctl if same_domain else net
    for _ in range(filled if not same_domain else 0):
        handles.create(net, sem, SIGNAL)
    moves = [(values[pick % len(values)], declared) for pick, declared in picks]
    before = _snapshot(domains, ctl, net)
    moved = handles.move_all(ctl, receiver, moves)
    if isinstance(moved, int):
        assert moved in (EBADF, EINVAL, EPERM, -ERRNO["EACCES"], ENOSPC)
        assert _snapshot(domains, ctl, net) == before  # nothing moved, nothing narrowed
        return
    assert len(moved) == len(moves)
    for (sent, declared), value in zip(moves, moved, strict=True):
        handle = handles.find(receiver, value)
        assert handle is not None and handles.find(ctl, sent) is None  # the old is stale
        assert not declared or handle.rights == declared


def test_a_dead_handle_moves_and_stays_dead_in_the_receiver_s_domain() -> None:
    domains, ctl, net, sem = world()
    handles = domains.handles
    value = handles.create(ctl, sem, SIGNAL | TRANSFER)
    sem.state = Sem()  # freed and initialised again: the handle is dead
    moved = handles.move_all(ctl, net, [(value, SIGNAL)])
    assert isinstance(moved, tuple)
    handle = handles.find(net, moved[0])
    assert handle is not None and not handle.live
    assert handles.rights_on(net, sem) == 0  # it stands for no permission
