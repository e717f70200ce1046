"""Volumes over a period that crosses 31 March belong to each census year pro rata.

A panel line planned from 1 October to 30 September, £100 a month, is £1,200 of plan; the
census year to 31 March holds 182 of its 365 days and so £598.36 of it, and the next year
the rest. Reporting the whole £1,200 in both years (what a total on the episode alone does)
counts it twice. The rule, for any episode with an end date and a volume:

- the share of a year is the whole volume times the days of the episode inside the year
  over all its days (both ends counted);
- shares are rounded cumulatively (money to the penny, days and nights to 0.01, sessions to
  whole sessions: each year gets round(whole x days to its end / all days) minus what earlier
  years got), so the shares of all the years add up to the whole exactly;
- an episode inside one year, or still open (its volume has no end to spread over), keeps
  its volume whole. The whole is always kept beside the share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.years import CensusYear

_PENNY, _HUNDREDTH = Decimal("0.01"), Decimal("0.01")


@dataclass(frozen=True)
class Volumes:
    days_nights: float | None
    money_amount: Decimal | None
    sessions: int | None


def whole(episode: ServiceEpisode) -> Volumes:
    return Volumes(episode.days_nights, episode.money_amount, episode.sessions)


def _days(start: date, end: date) -> int:
    return max(0, (end - start).days + 1)


def _through(episode: ServiceEpisode, day: date) -> Decimal:
    """The fraction of the episode's days up to and including ``day`` (0 to 1)."""
    end = episode.end_date or episode.start_date
    inside = _days(episode.start_date, min(day, end))
    return Decimal(inside) / Decimal(_days(episode.start_date, end))


def _cut(value: Decimal, fraction: Decimal, step: Decimal) -> Decimal:
    return (value * fraction).quantize(step, rounding=ROUND_HALF_UP)


def _share(value: Decimal, before: Decimal, upto: Decimal, step: Decimal) -> Decimal:
    return _cut(value, upto, step) - _cut(value, before, step)


def crosses_year(episode: ServiceEpisode, year: CensusYear) -> bool:
    end = episode.end_date
    return end is not None and (episode.start_date < year.start or end > year.end)


def in_year(episode: ServiceEpisode, year: CensusYear) -> Volumes:
    """The episode's volumes that belong to ``year`` (see the module docstring)."""
    if not crosses_year(episode, year):
        return whole(episode)
    before = _through(episode, year.start - timedelta(days=1))
    upto = _through(episode, year.end)
    days = episode.days_nights
    money = episode.money_amount
    sessions = episode.sessions
    return Volumes(
        None if days is None else float(_share(Decimal(repr(days)), before, upto, _HUNDREDTH)),
        None if money is None else _share(money, before, upto, _PENNY),
        None if sessions is None else int(_share(Decimal(sessions), before, upto, Decimal(1))),
    )
