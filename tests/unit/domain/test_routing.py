"""Keys decide partitions: each record must land where its consumer keeps state."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain.outputs import ClaimTask
from hub.domain.routing import output_key
from tests.avro_strategies import from_schema


def test_a_task_command_is_keyed_by_child_so_the_child_processor_sees_it():
    claim = ClaimTask(
        command_id="c1",
        child_key="CH-1",
        task_id="T-9",
        by="sw1",
        sent_at=datetime(2026, 1, 5, tzinfo=UTC),
    )
    assert output_key(claim) == "CH-1"


@settings(max_examples=20)
@given(data=st.data())
def test_a_task_change_is_keyed_by_task_for_its_compacted_topic(codec, data):
    schema = codec.catalogue.latest["TaskChanged"].schema
    task = codec.models["TaskChanged"].model_validate(data.draw(from_schema(schema)))
    assert output_key(task) == task.task_id
