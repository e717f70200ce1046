"""Which CSC status the store shows for a child: the rule both store adapters share.

The hub reports a child's CSC status in its SEN replies and status relays, and a hub Contact
means CONTACT (unless it was withdrawn: a late fact showed CSC knew the child). The latest
report by date wins; on the same date an SEN report beats a Contact
(it names the status itself), and among SEN reports the one applied last wins (one child's
outputs arrive in order on one partition). Nothing reported: UNKNOWN.
"""

from __future__ import annotations

from datetime import date

from hub.domain.outputs.codes import CscStatus, TaskStatus

OPEN_TASK_STATUSES = (TaskStatus.OPEN.value, TaskStatus.CLAIMED.value)


def reported_status(
    sen: tuple[CscStatus, date] | None, latest_contact: date | None
) -> tuple[CscStatus, date | None]:
    """``(status, as of)`` from the latest SEN report and the latest Contact date."""
    if sen is not None and (latest_contact is None or sen[1] >= latest_contact):
        return sen
    if latest_contact is not None:
        return CscStatus.CONTACT, latest_contact
    return CscStatus.UNKNOWN, None
