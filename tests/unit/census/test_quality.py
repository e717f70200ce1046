"""The data-quality report: the figures, as JSON and as HTML with inline SVG charts."""

from __future__ import annotations

import json
import re
from datetime import date

from hub.census import quality, quality_html
from hub.census.cin import children
from hub.census.cin.child import query_8770q
from hub.domain.episodes.years import CensusYear
from hub.domain.events import DisabledRegisterEntryRecorded
from hub.domain.events.finance import PaymentKind as K
from tests.unit.census.test_additional import _uses
from tests.unit.census.test_cin_build import csc
from tests.unit.domain.episodes.factories import event, payment, referral, run, session

Y = CensusYear.parse("2025-26")


def _report(open_tasks: int = 4) -> dict:
    entry = event(
        DisabledRegisterEntryRecorded,
        "r1",
        date(2025, 5, 1),
        register_id="DCR1",
        entry_date=date(2025, 5, 1),
        parental_consent=True,
    )
    _, episodes = run(
        entry,
        referral("y1", date(2025, 6, 1)),
        payment("p1", K.SHORT_BREAK_V3, date(2025, 7, 1)),
        payment("p2", K.DIRECT_PAYMENT, date(2025, 7, 1)),
        session("s1", date(2025, 8, 4), sessions=None),
    )
    cin = children(
        [
            csc("1", date(2025, 5, 1), "REFERRAL_OPENED", referral_source="6", primary_need="N1"),
            csc(
                "1",
                date(2025, 5, 1),
                "REFERRAL_OPENED",
                child="C2",
                upn="T938203512014",
                referral_source="6",
                primary_need="N1",
            ),
        ],
        Y,
    )
    return quality.quality_report(episodes, cin, _uses(), Y, open_review_tasks=open_tasks)


def test_the_figures_a_performance_officer_needs():
    report = _report()
    assert report["missing_upn_school_age"] == {"count": 1, "la_child_ids": ["C1"]}
    assert report["episodes_no_end_date"]["by_service"] == {"CWD": 1, "YJ": 1}
    assert report["episodes_no_volume"]["count"] == 3  # register, YOT case, the empty return
    # the direct payment was the register entry's first delivery: only the YOT case is left
    assert report["episodes_start_is_referral_date"]["by_service"] == {"YJ": 1}
    assert report["episodes_excluded"] == {"RECORDED_IN_SSDA903_V3": 1}
    assert report["episodes_core_overlap"] == {"DISABLED_CHILDREN_SERVICES": 1}
    assert report["open_review_tasks"] == 4 and report["consent_limited"]["total"] == 3


def test_episodes_are_counted_in_every_month_they_are_active():
    months = _report()["episodes_by_service_month"]
    assert months["months"][0] == "2025-04" and len(months["months"]) == 12
    # July: the direct payment, and the register entry it delivered; August: the session too
    assert months["services"]["CWD"][:6] == [0, 0, 0, 2, 2, 1]
    assert months["services"]["YJ"][-1] == 1  # still open in March


def test_json_and_html_carry_the_same_figures():
    report = _report()
    assert json.loads(quality.quality_json(report)) == report
    page = quality_html.render(report).decode()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 2
    assert re.search(r"School-age children with no UPN</dt>\s*<dd[^>]*>1</dd>", page)
    assert "<script" not in page


def test_html_is_one_standalone_file_in_the_design_systems_look():
    page = quality_html.render(_report()).decode()
    assert "govuk-summary-list" in page and ".govuk-table" in page  # the stylesheet, inline
    assert not re.search(r'<link|src="|href="(?!#)', page)  # nothing fetched from anywhere
    assert "@font-face" not in page  # GDS Transport is for GOV.UK services only


def test_html_escapes_what_it_shows():
    report = _report() | {"census_year": "<b>2025-26</b>"}
    assert "<b>2025-26</b>" not in quality_html.render(report).decode()


def test_the_missing_upn_count_is_dfe_query_8770q():
    """Counted as csc-validator-be-cin's rule_8770Q counts: school age, a referral that was not
    NFA, no UPN and no UN2-UN7 reason. Not NFA-only children (UN7), not children under six
    (UN1), not a child whose UPN the hub linked from Education."""
    def referral(child: str, born: date, nfa: bool = False) -> list:
        subject = {"date_of_birth": born}
        opened = csc("1", date(2025, 5, 1), "REFERRAL_OPENED", child=child,
                     referral_source="6", primary_need="N9" if nfa else "N1")
        opened = opened.model_copy(update={"envelope": opened.envelope.model_copy(update={
            "subject": opened.envelope.subject.model_copy(update=subject)})})
        closed = [csc("2", date(2025, 5, 3), "REFERRAL_CLOSED", child=child,
                      closure_reason="RC8")] if nfa else []
        return [opened, *closed]

    events = [
        *referral("SCHOOL", date(2012, 3, 4)),
        *referral("NFA", date(2012, 3, 4), nfa=True),
        *referral("YOUNG", date(2021, 1, 1)),
        *referral("LINKED", date(2012, 3, 4)),
        *referral("SIX-ON-31-AUG", date(2020, 8, 31)),
    ]
    cin = children(events, Y, known_upns={"LINKED": "T938203512014"})
    unknown = {c.la_child_id: (c.upn, c.upn_unknown) for c in cin}
    assert unknown == {
        "LINKED": ("T938203512014", None), "NFA": (None, "UN7"), "SCHOOL": (None, None),
        "SIX-ON-31-AUG": (None, None), "YOUNG": (None, "UN1"),
    }
    assert [c.la_child_id for c in cin if query_8770q(c, Y)] == ["SCHOOL", "SIX-ON-31-AUG"]
    report = quality.quality_report([], cin, [], Y, open_review_tasks=0)
    assert report["missing_upn_school_age"] == {
        "count": 2, "la_child_ids": ["SCHOOL", "SIX-ON-31-AUG"]}
