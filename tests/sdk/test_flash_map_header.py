"""The partition table the build generates from the boot stage's flash layout."""

from __future__ import annotations

import re

from levante.boot.layout import default_layout, partition_label
from levante.config import load_board
from levante.sdk.generate import flash_map_header


def test_partition_labels_follow_zephyrs_devicetree_names() -> None:
    assert partition_label("mcuboot") == "boot_partition"
    assert partition_label("image0_primary") == "slot0_partition"
    assert partition_label("image0_secondary") == "slot1_partition"
    assert partition_label("image1_primary") == "slot2_partition"
    assert partition_label("image1_secondary") == "slot3_partition"


def test_the_header_lists_every_partition_in_flash_order() -> None:
    layout = default_layout(load_board("lv_m4"), images=2)
    header = flash_map_header(layout)
    defined = dict(re.findall(r"^#define (LV_\w+) (\S+)$", header, re.MULTILINE))
    parts = [layout.bootloader] + [slot for image in layout.images
                                   for slot in (image.primary, image.secondary)]
    for area_id, part in enumerate(parts):
        label = partition_label(part.name)
        assert defined[f"LV_FIXED_PARTITION_{label}_ID"] == str(area_id)
        assert int(defined[f"LV_FIXED_PARTITION_{label}_OFFSET"], 16) == part.offset
        assert int(defined[f"LV_FIXED_PARTITION_{label}_SIZE"], 16) == part.size
        assert f"LV_FLASH_AREA({area_id}, {part.offset:#x}, {part.size:#x})" in header
    assert defined["LV_FLASH_AREA_COUNT"] == "5"
    assert defined["LV_FLASH_WRITE_BLOCK_SIZE"] == str(layout.write_alignment)
    # Every image slot, and only those, has its trailer's start.
    trailers = re.findall(r"LV_IMAGE_TRAILER\((\d+), (0x[0-9a-f]+)\)", header)
    assert [area_id for area_id, _ in trailers] == ["1", "2", "3", "4"]
    primary = layout.images[0].primary
    assert int(trailers[0][1], 16) == layout.trailer(primary).status_offset
