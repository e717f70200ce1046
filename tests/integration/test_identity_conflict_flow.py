"""Issue 10 item 3 on the real broker with the real worker: a conflicting strong identifier
raises a review instead of splitting a child.

The YOT sends a child's referral, then another referral with the child's UPN and NHS number
but a YOT id that is not the child's (and another name). Before, the second record was held
under a provisional child key that got its own timeline, service episode and row in the
additional-services return: one real child counted twice until someone reviewed it. Now it
joins the child, without the conflicting id, and a review task names the child; "not the same
child" splits it out to a child of its own through the usual reset and re-send. (The CIN
census is keyed on the case system's own LA child ids, whatever the resolver decides.)
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.acls import apply_grants
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.kafka.log import KafkaEventLog
from hub.adapters.store.sql.store import SqlHubStore
from hub.config import KafkaConnection, Settings
from hub.domain.commands import ReviewPossibleMatch
from hub.domain.events import Event, YotReferralMade
from hub.domain.outputs.identity import IdentityDecisionKind, IdentityDecisionMade
from hub.domain.outputs.reset import ChildReset
from hub.domain.routing import output_key, topic_for
from hub.domain.topic_access import source_user
from hub.usecases.publishing import Publisher
from hub.usecases.topic_grants import namespace_grants
from tests.integration.kafka_fixtures import as_role
from tests.integration.worker_harness import (
    REPO,
    Authority,
    authority_specs,
    decoded,
    run_worker_until_drained,
)

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
CHILD = {"yot_id": "Y000871", "upn": "A938200000012", "nhs_number": "4010232137"}
OTHER_YOT_ID = "Y000999"


def _referral(record_id: str, case: str, **subject: object) -> Event:
    example = json.loads((REPO / "schemas/examples/YotReferralMade.json").read_text())
    event = YotReferralMade.model_validate(example)
    envelope = event.envelope
    fields = {"other_ids": (), "given_name": "Oliver", "family_name": "Okafor",
              "date_of_birth": date(2011, 5, 9), **subject}
    return event.model_copy(update={"yot_case_id": case, "envelope": envelope.model_copy(
        update={"event_id": f"ev-{record_id}", "source_record_id": record_id,
                "subject": envelope.subject.model_copy(update=fields)})})


async def _setup(
    tmp: Path, bootstrap: KafkaTarget, namespace: str, codec: AvroCodec
) -> Authority:
    specs = authority_specs(namespace)
    await apply_topics(bootstrap, specs)
    if isinstance(bootstrap, KafkaConnection) and bootstrap.security.uses_sasl:
        await apply_grants(bootstrap, namespace_grants(Settings(home=REPO), namespace))
    async with KafkaEventLog(as_role(bootstrap, source_user("yot"))) as log:
        publisher = Publisher(log, codec, specs)
        await publisher.publish(_referral("YR-1", "YC-1", **CHILD))
        await publisher.publish(_referral("YR-2", "YC-2", **{**CHILD, "yot_id": OTHER_YOT_ID},
                                          given_name="Zed", family_name="Quinn"))
        await publisher.flush()
    return Authority(tmp, specs, namespace, bootstrap, f"sqlite:///{tmp / 'hub.db'}",
                     staff_db=tmp / "inbox_users.db")


def _return_rows(store: SqlHubStore) -> dict[str, int]:
    """Counted service episodes by hub child key: the rows of the additional-services return
    (``hub census compile`` writes one per counted episode, with its ChildKey)."""
    return dict(Counter(e.child_key for e in store.episodes() if e.exclusion_reason is None))


def _yot_ids(store: SqlHubStore, key: str) -> set[str]:
    return {i.identifier_value for i in store.identifiers(key) if i.identifier_type == "YOT_ID"}


def _timeline_keys(store: SqlHubStore, keys: set[str]) -> dict[str, int]:
    """Each key with a timeline, and how many entries it holds."""
    return {k: len(t) for k in sorted(keys) if (t := store.timeline(k))}


@pytest.mark.timeout(600)
def test_a_conflicting_yot_id_is_reviewed_on_the_child_and_splits_out_on_answer(
    kafka_broker, tmp_path, codec: AvroCodec
):
    authority = asyncio.run(_setup(tmp_path, kafka_broker, "it-conflict", codec))
    authority.add_staff("amira.khan", "data_officer")
    run_worker_until_drained(authority)

    decisions = [d for d in asyncio.run(decoded(authority, codec, "cin.hub.identity-decisions.v1"))
                 if isinstance(d, IdentityDecisionMade)]
    keys = {d.child_key for d in decisions}
    assert len(keys) == 1, "the conflicting record split off a second child key"
    (child,) = keys
    assert [d.conflicts for d in decisions] == [(), ("yot:YOT",)]
    store = SqlHubStore(authority.database)
    assert list(_timeline_keys(store, keys)) == [child]
    assert _return_rows(store) == {child: 2}  # before: 2 children
    assert _yot_ids(store, child) == {"Y000871"}  # the conflicting YOT id is not the child's
    review = [t for t in store.open_tasks() if t.task_type.value == "POSSIBLE_MATCH_REVIEW"]
    assert [(t.child_key, t.related_child_key, t.reference) for t in review] == [
        (child, child, "yot:YR-2")]

    answer = ReviewPossibleMatch(command_id="review-c1", child_key=child, candidate_key=child,
                                 same_child=False, by="amira.khan", decided_at=AT)
    topic = topic_for("ReviewPossibleMatch", [(s.name, s.value) for s in authority.specs])

    async def send() -> None:
        async with KafkaEventLog(as_role(authority.bootstrap, "inbox")) as log:
            await log.append(topic, output_key(answer), codec.encode(answer))

    asyncio.run(send())
    run_worker_until_drained(authority)

    decisions = [d for d in asyncio.run(decoded(authority, codec, "cin.hub.identity-decisions.v1"))
                 if isinstance(d, IdentityDecisionMade)]
    (split,) = [d for d in decisions if d.kind is IdentityDecisionKind.SPLIT]
    new = split.child_key
    assert (split.candidate_key, split.record_ids) == (child, ("yot:YR-2",))
    resets = [r for r in asyncio.run(decoded(authority, codec, "cin.hub.resolved-events.v1"))
              if isinstance(r, ChildReset)]
    assert {r.child_key for r in resets} == {child, new}
    assert set(_timeline_keys(store, {child, new})) == {child, new}
    assert _return_rows(store) == {child: 1, new: 1}
    assert _yot_ids(store, new) == {OTHER_YOT_ID}
    assert not [t for t in store.open_tasks() if t.task_type.value == "POSSIBLE_MATCH_REVIEW"]
