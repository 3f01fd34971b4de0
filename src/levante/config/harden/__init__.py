"""Kconfig hardening auditor: check a .config against security rules kept as YAML data."""

from __future__ import annotations

from pathlib import Path

from levante.config.harden.database import RuleDatabase, RuleDatabaseError, load_database
from levante.config.harden.dotconfig import ConfigFileError, read_config, resolve_config_path
from levante.config.harden.evaluate import Audit, Finding, Status, audit

__all__ = [
    "Audit", "ConfigFileError", "Finding", "RuleDatabase", "RuleDatabaseError", "Status",
    "audit", "audit_path", "load_database", "read_config", "resolve_config_path",
]


def audit_path(target: Path, profile: str, database: RuleDatabase | None = None) -> Audit:
    """Audit a .config file or a build directory (Zephyr's or Levante's)."""
    rules = database if database is not None else load_database()
    rules.profile_closure(profile)  # an unknown profile is an error before any reading
    return audit(read_config(resolve_config_path(target)), rules, profile)
