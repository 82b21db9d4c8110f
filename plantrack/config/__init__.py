"""The plan registry: ``indicators.yaml`` loaded into typed, checked models."""

from plantrack.config.loader import (
    ConfigError,
    Issue,
    config_hash,
    load_config,
    load_config_with_warnings,
)
from plantrack.config.models import Area, Indicator, Plan, Registry

__all__ = [
    "Area",
    "ConfigError",
    "Indicator",
    "Issue",
    "Plan",
    "Registry",
    "config_hash",
    "load_config",
    "load_config_with_warnings",
]
