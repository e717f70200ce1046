"""The CIN census XML against the DfE's 2025-26 XML Schema, with a real XML Schema library."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
import xmlschema

from hub.adapters.validator.cin_schema import SchemaUnavailableError, schema_errors, schema_path
from hub.census.cin import build_cin_census
from hub.domain.episodes.years import CensusYear
from tests.conftest import REPO
from tests.unit.census.test_cin_build import csc, protection_case

Y = CensusYear.parse("2025-26")
SCHEMAS = REPO / "schemas" / "cin_census"


def _every_module() -> bytes:
    """Referrals with assessments, a CIN plan, S47 enquiries, CP plans with several reviews,
    an NFA referral, a closed case: every element the hub writes."""
    events = [
        *protection_case("C1"),
        csc("7", date(2025, 12, 2), "CP_REVIEW", child="C1"),
        csc("8", date(2026, 2, 20), "CP_PLAN_ENDED", child="C1"),
        csc("1", date(2025, 5, 1), "REFERRAL_OPENED", child="C2", referral_source="6",
            primary_need="N9"),
        csc("2", date(2025, 5, 3), "REFERRAL_CLOSED", child="C2", closure_reason="RC8"),
        csc("1", date(2025, 7, 1), "REFERRAL_OPENED", child="C3", referral_source="2A",
            primary_need="N4"),
        csc("2", date(2025, 7, 2), "ASSESSMENT_STARTED", child="C3"),
        csc("3", date(2025, 7, 30), "ASSESSMENT_COMPLETED", child="C3",
            assessment_factors=("21",)),
        csc("4", date(2025, 8, 1), "S47_STARTED", child="C3"),
        csc("5", date(2025, 8, 9), "CIN_PLAN_STARTED", child="C3"),
        csc("6", date(2026, 1, 9), "CIN_PLAN_ENDED", child="C3"),
        csc("7", date(2026, 1, 9), "REFERRAL_CLOSED", child="C3", closure_reason="RC7"),
    ]
    return build_cin_census(events, Y, la_code="938", known_upns={"C3": "T938203512014"})


def test_the_cin_census_xml_is_valid_against_the_2025_26_schema():
    xml = _every_module()
    schema = xmlschema.XMLSchema10(str(schema_path(SCHEMAS, Y)))
    assert [e.reason for e in schema.iter_errors(xml.decode())] == []
    assert schema_errors(xml, SCHEMAS, Y) == []
    root = ET.fromstring(xml)
    c1 = root.find("Children/Child[1]/CINdetails")
    assert c1 is not None
    tags = [e.tag for e in c1]
    assert tags.index("Section47") < tags.index("ReferralNFA") < tags.index("ChildProtectionPlans")
    assert len(c1.findall("ChildProtectionPlans/Reviews")) == 1  # one block, every date in it
    assert len(c1.findall("ChildProtectionPlans/Reviews/CPPreviewDate")) == 2


def test_referral_nfa_before_assessments_breaks_the_schema():
    """The order the hub used to write: the check must see it (the DfE validator does not)."""
    root = ET.fromstring(_every_module())
    details = root.find("Children/Child[1]/CINdetails")
    assert details is not None
    nfa = details.find("ReferralNFA")
    assert nfa is not None
    details.remove(nfa)
    details.insert([e.tag for e in details].index("Assessments"), nfa)
    errors = schema_errors(ET.tostring(root), SCHEMAS, Y)
    assert errors and "CINdetails" in errors[0] and "'Assessments'" in errors[0]


def test_a_value_error_names_the_type_not_the_value():
    xml = _every_module().replace(b"T938203512014", b"T93820351201")  # one digit short
    [error] = schema_errors(xml, SCHEMAS, Y)
    assert "upntype" in error and "T93820351201" not in error


def test_a_year_with_no_schema_kept_is_refused(tmp_path):
    with pytest.raises(SchemaUnavailableError):
        schema_errors(_every_module(), tmp_path, Y)
