"""Which staff roles may take which action (a staff command, by its record name). Pure."""

from __future__ import annotations

from collections.abc import Mapping

PRACTITIONER, TEAM_MANAGER, DATA_OFFICER, ADMIN = (
    "practitioner", "team_manager", "data_officer", "admin",
)
ROLES = frozenset({PRACTITIONER, TEAM_MANAGER, DATA_OFFICER, ADMIN})

_CASEWORK = frozenset({PRACTITIONER, TEAM_MANAGER})
_IDENTITY = frozenset({DATA_OFFICER, TEAM_MANAGER})

ACTION_ROLES: Mapping[str, frozenset[str]] = {
    "ClaimTask": _CASEWORK,
    "CompleteTask": _CASEWORK,
    "CancelTask": _CASEWORK,
    "RecordSenParticipation": _CASEWORK,
    "ReviewPossibleMatch": _IDENTITY,  # merges two children's records
    "SplitChild": frozenset({DATA_OFFICER}),  # undoes a merge
}


def may(action: str, roles: frozenset[str]) -> bool:
    """True when one of ``roles`` allows ``action``; an action not listed is allowed to none."""
    return bool(ACTION_ROLES.get(action, frozenset()) & roles)
