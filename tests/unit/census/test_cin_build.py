"""The CIN census XML from CSC status events: construction rules, scope and determinism."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

from hub.census.cin import build_cin_census, children
from hub.domain.episodes.years import CensusYear
from hub.domain.events import CscStatusChanged
from hub.domain.events.common import ChildSubject, Sex
from tests.unit.domain.episodes.factories import event

Y = CensusYear.parse("2025-26")


def csc(
    n: str,
    day: date,
    change: str,
    *,
    child: str = "C1",
    ref: str = "R1",
    version: str = "1",
    upn: str | None = None,
    **fields: Any,
) -> CscStatusChanged:
    subject = ChildSubject(la_child_id=child, upn=upn, date_of_birth=date(2012, 3, 4), sex=Sex.MALE)
    return event(
        CscStatusChanged,
        f"{child}-{n}-{version}",
        day,
        record=f"{child}-{n}",
        version=version,
        subject=subject,
        change=change,
        effective_date=day,
        csc_episode_id=ref,
        **fields,
    )


def protection_case(child: str = "C1") -> list[CscStatusChanged]:
    return [
        csc(
            "1",
            date(2025, 5, 1),
            "REFERRAL_OPENED",
            child=child,
            referral_source="6",
            primary_need="N1",
        ),
        csc("2", date(2025, 5, 2), "ASSESSMENT_STARTED", child=child),
        csc(
            "3",
            date(2025, 5, 20),
            "ASSESSMENT_COMPLETED",
            child=child,
            assessment_factors=("2B", "4B"),
        ),
        csc("4", date(2025, 5, 21), "S47_STARTED", child=child),
        csc("5", date(2025, 6, 2), "CP_PLAN_STARTED", child=child, category_of_abuse="NEGLECT"),
        csc("6", date(2025, 9, 2), "CP_REVIEW", child=child),
    ]


def one(events: list[CscStatusChanged], year: CensusYear = Y):
    [child] = children(events, year)
    return child


def test_an_icpc_is_the_start_of_the_cp_plan_that_followed_the_enquiry():
    details = one(protection_case()).details[0]
    [enquiry] = details.section47s
    assert enquiry.icpc == date(2025, 6, 2) and not enquiry.icpc_not_required
    assert enquiry.icpc_target == date(2025, 6, 11)  # 15 working days after 21 May
    [plan] = details.cp_plans
    assert (plan.initial_category, plan.latest_category, plan.previous_plans) == ("NEG", "NEG", 0)
    assert plan.reviews == (date(2025, 9, 2),) and details.initial_cpc is None


def test_an_enquiry_followed_by_a_cin_plan_needed_no_conference():
    events = [*protection_case()[:4], csc("5", date(2025, 6, 1), "CIN_PLAN_STARTED")]
    [enquiry] = one(events).details[0].section47s
    assert enquiry.icpc is None and enquiry.icpc_not_required


def test_a_referral_closed_without_action_is_a_referral_with_no_further_action():
    events = [
        csc("1", date(2025, 5, 1), "REFERRAL_OPENED", referral_source="6", primary_need="N9"),
        csc("2", date(2025, 5, 3), "REFERRAL_CLOSED", closure_reason="RC8"),
    ]
    child = one(events)
    assert child.details[0].no_further_action and child.upn_unknown == "UN7"


def test_a_case_open_on_1_april_brings_only_what_was_still_open():
    events = [
        csc("1", date(2025, 2, 10), "REFERRAL_OPENED", referral_source="2A", primary_need="N4"),
        csc("2", date(2025, 2, 11), "ASSESSMENT_STARTED"),
        csc("3", date(2025, 3, 1), "ASSESSMENT_COMPLETED", assessment_factors=("21",)),
        csc("4", date(2025, 3, 5), "CIN_PLAN_STARTED"),
        csc("5", date(2026, 4, 9), "CIN_PLAN_ENDED"),  # after the reference date: not yet known
    ]
    details = one(events).details[0]
    assert details.referral_date == date(2025, 2, 10) and details.assessments == ()
    assert [(p.start, p.end) for p in details.cin_plans] == [(date(2025, 3, 5), None)]
    assert one(events, CensusYear(2024)).details[0].assessments  # it was 2024-25's


def test_a_referral_closed_before_the_year_is_not_in_the_return():
    events = [
        csc("1", date(2024, 6, 1), "REFERRAL_OPENED", referral_source="6", primary_need="N1"),
        csc("2", date(2024, 7, 1), "REFERRAL_CLOSED", closure_reason="RC7"),
    ]
    assert children(events, Y) == []


def test_the_latest_version_of_a_source_record_wins():
    first = csc("1", date(2025, 5, 1), "REFERRAL_OPENED", referral_source="6", primary_need="N1")
    corrected = csc(
        "1",
        date(2025, 5, 1),
        "REFERRAL_OPENED",
        version="2",
        referral_source="2A",
        primary_need="N1",
    ).model_copy(
        update={
            "envelope": first.envelope.model_copy(
                update={
                    "event_id": "C1-1-2",
                    "record_version": "2",
                    "recorded_at": first.envelope.recorded_at.replace(hour=11),
                }
            )
        }
    )
    assert one([corrected, first]).details[0].referral_source == "2A"


def test_the_same_events_in_any_order_give_the_same_bytes():
    events = protection_case("C1") + protection_case("C2")
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    built = build_cin_census(events, Y, la_code="938")
    assert built == build_cin_census(shuffled, Y, la_code="938")
    root = ET.fromstring(built)
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert [c.findtext("ChildIdentifiers/LAchildID") for c in root.iter("Child")] == ["C1", "C2"]
    assert root.findtext(".//ChildIdentifiers/Sex") == "M"
    assert root.findtext(".//Disabilities/Disability") == "NONE"


def test_gender_current_is_written_for_years_before_2024_25():
    events = [csc("1", date(2023, 5, 1), "REFERRAL_OPENED", referral_source="6", primary_need="N1")]
    root = ET.fromstring(build_cin_census(events, CensusYear(2023), la_code="938"))
    assert root.findtext(".//ChildIdentifiers/GenderCurrent") == "1"
    assert root.find(".//ChildIdentifiers/Sex") is None
