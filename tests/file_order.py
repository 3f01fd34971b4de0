"""The order pytest-xdist hands out the suite's files: the longest first.

Under `--dist loadfile` a file is one unit of work, and a worker that takes a long one
near the end keeps the run going alone while the others wait. xdist's own order (the
files with the most tests first) puts the slowest files, which hold few tests each, last
of all. Here the files known to take longest (each about a minute or more of one
worker, most of it a device idling in wall-clock time or many runs of one build) start
first, and the rest follow in collection order.
"""

from __future__ import annotations

from collections.abc import Sequence

# Longest first; paths as in a test's node id (from the repository's root).
LONGEST_FILES = (
    "tests/samples/test_coap_update.py",
    "tests/net/test_tap_hostile.py",
    "tests/codecs/test_fuzz_smoke.py",
    "tests/samples/test_http_update_power_cut.py",
    "tests/samples/test_door_controller_attack.py",
    "tests/net/test_user_gateway6_e2e.py",
    "tests/net/test_tap_echo.py",
    "tests/codecs/test_mqtt_publish_fast_path.py",
)


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def longest_first(nodeids: Sequence[str]) -> list[int]:
    """The positions of `nodeids` in the order to run them: the tests of LONGEST_FILES
    first, in that order, then the others; within a file, the order they came in."""
    rank = {path: index for index, path in enumerate(LONGEST_FILES)}
    return sorted(range(len(nodeids)),
                  key=lambda index: rank.get(file_of(nodeids[index]), len(rank)))
