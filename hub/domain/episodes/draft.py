"""Building blocks every episode rule shares: ids, a new episode from an event, an update."""

from __future__ import annotations

from typing import Any

from hub.domain.episodes.model import ServiceEpisode, years_touched
from hub.domain.event_facts import envelope_of, event_date
from hub.domain.events import Event
from hub.domain.outputs.base import output_id


def episode_id(kind: str, source_system: str, *parts: str) -> str:
    """Deterministic: the same source record (and part of it) is always the same episode."""
    return output_id(f"episode.{kind}", source_system, *parts)


def new_episode(event: Event, child_key: str, **fields: Any) -> ServiceEpisode:
    """An episode built from ``event``: identifiers, consent and provenance come from it.

    ``fields`` carry the rule's own values; ``episode_id``, ``service`` and the dates are
    required. ``version`` is a placeholder: :func:`hub.domain.episodes.ledger.commit` sets it.
    """
    envelope = envelope_of(event)
    values: dict[str, Any] = {
        "version": 1,
        "child_key": child_key,
        "la_child_id": envelope.subject.la_child_id,
        "upn": envelope.subject.upn,
        "source_system": envelope.source_system,
        "source_record_id": envelope.source_record_id,
        "consent": envelope.consent,
        "last_event_date": event_date(event),
        "confirmed_on": envelope.recorded_at.date(),
        "source_event_ids": (envelope.event_id,),
        "end_date": None,
        **fields,
    }
    values["census_years"] = years_touched(
        values["start_date"], values["end_date"], values["last_event_date"]
    )
    return ServiceEpisode.model_validate(values)


def touched_by(episode: ServiceEpisode, event: Event, **changes: Any) -> ServiceEpisode:
    """``episode`` after ``event`` changed it: identifiers known so far, provenance, ``changes``.

    An event already folded in changes nothing but what ``changes`` says, so a redelivery
    builds an equal episode (and :func:`commit` emits nothing for it).
    """
    envelope = envelope_of(event)
    ids = episode.source_event_ids
    return episode.evolve(
        la_child_id=envelope.subject.la_child_id or episode.la_child_id,
        upn=envelope.subject.upn or episode.upn,
        consent=envelope.consent,
        last_event_date=max(episode.last_event_date, event_date(event)),
        confirmed_on=max(filter(None, (episode.confirmed_on, envelope.recorded_at.date()))),
        source_event_ids=ids if envelope.event_id in ids else (*ids, envelope.event_id),
        **changes,
    )
