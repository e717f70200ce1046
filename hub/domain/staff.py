"""A member of staff who may sign in to the web inbox (team, role), and the rules for user ids
and teams."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hub.domain.staff_roles import Role

_USER = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
_TEAM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 &'()./-]{0,62}$")


@dataclass(frozen=True)
class StaffUser:
    user_id: str
    team: str
    role: Role = Role.PRACTITIONER
    sessions_from: float = 0.0  # epoch seconds; a session issued before it is void


@dataclass(frozen=True)
class StaffListing:
    """What the users page and ``hub inbox list-users`` show: never a password or hash."""

    user_id: str
    team: str
    role: Role
    created_at: str


def check_user(user_id: str, team: str) -> None:
    if not _USER.match(user_id):
        raise ValueError("user id must be lower-case letters, digits, '.', '_' and '-'")
    if not _TEAM.match(team):
        raise ValueError("team must be letters, digits, spaces and simple punctuation")
