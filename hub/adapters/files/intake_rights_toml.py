"""The intake's per-source rights from ``hub.toml``: defaults overridden by ``[intake.allowed]``.

Format (every source optional; a source named here gets exactly this list, an empty list
means it may push nothing, a new name is a new source)::

    [intake.allowed]
    education-sen = ["SenAssessmentRequested", "SenAssessmentOutcome"]
    mis-push = ["SchoolExclusionRecorded"]

Errors name the file and the key, never guess: a misspelt event type is refused.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hub.adapters.keys.api_keys import check_source_name
from hub.config import Settings, config_path
from hub.domain.intake_rights import DEFAULT_RIGHTS, IntakeRights, IntakeRightsError


def hub_toml(settings: Settings, env: Mapping[str, str] | None = None) -> Path:
    """The file :func:`hub.config.load_settings` reads: ``$HUB_CONFIG``, else home/hub.toml."""
    return config_path(settings.home, os.environ if env is None else env)


def load_intake_rights(path: Path) -> IntakeRights:
    """The default rights, overridden by ``[intake.allowed]`` in ``path`` when it exists."""
    if not path.is_file():
        return DEFAULT_RIGHTS
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IntakeRightsError(f"{path}: {exc}") from exc
    try:
        return parse_intake_rights(document)
    except IntakeRightsError as exc:
        raise IntakeRightsError(f"{path}: {exc}") from None


def parse_intake_rights(document: Mapping[str, Any]) -> IntakeRights:
    intake = document.get("intake", {})
    if not isinstance(intake, dict):
        raise IntakeRightsError("intake: must be a table")
    allowed = intake.get("allowed", {})
    if not isinstance(allowed, dict):
        raise IntakeRightsError("intake.allowed: must be a table of source = [event types]")
    for source in allowed:
        try:
            check_source_name(source)
        except ValueError as exc:
            raise IntakeRightsError(f"intake.allowed.{source}: {exc}") from None
    try:
        return DEFAULT_RIGHTS.with_overrides(allowed)
    except IntakeRightsError as exc:
        raise IntakeRightsError(f"intake.allowed.{exc}") from None
