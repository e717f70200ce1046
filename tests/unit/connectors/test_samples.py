"""Every sample export in connectors/samples/ publishes through its connector.

The samples are cut from ``hub demo-data`` output (``python -m hub.synthetic.samples``). The
generator deliberately gives ~0.5% of identifiers a bad check digit: only those rows may be
dead-lettered. Every other row becomes events that decode back equal to what was built, and
publishing a sample twice adds no new event ids.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.base import Connector
from connectors.registry import CONNECTORS, SAMPLE_FILES
from hub.domain.events import Event
from hub.domain.minimisation import minimised
from hub.domain.routing import topic_for
from hub.domain.validation import EventRejectedError
from hub.usecases.connecting import connect_file
from hub.usecases.publishing import Publisher
from tests.conftest import REPO
from tests.unit.connectors.harness import TODAY

SAMPLES = REPO / "connectors" / "samples"
BROKEN_ON_PURPOSE = {"INVALID_UPN", "INVALID_NHS_NUMBER"}


def _sample(source: str) -> Path:
    path = SAMPLES / SAMPLE_FILES[source]
    if not path.exists():
        pytest.skip(f"no sample {path.name} yet: run python -m hub.synthetic.samples")
    return path


def _built(connector: Connector, path: Path) -> list[Event]:
    """What the connector states for every row it accepts, without publishing."""
    built: list[Event] = []
    for row in connector.read(path):
        try:
            built += connector.events(row)
        except EventRejectedError as exc:
            assert exc.code in BROKEN_ON_PURPOSE, f"{row.location}: {exc}"
    return built


async def _published(publisher: Publisher, events: list[Event]) -> list[Event]:
    topics = {topic_for(type(e).__name__, publisher.declared) for e in events}
    records = [r for topic in sorted(topics) for r in await publisher.log.read_all(topic)]
    return [publisher.codec.decode(r.value) for r in records]


def _by_id(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: e.envelope.event_id)  # type: ignore[attr-defined]


def test_every_connector_has_a_sample():
    assert set(SAMPLE_FILES) == set(CONNECTORS)


@pytest.mark.parametrize("source", sorted(SAMPLE_FILES))
async def test_a_sample_publishes_with_only_its_deliberate_dead_letters(source, publisher):
    path = _sample(source)
    connector = CONNECTORS[source](TODAY)
    built = _built(connector, path)
    summary = await connect_file(connector, path, publisher)
    assert summary.rows_read > 0 and summary.balanced
    assert set(summary.dead_letters) <= BROKEN_ON_PURPOSE
    assert summary.events_published == len(built)
    # published as built, except that consent-withheld events lose name, DOB and postcode
    assert _by_id(await _published(publisher, built)) == _by_id([minimised(e) for e in built])


@pytest.mark.parametrize("source", sorted(SAMPLE_FILES))
async def test_publishing_a_sample_twice_adds_no_new_event_ids(source, publisher):
    path = _sample(source)
    first = await connect_file(CONNECTORS[source](TODAY), path, publisher)
    built = _built(CONNECTORS[source](TODAY), path)
    await connect_file(CONNECTORS[source](TODAY), path, publisher)
    published = await _published(publisher, built)
    assert len(published) == 2 * first.events_published
    assert {e.envelope.event_id for e in published} == {e.envelope.event_id for e in built}
