"""Kernel API semantics on the target: each application prints PASS/FAIL lines.

Every expected check is listed here, so a check that silently stops running fails the
test as surely as a FAIL line.  Trace assertions then pin down how the kernel got there.
"""

from __future__ import annotations

import pytest
from target_support import check_results, cycles_per_tick

from conftest import TARGET_TESTS, Builder, RunResult
from levante.kernel import costs

EXPECTED: dict[str, list[str]] = {
    "api_sem": [
        "take_empty_no_wait_ebusy", "count_after_two_gives", "take_available",
        "take_available_with_timeout", "count_after_takes",
        "take_timeout_eagain", "take_timeout_ticks", "take_timeout_not_early",
        "take_timeout_not_late",
        "limit_caps_count", "limit_take_1", "limit_take_2", "limit_take_3_ebusy",
        "init_limit_zero_einval", "init_count_over_limit_einval", "init_ok", "init_count",
        "reset_zeroes_count", "waiters_pending", "reset_wakes_waiter_0_eagain",
        "reset_wakes_waiter_1_eagain", "reset_waiter_0_exited", "reset_waiter_1_exited",
        "waiters_priority_then_fifo", "order_sem_count_zero",
    ],
    "api_mutex": [
        "lock_1", "lock_2_recursive", "lock_3_recursive", "unlock_3", "unlock_2", "unlock_1",
        "unlock_unlocked_einval", "init", "runtime_lock", "runtime_unlock",
        "unlock_by_non_owner_eperm", "lock_owned_no_wait_ebusy", "owner_still_unlocks",
        "owner_base_priority", "owner_boosted_by_timed_waiter", "timed_waiter_eagain",
        "owner_restored_after_waiter_timeout", "waiter_blocked",
        "owner_boosted_to_waiter_priority", "waiter_priority_unchanged", "owner_ran_boosted",
        "owner_restored_after_unlock", "waiter_got_mutex", "waiter_priority_own",
        "waiter_preempts_on_unlock",
    ],
    "api_msgq": [
        "empty_free", "empty_used", "get_empty_no_wait_enomsg", "peek_empty_enomsg",
        "put_1", "put_2", "put_3", "full_free", "full_used", "put_full_no_wait_enomsg",
        "peek_ok", "peek_oldest", "peek_keeps_message", "get_fifo_1", "get_fifo_1_result",
        "get_fifo_2", "put_after_get", "get_fifo_3", "get_fifo_4", "drained_used",
        "purge_used", "purge_free", "get_after_purge_enomsg",
        "put_full_timeout_eagain", "put_full_timeout_ticks", "get_empty_timeout_eagain",
        "get_empty_timeout_ticks",
        "sender_blocked", "get_wakes_sender_value", "blocked_put_returns_0",
        "blocked_message_queued", "order_after_blocked_put_1", "order_after_blocked_put_2",
        "order_after_blocked_put_3", "receiver_blocked", "put_to_waiting_receiver",
        "blocked_get_returns_0", "blocked_get_message", "handed_over_not_queued",
        "purge_wakes_sender_enomsg", "purged_sender_not_queued",
    ],
    "api_events": [
        "initially_clear", "post_returns_previous_0", "post_returns_previous_under_its_events",
        "post_accumulates", "set_returns_previous", "set_replaces",
        "set_masked_returns_previous", "set_masked_only_mask_bits",
        "clear_returns_previous_under_mask",
        "clear_leaves_others", "clear_all",
        "wait_any_returns_matched", "wait_any_no_match_0", "wait_all_partial_0",
        "wait_all_complete", "wait_does_not_consume", "wait_for_nothing_0",
        "wait_for_nothing_keeps_events", "wait_reset_then_no_match", "wait_reset_cleared_all",
        "wait_all_reset_then_no_match", "wait_all_reset_cleared_all",
        "wait_any_timeout_0", "wait_any_timeout_ticks", "wait_all_timeout_0",
        "wait_all_timeout_ticks",
        "any_waiter_blocked", "any_waiter_not_woken_by_other_bits",
        "any_waiter_gets_matched_bits", "all_waiter_not_woken_by_part",
        "all_waiter_gets_all_bits", "set_wakes_waiter",
    ],
    "api_threads": [
        "create_returns_tid", "k_forever_not_started", "join_unstarted_no_wait_ebusy",
        "started_waits_for_more_important_main", "join_after_exit", "started_runs",
        "join_dead_no_wait", "join_self_edeadlk", "join_live_no_wait_ebusy",
        "join_live_timeout_eagain", "join_timeout_ticks", "join_aborted",
        "delayed_not_yet", "delayed_started",
        "worker_counting", "suspended_does_not_run", "resumed_runs", "abort_then_join",
        "main_priority", "priority_set_self", "less_important_waits", "priority_set_preempts",
        "more_important_preempts_at_create",
        "yield_alternates_equals", "yield_skips_less_important",
        "less_important_runs_when_main_blocks",
        "coop_not_preempted_at_create", "coop_not_preempted_by_ready_thread",
        "coop_yield_runs_more_important",
        "wakeup_returns_remaining_ms", "wakeup_early", "sleep_full_returns_0",
        "no_slicing_runs_to_completion", "slicing_all_iterations", "slicing_b_before_a_4th",
        "slicing_interleaves", "slicing_ceiling_exempts",
        "main_name", "name_set", "name_get", "name_copy", "name_copy_text",
        "name_copy_too_small_enospc", "name_set_long", "name_truncated", "name_set_self",
        "name_self",
        "sleep_returns_0", "sleep_10ms_uptime_delta", "sleep_10ms_not_early",
        "sleep_10ms_within_a_tick", "uptime_ms_matches_ticks",
    ],
}

BOARDS = ["lv_m4", "lv_m33"]
ERRNO = {"EPERM": 1, "EAGAIN": 11, "EBUSY": 16, "EINVAL": 22, "ENOSPC": 28, "ENOMSG": 35,
         "EDEADLK": 45}


def _run(builder: Builder, app: str, board: str = "lv_m4") -> RunResult:
    return builder.run(TARGET_TESTS / app, board=board)


def _results(result: RunResult, call: str, thread: str = "main") -> list[object]:
    return [event["result"] for event in result.events("syscall")
            if event["call"] == call and event["thread"] == thread]


@pytest.fixture(scope="module")
def runs(builder: Builder) -> dict[tuple[str, str], RunResult]:
    return {}


def _cached(runs: dict[tuple[str, str], RunResult], builder: Builder, app: str,
            board: str = "lv_m4") -> RunResult:
    if (app, board) not in runs:
        runs[(app, board)] = _run(builder, app, board)
    return runs[(app, board)]


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("app", sorted(EXPECTED))
def test_api_checks_pass(app: str, board: str, builder: Builder,
                         runs: dict[tuple[str, str], RunResult]) -> None:
    result = _cached(runs, builder, app, board)
    assert result.status == 0, result.errors
    check_results(result.output, EXPECTED[app])
    assert result.events("fault") == []
    assert result.events("halt") == []
    assert result.events("thread_exit")[-1]["thread"] == "main"


def test_sem_trace(builder: Builder, runs: dict[tuple[str, str], RunResult]) -> None:
    result = _cached(runs, builder, "api_sem")
    takes = _results(result, "k_sem_take")
    assert takes[0] == -ERRNO["EBUSY"]
    assert "blocked" in takes  # the timed take
    assert _results(result, "k_sem_count_get")[:1] == [2]
    # The timed take ends on a tick boundary: tick 0 + 1 + 7 (it starts within tick 0).
    cpt = cycles_per_tick(builder.build(TARGET_TESTS / "api_sem"))
    timeouts = result.events("timeout")
    assert [event["thread"] for event in timeouts] == ["main"]
    assert timeouts[0]["cycle"] == 8 * cpt


def test_mutex_trace(builder: Builder, runs: dict[tuple[str, str], RunResult]) -> None:
    result = _cached(runs, builder, "api_mutex")
    assert -ERRNO["EINVAL"] in _results(result, "k_mutex_unlock")
    unlocks_by_others = [event["result"] for event in result.events("syscall")
                         if event["call"] == "k_mutex_unlock" and event["thread"] != "main"]
    assert -ERRNO["EPERM"] in unlocks_by_others
    # Exactly one wait timed out: the waiter that gave up on the boosted owner.
    assert len(result.events("timeout")) == 1
    assert result.events("timeout")[0]["thread"] != "main"


def test_msgq_trace(builder: Builder, runs: dict[tuple[str, str], RunResult]) -> None:
    result = _cached(runs, builder, "api_msgq")
    gets = _results(result, "k_msgq_get")
    assert gets[0] == -ERRNO["ENOMSG"]
    assert _results(result, "k_msgq_peek")[0] == -ERRNO["ENOMSG"]
    assert -ERRNO["ENOMSG"] in _results(result, "k_msgq_put")
    assert [event["thread"] for event in result.events("timeout")] == ["main", "main"]


def test_events_trace(builder: Builder, runs: dict[tuple[str, str], RunResult]) -> None:
    result = _cached(runs, builder, "api_events")
    assert _results(result, "k_event_post")[:2] == [0, 0]
    assert _results(result, "k_event_set")[0] == 0x5
    assert [event["thread"] for event in result.events("timeout")] == ["main", "main"]
    # The blocking waiters were woken by posts, not by timeouts.
    waits = [event for event in result.events("syscall")
             if event["call"].startswith("k_event_wait") and event["thread"] != "main"]
    assert [event["result"] for event in waits] == ["blocked"] * 3


def test_threads_trace(builder: Builder, runs: dict[tuple[str, str], RunResult]) -> None:
    result = _cached(runs, builder, "api_threads")
    joins = _results(result, "k_thread_join")
    assert -ERRNO["EDEADLK"] in joins
    assert -ERRNO["EBUSY"] in joins
    assert -ERRNO["ENOSPC"] in _results(result, "k_thread_name_copy")
    # Time slicing: only the 3 ms phase ends slices, alternately for the two workers,
    # each a full slice after the switch that started it.
    cpt = cycles_per_tick(builder.build(TARGET_TESTS / "api_threads"))
    slice_ends = result.events("slice_end")
    assert len(slice_ends) >= 5
    names = [event["thread"] for event in slice_ends]
    assert all(a != b for a, b in zip(names, names[1:], strict=False))
    gaps = {b["cycle"] - a["cycle"] for a, b in zip(slice_ends, slice_ends[1:], strict=False)}
    assert gaps == {3 * cpt + costs.CONTEXT_SWITCH_CYCLES}
    # The renamed thread carries its new name in the trace.
    assert any(event["thread"] == "main-renamed" for event in result.events("syscall"))
