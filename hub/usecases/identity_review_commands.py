"""A reviewer's identity answers: a possible match answered, or a mistaken merge undone.

The web inbox's review buttons and split form, and ``hub review same|not-same|split``, send
``ReviewPossibleMatch`` and ``SplitChild`` through here, on :class:`StaffCommands`' road:
checked against the store first (a split against the records the store lists under the
child, ``HubStore.person_records``), then flushed to ``cin.hub.commands.v1`` keyed by child key.
The worker's resolver has the last word (it holds the identity index) and answers a review it
cannot carry out with ``CommandRejected`` (UNKNOWN_CHILD, NO_OPEN_REVIEW, NOT_IN_CHILD,
NO_RECORDS, WOULD_EMPTY_CHILD); after a carried-out review the child processor marks the
review task DONE.

Idempotency key: ``command_id``. Audit: the same "staff command sent / refused" lines, with
ids only (user, task, child keys, record ids, command), never a name or a source identifier.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from hub.domain.outputs import ReviewPossibleMatch, SplitChild
from hub.domain.outputs.codes import TaskType
from hub.ports import HubStore, PersonRecordView
from hub.usecases.staff_commands import (
    CommandNotSentError,
    MissingFieldError,
    Sent,
    StaffCommands,
    new_command_id,
    refused,
    required,
)


class NotAReviewError(CommandNotSentError):
    """The task is not a possible-match review (or holds no candidate child)."""


class UnknownChildError(CommandNotSentError, LookupError):
    """The store holds nothing about that child key."""


class RecordsNotSplittableError(CommandNotSentError, ValueError):
    """A record id is malformed, not the child's, or the split would leave the child empty."""


PersonRecordRef = PersonRecordView
"""A person record the resolver holds under a child: ids only (the name the inbox imports)."""


@runtime_checkable
class PersonRecordLookup(Protocol):
    """What the split form and its checks need of a store (every ``HubStore`` offers it)."""

    def person_records(self, child_key: str) -> list[PersonRecordView]: ...


def person_records(store: HubStore, child_key: str) -> list[PersonRecordView] | None:
    """The child's person records now; ``None`` only for a stand-in store without the look-up
    (the inbox then asks for record ids and leaves the check to the resolver)."""
    if isinstance(store, PersonRecordLookup):
        return list(store.person_records(child_key))
    return None


def record_ids_of(given: Sequence[str]) -> tuple[str, ...]:
    """Record ids stripped, blanks dropped, each once (first mention first)."""
    return tuple(dict.fromkeys(r.strip() for r in given if r.strip()))


class IdentityReviews:
    """Answers to possible matches and splits, checked and sent through ``StaffCommands``."""

    def __init__(self, staff: StaffCommands) -> None:
        self.staff = staff

    async def answer_possible_match(
        self, task_id: str, same_child: bool, by: str, command_id: str | None = None
    ) -> Sent:
        """``same_child``: the task's (provisional) child merges into its candidate. A task
        naming one child twice reviews records linked to it despite a conflicting identifier:
        not the same child splits them out to a child of their own."""
        task = await self.staff.movable(task_id, "review", by)
        candidate = task.related_child_key
        if task.task_type is not TaskType.POSSIBLE_MATCH_REVIEW:
            refused("review", by, "not a review task", task_id=task_id)
            raise NotAReviewError(f"task {task_id} is not a possible-match review")
        if not candidate:
            refused("review", by, "no candidate", task_id=task_id)
            raise NotAReviewError(f"review task {task_id} names no candidate child")
        return await self.staff.send(task, ReviewPossibleMatch(
            command_id=command_id or new_command_id(), child_key=task.child_key,
            candidate_key=candidate, same_child=same_child, by=by.strip(),
            decided_at=self.staff.clock()))

    async def split_child(
        self, child_key: str, record_ids: Sequence[str], by: str, reason: str,
        command_id: str | None = None,
    ) -> Sent:
        """The named records leave ``child_key`` (back to where a merge brought them from)."""
        required("by", by)
        why, ids = required("reason", reason), record_ids_of(record_ids)
        if not ids:
            refused("split", by, "no records", child_key=child_key)
            raise MissingFieldError("name at least one record to split out")
        if bad := [r for r in ids if not _well_formed(r)]:
            refused("split", by, "malformed record id", child_key=child_key)
            raise RecordsNotSplittableError(
                f"not a record id (SOURCE_SYSTEM:RECORD_ID): {', '.join(bad)}")
        await asyncio.to_thread(self._check_child, child_key, ids, by)
        return await self.staff.send(None, SplitChild(
            command_id=command_id or new_command_id(), child_key=child_key, record_ids=ids,
            by=by.strip(), reason=why, decided_at=self.staff.clock()))

    def _check_child(self, child_key: str, ids: tuple[str, ...], by: str) -> None:
        store = self.staff.store
        if store.child_summary(child_key) is None:
            refused("split", by, "unknown child", child_key=child_key)
            raise UnknownChildError(f"no child {child_key} in the hub store")
        held = person_records(store, child_key)
        if held is None:  # the store cannot tell: the resolver checks (NOT_IN_CHILD)
            return
        have = {r.record_id for r in held}
        if missing := [r for r in ids if r not in have]:
            refused("split", by, "not in child", child_key=child_key)
            raise RecordsNotSplittableError(f"{child_key} does not hold {', '.join(missing)}")
        if have <= set(ids):
            refused("split", by, "would empty child", child_key=child_key)
            raise RecordsNotSplittableError(f"a split must leave {child_key} a record")


def _well_formed(record_id: str) -> bool:
    source, _, own = record_id.partition(":")
    return bool(source and own) and not any(c.isspace() for c in source)
