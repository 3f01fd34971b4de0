"""The suite's schedule (tests/file_order.py): the longest files first, nothing lost."""

from __future__ import annotations

from conftest import REPO
from file_order import LONGEST_FILES, longest_first


def test_every_file_named_longest_exists() -> None:
    # A renamed file would silently fall back to the collection order.
    assert [path for path in LONGEST_FILES if not (REPO / path).is_file()] == []


def test_the_longest_files_come_first_in_their_order_and_the_rest_keeps_its_own() -> None:
    second, first = LONGEST_FILES[1], LONGEST_FILES[0]
    nodeids = ["tests/a/test_x.py::one", f"{second}::b[1]", "tests/a/test_x.py::two",
               f"{first}::a", f"{second}::b[2]", "tests/z/test_y.py::three"]
    order = [nodeids[index] for index in longest_first(nodeids)]
    assert order == [f"{first}::a", f"{second}::b[1]", f"{second}::b[2]",
                     "tests/a/test_x.py::one", "tests/a/test_x.py::two",
                     "tests/z/test_y.py::three"]
