"""V3 short breaks are excluded across every source: a provider's nights and a panel line for
the same child and period leave the return as the V3 payment does (report p.28, rec. 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import permutations

from hub.domain.episodes.model import EpisodeSource, ExclusionReason
from hub.domain.events.finance import PaymentKind as K
from tests.unit.domain.episodes.factories import decision, latest, payment, run, session

MAY, MAY_END = date(2025, 5, 1), date(2025, 5, 31)
V3 = ExclusionReason.RECORDED_IN_SSDA903_V3


def nights(event_id: str, start: date, end: date):
    return session(event_id, start, end, subtype="SHORT_BREAK_CARE_V4", sessions=None,
                   days=4.0, hours_per_session=None, professional_type=None)


def short_break_line(start: date = MAY, end: date = date(2025, 10, 31)) -> dict[str, object]:
    return {"line_id": "1", "service": "CWD", "subtype": "SHORT_BREAK_CARE_V4",
            "provider": "Oakfield Short Breaks", "volume_measure": "D", "quantity": 4,
            "amount": Decimal("800"), "frequency": "MONTHLY", "planned_start": start,
            "planned_end": end}


def counted(events) -> dict[EpisodeSource, bool]:
    final = latest(run(*events)[1]).values()
    return {e.source_kind: e.counted_as_additional for e in final}


def test_a_v3_payment_excludes_the_provider_nights_and_panel_line_it_covers_in_any_order():
    panel = decision("d1", date(2025, 4, 20), [short_break_line()], decision_id="PD-1")
    row = nights("n1", MAY, MAY_END)
    paid = payment("p1", K.SHORT_BREAK_V3, MAY, MAY_END, amount="800.00",
                   panel_decision_id="PD-1")
    for order in permutations((panel, row, paid)):
        assert counted(order) == {EpisodeSource.PANEL_LINE: False,
                                  EpisodeSource.SERVICE_USE: False,
                                  EpisodeSource.PAYMENT: False}, order
    final = latest(run(panel, row, paid)[1]).values()
    assert {e.exclusion_reason for e in final} == {V3}


def test_nights_outside_every_v3_period_and_other_services_stay_counted():
    paid = payment("p1", K.SHORT_BREAK_V3, MAY, MAY_END)
    june = nights("n1", date(2025, 6, 1), date(2025, 6, 30))
    therapy = session("s1", date(2025, 5, 10))
    final = latest(run(june, therapy, paid)[1]).values()
    assert {e.source_kind: e.counted_as_additional for e in final} == {
        EpisodeSource.SERVICE_USE: True, EpisodeSource.PAYMENT: False}
    assert all(e.counted_as_additional for e in final if e.source_kind == "SERVICE_USE")


def test_a_v4_payment_changes_nothing_and_a_payment_corrected_from_v3_counts_them_again():
    row = nights("n1", MAY, MAY_END)
    v4 = payment("p1", K.SHORT_BREAK_V4, MAY, MAY_END)
    assert counted((row, v4)) == {EpisodeSource.SERVICE_USE: True, EpisodeSource.PAYMENT: True}
    v3 = payment("p1", K.SHORT_BREAK_V3, MAY, MAY_END)
    corrected = v4.model_copy(update={"envelope": v4.envelope.model_copy(
        update={"event_id": "p1-v2"})})
    assert counted((row, v3)) == {EpisodeSource.SERVICE_USE: False, EpisodeSource.PAYMENT: False}
    assert counted((row, v3, corrected))[EpisodeSource.SERVICE_USE] is True


def test_a_v3_payment_naming_a_decision_excludes_its_short_break_line_even_outside_the_days():
    line = short_break_line(start=date(2025, 9, 1), end=date(2026, 2, 28))
    panel = decision("d1", date(2025, 4, 20), [line], decision_id="PD-1")
    paid = payment("p1", K.SHORT_BREAK_V3, MAY, MAY_END, panel_decision_id="PD-1")
    assert counted((panel, paid))[EpisodeSource.PANEL_LINE] is False
    other = payment("p2", K.SHORT_BREAK_V3, MAY, MAY_END, panel_decision_id="PD-9")
    assert counted((panel, other))[EpisodeSource.PANEL_LINE] is True


def test_a_redelivered_v3_payment_emits_nothing_new():
    row, paid = nights("n1", MAY, MAY_END), payment("p1", K.SHORT_BREAK_V3, MAY, MAY_END)
    state, _ = run(row, paid)
    assert run(paid, row, state=state)[1] == []
