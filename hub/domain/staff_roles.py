"""Staff roles and what each may do: the one table the inbox and the worker both check.

Four roles: a ``practitioner`` works their own team's tasks; a ``team_manager`` also assigns
and reassigns within the team; a ``data_officer`` answers identity reviews and sees the
data-quality pages; an ``admin`` manages users and sees no child data. Need-to-know is by
team: a task (and the child it is about) is visible to the staff of the task's team, and a
possible-match review also to every data officer. Pure rules: no I/O.
"""

from __future__ import annotations

from enum import StrEnum

from hub.domain.outputs.codes import TaskType


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    TEAM_MANAGER = "team_manager"
    DATA_OFFICER = "data_officer"
    ADMIN = "admin"


class StaffAction(StrEnum):
    VIEW_TASKS = "view-tasks"
    VIEW_CHILD = "view-child"
    CLAIM = "claim"
    COMPLETE = "complete"
    CANCEL = "cancel"
    SEN_PARTICIPATION = "sen-participation"
    ASSIGN = "assign"
    REVIEW_MATCH = "review"
    SPLIT = "split"
    VIEW_DATA_QUALITY = "data-quality"
    MANAGE_USERS = "manage-users"


_CASEWORK = frozenset({Role.PRACTITIONER, Role.TEAM_MANAGER, Role.DATA_OFFICER})

REQUIRED_ROLES: dict[StaffAction, frozenset[Role]] = {
    StaffAction.VIEW_TASKS: _CASEWORK,
    StaffAction.VIEW_CHILD: _CASEWORK,
    StaffAction.CLAIM: _CASEWORK,
    StaffAction.COMPLETE: _CASEWORK,
    StaffAction.CANCEL: _CASEWORK,
    StaffAction.SEN_PARTICIPATION: _CASEWORK,
    StaffAction.ASSIGN: frozenset({Role.TEAM_MANAGER}),
    StaffAction.REVIEW_MATCH: frozenset({Role.DATA_OFFICER}),
    StaffAction.SPLIT: frozenset({Role.DATA_OFFICER}),
    StaffAction.VIEW_DATA_QUALITY: frozenset({Role.DATA_OFFICER}),
    StaffAction.MANAGE_USERS: frozenset({Role.ADMIN}),
}
"""Action -> the roles that may take it. An action not listed here is nobody's."""

COMMAND_ACTIONS: dict[str, StaffAction] = {
    "ClaimTask": StaffAction.CLAIM,
    "AssignTask": StaffAction.ASSIGN,
    "CompleteTask": StaffAction.COMPLETE,
    "CancelTask": StaffAction.CANCEL,
    "RecordSenParticipation": StaffAction.SEN_PARTICIPATION,
    "ReviewPossibleMatch": StaffAction.REVIEW_MATCH,
    "SplitChild": StaffAction.SPLIT,
}
"""A staff command's type name -> the action it takes (for checking the actor's role)."""


def role_named(name: str) -> Role:
    """The role called ``name`` exactly; ``ValueError`` for anything else."""
    try:
        return Role(name)
    except ValueError:
        raise ValueError(f"role must be one of {', '.join(r.value for r in Role)}") from None


def may(role: Role, action: StaffAction) -> bool:
    return role in REQUIRED_ROLES.get(action, frozenset())


def may_send(role: Role, command_type: str) -> bool:
    """Whether ``role`` may send a staff command of this type (unknown types: nobody)."""
    action = COMMAND_ACTIONS.get(command_type)
    return action is not None and may(role, action)


def sees_task(role: Role, team: str, task_team: str, task_type: TaskType) -> bool:
    """Need-to-know: the task's own team, and every data officer for a possible match."""
    if not may(role, StaffAction.VIEW_TASKS):
        return False
    if role is Role.DATA_OFFICER and task_type is TaskType.POSSIBLE_MATCH_REVIEW:
        return True
    return task_team == team


# The worker's check of a staff command read from the commands topic (``actor_check``) uses
# the same table, by command type and role names as the staff directory stores them.
PRACTITIONER, TEAM_MANAGER, DATA_OFFICER, ADMIN = (r.value for r in Role)
ROLES = frozenset(r.value for r in Role)
ACTION_ROLES: dict[str, frozenset[str]] = {
    command: frozenset(r.value for r in REQUIRED_ROLES[action])
    for command, action in COMMAND_ACTIONS.items()
}
"""A staff command's type name -> the role names that may send it."""


def command_allowed(command_type: str, roles: frozenset[str]) -> bool:
    """True when one of ``roles`` may send ``command_type``; an unknown type is nobody's."""
    return bool(ACTION_ROLES.get(command_type, frozenset()) & roles)
