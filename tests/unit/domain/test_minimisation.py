"""Consent-withheld events leave the door without name, date of birth and postcode."""

from __future__ import annotations

from datetime import date

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.memory.log import InMemoryEventLog
from hub.domain.consent import WITHHELD
from hub.domain.events import ServiceUseReturned
from hub.topics_spec import load_topic_specs
from hub.usecases.intake import build_pushed_event
from hub.usecases.publishing import Publisher
from tests.conftest import REPO
from tests.unit.usecases.test_intake_service import NOW, TODAY, example, pushed_body


async def test_a_withheld_event_is_published_without_personal_fields(codec: AvroCodec) -> None:
    specs = load_topic_specs(REPO / "topics.yaml", "")
    log = InMemoryEventLog({spec.name: spec.partitions for spec in specs})
    publisher = Publisher(log, codec, specs)
    body = pushed_body(example("ServiceUseReturned"))
    event = build_pushed_event("ServiceUseReturned", body, "provider-returns", TODAY, NOW)
    assert event.envelope.subject.given_name  # the example names the child
    withheld = event.model_copy(update={"envelope": event.envelope.model_copy(
        update={"consent": WITHHELD})})
    topic = await publisher.publish(withheld)
    await publisher.publish(event)
    first, second = [codec.decode(r.value) for r in await log.read_all(topic)]
    assert isinstance(first, ServiceUseReturned) and isinstance(second, ServiceUseReturned)
    stripped = first.envelope.subject
    assert (stripped.given_name, stripped.family_name, stripped.date_of_birth,
            stripped.postcode) == (None, None, None, None)
    assert stripped.other_ids == event.envelope.subject.other_ids  # still linkable
    assert second.envelope.subject.date_of_birth == event.envelope.subject.date_of_birth
    assert isinstance(second.envelope.subject.date_of_birth, date)
