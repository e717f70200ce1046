"""Properties of the episode rules over random event sequences for one child."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain.codes import SUBTYPES, AdditionalService
from hub.domain.episodes.derive import derive
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.state import EpisodeState
from hub.domain.episodes.years import CensusYear, overlaps, year_of
from hub.domain.events import (
    CafClosed,
    CafCompleted,
    DisabledRegisterEntryRecorded,
    Event,
    SenAssessmentOutcome,
    SenStatementChanged,
    YotReferralClosed,
)
from hub.domain.events.finance import PaymentKind
from tests.unit.domain.episodes.factories import decision, event, payment, referral, session

days = st.dates(date(2023, 1, 1), date(2027, 12, 31))
spans = st.tuples(days, st.integers(0, 400)).map(lambda t: (t[0], t[0] + timedelta(t[1])))
ids = st.text("abcdef0123456789", min_size=4, max_size=8)
cases = st.sampled_from(["A", "B"])
services = st.sampled_from(sorted(AdditionalService))
sen_codes = st.lists(
    st.sampled_from(sorted(SUBTYPES[AdditionalService.SEN])), max_size=3, unique=True
).map(tuple)


def _session(i: str, span: tuple[date, date], service: AdditionalService) -> Event:
    return session(i, span[0], span[1], service=service, subtype=sorted(SUBTYPES[service])[0])


def _line(span: tuple[date, date], frequency: str) -> dict[str, Any]:
    return {
        "line_id": "1",
        "service": "CWD",
        "subtype": "DAY_CARE",
        "volume_measure": "S",
        "quantity": 2.0,
        "amount": Decimal("50"),
        "frequency": frequency,
        "planned_start": span[0],
        "planned_end": span[1],
    }


def _event(draw: st.DrawFn, i: str) -> Event:
    span, day, case = draw(spans), draw(days), draw(cases)
    choices = [
        lambda: payment(i, draw(st.sampled_from(list(PaymentKind))), *span),
        lambda: _session(i, span, draw(services)),
        lambda: referral(i, day, draw(st.sampled_from(["COURT_DISPOSAL", "YISP"])), case),
        lambda: event(YotReferralClosed, i, day, yot_case_id=case, closure_date=day),
        lambda: event(
            SenAssessmentOutcome,
            i,
            day,
            decision_date=day,
            outcome="STATEMENT_ISSUED",
            services=draw(sen_codes),
        ),
        lambda: event(
            SenStatementChanged,
            i,
            day,
            change_date=day,
            services=draw(sen_codes),
            change=draw(
                st.sampled_from(["AMENDED", "CEASED", "TRANSFERRED_IN", "TRANSFERRED_OUT"])
            ),
        ),
        lambda: event(CafCompleted, i, day, caf_id=case, completed_date=day),
        lambda: event(CafClosed, i, day, caf_id=case, closed_date=day, closure_reason="NEEDS_MET"),
        lambda: event(
            DisabledRegisterEntryRecorded,
            i,
            day,
            register_id=case,
            entry_date=day,
            parental_consent=True,
        ),
        lambda: decision(
            i,
            day,
            [_line(span, draw(st.sampled_from(["WEEKLY", "ONE_OFF"])))],
            outcome=draw(st.sampled_from(["APPROVED", "DECLINED"])),
            decision_id=case,
            version=i,
        ),
    ]
    return draw(st.sampled_from(choices))()


@st.composite
def histories(draw: st.DrawFn) -> list[Event]:
    names = draw(st.lists(ids, min_size=1, max_size=25, unique=True))
    return [_event(draw, name) for name in names]


def _derive_all(events: list[Event]) -> tuple[list[ServiceEpisode], list[list[ServiceEpisode]]]:
    state, emitted, again = EpisodeState(), [], []
    for e in events:
        state, new = derive(state, e, "child")
        emitted += new
        state, repeat = derive(state, e, "child")
        again.append(repeat)
        stored = EpisodeState.model_validate_json(state.model_dump_json())
        assert stored == state  # the Faust table keeps it as JSON
    return emitted, again


def _years_overlapped(e: ServiceEpisode) -> tuple[str, ...]:
    until = e.end_date if e.end_date is not None else max(e.start_date, e.last_event_date)
    candidates = range(year_of(e.start_date).start_year - 1, year_of(until).start_year + 2)
    return tuple(
        CensusYear(y).label for y in candidates if overlaps(e.start_date, until, CensusYear(y))
    )


@settings(max_examples=150)
@given(histories())
def test_episode_rules_hold_for_any_history(events):
    emitted, redelivered = _derive_all(events)
    assert all(repeat == [] for repeat in redelivered)  # a redelivery changes nothing
    assert _derive_all(events)[0] == emitted  # same events, same ids, same versions
    versions: dict[str, list[int]] = defaultdict(list)
    for e in emitted:
        assert e.end_date is None or e.end_date >= e.start_date
        assert e.census_years == _years_overlapped(e)
        if e.frequency == "ONE_OFF" and e.source_kind == "PAYMENT":
            assert e.end_date == e.start_date
        versions[e.episode_id].append(e.version)
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())
