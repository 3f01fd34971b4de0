"""Benchmarks: each measures Levante against a reference run side by side in one process."""
