"""The DfE CIN census validation rules, via ``csc-validator-be-cin`` in its own venv.

The validator pins pandas < 2, so it cannot share ``.venv``. Create its venv once (the
install script does; docs/census.md):

    python3 -m venv .hub/validator-venv
    .hub/validator-venv/bin/pip install "csc-validator-be-cin==0.1.13" "numpy<2"

(``numpy<2``: the pandas 1.5 wheels are built against numpy 1.) ``HUB_CIN_VALIDATOR_VENV``
points elsewhere. :func:`validate_cin_xml` writes the XML to a temporary file, runs
``script.py`` with that venv's Python and returns the issues as data.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from hub.domain.episodes.years import CensusYear
from hub.ports import ValidationReport, ValidatorIssue, ValidatorUnavailableError

SCRIPT = Path(__file__).with_name("script.py")
REPO = Path(__file__).resolve().parents[3]
TIMEOUT_SECONDS = 900

__all__ = ["ValidationReport", "ValidatorIssue", "ValidatorUnavailableError", "default_venv",
           "is_available", "ruleset_for", "validate_cin_xml", "validator_python"]


def default_venv() -> Path:
    return Path(os.environ.get("HUB_CIN_VALIDATOR_VENV", REPO / ".hub" / "validator-venv"))


def validator_python(venv: Path | None = None) -> Path:
    return (venv or default_venv()) / "bin" / "python"


def is_available(venv: Path | None = None) -> bool:
    return validator_python(venv).exists()


def ruleset_for(year: CensusYear) -> str:
    """The validator's rule set for a census year: 2025-26 -> ``cin2025_26``."""
    return f"cin{year.start_year}_{(year.start_year + 1) % 100:02d}"


def validate_cin_xml(xml: bytes, year: CensusYear, venv: Path | None = None) -> ValidationReport:
    python = validator_python(venv)
    if not python.exists():
        raise ValidatorUnavailableError(f"no validator venv at {python.parent.parent}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cin_census.xml"
        path.write_bytes(xml)
        done = subprocess.run(
            [str(python), "-I", str(SCRIPT), str(path), ruleset_for(year)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    if done.returncode != 0:
        raise ValidatorUnavailableError(f"validator failed: {done.stderr.strip()[-2000:]}")
    raw = json.loads(done.stdout)
    return ValidationReport(
        ruleset=raw["ruleset"],
        rules_run=raw["rules_run"],
        issues=tuple(
            ValidatorIssue(i["rule"], i["type"], i["message"], i["child"], i["table"], i["field"])
            for i in raw["issues"]
        ),
        rule_failures=tuple(raw["rule_failures"]),
    )
