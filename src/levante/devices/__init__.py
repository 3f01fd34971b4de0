"""The board's peripherals as kernel devices (the kernel's Device protocol)."""
