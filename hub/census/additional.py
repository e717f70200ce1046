"""The additional-services return (report Table 10, p.47): one record per episode in a year.

Which episodes: the latest version of each episode id (a compacted topic or a table may
hold several), counted as an additional service (not a V3 short break, not withdrawn, not
declined), that counts in the census year (1 April - 31 March; an open-ended episode until
12 months after the latest fact confirming it: ``hub.domain.episodes.counting_years``).
Volumes are the year's share of an episode crossing 31 March, the whole beside it
(``hub.domain.episodes.apportion``). Order: by hub child key, then episode id, so equal
inputs give equal bytes.
Columns and their meaning: docs/census.md and schemas/census/AdditionalServices.xsd.

``LAchildID`` and ``UPN`` are the child's, not only the episode source's: those the hub linked
to the child (``hub.census.child_ids``), else the episode's own. ``InCINCensus`` says whether
one of the child's LA child ids is in the year's CIN census; ``LAFunded`` is
``hub.census.funding``'s verdict.
``OpenIdentityReview`` (Y/N) marks a child on either side of an unanswered possible
match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from hub.census import identity_reviews
from hub.census.child_ids import ChildIds, valid_la_child_id
from hub.census.funding import la_funded
from hub.domain.episodes.apportion import in_year, whole
from hub.domain.episodes.counting_years import counts_in
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.years import CensusYear

Cell = str | date | bool | int | float | Decimal | None

COLUMNS: tuple[str, ...] = (
    "ChildKey",
    "LAchildID",
    "UPN",
    "InCINCensus",
    "LAFunded",
    "AdditionalService",
    "ServiceSubtype",
    "ServiceProvider",
    "StartDate",
    "EndDate",
    "VolumeMeasure",
    "DaysNights",
    "MoneyAmount",
    "Sessions",
    "SessionHours",
    "ProfessionalType",
    "GroupSession",
    "Basis",
    "StartBasis",
    "ReferralDate",
    "FirstDeliveryDate",
    "CoreOverlap",
    "CoreCategory",
    "EpisodeID",
    "EpisodeVersion",
    "WholeDaysNights",
    "WholeMoneyAmount",
    "WholeSessions",
    "OpenIdentityReview",
)


def latest(episodes: Iterable[ServiceEpisode]) -> list[ServiceEpisode]:
    """The highest version of each episode id."""
    best: dict[str, ServiceEpisode] = {}
    for e in episodes:
        if e.episode_id not in best or e.version > best[e.episode_id].version:
            best[e.episode_id] = e
    return list(best.values())


def in_return(episodes: Iterable[ServiceEpisode], year: CensusYear) -> list[ServiceEpisode]:
    chosen = [
        e
        for e in latest(episodes)
        if e.counted_as_additional and counts_in(e, year)
    ]
    return sorted(chosen, key=lambda e: (e.child_key, e.episode_id))


@dataclass(frozen=True)
class ChildFacts:
    """What the return joins on the child: linked identifiers and the CIN census's children."""

    ids: Mapping[str, ChildIds] = field(default_factory=dict)  # by child key
    cin_la_child_ids: frozenset[str] = frozenset()
    in_review: frozenset[str] = frozenset()  # hub keys in an open identity review


def cell(value: Cell) -> str:
    """One value as the return writes it: ISO dates, 1/0, plain decimals, empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def rows(
    episodes: Iterable[ServiceEpisode], year: CensusYear, facts: ChildFacts | None = None
) -> list[dict[str, str]]:
    """The return's rows for ``year``, in return order."""
    everything = latest(episodes)
    funded = la_funded(everything)
    joined = facts or ChildFacts()
    return [row(e, year, joined, funded[e.episode_id]) for e in in_return(everything, year)]


def row(
    e: ServiceEpisode, year: CensusYear, facts: ChildFacts, funded: str
) -> dict[str, str]:
    share, full = in_year(e, year), whole(e)
    linked = facts.ids.get(e.child_key, ChildIds())
    own_la = e.la_child_id if valid_la_child_id(e.la_child_id) else None
    la_ids = linked.la_child_ids | ({own_la} if own_la else set())
    values: tuple[Cell, ...] = (
        e.child_key,
        linked.la_child_id or own_la,
        linked.upn or e.upn,
        not la_ids.isdisjoint(facts.cin_la_child_ids),
        funded,
        e.service.value,
        e.subtype,
        e.provider,
        e.start_date,
        e.end_date,
        e.volume_measure and e.volume_measure.value,
        share.days_nights,
        share.money_amount,
        share.sessions,
        e.session_hours,
        e.professional_type,
        e.group_session,
        e.basis.value,
        e.start_basis.value,
        e.referral_date,
        e.first_delivery_date,
        e.core_overlap,
        e.core_category and e.core_category.value,
        e.episode_id,
        e.version,
        full.days_nights,
        full.money_amount,
        full.sessions,
        identity_reviews.flag(e.child_key, facts.in_review),
    )
    return dict(zip(COLUMNS, (cell(v) for v in values), strict=True))
