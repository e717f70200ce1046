"""CIN census files for tests: the hand-written sample, edits of it, and its facts to compare.

``facts`` reads a CIN census XML (an input or what ``hub census compile`` wrote) into what the
issue compares: children with their identifiers and characteristics, and for each referral its
dates, codes, assessments, plans, enquiries and reviews; order aside.
"""

from __future__ import annotations

from dataclasses import astuple, replace
from pathlib import Path
from typing import Any

from lxml import etree

from connectors.formats.cin_census_records import Referral, parse_child
from tests.conftest import REPO

SAMPLE = REPO / "connectors" / "samples" / "cin_census.xml"
# What the CSC status events cannot carry, so the compiled census cannot restate: left out.
NOT_CARRIED = ("expected_birth_date", "death_date")


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def edited(path: Path, *replacements: tuple[str, str]) -> Path:
    """The sample with each ``(old, new)`` replaced once (each ``old`` must be there)."""
    text = sample_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return write(path, text)


def _ordered(module: Any) -> Any:
    factors = getattr(module, "factors", None)
    return module if factors is None else replace(module, factors=tuple(sorted(factors)))


def _referral(referral: Referral) -> tuple[Any, ...]:
    """A referral's fields in order; its modules (and each assessment's factors) sorted."""
    modules = ("assessments", "cin_plans", "section47s", "cp_plans")
    sorted_modules = {
        name: tuple(sorted((astuple(_ordered(m)) for m in getattr(referral, name)), key=repr))
        for name in modules
    }
    bare = replace(referral, assessments=(), cin_plans=(), section47s=(), cp_plans=())
    return (*astuple(bare), tuple(sorted_modules.values()))


def facts(xml: bytes) -> dict[str, Any]:
    """LA child id -> the child's comparable facts (every list sorted, so order is aside)."""
    root = etree.fromstring(xml)
    found = {}
    for element in root.iter("Child"):
        child = parse_child(element)
        data = {k: v for k, v in child.__dict__.items() if k not in NOT_CARRIED}
        data["referrals"] = tuple(sorted((_referral(r) for r in child.referrals), key=repr))
        found[child.la_child_id] = data
    return found
