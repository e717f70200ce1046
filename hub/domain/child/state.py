"""``ChildState``: what the child processor remembers per hub child key (a state-table row).

Frozen and bounded: rules return a new state, never change one. Full history lives in the
topics and SQL; the state keeps only what the rules need to decide.
"""

from __future__ import annotations

from datetime import date

from hub.domain.child.status import Episode, derive
from hub.domain.events.base import Record
from hub.domain.events.education import SenOutcome
from hub.domain.outputs.codes import ContactType, CscStatus, FlagCode, Participation, TaskStatus
from hub.domain.outputs.tasks import TaskChanged
from hub.domain.outputs.timeline import TimelineEntry

MAX_PROCESSED = 500  # ids of inputs already applied: a redelivery yields no outputs
MAX_SUPERSEDED_FLAGS = 200  # flag ids cleared as superseded: raised again under a new id
MAX_RECENT = 50  # timeline entries kept for the inbox; the rest lives on the topic
MAX_SEN_REQUESTS = 10
MAX_CLOSED_EPISODES = 20  # late events for a closed episode must not reopen it
MAX_FINISHED_TASKS = 20  # DONE or CANCELLED tasks kept to answer late commands


class ActiveFlag(Record):
    flag: FlagCode
    flag_id: str
    raised_by_event_id: str
    refs: tuple[str, ...] = ()
    """Source records keeping the flag up (e.g. two open YOT cases); it clears with the last."""
    expires_on: date | None = None


class ContactMade(Record):
    """The Contact the child's events created: at most one, as it makes the child known to CSC.
    Kept so an identity review can withdraw it (``hub.domain.child.reset``)."""

    contact_id: str
    contact_type: ContactType
    source_event_id: str


class SenRequest(Record):
    request_record_id: str
    event_id: str
    participation: Participation
    outcome: SenOutcome | None = None


class SenState(Record):
    requests: tuple[SenRequest, ...] = ()
    statement_active: bool = False
    statement_request_id: str | None = None


class ChildState(Record):
    known_to_csc: bool = False
    contact_open: bool = False
    contact: ContactMade | None = None
    episodes: tuple[Episode, ...] = ()
    closed_episodes: tuple[str, ...] = ()
    flags: tuple[ActiveFlag, ...] = ()
    sen: SenState = SenState()
    tasks: tuple[TaskChanged, ...] = ()
    processed: tuple[str, ...] = ()
    recent: tuple[TimelineEntry, ...] = ()
    reset_id: str | None = None
    superseded_flags: tuple[str, ...] = ()
    """Flag ids cleared as SUPERSEDED by a late fact. The store keeps a clear for good, so a
    later re-derivation that raises the same flag again raises it under a new id
    (``hub.domain.child.notifications``)."""
    """The last ``ChildReset`` applied; flags raised since carry it in their ids."""
    merged_into: str | None = None
    """Set when the child was merged into another: the survivor's key (no more events come)."""

    @property
    def status(self) -> CscStatus:
        return derive(self.episodes, self.contact_open, self.known_to_csc)

    def has_processed(self, input_id: str) -> bool:
        return input_id in self.processed

    def flag(self, code: FlagCode) -> ActiveFlag | None:
        return next((f for f in self.flags if f.flag is code), None)

    def task(self, task_id: str) -> TaskChanged | None:
        return next((t for t in self.tasks if t.task_id == task_id), None)

    def evolve(self, **changes: object) -> ChildState:
        """A copy with ``changes``, validated (so bounds and types hold)."""
        return ChildState.model_validate({**self.__dict__, **changes})  # fields: dict(self), faster

    def remember(self, input_id: str) -> ChildState:
        return self.evolve(processed=(*self.processed, input_id)[-MAX_PROCESSED:])

    def with_entry(self, entry: TimelineEntry) -> ChildState:
        return self.evolve(recent=(*self.recent, entry)[-MAX_RECENT:])

    def with_task(self, task: TaskChanged) -> ChildState:
        others = [t for t in self.tasks if t.task_id != task.task_id]
        tasks = [*others, task]
        final = [t for t in tasks if t.status in _FINAL]
        keep = {t.task_id for t in final[-MAX_FINISHED_TASKS:]}
        kept = tuple(t for t in tasks if t.status not in _FINAL or t.task_id in keep)
        return self.evolve(tasks=kept)


_FINAL = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})
