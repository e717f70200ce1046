"""The CIN census XML passes the DfE rules as ``csc-validator-be-cin`` implements them.

A synthetic authority (``hub.synthetic``) goes through the CSC connector into an in-memory
event log, is read back and decoded, and the census builder makes the XML; the validator
runs in its own venv (docs/census.md). No broker is needed: this tier is about the
validator, an external tool. Skipped only when that venv does not exist.

The synthetic CSC export has two known data properties that no census builder may repair
(it would have to change what the CSC system recorded); they are named in SOURCE_DEFECTS,
checked to be exactly what they say, and the children they touch are set aside for the
strict check, in which the validator must report no error and no crashed rule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connectors.registry import CONNECTORS, EXPORT_FILES
from hub.adapters import cin_validator
from hub.adapters.memory_log import InMemoryEventLog
from hub.census.cin import build_cin_census
from hub.domain.episodes.years import CensusYear
from hub.domain.events import CscStatusChanged
from hub.services.connecting import connect_file
from hub.services.publishing import Publisher
from hub.synthetic.calendar import CensusYear as SyntheticYear
from hub.synthetic.writer import generate
from hub.topics_spec import load_topic_specs
from tests.conftest import REPO
from tests.unit.census.test_cin_build import csc, protection_case

pytestmark = pytest.mark.skipif(
    not cin_validator.is_available(),
    reason=f"no csc-validator-be-cin venv at {cin_validator.default_venv()}: create it with "
    "python3 -m venv .hub/validator-venv && .hub/validator-venv/bin/pip install "
    "'csc-validator-be-cin==0.1.13' 'numpy<2' (docs/census.md)",
)
YEAR = CensusYear.parse("2025-26")
# DfE's assessment factor codes (the validator's rule 8897Q list).
DFE_FACTORS = frozenset(
    [
        "1A",
        "1B",
        "1C",
        "2A",
        "2B",
        "2C",
        "3A",
        "3B",
        "3C",
        "4A",
        "4B",
        "4C",
        "5A",
        "5B",
        "5C",
        "6A",
        "6B",
        "6C",
        "7A",
        "8B",
        "8C",
        "8D",
        "8E",
        "8F",
        "9A",
        "10A",
        "11A",
        "12A",
        "13A",
        "14A",
        "15A",
        "16A",
        "17A",
        "18A",
        "18B",
        "18C",
        "19A",
        "19B",
        "19C",
        "20",
        "21",
        "22A",
        "23A",
        "24A",
    ]
)
SOURCE_DEFECTS = {
    "8875": "a CP plan that starts on a Saturday or Sunday: the ICPC it starts at (rule 2885)"
    " cannot be on a weekend",
    "8897Q": "an assessment factor code outside DfE's list (the generator writes 20A, DfE "
    "has 20); the validator then crashes on the list-valued factors it reports",
}


async def _csc_events(folder: Path, codec) -> list[CscStatusChanged]:
    generate(folder, 600, 11, SyntheticYear.parse(YEAR.label))
    specs = load_topic_specs(REPO / "topics.yaml")
    publisher = Publisher(InMemoryEventLog({s.name: s.partitions for s in specs}), codec, specs)
    await connect_file(CONNECTORS["csc"](date(2026, 5, 1)), folder / EXPORT_FILES["csc"], publisher)
    records = await publisher.log.read_all("cin.source.csc.status.v1")
    return [codec.decode(r.value) for r in records]


def _defective(events: list[CscStatusChanged]) -> dict[str, set[str]]:
    """Children whose CSC data has each known defect, by the rule it breaks."""
    children: dict[str, set[str]] = {rule: set() for rule in SOURCE_DEFECTS}
    for e in events:
        child = e.envelope.subject.la_child_id or ""
        if e.change == "CP_PLAN_STARTED" and e.effective_date.weekday() >= 5:
            children["8875"].add(child)
        if set(e.assessment_factors) - DFE_FACTORS:
            children["8897Q"].add(child)
    return children


async def test_the_synthetic_authority_passes_with_zero_errors(tmp_path, codec):
    synthetic = await _csc_events(tmp_path, codec)
    defective = _defective(synthetic)
    report = cin_validator.validate_cin_xml(build_cin_census(synthetic, YEAR, la_code="938"), YEAR)
    assert report.ruleset == "cin2025_26" and report.rules_run > 100
    assert {e.rule for e in report.errors} <= set(SOURCE_DEFECTS)
    assert {e.child for e in report.errors if e.rule == "8875"} <= defective["8875"]
    assert all("8897Q" in f for f in report.rule_failures)
    assert not report.rule_failures or defective["8897Q"]

    flawed = set().union(*defective.values())
    clean = [e for e in synthetic if e.envelope.subject.la_child_id not in flawed]
    strict = cin_validator.validate_cin_xml(build_cin_census(clean, YEAR, la_code="938"), YEAR)
    assert len({e.envelope.subject.la_child_id for e in clean}) > 200
    assert strict.errors == () and strict.rule_failures == ()


def test_cases_open_on_1_april_pass_too():
    """Referred in March, enquiry in March, CP plan from April; and a CIN plan running since
    February: the return holds what was still open, and the DfE rules accept it."""
    carried = [
        csc(
            "1",
            date(2025, 3, 3),
            "REFERRAL_OPENED",
            child="C8",
            referral_source="6",
            primary_need="N1",
        ),
        csc("2", date(2025, 3, 4), "ASSESSMENT_STARTED", child="C8"),
        csc("3", date(2025, 3, 20), "ASSESSMENT_COMPLETED", child="C8", assessment_factors=("2B",)),
        csc("4", date(2025, 3, 21), "S47_STARTED", child="C8"),
        csc("5", date(2025, 4, 7), "CP_PLAN_STARTED", child="C8", category_of_abuse="EMOTIONAL"),
        csc("6", date(2025, 7, 7), "CP_REVIEW", child="C8"),
        csc(
            "1",
            date(2025, 1, 6),
            "REFERRAL_OPENED",
            child="C9",
            referral_source="2A",
            primary_need="N4",
        ),
        csc("2", date(2025, 1, 7), "ASSESSMENT_STARTED", child="C9"),
        csc("3", date(2025, 2, 3), "ASSESSMENT_COMPLETED", child="C9", assessment_factors=("4B",)),
        csc("4", date(2025, 2, 10), "CIN_PLAN_STARTED", child="C9"),
        csc("5", date(2025, 9, 1), "CIN_PLAN_ENDED", child="C9"),
        csc("6", date(2025, 9, 8), "REFERRAL_CLOSED", child="C9", closure_reason="RC1"),
    ]
    xml = build_cin_census([*protection_case("C1"), *carried], YEAR, la_code="938")
    assert xml.count(b"<Child>") == 3
    report = cin_validator.validate_cin_xml(xml, YEAR)
    assert report.errors == () and report.rule_failures == ()
