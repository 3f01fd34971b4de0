"""Levante: a secure real-time OS for Cortex-M with a Python kernel and real ARM applications."""

__version__ = "0.1.0"
