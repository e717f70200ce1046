"""The smoke round trip: publish one example of every event type and read each one back.

Proves the whole contract end to end on a real cluster: routing, keys, Avro single-object
encoding, topic configuration and decoding with the schema catalogue alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from hub.domain.events import EVENT_MODELS, Event
from hub.ports import Codec
from hub.usecases.publishing import Publisher


@dataclass(frozen=True)
class RoundTrip:
    event_type: str
    topic: str
    event_id: str
    read_back: bool


def load_examples(directory: Path) -> list[Event]:
    """The documented example of each event type, ``schemas/examples/<Name>.json``."""
    events = []
    for name, model in EVENT_MODELS.items():
        path = directory / f"{name}.json"
        events.append(model.model_validate(json.loads(path.read_text(encoding="utf-8"))))
    return events


async def round_trip(
    publisher: Publisher, codec: Codec, events: list[Event]
) -> list[RoundTrip]:
    sent = [(event, await publisher.publish(event)) for event in events]
    await publisher.flush()
    found: dict[str, set[str]] = {}
    for topic in {topic for _, topic in sent}:
        decoded = [cast(Event, codec.decode(r.value)) for r in await publisher.log.read_all(topic)]
        found[topic] = {e.envelope.event_id for e in decoded}
    return [
        RoundTrip(type(e).__name__, t, e.envelope.event_id, e.envelope.event_id in found[t])
        for e, t in sent
    ]
