"""Builds the one C extension: the deterministic instruction clock for Unicorn."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "levante.arch.cortex_m._blockclock",
            sources=["src/levante/arch/cortex_m/_blockclock.c"],
            extra_compile_args=["-O2"],
        )
    ]
)
