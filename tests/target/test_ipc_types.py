"""Every type of the interface language through generated stubs and dispatch, on the
target: a user thread calls a supervisor server; hostile arguments to the IPC calls; a
thread without a grant on the endpoint faults."""

from __future__ import annotations

from target_support import check_results

from conftest import TARGET_TESTS, Builder

APP = TARGET_TESTS / "ipc_types"
EXPECTED = [
    "mirror_ok", "u8", "i16", "u32", "u64", "i64", "bool", "enum", "string", "bytes",
    "array", "struct", "string_cut_to_bound", "bytes_empty", "bytes_past_bound_emsgsize",
    "server_error_returned", "positive_error_einval", "forged_handle_ebadf",
    "no_handle_passes", "call_too_long_emsgsize", "call_tiny_reply_einval",
    "receive_tiny_einval", "reply_forged_token_einval", "reply_error_zero_einval",
    "empty_request_ebadmsg",
]


def test_every_type_round_trips_and_hostile_arguments_are_refused(builder: Builder) -> None:
    result = builder.run(APP)
    assert result.status == 0, result.errors
    output = "\n".join(line for line in result.output.splitlines()
                       if not line.startswith(("E:", "intruder stopped")))
    check_results(output, EXPECTED)
    # Three calls were served: mirror twice (the third never left its stub), fail twice,
    # give once (the handle-carrying one was refused before delivery).
    delivered = [event["message"] for event in result.events("ipc_delivered")]
    assert delivered == ["echo.mirror", "echo.mirror", "echo.fail", "echo.fail",
                         "echo.give"]


def test_a_thread_without_a_grant_on_the_endpoint_faults(builder: Builder) -> None:
    result = builder.run(APP)
    assert "intruder stopped: reason 3" in result.output  # K_ERR_KERNEL_OOPS
    assert "levante_ipc_endpoint access denied (EPERM)" in result.output
    assert "FAIL intruder_called" not in result.output
    faults = [event["thread"] for event in result.events("fault")]
    assert faults == ["intruder"]
