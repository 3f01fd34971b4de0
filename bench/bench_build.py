"""`levante build` compiling its sources side by side (one compiler per usable core) vs
one after another, the same application (samples/hello_world) built the same way in one
run: the wall-clock time of whole builds, configuration and link included."""

from __future__ import annotations

from unittest import mock

from bench.common import BUILD, REPO, Result, best_time
from levante.config import load_board
from levante.sdk import parallel
from levante.sdk.build import build

APP = REPO / "samples" / "hello_world"


def run() -> Result:
    board = load_board("lv_m4")
    cores = parallel.usable_cores()

    def side_by_side() -> None:
        build(APP, BUILD / "build_parallel", board)

    def one_after_another() -> None:
        with mock.patch.object(parallel, "usable_cores", return_value=1):
            build(APP, BUILD / "build_serial", board)

    ours = best_time(side_by_side)
    serial = best_time(one_after_another)
    # With two cores or more the compilations (most of a build) should take about half.
    return Result(
        "build_parallel_vs_serial", ours / serial, 0.75 if cores > 1 else 1.0, False,
        f"hello_world built in {ours:.2f} s with {cores} compilers at a time vs "
        f"{serial:.2f} s one after another",
    )
