"""Working the queue: filter, sort, count and page a team's tasks (pure rules, no I/O).

A task's due state is ``overdue`` (due before today), ``today``, ``week`` (within the next
seven days) or ``later``. Counts per task type are of open (OPEN or CLAIMED) tasks and of
those overdue, over everything the user may see, before any filter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil

from hub.domain.outputs import TaskChanged
from hub.domain.outputs.codes import Priority, TaskStatus, TaskType

PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}
DUE_STATES = ("overdue", "today", "week", "later")
PAGE_SIZE = 25
OPEN = (TaskStatus.OPEN, TaskStatus.CLAIMED)

_SORTS: dict[str, Callable[[TaskChanged], tuple[object, ...]]] = {
    "due": lambda t: (t.due_date, PRIORITY_ORDER[t.priority], t.task_id),
    "priority": lambda t: (PRIORITY_ORDER[t.priority], t.due_date, t.task_id),
    "type": lambda t: (t.task_type.value, t.due_date, PRIORITY_ORDER[t.priority], t.task_id),
    "status": lambda t: (t.status.value, t.due_date, PRIORITY_ORDER[t.priority], t.task_id),
}
SORTS = tuple(_SORTS)


def due_state(task: TaskChanged, today: date) -> str:
    if task.due_date < today:
        return "overdue"
    if task.due_date == today:
        return "today"
    return "week" if task.due_date <= today + timedelta(days=7) else "later"


@dataclass(frozen=True)
class QueueQuery:
    task_type: TaskType | None = None
    status: TaskStatus | None = None
    priority: Priority | None = None
    due: str | None = None  # one of DUE_STATES
    sort: str = "due"
    page: int = 1
    children: frozenset[str] | None = None  # a search: only tasks about these children


@dataclass(frozen=True)
class TypeCount:
    task_type: TaskType
    open: int
    overdue: int


@dataclass(frozen=True)
class QueuePage:
    tasks: list[TaskChanged]
    total: int
    page: int
    pages: int
    counts: list[TypeCount] = field(default_factory=list)


def _keeps(task: TaskChanged, query: QueueQuery, today: date) -> bool:
    return ((query.task_type is None or task.task_type is query.task_type)
            and (query.status is None or task.status is query.status)
            and (query.priority is None or task.priority is query.priority)
            and (query.due is None or due_state(task, today) == query.due)
            and (query.children is None or task.child_key in query.children))


def counts(tasks: Iterable[TaskChanged], today: date) -> list[TypeCount]:
    """Open and overdue tasks per type, for the types that have any, in TaskType order."""
    open_tasks = [t for t in tasks if t.status in OPEN]
    opened = Counter(t.task_type for t in open_tasks)
    late = Counter(t.task_type for t in open_tasks if t.due_date < today)
    return [TypeCount(kind, opened[kind], late[kind]) for kind in TaskType if opened[kind]]


def page_of(tasks: Sequence[TaskChanged], query: QueueQuery, today: date,
            size: int = PAGE_SIZE) -> QueuePage:
    """The page asked for (clamped to the pages there are) of the filtered, sorted tasks."""
    kept = sorted((t for t in tasks if _keeps(t, query, today)),
                  key=_SORTS.get(query.sort, _SORTS["due"]))
    pages = max(1, ceil(len(kept) / size))
    page = min(max(1, query.page), pages)
    return QueuePage(kept[(page - 1) * size: page * size], len(kept), page, pages,
                     counts(tasks, today))
