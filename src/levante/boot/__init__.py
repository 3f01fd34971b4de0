"""Verified boot and updates, compatible with MCUboot: flash model, image format, signing,
slots and swaps, anti-rollback counters, and the boot stage itself (see docs/boot.md)."""

from levante.boot.bootloader import (
    BoardFlash,
    BootedImage,
    BootPolicy,
    BootResult,
    BootStage,
    boot_request_upgrade,
    boot_write_img_confirmed,
)
from levante.boot.flash import FaultInjector, FlashError, NorFlash, PowerCut
from levante.boot.image import ImageInvalid, ImageVersion, NotAnImage
from levante.boot.keyring import (
    SigningKey,
    TrustedKey,
    development_signing_key,
    signing_key_from_config,
    trusted_keys_from_config,
)
from levante.boot.layout import FlashLayout, ImageSlots, Partition, default_layout
from levante.boot.signing import SignOptions, sign_image
from levante.boot.validate import VerifiedImage, validate_image

__all__ = [
    "BoardFlash", "BootPolicy", "BootResult", "BootStage", "BootedImage", "FaultInjector",
    "FlashError", "FlashLayout", "ImageInvalid", "ImageSlots", "ImageVersion", "NorFlash",
    "NotAnImage", "Partition", "PowerCut", "SignOptions", "SigningKey", "TrustedKey",
    "VerifiedImage", "boot_request_upgrade", "boot_write_img_confirmed", "default_layout",
    "development_signing_key", "sign_image", "signing_key_from_config",
    "trusted_keys_from_config", "validate_image",
]
