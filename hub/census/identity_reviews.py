"""Open identity reviews in a census return: which rows they touch, and the sign-off list.

A possible match that nobody has answered yet leaves one real child under two hub keys (the
record's provisional key and the candidate it may be), so the return can count that child
twice; a record linked to a child despite a conflicting identifier is reviewed under that one
key (its rows may hold a record of another child). Every return row of either key is marked
``OpenIdentityReview`` = Y, and ``open_identity_reviews.json`` lists the reviews for the
person signing the return off: the review task, the hub keys, the LA child ids the return
holds for them and how many of the return's rows each has, rows of children in review first.
Ids and keys only, never a name or a date of birth. Pure: the same tasks and episodes, in any
order, give the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hub.domain.episodes.model import ServiceEpisode
from hub.domain.outputs import TaskChanged
from hub.domain.outputs.codes import TaskStatus, TaskType

REVIEW_TASK_TYPES = frozenset({TaskType.POSSIBLE_MATCH_REVIEW})
OPEN_STATUSES = frozenset({TaskStatus.OPEN, TaskStatus.CLAIMED})


@dataclass(frozen=True, slots=True)
class OpenReview:
    task_id: str
    child_key: str
    candidate_key: str | None

    @property
    def keys(self) -> tuple[str, ...]:
        """The review's keys, each once: a review of records linked to a child despite a
        conflicting identifier names that child twice (``hub.domain.identity.resolver``)."""
        other = self.candidate_key
        return (self.child_key,) + ((other,) if other and other != self.child_key else ())


def latest_tasks(tasks: Iterable[TaskChanged]) -> list[TaskChanged]:
    """Each task id at its highest version."""
    latest: dict[str, TaskChanged] = {}
    for task in tasks:
        if task.task_id not in latest or task.version > latest[task.task_id].version:
            latest[task.task_id] = task
    return list(latest.values())


def open_reviews(tasks: Iterable[TaskChanged]) -> list[OpenReview]:
    """Open (or claimed) possible-match review tasks, by task id."""
    found = [
        OpenReview(t.task_id, t.child_key, t.related_child_key)
        for t in latest_tasks(tasks)
        if t.task_type in REVIEW_TASK_TYPES and t.status in OPEN_STATUSES
    ]
    return sorted(found, key=lambda r: r.task_id)


def keys_in_review(reviews: Iterable[OpenReview]) -> frozenset[str]:
    """Every hub key on either side of an open review."""
    return frozenset(key for review in reviews for key in review.keys)


def flag(child_key: str, in_review: frozenset[str]) -> str:
    """The ``OpenIdentityReview`` cell of a row of ``child_key``."""
    return "Y" if child_key in in_review else "N"


def reviews_json(reviews: Sequence[OpenReview], rows: Sequence[ServiceEpisode]) -> bytes:
    """The sign-off list: reviews whose children have rows in the return first (most rows
    first), then the others; for each key its LA child ids and rows in the return."""
    per_key = Counter(e.child_key for e in rows)
    la_ids: dict[str, set[str]] = {}
    for e in rows:
        if e.la_child_id:
            la_ids.setdefault(e.child_key, set()).add(e.la_child_id)

    def child(key: str) -> dict[str, object]:
        return {
            "child_key": key,
            "la_child_ids": sorted(la_ids.get(key, ())),
            "rows_in_return": per_key[key],
        }

    listed = [
        {
            "task_id": r.task_id,
            "children": [child(k) for k in r.keys],
            "rows_in_return": sum(per_key[k] for k in r.keys),
        }
        for r in reviews
    ]
    listed.sort(key=lambda item: (-int(str(item["rows_in_return"])), str(item["task_id"])))
    body = {
        "open_reviews": len(listed),
        "children_in_review": len(keys_in_review(reviews)),
        "rows_in_return_marked": sum(per_key[k] for k in keys_in_review(reviews)),
        "reviews": listed,
    }
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()
