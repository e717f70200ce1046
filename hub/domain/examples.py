"""Example events: the documented examples (``schemas/examples``) that the smoke round trip
publishes. They describe a fictitious child, so they must never become an authority's data.

An example is marked in the event itself: its subject carries the typed identifier
``HUB_EXAMPLE`` (no department system sends that type), so the mark travels with it through
every path (the push intake, a replay, a copy of the topics). Only a smoke namespace, one
whose name starts ``smoke-`` (``hub events smoke`` makes its own), takes examples; every
other namespace is an authority's and refuses them, as the intake refuses an invalid event.
"""

from __future__ import annotations

from hub.domain.event_facts import envelope_of
from hub.domain.events import Event
from hub.domain.validation import EventRejectedError, Problem

EXAMPLE_ID_TYPE = "HUB_EXAMPLE"
SMOKE_PREFIX = "smoke-"


def is_example(event: Event) -> bool:
    ids = envelope_of(event).subject.other_ids
    return any(i.type.upper() == EXAMPLE_ID_TYPE for i in ids)


def smoke_namespace(namespace: str) -> str:
    """The smoke round trip's own namespace beside ``namespace`` (an authority's)."""
    return f"{SMOKE_PREFIX}{namespace or 'default'}"


def takes_examples(namespace: str) -> bool:
    return namespace.startswith(SMOKE_PREFIX)


def refuse_example(event: Event) -> None:
    """Raises EventRejectedError (code ``EXAMPLE_EVENT``) for an example event."""
    if is_example(event):
        raise EventRejectedError([Problem(
            "EXAMPLE_EVENT", "envelope.subject.other_ids",
            "is an example event: only a smoke namespace (smoke-...) takes examples",
        )])
