"""Volumes a period cannot hold, refused at the edge (report p.25: providers' returns are
counted child by child, so one keying slip inflates a census total).

A provider row in days or nights cannot report more of them than its period has days: a
return for 1-30 April holds at most 30 nights (both ends counted; a night belongs to the day
it starts). Such a row is not published: it becomes a dead letter with the reason
``NIGHTS_EXCEED_PERIOD`` naming the field, never the value, for the provider to correct.
"""

from __future__ import annotations

from hub.domain.events import Event, ServiceUseReturned

NIGHTS_EXCEED_PERIOD = "NIGHTS_EXCEED_PERIOD"


def days_in_period(event: ServiceUseReturned) -> int:
    return (event.period_end - event.period_start).days + 1


def volume_problems(event: Event) -> list[tuple[str, str, str]]:
    """(code, field, message) for each volume ``event`` cannot hold; empty when it is fine."""
    if isinstance(event, ServiceUseReturned) and event.days is not None \
            and event.days > days_in_period(event):
        return [(NIGHTS_EXCEED_PERIOD, "days", "is more than the days in its period")]
    return []
