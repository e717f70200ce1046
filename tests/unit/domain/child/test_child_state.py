"""ChildState: frozen, bounded, storable as JSON, idempotent, and one per child key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from hub.domain.child.apply import apply
from hub.domain.child.state import MAX_PROCESSED, MAX_RECENT, ChildState
from hub.domain.child.table import apply_to_table
from hub.domain.events.csc import CscChange
from hub.domain.outputs import ContactRecordCreated, FlagRaised, TimelineEntry
from hub.domain.outputs.codes import CscStatus
from tests.unit.domain.builders import csc, exclusion, sen_request, service_use, yot
from tests.unit.domain.factories import CHILD, MONDAY, NOW, of_type, run


def test_the_same_event_twice_yields_nothing_the_second_time():
    event = sen_request()
    state, (first, second) = run(event, event)
    assert first and second == ()
    assert run(event, state=state)[1] == [()]


def test_state_is_frozen_and_apply_returns_a_new_one():
    state = ChildState()
    after, _ = apply(state, sen_request(), CHILD, NOW)
    assert state == ChildState() and after is not state
    with pytest.raises(ValidationError):
        after.known_to_csc = False  # type: ignore[misc]


def test_state_round_trips_through_json_for_the_table():
    state, _ = run(csc("c1", CscChange.CP_PLAN_STARTED), sen_request(), yot(),
                   exclusion(kind="FIXED_TERM", days=2))
    assert state.flags and state.tasks and state.recent and state.sen.requests
    assert ChildState.model_validate_json(state.model_dump_json()) == state


def test_processed_ids_and_timeline_are_bounded():
    count = MAX_PROCESSED + 10
    events = [service_use(f"u{i}", at=MONDAY + timedelta(minutes=i)) for i in range(count)]
    state, _ = run(*events)
    assert len(state.processed) == MAX_PROCESSED and len(state.recent) == MAX_RECENT
    assert state.recent[-1].event_id == f"u{MAX_PROCESSED + 9}"
    assert state.processed[0] == "event:u10"


def test_every_shared_event_gets_one_timeline_entry_without_personal_data():
    _, (outputs,) = run(yot())
    [entry] = of_type(outputs, TimelineEntry)
    assert entry.summary == "Referred to the Youth Offending Team (COURT_DISPOSAL)"
    assert (entry.event_type, entry.service, entry.event_id) == ("YotReferralMade", "YJ", "yot")
    dumped = entry.model_dump_json()
    assert "Amelia" not in dumped and "Referral Order" not in dumped and "Y1" not in dumped


def test_twins_never_share_state():
    """Same names, same date of birth, two hub child keys: each input touches its own row."""
    table, _ = apply_to_table({}, "twin-a", csc("c1", CscChange.LOOKED_AFTER_STARTED), NOW)
    table, second = apply_to_table(table, "twin-b", sen_request(), NOW)
    table, third = apply_to_table(table, "twin-a", sen_request("other", record="SEN-REQ-2"), NOW)
    assert table["twin-a"].status is CscStatus.LOOKED_AFTER
    assert table["twin-b"].status is CscStatus.CONTACT
    assert of_type(second, ContactRecordCreated)  # twin B is not known because twin A is
    assert [f.child_key for f in of_type(third, FlagRaised)] == ["twin-a"]
    assert {o.child_key for o in second} == {"twin-b"}
