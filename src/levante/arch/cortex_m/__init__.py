"""ARM Cortex-M over the Unicorn emulator."""
