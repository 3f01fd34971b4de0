"""The interface's C API (tests/target/net_if_api) on both boards: net_if state and
address changes, net_mgmt events on the net_mgmt thread, DHCPv4 start and stop; a user
thread calling these kernel functions is killed."""

from __future__ import annotations

import pytest
from target_support import check_results

from conftest import TARGET_TESTS, Builder

APP = TARGET_TESTS / "net_if_api"
EXPECTED = ["default_interface", "link_address_and_mtu", "up_on_the_default_link",
            "static_address_overridable_with_dhcp", "address_added",
            "event_on_the_net_mgmt_thread", "unusable_address_refused", "netmask_by_address",
            "gateway_set", "gateway_off_subnet_ignored", "dhcp_started_at_boot", "dhcp_stopped",
            "dhcp_started",
            "address_removed", "pton_ntop", "bad_text"]


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_interface_api_from_supervisor_code(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="5s")
    assert result.status == 0, result.errors
    check_results(result.output, EXPECTED)
    assert not result.events("fault")


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_user_threads_may_not_call_the_interface_api(builder: Builder, board: str) -> None:
    result = builder.run(APP, board=board, max_time="5s", extra=("user.conf",))
    check_results(result.output, EXPECTED, end_marker=None)
    fault = result.events("fault")[0]
    assert (fault["thread"], fault["reason"]) == ("intruder", "K_ERR_KERNEL_OOPS")
    assert "FAIL" not in result.output
