"""Which census years an episode counts in (1 April - 31 March; report p.44).

An episode with an end date counts in every year it overlaps. An open-ended notified
episode (an EHC plan, a disabled children register entry, an open CAF or YOT case) has no
end date because its source records none, not because it lasts for ever: counting it in
every later year would carry a plan that quietly ceased, or a child who left the register,
into every census. The stated rule: an open-ended episode counts in a year when the year
starts no later than 12 months after the latest fact that confirms it: the later of
``last_event_date`` (its opening, an amendment, a delivery) and ``confirmed_on`` (the
latest day a source recorded it: a go-live load on day one, a register review). Twelve
months because an EHC plan must be reviewed at least every 12 months (Children and Families
Act 2014, s.44) and the register is reviewed yearly: a plan or entry with no fact for longer
than that is one to chase, not to count. It is still counted in every year from its start
up to then.
"""

from __future__ import annotations

from datetime import date

from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.years import CensusYear, overlaps

CONFIRMED_FOR_DAYS = 366  # twelve months, a leap day included


def confirmed_until(episode: ServiceEpisode) -> date | None:
    """The last day an open-ended episode is taken as still running; None when it has an end."""
    if episode.end_date is not None:
        return None
    latest = max(filter(None, (episode.last_event_date, episode.confirmed_on)))
    return date.fromordinal(latest.toordinal() + CONFIRMED_FOR_DAYS)


def counts_in(episode: ServiceEpisode, year: CensusYear) -> bool:
    """Whether ``episode`` belongs to ``year``'s census (see the module docstring)."""
    until = confirmed_until(episode)
    if until is None:
        return overlaps(episode.start_date, episode.end_date, year)
    return overlaps(episode.start_date, until, year)
