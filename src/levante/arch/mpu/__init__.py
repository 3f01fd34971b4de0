"""MPU models: which memory views real Cortex-M protection hardware can express."""

from levante.arch.mpu.armv7m import ArmV7mMpu
from levante.arch.mpu.armv8m import ArmV8mMpu
from levante.arch.mpu.model import MpuError, MpuModel

__all__ = ["ArmV7mMpu", "ArmV8mMpu", "MpuError", "MpuModel", "mpu_for"]

# Keyed by the `mpu_model` value of a board file.
_MODELS: dict[str, type[MpuModel]] = {"armv7m": ArmV7mMpu, "armv8m": ArmV8mMpu}


def mpu_for(model: str, region_count: int) -> MpuModel:
    """The MPU a board describes with `mpu_model` and `mpu_regions`."""
    try:
        model_class = _MODELS[model]
    except KeyError:
        valid = ", ".join(sorted(_MODELS))
        raise ValueError(f"unknown MPU model {model!r}; valid models: {valid}") from None
    return model_class(region_count)
