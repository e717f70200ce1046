"""What a census compile writes besides the census files: ``manifest.json`` (SHA-256 of
every file) and ``cin_validation.json`` (the DfE validator's verdict). Bytes, no I/O; keys
sorted and no timestamps, so equal inputs give equal bytes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from hub.domain.episodes.years import CensusYear
from hub.ports import ValidationReport


def validation_json(report: ValidationReport) -> bytes:
    """The validator's verdict as counts by rule (no child identifiers)."""
    by_rule: dict[tuple[str, str, str], int] = {}
    for issue in report.issues:
        key = (issue.rule, issue.rule_type, issue.message)
        by_rule[key] = by_rule.get(key, 0) + 1
    body = {
        "ruleset": report.ruleset,
        "rules_run": report.rules_run,
        "errors": len(report.errors),
        "queries": len(report.queries),
        "by_rule": [
            {"rule": r, "type": t, "count": n, "message": m}
            for (r, t, m), n in sorted(by_rule.items())
        ],
        "rule_failures": sorted(report.rule_failures),
    }
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()


def manifest(
    files: Mapping[str, bytes],
    records: Mapping[str, int],
    counts: Mapping[str, Any],
    year: CensusYear,
    la_code: str,
) -> bytes:
    """Every file's SHA-256, size and record count, and the year's headline counts."""
    listed = {
        name: {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
            "records": records[name],
        }
        for name, data in sorted(files.items())
    }
    body = {"census_year": year.label, "reference_date": year.end.isoformat(),
            "la_code": la_code, "counts": dict(counts), "files": listed}
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


def schema_errors_json(errors: list[str]) -> bytes:
    """The XML Schema check of the CIN census XML: error count and each error's path and
    expectation (``hub.adapters.validator.cin_schema`` never puts a value in them)."""
    body = {"valid": not errors, "errors": len(errors), "problems": errors}
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()
