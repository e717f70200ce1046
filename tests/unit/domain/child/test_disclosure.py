"""The consent gate: an event withholding child detail yields only countable, anonymous uses."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.adapters.avro.codec import AvroCodec
from hub.domain.child.disclosure import ConsentWithheldError, Shared, age_band
from hub.domain.child.state import ChildState
from hub.domain.codes import AdditionalService
from hub.domain.events import EVENT_MODELS
from hub.domain.events.common import ServiceLine
from hub.domain.events.csc import CscChange
from hub.domain.events.panel import PanelOutcome
from hub.domain.outputs import ConsentLimitedUse
from hub.domain.outputs.codes import AgeBand
from tests.avro_strategies import from_schema
from tests.unit.domain.builders import csc, decide, panel, register, sen_request, service_use
from tests.unit.domain.factories import run

# Strings whose values are code lists: tagging them would make the event invalid.
_CODED = {"event_type", "subtype", "services", "referral_source", "primary_need"}
_ALLOWED_ENUMS = {"sex", "basis", "service"}  # these may be counted


def _tag(value: Any, key: str, found: dict[str, set]) -> Any:
    """Mark every free-text string so a leak is unmistakable; collect the detail to look for."""
    if isinstance(value, dict):
        return {k: _tag(v, k, found) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_tag(v, key, found) for v in value)
    if isinstance(value, Enum):
        if key not in _ALLOWED_ENUMS:
            found["codes"].add(value.value)
    elif isinstance(value, str):
        if key in _CODED:
            if key != "event_type":
                found["codes"].add(value)
            return value
        tagged = f"\u2039{len(found['text'])}\u203a{value}"
        found["text"].add(tagged)
        return tagged
    elif isinstance(value, date):
        found["dates"].add(value.isoformat())
    return value


def _leaves(record: ConsentLimitedUse) -> list[str]:
    return [str(v) for v in json.loads(record.model_dump_json()).values() if v is not None]


def _known_state() -> ChildState:
    """A child with a CSC case, an SEN request and flags: the gate must ignore all of it."""
    state, _ = run(csc("s1", CscChange.CP_PLAN_STARTED), sen_request("s2"), register("s3"))
    return state


@pytest.mark.parametrize("name", sorted(EVENT_MODELS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_withheld_consent_yields_only_anonymous_counts(codec: AvroCodec, name: str, data):
    datum = data.draw(from_schema(codec.catalogue.latest[name].schema))
    datum["envelope"]["consent"]["share_child_detail"] = False
    found: dict[str, set] = {"text": set(), "codes": set(), "dates": set()}
    event = EVENT_MODELS[name].model_validate(
        _tag(EVENT_MODELS[name].model_validate(datum).model_dump(), "", found))
    for state in (ChildState(), _known_state()):
        after, outputs = run(event, state=state)
        assert outputs[0] and all(isinstance(o, ConsentLimitedUse) for o in outputs[0])
        assert after.model_copy(update={"processed": state.processed}) == state
        for record in outputs[0]:
            leaves = _leaves(record)
            assert not any(t in leaf for t in found["text"] for leaf in leaves)
            assert not any(d in leaf for d in found["dates"] for leaf in leaves)
            assert not found["codes"] & set(leaves)
            assert record.event_type == name


def test_a_withheld_register_entry_is_counted_as_cwd():
    _, ((use,),) = run(register(share=False))
    assert use.service is AdditionalService.CWD and use.age_band is AgeBand.AGE_10_15
    assert (use.sex, use.census_month, use.consent_basis) == ("FEMALE", "2026-01", "WITHHELD")


def test_a_withheld_panel_decision_counts_each_service_once():
    line = {"volume_measure": "S", "frequency": "WEEKLY", "planned_start": date(2026, 1, 1)}
    lines = (ServiceLine(line_id="1", service="CWD", subtype="HOME_CARE", **line),
             ServiceLine(line_id="2", service="CWD", subtype="DAY_CARE", **line),
             ServiceLine(line_id="3", service="FS", subtype="MEDIATION", **line))
    _, (uses,) = run(panel(share=False, lines=lines, decision=PanelOutcome.APPROVED))
    assert [u.service for u in uses] == ["CWD", "FS"]
    assert len({u.use_id for u in uses}) == 2


def test_withheld_events_leave_no_trace_but_are_not_counted_twice():
    event = service_use(share=False)
    state, (first, second) = run(event, event)
    assert len(first) == 1 and second == ()
    assert state.model_copy(update={"processed": ()}) == ChildState()


def test_a_withheld_sen_request_gets_no_reply_and_later_decisions_find_no_request():
    _, (requested, decided) = run(sen_request(share=False), decide())
    assert all(isinstance(o, ConsentLimitedUse) for o in requested)
    assert decided[0].reason_code == "UNKNOWN_REQUEST"


def test_rules_cannot_be_handed_a_withheld_event():
    with pytest.raises(ConsentWithheldError):
        Shared(service_use(share=False))


@pytest.mark.parametrize(
    ("dob", "on", "band"),
    [
        (None, date(2026, 1, 1), AgeBand.UNKNOWN),
        (date(2026, 2, 1), date(2026, 1, 1), AgeBand.UNKNOWN),
        (date(2021, 1, 2), date(2026, 1, 1), AgeBand.AGE_0_4),
        (date(2021, 1, 1), date(2026, 1, 1), AgeBand.AGE_5_9),
        (date(2016, 1, 2), date(2026, 1, 1), AgeBand.AGE_5_9),
        (date(2016, 1, 1), date(2026, 1, 1), AgeBand.AGE_10_15),
        (date(2010, 1, 1), date(2026, 1, 1), AgeBand.AGE_16_17),
        (date(2008, 1, 2), date(2026, 1, 1), AgeBand.AGE_16_17),
        (date(2008, 1, 1), date(2026, 1, 1), AgeBand.AGE_18_PLUS),
        (date(2012, 2, 29), date(2028, 2, 28), AgeBand.AGE_10_15),
    ],
)
def test_age_band_on_the_event_date(dob, on, band):
    assert age_band(dob, on) is band
