"""Hand-made source events and commands for the child processor's unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from hub.domain.child.apply import Input, apply
from hub.domain.child.context import Outputs
from hub.domain.child.state import ChildState
from hub.domain.child.task_rules import DEFAULT_RULES, TaskRules
from hub.domain.events import Event
from hub.domain.events.common import ChildSubject, Consent, ConsentBasis, Envelope, Sex

E = TypeVar("E", bound=Event)

MONDAY = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)
NOW = MONDAY + timedelta(hours=2)
CHILD = "child-1"
SUBJECT = ChildSubject(
    upn="T938203512014", given_name="Amelia", family_name="Synthetic-Example",
    date_of_birth=date(2013, 5, 14), sex=Sex.FEMALE, postcode="ZZ99 3AB",
)


def on(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def event(
    model: type[E], event_id: str, *, at: datetime = MONDAY, record: str | None = None,
    share: bool = True, source: str = "test-system", **fields: Any,
) -> E:
    envelope = Envelope(
        event_id=event_id, event_type=model.__name__, schema_version=1, source_system=source,
        source_record_id=record or f"rec-{event_id}", record_version="1", occurred_at=at,
        recorded_at=at, subject=SUBJECT,
        consent=Consent(basis=ConsentBasis.STATUTORY if share else ConsentBasis.WITHHELD,
                        share_child_detail=share),
    )
    return model(envelope=envelope, **fields)


def run(
    *inputs: Input, state: ChildState | None = None, child_key: str = CHILD,
    now: datetime = NOW, rules: TaskRules = DEFAULT_RULES,
) -> tuple[ChildState, list[Outputs]]:
    """Apply inputs in order; the final state and each input's outputs."""
    state = state or ChildState()
    produced: list[Outputs] = []
    for message in inputs:
        state, outputs = apply(state, message, child_key, now, rules)
        produced.append(outputs)
    return state, produced


def of_type(outputs: Outputs, kind: type) -> list[Any]:
    return [o for o in outputs if isinstance(o, kind)]
