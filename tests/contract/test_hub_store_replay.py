"""Property: any stream of valid records, replayed, leaves every store exactly as it was.

Records come straight from the Avro schemas (``tests/avro_strategies``), with their ids drawn
from small pools so redeliveries, version races and clear-before-raise happen often.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.adapters.avro.codec import AvroCodec, load_codec
from hub.adapters.memory.store import InMemoryHubStore
from hub.ports import HubStore, StoreRecord
from tests.avro_strategies import from_schema
from tests.conftest import SCHEMAS
from tests.contract.views import everything

FAMILIES = [  # record types that meet in the same rows or the same summary
    ["TaskChanged"],
    ["FlagRaised", "FlagCleared"],
    ["SenExchangeReplied", "CscStatusRelayed", "SenParticipationDecided", "ContactRecordCreated"],
    ["IdentityDecisionMade"],
    ["TimelineEntry", "ContactRecordCreated"],
    ["CommandRejected", "ConsentLimitedUse"],
]
NAMES = sorted({name for family in FAMILIES for name in family})
_IDS = ["a", "b"]
POOLS: dict[str, st.SearchStrategy[Any]] = {
    "child_key": st.sampled_from(["child-1", "child-2"]),
    "version": st.integers(1, 3),
    **{name: st.sampled_from(_IDS) for name in (
        "task_id", "event_id", "contact_id", "flag_id", "reply_id", "relay_id", "decision_id",
        "command_id", "use_id", "request_record_id", "team")},
}


def _no_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold U+0000 (see docs/database.md)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _no_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nul(v) for v in value]
    return value


def _pooled(datum: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    keys = {k: s for k, s in POOLS.items() if k in datum}
    return st.fixed_dictionaries(keys).map(lambda ids: _no_nul({**datum, **ids}))


def record_of(codec: AvroCodec, name: str) -> st.SearchStrategy[StoreRecord]:
    model = codec.models[name]
    datum = from_schema(codec.catalogue.latest[name].schema)
    return datum.flatmap(_pooled).map(model.model_validate)  # type: ignore[return-value]


CODEC = load_codec(SCHEMAS)
BY_NAME = {name: record_of(CODEC, name) for name in NAMES}
# One or two families per stream, so the same ids meet often (races, redeliveries, clears).
STREAMS = st.lists(st.sampled_from(FAMILIES), min_size=1, max_size=2).flatmap(
    lambda families: st.lists(st.one_of([BY_NAME[n] for f in families for n in f]),
                              min_size=4, max_size=25))


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])
@given(stream=STREAMS)
def test_replaying_a_stream_changes_nothing_and_matches_the_fake(
    new_store: Callable[[], HubStore], stream: list[StoreRecord]
):
    store, fake = new_store(), InMemoryHubStore()
    store.apply_many(stream)
    fake.apply_many(stream)
    first = everything(store, stream)
    assert first == everything(fake, stream)
    store.apply_many(stream)
    for record in stream:
        store.apply(record)
    assert everything(store, stream) == first


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                  HealthCheck.too_slow])
@given(stream=STREAMS)
def test_a_batch_and_one_by_one_agree(new_store: Callable[[], HubStore], stream: list[StoreRecord]):
    batched, single = new_store(), new_store()
    batched.apply_many(stream)
    for record in stream:
        single.apply(record)
    assert everything(batched, stream) == everything(single, stream)
