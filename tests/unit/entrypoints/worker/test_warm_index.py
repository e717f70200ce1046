"""A standby's warm index applies the decision log as a cold start would, or says it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.domain.identity.resolution import Resolution
from hub.domain.outputs.identity import IdentityDecisionMade
from hub.entrypoints.worker.standby import WarmIndex
from hub.topics_spec import load_topic_specs
from hub.usecases.smoke import load_examples
from hub.usecases.worker_steps import Router
from tests.conftest import REPO


@pytest.fixture
def router(codec: AvroCodec) -> Router:
    return Router(codec, list(load_topic_specs(REPO / "topics.yaml")))


@pytest.fixture
def logged(router: Router) -> list[tuple[tuple[int, int, int], bytes]]:
    """Every decision of resolving the example events, as the log holds them (stamped in
    the order they were made, spread over three partitions)."""
    live = Resolution()
    decisions = []
    for event in load_examples(Path(REPO / "schemas/examples")):
        _, outputs = live.resolve(event)
        decisions += [o for o in outputs if isinstance(o, IdentityDecisionMade)]
    assert len(decisions) > 5
    return [((1000 + i, i % 3, i // 3), router.codec.encode(d)) for i, d in enumerate(decisions)]


def _cold(router: Router, logged: list[tuple[tuple[int, int, int], bytes]]) -> Resolution:
    cold = Resolution()
    cold.rebuild(d for _, v in sorted(logged) if isinstance(d := router.codec.decode(v),
                                                            IdentityDecisionMade))
    return cold


def _warm(router: Router) -> WarmIndex:
    return WarmIndex("127.0.0.1:1", "decisions", router)  # never started: no broker


def test_applied_in_pieces_as_they_age_it_is_the_cold_index(router, logged) -> None:
    warm = _warm(router)
    half = len(logged) // 2
    warm.add(reversed(logged[half:]))  # a later piece read first: held back, not applied
    warm.add(logged[:half])
    warm.apply(older_than=1000 + half)  # only the first half is old enough
    assert warm.applied > 0 and not warm.out_of_order
    again = [((5000 + i, 0, 100 + i), value) for i, (_, value) in enumerate(logged[:2])]
    warm.add(again)  # sent again after a crash: the same decisions, later in the log
    warm.apply(older_than=None)
    assert not warm.out_of_order
    assert warm.resolution.state == _cold(router, logged + again).state


def test_a_decision_behind_one_applied_is_noticed(router, logged) -> None:
    warm = _warm(router)
    warm.add(logged[3:])
    warm.apply(older_than=None)
    warm.add(logged[:3])  # visible only now, stamped before what was applied
    warm.apply(older_than=None)
    assert warm.out_of_order  # the takeover then builds the index cold
