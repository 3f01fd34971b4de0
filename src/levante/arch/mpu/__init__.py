"""MPU models: which memory views real Cortex-M protection hardware can express."""

from levante.arch.mpu.armv7m import ArmV7mMpu
from levante.arch.mpu.armv8m import ArmV8mMpu
from levante.arch.mpu.model import GRANULE, MpuError, MpuModel

__all__ = ["GRANULE", "ArmV7mMpu", "ArmV8mMpu", "MpuError", "MpuModel", "mpu_for", "mpu_model"]

# Keyed by the `mpu_model` value of a board file.
_MODELS: dict[str, type[MpuModel]] = {"armv7m": ArmV7mMpu, "armv8m": ArmV8mMpu}


def mpu_model(model: str) -> type[MpuModel]:
    """The MPU family a board's `mpu_model` names (its rules, without a region count)."""
    try:
        return _MODELS[model]
    except KeyError:
        valid = ", ".join(sorted(_MODELS))
        raise ValueError(f"unknown MPU model {model!r}; valid models: {valid}") from None


def mpu_for(model: str, region_count: int) -> MpuModel:
    """The MPU a board describes with `mpu_model` and `mpu_regions`."""
    return mpu_model(model)(region_count)
