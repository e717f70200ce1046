"""Where an event goes: its topic (from topics.yaml's declared value types) and its key.

Source topics are keyed by the child as the source knows them, preferring the source's own
person id (MIS pupil id, eCAF id, finance client ref...) because a source always holds it,
while it may lack the UPN; one child's events from one source so stay in order on one
partition. Keys are plain strings, never Avro.
"""

from __future__ import annotations

from collections.abc import Iterable

from hub.domain.events import Event

# After the source's own typed id, the named identifiers in order of how reliably held.
_KEY_ORDER = ("la_child_id", "yot_id", "upn", "nhs_number")


def source_key(event: Event) -> str:
    envelope = event.envelope
    subject = envelope.subject
    if subject.other_ids:
        own = subject.other_ids[0]
        return f"{own.type.lower()}:{own.value}"
    for field in _KEY_ORDER:
        if value := getattr(subject, field):
            return f"{field}:{value}"
    return f"record:{envelope.source_record_id}"


class RoutingError(LookupError):
    """No topic in topics.yaml declares this event type."""


def topic_for(event_type: str, declared: Iterable[tuple[str, tuple[str, ...]]]) -> str:
    """The first declared ``(topic, value types)`` pair carrying ``event_type``."""
    for topic, values in declared:
        if event_type in values:
            return topic
    raise RoutingError(f"no topic in topics.yaml carries {event_type}")


def output_key(record: object) -> str:
    """The Kafka key of a record the hub writes (see topics.yaml).

    Tasks are keyed by task id (their topic is compacted to the latest version of each task);
    consent-limited counts by event type, never by child; everything else by hub child key.
    Commands go to the child processor, which keeps state per child: always the child key,
    even when they name a task.
    """
    if hasattr(record, "command_id") and isinstance(getattr(record, "child_key", None), str):
        return record.child_key  # type: ignore[no-any-return, attr-defined]
    for field in ("task_id", "child_key"):
        if isinstance(value := getattr(record, field, None), str):
            return value
    if isinstance(value := getattr(record, "event_type", None), str):
        return value
    if isinstance(value := getattr(record, "source_system", None), str):
        return value
    raise RoutingError(f"no key rule for {type(record).__name__}")
