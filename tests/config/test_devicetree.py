"""The build's devicetree: the boards' DTS read with edtlib and checked by dtc, the boot
layout's partitions, Zephyr's overlay order and errors, the generated macros, twister's
dt_* filter functions, and the stimulus script's parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from levante.config import load_board
from levante.config.devicetree import FlashPartition, build_devicetree
from levante.config.kconfig import ConfigError
from levante.devices.stimulus import parse_stimulus
from levante.errors import UsageError
from levante.sdk.devicetree_header import devicetree_header, node_id
from levante.testing.dt_filters import dt_functions

PARTITIONS = [FlashPartition("boot_partition", 0, 0x10000),
              FlashPartition("slot0_partition", 0x10000, 0x20000)]


def _tree(app: Path, board: str = "lv_m4", **options: object):  # type: ignore[no-untyped-def]
    return build_devicetree(app, load_board(board), app / "out", PARTITIONS, 4096, 4,
                            **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["lv_m4", "lv_m33"])
def test_the_board_dts_states_the_memory_the_emulator_maps(tmp_path: Path, name: str) -> None:
    board = load_board(name)
    edt = _tree(tmp_path, name).edt
    sram = edt.chosen_node("zephyr,sram")
    flash = edt.chosen_node("zephyr,flash")
    assert (sram.regs[0].addr, sram.regs[0].size) == (board.sram.base, board.sram.size)
    assert (flash.regs[0].addr, flash.regs[0].size) == (board.flash.base, board.flash.size)
    cpu = edt.get_node("/cpus/cpu@0")
    assert cpu.props["clock-frequency"].val == board.clock_hz
    assert (tmp_path / "out" / "zephyr.dtb").is_file()


def test_partitions_come_from_the_layout(tmp_path: Path) -> None:
    edt = _tree(tmp_path).edt
    slot0 = edt.label2node["slot0_partition"]
    assert (slot0.regs[0].addr, slot0.regs[0].size) == (0x10000, 0x20000)
    assert edt.chosen_node("zephyr,code-partition") is slot0


def test_app_overlay_and_overlay_order(tmp_path: Path) -> None:
    (tmp_path / "app.overlay").write_text("&led0 { gpios = <&gpio0 7 0>; };\n")
    assert _tree(tmp_path).edt.label2node["led0"].props["gpios"].val[0].data["pin"] == 7
    # boards/<board>.overlay replaces app.overlay; DTC_OVERLAY_FILE replaces both.
    (tmp_path / "boards").mkdir()
    (tmp_path / "boards" / "lv_m4.overlay").write_text("&led0 { gpios = <&gpio0 5 0>; };\n")
    assert _tree(tmp_path).edt.label2node["led0"].props["gpios"].val[0].data["pin"] == 5
    chosen = tmp_path / "chosen.overlay"
    chosen.write_text("&led0 { gpios = <&gpio0 6 0>; };\n")
    extra = tmp_path / "extra.overlay"
    extra.write_text('&led0 { status = "disabled"; };\n')
    edt = _tree(tmp_path, overlays=[chosen], extra_overlays=[extra]).edt
    led0 = edt.label2node["led0"]
    assert led0.props["gpios"].val[0].data["pin"] == 6 and led0.status == "disabled"


@pytest.mark.parametrize(("text", "message"), [
    ("&no_such_label { status = \"okay\"; };", "no_such_label"),
    ("/ { broken", "devicetree"),
    ("&gpio0 { ngpios = \"many\"; };", "ngpios"),
])
def test_a_bad_overlay_is_one_line_naming_the_problem(tmp_path: Path, text: str,
                                                      message: str) -> None:
    (tmp_path / "app.overlay").write_text(text + "\n")
    with pytest.raises(ConfigError) as caught:
        _tree(tmp_path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_missing_overlay_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="overlay not found"):
        _tree(tmp_path, overlays=[tmp_path / "nope.overlay"])


def test_the_header_names_nodes_as_zephyr_does(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    led0 = tree.edt.label2node["led0"]
    assert node_id(led0) == "DT_N_S_leds_S_led_0"
    header = devicetree_header(tree)
    assert "#define DT_N_ALIAS_led0 DT_N_S_leds_S_led_0" in header
    assert "#define DT_N_S_leds_S_led_0_P_gpios_IDX_0_VAL_pin 0" in header
    assert "#define DT_N_S_buttons_S_button_0_P_gpios_IDX_0_VAL_flags 17" in header
    assert "#define DT_CHOSEN_zephyr_console DT_N_S_soc_S_uart_40000000" in header
    assert f"#define DT_N_S_leds_S_led_0_ORD {led0.dep_ordinal}" in header


def test_twister_dt_functions_read_the_tree(tmp_path: Path) -> None:
    (tmp_path / "app.overlay").write_text('&led1 { status = "disabled"; };\n')
    functions = dt_functions(_tree(tmp_path).edt)
    assert functions["dt_enabled_alias_with_parent_compat"]("led0", "gpio-leds")
    assert not functions["dt_enabled_alias_with_parent_compat"]("led1", "gpio-leds")
    assert not functions["dt_enabled_alias_with_parent_compat"]("sw0", "gpio-leds")
    assert functions["dt_compat_enabled"]("gpio-keys")
    assert not functions["dt_compat_enabled"]("nordic,nrf-uarte")
    assert functions["dt_chosen_enabled"]("zephyr,entropy")
    assert not functions["dt_chosen_enabled"]("zephyr,display")
    assert functions["dt_nodelabel_has_prop"]("gpio0", "ngpios")


def test_the_stimulus_script() -> None:
    events = parse_stimulus("# presses\n500ms press sw0\n0.6s release sw0 # up\n"
                            "1s sensor ambient_temp 21.5\n")
    assert [(e.seconds, e.action, e.target) for e in events] == [
        (0.5, "press", "sw0"), (0.6, "release", "sw0"), (1.0, "sensor", "ambient_temp")]
    assert events[2].value == 21.5
    for text, message in (("1s press", "expected"), ("x press sw0", "bad time"),
                          ("2s press sw0\n1s release sw0", "time order"),
                          ("1s sensor t warm", "bad sensor value"),
                          ("1s sensor t nan", "bad sensor value"),
                          ("1s sensor t 3e9", "bad sensor value")):
        with pytest.raises(UsageError, match=message):
            parse_stimulus(text)
