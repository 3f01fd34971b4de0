"""The virtual sensor's driver API on both boards (tests/target/sensor): default readings
in Zephyr's units and struct sensor_value form, the XYZ channels, -ENOTSUP and -ENODATA,
thresholds, THRESHOLD and DATA_READY triggers fired by the stimulus script (handlers in
interrupt context), floats in printk, and the grant a user thread needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder

APP = Path(__file__).parent / "sensor"
STIMULUS = APP / "stimulus.txt"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
def test_the_sensor_api(builder: Builder, board: str) -> None:
    result = builder.run(APP, "--stimulus", str(STIMULUS), board=board)
    lines = result.output.splitlines()
    assert "ready 1 name sensor@40040000" in lines
    assert "before fetch: -61" in lines  # -ENODATA: nothing sampled yet
    assert "ambient 21.0 (21, 0)" in lines
    assert "pressure 101325 milli-kPa" in lines
    assert "gravity 1 g" in lines
    assert "co2: -134" in lines and "sampling frequency: -134" in lines  # -ENOTSUP
    assert "upper threshold 23.5" in lines
    assert "trigger: 0 0" in lines
    # The script's readings: above the upper threshold, below the lower one; each
    # crossing runs the handler once, in interrupt context, at the script's time.
    assert "threshold crossed at 100 ms: 24.25 (in isr 1)" in lines
    assert "threshold crossed at 200 ms: 18.50 (in isr 1)" in lines
    assert "accel -1.50 0.00 9.81 (x: -1, -500000)" in lines
    assert "device_sensor access denied (EPERM)" in result.output
    assert "user read without a grant" not in result.output
    assert lines[-1] == "done"
    assert [event["value"] for event in result.events("sensor")] == [24.25, 18.5, -1.5]


def test_a_stimulus_for_a_channel_the_sensor_lacks_is_refused(builder: Builder,
                                                              tmp_path: Path) -> None:
    script = tmp_path / "bad.txt"
    script.write_text("1s sensor co2 400\n")
    result = builder.run(APP, "--stimulus", str(script))
    assert result.status == 2
    assert "no sensor channel 'co2'" in result.errors
