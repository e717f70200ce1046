"""Issue 4: a reviewer's answer to a possible match, and its undo, followed everywhere.

On the real broker with the real worker: a synthetic authority is processed; a possible
match the resolver raised is answered "same child" (a merge), then the merge is undone (a
split). After the merge, the survivor holds the retired child's events, episodes,
identifiers and timeline, the retired child keeps no counted episode, and the review task is
done. After the split, the census files are those of the first run except for what the review
itself changed: the episodes carry later versions, and one review task fewer is open. The
merge left no trace in any census figure.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.adapters.avro.codec import AvroCodec
from hub.adapters.kafka.log import KafkaEventLog
from hub.adapters.store.sql.store import SqlHubStore
from hub.domain.commands import ReviewPossibleMatch, SplitChild
from hub.domain.outputs.identity import IdentityDecisionKind, IdentityDecisionMade
from hub.domain.outputs.reset import ChildReset
from hub.domain.routing import output_key, topic_for
from tests.integration.kafka_fixtures import as_role
from tests.integration.worker_harness import (
    Authority,
    census_from_database,
    decoded,
    publish_authority,
    run_worker_until_drained,
)

pytestmark = pytest.mark.integration
YEAR = "2025-26"
AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _without_versions(text: str) -> str:
    """The return without EpisodeVersion and OpenIdentityReview (XML elements or CSV columns,
    by name)."""
    if text.lstrip().startswith("<"):
        text = re.sub(r"<EpisodeVersion>\d+</EpisodeVersion>", "", text)
        return re.sub(r"<OpenIdentityReview>[YN]</OpenIdentityReview>", "", text)
    rows = list(csv.reader(io.StringIO(text)))
    drop = {rows[0].index("EpisodeVersion"), rows[0].index("OpenIdentityReview")}
    return "\n".join(",".join(c for n, c in enumerate(r) if n not in drop) for r in rows)


def _review_marks(path: Path, keys: set[str]) -> set[str]:
    """The OpenIdentityReview cells of the return's rows of ``keys``."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["OpenIdentityReview"] for r in csv.DictReader(handle) if r["ChildKey"] in keys}


def _send(authority: Authority, codec: AvroCodec, command: object) -> None:
    declared = [(s.name, s.value) for s in authority.specs]
    topic = topic_for(type(command).__name__, declared)

    async def go() -> None:
        async with KafkaEventLog(as_role(authority.bootstrap, "inbox")) as log:
            await log.append(topic, output_key(command), codec.encode(command))  # type: ignore[arg-type]

    asyncio.run(go())


def _counted(store: SqlHubStore, key: str) -> list:
    return [e for e in store.episodes(key) if e.exclusion_reason is None and e.child_key == key]


@pytest.mark.timeout(1200)
def test_a_merge_and_its_undo_reach_every_output(kafka_broker, tmp_path, codec: AvroCodec):
    authority = asyncio.run(publish_authority(tmp_path, kafka_broker, "it-review", children=300))
    authority.add_staff("amira.khan", "data_officer")  # the worker verifies the reviewer
    run_worker_until_drained(authority)
    before = census_from_database(authority.env(), tmp_path / "before")
    store = SqlHubStore(authority.database)
    # a possible match still open once identity settled, as a reviewer finds it in the inbox
    possible = sorted((t.child_key, t.related_child_key) for t in store.open_tasks()
                      if t.task_type.value == "POSSIBLE_MATCH_REVIEW"
                      and t.related_child_key not in (None, t.child_key))
    assert possible, "the synthetic authority raised no possible match to review"
    retired, survivor = possible[0]
    assert survivor is not None
    retired_ids = {(i.identifier_type, i.identifier_value) for i in store.identifiers(retired)}
    retired_events = {t.event_id for t in store.timeline(retired)}
    assert retired_events

    _send(authority, codec, ReviewPossibleMatch(
        command_id="review-1", child_key=retired, candidate_key=survivor, same_child=True,
        by="amira.khan", decided_at=AT))
    run_worker_until_drained(authority)

    decisions = asyncio.run(decoded(authority, codec, "cin.hub.identity-decisions.v1"))
    merge = [d for d in decisions if isinstance(d, IdentityDecisionMade)
             and d.kind is IdentityDecisionKind.MERGE]
    assert [(m.child_key, m.candidate_key) for m in merge] == [(survivor, retired)]
    resets = [r for r in asyncio.run(decoded(authority, codec, "cin.hub.resolved-events.v1"))
              if isinstance(r, ChildReset) and r.decision_id == merge[0].decision_id]
    assert {(r.child_key, r.into_key) for r in resets} == {(retired, survivor), (survivor, None)}
    assert retired_ids <= {(i.identifier_type, i.identifier_value)
                           for i in store.identifiers(survivor)}
    assert retired_events <= {t.event_id for t in store.timeline(survivor)}
    assert not _counted(store, retired), "a merged-away child still has counted episodes"
    reviews = [t for t in store.open_tasks() if t.child_key in (retired, survivor)
               and t.task_type.value == "POSSIBLE_MATCH_REVIEW"]
    assert not reviews, "the review task is still open after the answer"

    moved = merge[0].record_ids  # every record the merge moved: the undo
    assert moved
    _send(authority, codec, SplitChild(
        command_id="split-1", child_key=survivor, record_ids=moved, by="amira.khan",
        reason="reviewed again: not the same child", decided_at=AT))
    run_worker_until_drained(authority)

    decisions = asyncio.run(decoded(authority, codec, "cin.hub.identity-decisions.v1"))
    assert any(isinstance(d, IdentityDecisionMade) and d.kind is IdentityDecisionKind.SPLIT
               for d in decisions)
    after = census_from_database(authority.env(), tmp_path / "after")
    assert after["cin_census.xml"] == before["cin_census.xml"]
    assert after["consent_limited_counts.csv"] == before["consent_limited_counts.csv"]
    for name in ("additional_services.csv", "additional_services.xml"):
        old, new = ((tmp_path / d / name).read_text() for d in ("before", "after"))
        assert _without_versions(new) == _without_versions(old), name
    pair = {retired, survivor}
    assert _review_marks(tmp_path / "before" / "additional_services.csv", pair) <= {"Y"}
    assert _review_marks(tmp_path / "after" / "additional_services.csv", pair) <= {"N"}
    listed = [json.loads((tmp_path / d / "open_identity_reviews.json").read_text())
              for d in ("before", "after")]
    assert any({k["child_key"] for k in r["children"]} == pair for r in listed[0]["reviews"])
    assert not any(pair & {k["child_key"] for k in r["children"]} for r in listed[1]["reviews"])
    quality = [json.loads((tmp_path / d / "data_quality.json").read_text())
               for d in ("before", "after")]
    assert quality[1]["open_review_tasks"] == quality[0]["open_review_tasks"] - 1
    del quality[0]["open_review_tasks"], quality[1]["open_review_tasks"]
    assert quality[1] == quality[0]
