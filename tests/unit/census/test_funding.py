"""LAFunded: Y when panel or finance facts say the authority funds the service, N when the
panel withdrew it, U otherwise."""

from __future__ import annotations

from datetime import date

from hub.census.funding import la_funded
from hub.domain.codes import AdditionalService as S
from hub.domain.episodes.model import EpisodeBasis, EpisodeSource, ExclusionReason
from tests.contract.store_records import episode

MAY, JUNE, SEPT = date(2025, 5, 1), date(2025, 6, 30), date(2025, 9, 1)


def _provider(eid: str = "use", **changes: object):
    values: dict[str, object] = {"start_date": MAY, "end_date": JUNE, "last_event_date": JUNE}
    return episode(eid, **(values | changes))


def _panel(eid: str = "line", withdrawn: bool = False, **changes: object):
    values: dict[str, object] = {
        "basis": EpisodeBasis.PLANNED, "source_kind": EpisodeSource.PANEL_LINE,
        "source_system": "panel", "start_date": MAY, "last_event_date": MAY,
    }
    if withdrawn:
        values |= {"counted_as_additional": False,
                   "exclusion_reason": ExclusionReason.WITHDRAWN_BY_SOURCE}
    return episode(eid, **(values | changes))


def test_panel_lines_and_payments_are_funded_and_fund_what_they_overlap():
    payment = episode("pay", source_kind=EpisodeSource.PAYMENT, source_system="finance",
                      service=S.FS, start_date=MAY, end_date=MAY, last_event_date=MAY)
    found = la_funded([_provider(), _panel(), payment])
    assert found == {"use": "Y", "line": "Y", "pay": "Y"}


def test_a_fact_for_another_service_period_or_child_says_nothing():
    later = _panel(start_date=SEPT, last_event_date=SEPT, end_date=SEPT)
    other_service = _panel("fs", service=S.FS)
    other_child = _panel("theirs", child_key="child-0002")
    found = la_funded([_provider(), later, other_service, other_child])
    assert found["use"] == "U"


def test_a_withdrawn_panel_line_is_a_decision_not_to_fund():
    found = la_funded([_provider(), _panel(withdrawn=True)])
    assert found == {"use": "N", "line": "N"}
    # a payment for the same service and period outweighs it
    payment = episode("pay", source_kind=EpisodeSource.PAYMENT, source_system="finance",
                      start_date=JUNE, last_event_date=JUNE)
    assert la_funded([_provider(), _panel(withdrawn=True), payment])["use"] == "Y"


def test_an_open_ended_fact_runs_on():
    assert la_funded([_provider(start_date=SEPT, end_date=None, last_event_date=SEPT),
                      _panel()])["use"] == "Y"
