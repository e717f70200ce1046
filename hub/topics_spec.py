"""The declared Kafka topics: ``topics.yaml`` loaded into frozen, validated models.

The file has ``defaults`` (applied to every topic that omits a field) and a ``topics`` list.
A non-empty namespace prefixes every name with ``"<namespace>."`` so tests (or a second
environment on one cluster) get private topics. Errors name the file, the topic and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAX_TOPIC_NAME = 249
_LEGAL_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_DEFAULTABLE = ("partitions", "replication_factor", "cleanup_policy")


class TopicsSpecError(ValueError):
    """``topics.yaml`` is missing or invalid."""


class TopicSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_TOPIC_NAME)
    partitions: int = Field(ge=1, strict=True)
    replication_factor: int = Field(ge=1, strict=True)
    cleanup_policy: Literal["delete", "compact", "compact,delete"] = "delete"
    retention_ms: int | None = Field(default=None, ge=-1, strict=True)
    key: str = Field(min_length=1)
    value: tuple[str, ...] = Field(min_length=1)
    flow: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _legal_name(cls, name: str) -> str:
        if not _LEGAL_NAME.match(name) or name in {".", ".."}:
            raise ValueError("only ASCII letters, digits, '.', '_' and '-' are allowed")
        return name

    @property
    def configs(self) -> dict[str, str]:
        """The topic-level configs this spec sets (omitted retention: the broker default)."""
        configs: dict[str, str] = {"cleanup.policy": self.cleanup_policy}
        if self.retention_ms is not None:
            configs["retention.ms"] = str(self.retention_ms)
        return configs


class _Defaults(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    partitions: int = Field(default=1, ge=1, strict=True)
    replication_factor: int = Field(default=1, ge=1, strict=True)
    cleanup_policy: Literal["delete", "compact", "compact,delete"] = "delete"


def load_topic_specs(path: Path, namespace: str = "") -> tuple[TopicSpec, ...]:
    """Load, validate and (optionally) namespace every topic declared in ``path``."""
    document = _read_yaml(path)
    defaults = _parse_defaults(path, document.get("defaults") or {})
    entries = document.get("topics")
    if not isinstance(entries, list) or not entries:
        raise TopicsSpecError(f"{path}: 'topics' must be a non-empty list of topics")
    prefix = _prefix(path, namespace)
    specs = tuple(
        _parse_topic(path, index, entry, defaults, prefix) for index, entry in enumerate(entries, 1)
    )
    _check_unique(path, specs)
    return specs


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TopicsSpecError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise TopicsSpecError(f"{path}: not valid YAML{line}: {exc}") from None
    if not isinstance(document, dict):
        raise TopicsSpecError(f"{path}: expected a mapping with 'defaults' and 'topics'")
    unknown = set(document) - {"defaults", "topics"}
    if unknown:
        raise TopicsSpecError(f"{path}: unknown top-level keys: {', '.join(sorted(unknown))}")
    return document


def _parse_defaults(path: Path, raw: Any) -> _Defaults:
    if not isinstance(raw, dict):
        raise TopicsSpecError(f"{path}: 'defaults' must be a mapping")
    try:
        return _Defaults.model_validate(raw)
    except ValidationError as exc:
        raise TopicsSpecError(f"{path}: defaults: {_describe(exc)}") from None


def _parse_topic(path: Path, index: int, raw: Any, defaults: _Defaults, prefix: str) -> TopicSpec:
    if not isinstance(raw, dict):
        raise TopicsSpecError(f"{path}: topic #{index} must be a mapping")
    label = f"topic #{index} ({raw.get('name', 'no name')})"
    values = {field: getattr(defaults, field) for field in _DEFAULTABLE} | raw
    if isinstance(values.get("value"), str):
        values["value"] = [values["value"]]
    if isinstance(values.get("name"), str):
        values["name"] = prefix + values["name"]
    try:
        return TopicSpec.model_validate(values)
    except ValidationError as exc:
        raise TopicsSpecError(f"{path}: {label}: {_describe(exc)}") from None


def _prefix(path: Path, namespace: str) -> str:
    if not namespace:
        return ""
    if not _LEGAL_NAME.match(namespace):
        raise TopicsSpecError(
            f"{path}: topic namespace {namespace!r}: only ASCII letters, digits, '.', '_', '-'"
        )
    return f"{namespace}."


def _check_unique(path: Path, specs: tuple[TopicSpec, ...]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise TopicsSpecError(f"{path}: topic {spec.name} is declared more than once")
        seen.add(spec.name)


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "value"
        parts.append(f"{field}: {error['msg']}")
    return "; ".join(parts)
