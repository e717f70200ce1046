"""Runs INSIDE the validator's own virtual environment, never imported by the hub.

``python -I cin_validator_script.py FILE.xml RULESET`` validates a CIN census XML with the
DfE rules implemented by ``csc-validator-be-cin`` (which pins pandas < 2, hence its own
venv) and prints one JSON document: the issues found and the rules that crashed. It imports
nothing from the hub; ``hub.adapters.validator.cin_validator`` runs it and reads the JSON. (``-I``:
this folder holds a module named ``cin_validator`` too, which must not shadow the package.)
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import math
import sys
import xml.etree.ElementTree as ET
from typing import Any

from cin_validator import cin_validator


def _value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _issues(validator: Any, registry: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for row in validator.full_issue_df.to_dict("records"):
        code = str(row["rule_code"])
        found.append(
            {
                "rule": code,
                "type": registry[code].rule_type.name,
                "message": registry[code].message,
                "child": _value(row.get("child_id")),
                "table": _value(row.get("tables_affected")),
                "field": _value(row.get("columns_affected")),
            }
        )
    for row in validator.multichild_issues.to_dict("records"):
        code = str(row["rule_code"])
        found.append(
            {
                "rule": code,
                "type": registry[code].rule_type.name,
                "message": registry[code].message,
                "child": None,
                "table": None,
                "field": None,
            }
        )
    return found


def main(path: str, ruleset: str) -> None:
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    root = ET.parse(path).getroot()  # noqa: S314 - our own file, written by the hub
    tables = cin_validator.process_data(cin_validator.convert_data(root))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        validator = cin_validator.CinValidator(tables, registry)
    crashed = [line for line in printed.getvalue().splitlines() if line.startswith("Error with")]
    report = {
        "ruleset": ruleset,
        "rules_run": len(registry),
        "issues": _issues(validator, registry),
        "rule_failures": crashed,
    }
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
