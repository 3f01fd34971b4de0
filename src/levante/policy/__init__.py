"""Levante's policy engine: its language, compiler, verdicts and tools (docs/policy.md)."""
