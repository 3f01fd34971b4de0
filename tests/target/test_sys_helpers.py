"""Bit arrays, bits at addresses, the printk hook with full and reduced integer
conversions, idling with interrupts locked, k_wakeup of a thread asleep forever and a
static variable read again after a system call, on both boards (tests/target/sys_helpers);
and CONFIG_MISRA_SANE refusing a variable-length array."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Builder, levante
from levante.testing.harness import judge_ztest

APP = Path(__file__).parent / "sys_helpers"


@pytest.mark.parametrize("board", ["lv_m4", "lv_m33"])
@pytest.mark.parametrize("extra", [(), ("reduced.conf",), ("misra.conf",)])
def test_the_helper_suite_passes(builder: Builder, board: str, extra: tuple[str, ...]) -> None:
    result = builder.run(APP, board=board, extra=extra)
    verdict = judge_ztest(result.output.splitlines())
    assert verdict.passed, result.output
    assert len(verdict.cases) == 8
    assert all(case.status == "passed" for case in verdict.cases)


def test_misra_sane_refuses_a_variable_length_array(tmp_path: Path) -> None:
    app = tmp_path / "vla"
    (app / "src").mkdir(parents=True)
    (app / "src" / "main.c").write_text(
        "#include <zephyr/kernel.h>\n"
        "int main(void) { int n = (int)k_uptime_get_32() + 1; char row[n];\n"
        "row[0] = 1; printk(\"%d\\n\", row[0]); return 0; }\n")
    (app / "prj.conf").write_text("")
    plain = levante("build", str(app), "-d", str(tmp_path / "plain"))
    assert plain.returncode == 0, plain.stderr
    (app / "prj.conf").write_text("CONFIG_MISRA_SANE=y\n")
    misra = levante("build", str(app), "-d", str(tmp_path / "misra"))
    assert misra.returncode != 0
    assert "-Werror=vla" in misra.stderr + misra.stdout
