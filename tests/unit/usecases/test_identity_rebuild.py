"""The resolver's index rebuilt from the decision log, read through a plain reader function."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.domain.identity.resolution import Resolution
from hub.domain.outputs.identity import IdentityDecisionMade
from hub.ports import LogRecord
from hub.topics_spec import load_topic_specs
from hub.usecases.identity_rebuild import rebuild_resolution
from hub.usecases.smoke import load_examples
from hub.usecases.worker_steps import Router
from tests.conftest import REPO


@pytest.fixture
def router(codec: AvroCodec) -> Router:
    return Router(codec, list(load_topic_specs(REPO / "topics.yaml")))


def _logged(router: Router, decisions: list[IdentityDecisionMade]) -> list[LogRecord]:
    topic = router.topic("IdentityDecisionMade")
    return [LogRecord(topic, 0, i, d.child_key, router.codec.encode(d), timestamp=1000 + i)
            for i, d in enumerate(decisions)]


def test_the_index_learns_every_logged_decision(router):
    event = next(e for e in load_examples(Path(REPO / "schemas/examples"))
                 if type(e).__name__ == "YotReferralMade")
    original = Resolution()
    key, outputs = original.resolve(event)
    decisions = [o for o in outputs if isinstance(o, IdentityDecisionMade)]
    assert decisions
    asked: list[str] = []

    async def read(topic: str) -> list[LogRecord] | None:
        asked.append(topic)
        return list(reversed(_logged(router, decisions)))  # read order is not decision order

    rebuilt = asyncio.run(rebuild_resolution(router, read))
    assert asked == [router.topic("IdentityDecisionMade")]
    assert rebuilt.record_child(Resolution.record_id_of(event)) == key


def test_no_decision_topic_gives_an_empty_index(router):
    async def read(topic: str) -> list[LogRecord] | None:
        return None

    rebuilt = asyncio.run(rebuild_resolution(router, read))
    assert not rebuilt.state.record_child


def test_the_cycle_collector_runs_again_after_a_rebuild_and_skips_what_it_built(router):
    event = next(e for e in load_examples(Path(REPO / "schemas/examples"))
                 if type(e).__name__ == "YotReferralMade")
    _, outputs = Resolution().resolve(event)
    logged = _logged(router, [o for o in outputs if isinstance(o, IdentityDecisionMade)])
    seen_enabled: list[bool] = []

    async def read(topic: str) -> list[LogRecord] | None:
        return logged

    class Watching(Resolution):
        def rebuild(self, records):  # type: ignore[no-untyped-def]
            seen_enabled.append(gc.isenabled())
            return super().rebuild(records)

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("hub.usecases.identity_rebuild.Resolution", Watching)
            rebuilt = asyncio.run(rebuild_resolution(router, read))
        assert seen_enabled == [False]  # paused while building
        assert gc.isenabled()  # and running again afterwards
        assert gc.get_freeze_count() > 0  # what was built is left out of later collections
        assert rebuilt.record_child(Resolution.record_id_of(event)) is not None
    finally:
        gc.unfreeze()
