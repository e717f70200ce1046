"""The CIN census XML checked against its collection year's XML Schema (the DfE's XSD, kept in
``schemas/cin_census/CIN_schema_<end year>.xsd``; SOURCE.md says where each came from).

The DfE's collection system checks a file against the schema before any validation rule, and
the DfE validator (``cin_validator``) reads parsed tables and never sees element order, so
both are needed. Validation uses ``xmlschema`` (XML Schema 1.0). A problem is reported by its
path and what the schema expected, never the value: values are personal data (UPNs, dates).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import xmlschema
from xmlschema.validators.exceptions import XMLSchemaChildrenValidationError

from hub.domain.episodes.years import CensusYear
from hub.ports import SchemaUnavailableError

__all__ = ["SchemaUnavailableError", "schema_errors", "schema_path"]


def schema_path(schemas_dir: Path, year: CensusYear) -> Path:
    """``schemas/cin_census/CIN_schema_2026.xsd`` for 2025-26 (named for the year it ends)."""
    return schemas_dir / f"CIN_schema_{year.end.year}.xsd"


@lru_cache(maxsize=4)
def _schema(path: Path) -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(path))


def _described(error: xmlschema.XMLSchemaValidationError) -> str:
    where = error.path or "/"
    if isinstance(error, XMLSchemaChildrenValidationError):
        return f"{where}: {error.reason}"  # element names and positions only
    validator = error.validator
    kind = getattr(validator, "name", None) or getattr(
        getattr(validator, "parent", None), "name", None
    )
    return f"{where}: value not valid for {kind or 'its type'}"


def schema_errors(xml: bytes, schemas_dir: Path, year: CensusYear) -> list[str]:
    """Every XML Schema error in ``xml`` (empty: valid), in document order."""
    path = schema_path(schemas_dir, year)
    if not path.is_file():
        raise SchemaUnavailableError(f"no CIN census XML Schema for {year.label} at {path}")
    return [_described(e) for e in _schema(path).iter_errors(xml.decode("utf-8"))]
