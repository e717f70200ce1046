"""Who looked at which child, on the shared audit trail (``hub.audit``).

Every view of a child's details in the inbox is one audit record: actor the staff user,
action ``inbox.child-view``, the hub's child key, the client address, and as its outcome the
page (``task:<task id>`` or ``child``). ``hub inbox audit --child KEY`` / ``--user U`` and
``hub audit --action inbox.child-view`` read the same records. Nothing the page showed is
kept: no name, no identifier a source system holds.
"""

from __future__ import annotations

from hub.audit import AuditLog, AuditQuery, AuditRecord
from hub.ports import ChildViewed

CHILD_VIEW = "inbox.child-view"
_ALL = 1_000_000


def _view(record: AuditRecord) -> ChildViewed:
    return ChildViewed(record.at, record.actor, record.child_key or "", record.outcome,
                       record.address or "unknown")


class ChildViews:
    """The :class:`hub.ports.ChildViewAudit` port on an :class:`AuditLog`."""

    def __init__(self, trail: AuditLog) -> None:
        self.trail = trail

    def record(self, view: ChildViewed) -> None:
        self.trail.record(view.user_id, CHILD_VIEW, view.child_key, view.client_address,
                          view.viewed_at, outcome=view.page)

    def of_child(self, child_key: str) -> list[ChildViewed]:
        query = AuditQuery(action=CHILD_VIEW, child_key=child_key, limit=_ALL)
        return [_view(r) for r in self.trail.query(query)]

    def by_user(self, user_id: str) -> list[ChildViewed]:
        query = AuditQuery(actor=user_id, action=CHILD_VIEW, limit=_ALL)
        return [_view(r) for r in self.trail.query(query)]


def migrate(old_views: list[ChildViewed], trail: AuditLog) -> int:
    """Copy views kept before the shared trail existed; one already there is not copied
    twice (same time, user, child, page). Returns how many were copied."""
    views = ChildViews(trail)
    have = {(v.viewed_at, v.user_id, v.child_key, v.page) for v in
            (w for child in {o.child_key for o in old_views} for w in views.of_child(child))}
    copied = 0
    for view in old_views:
        if (view.viewed_at, view.user_id, view.child_key, view.page) not in have:
            views.record(view)
            copied += 1
    return copied
