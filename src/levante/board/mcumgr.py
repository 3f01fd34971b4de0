"""The board's MCUmgr service from the build's CONFIG_MCUMGR_*: the SMP server on the
network interface's UDP port and on the console, over the board's flash layout."""

from __future__ import annotations

from levante.boot.layout import FlashLayout, partition_label
from levante.config import Config
from levante.devices.smp import SmpService, SmpTransports
from levante.kernel.flash_port import FlashPartitionInfo
from levante.net.stack import NetworkStack
from levante.services.smp.server import SmpSettings
from levante.services.smp.target import ImageSlotsInfo


def smp_service(config: Config, layout: FlashLayout | None,
                stack: NetworkStack | None) -> SmpService | None:
    """The service of a build with CONFIG_MCUMGR, or None."""
    if not config.is_enabled("MCUMGR"):
        return None
    os_group = config.is_enabled("MCUMGR_GRP_OS")
    settings = SmpSettings(
        buffer_size=config.get_int("MCUMGR_TRANSPORT_NETBUF_SIZE"),
        buffer_count=config.get_int("MCUMGR_TRANSPORT_NETBUF_COUNT"),
        image_group=config.is_enabled("MCUMGR_GRP_IMG") and layout is not None,
        os_group=os_group,
        task_stats=os_group and config.is_enabled("MCUMGR_GRP_OS_TASKSTAT"),
        stat_group=config.is_enabled("MCUMGR_GRP_STAT"),
        stat_name_length=config.get_int("MCUMGR_GRP_STAT_MAX_NAME_LEN")
        if config.is_enabled("MCUMGR_GRP_STAT") else 32,
        shell_group=config.is_enabled("MCUMGR_GRP_SHELL"),
        reset_delay_ms=config.get_int("MCUMGR_GRP_OS_RESET_MS") if os_group else 0)
    udp = config.is_enabled("MCUMGR_TRANSPORT_UDP")
    # The shell transport is the same framing among the shell's console lines.
    serial = config.is_enabled("MCUMGR_TRANSPORT_UART") or \
        config.is_enabled("MCUMGR_TRANSPORT_SHELL")
    transports = SmpTransports(
        config.get_int("MCUMGR_TRANSPORT_UDP_PORT") if udp else None, serial,
        config.get_int("MCUMGR_TRANSPORT_UART_MTU") if serial else 127,
        udp and config.is_enabled("MCUMGR_TRANSPORT_UDP_IPV4"),
        udp and config.is_enabled("MCUMGR_TRANSPORT_UDP_IPV6"))
    slots = None
    if layout is not None:
        image = layout.images[0]
        primary, secondary = (FlashPartitionInfo(partition_label(part.name), part.offset,
                                                 part.size, part is image.secondary)
                              for part in (image.primary, image.secondary))
        slots = ImageSlotsInfo(primary, secondary, layout.max_image_size(0),
                               config.is_enabled("MCUBOOT_DOWNGRADE_PREVENTION"))
    return SmpService(settings, transports, slots, stack)
