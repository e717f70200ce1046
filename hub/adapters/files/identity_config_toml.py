"""Load identity-matching weights and thresholds from the ``[identity]`` table of a TOML file."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig, config_from_mapping


def load_match_config(path: Path | None, table: str = "identity") -> MatchConfig:
    """Defaults overridden by ``[identity]`` in ``path`` (defaults alone when path is None)."""
    if path is None:
        return DEFAULT_CONFIG
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    values = document.get(table, {})
    if not isinstance(values, dict):
        raise ValueError(f"[{table}] in {path} must be a table")
    return config_from_mapping(values)
