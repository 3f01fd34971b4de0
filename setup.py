"""Builds the C extensions for Unicorn: the deterministic instruction clock and the
granule guard that enforces memory views at the MPU's 32-byte granule."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "levante.arch.cortex_m._blockclock",
            sources=["src/levante/arch/cortex_m/_blockclock.c"],
            extra_compile_args=["-O2"],
        ),
        Extension(
            "levante.arch.cortex_m._granules",
            sources=["src/levante/arch/cortex_m/_granules.c"],
            extra_compile_args=["-O2"],
        ),
    ]
)
