"""The data-quality report a performance officer reads before sending the returns, as a dict
(JSON-ready; ``quality_html`` draws the same figures). Every figure is for one census year:

- CIN children of school age with no UPN, as DfE query 8770Q counts them (``query_8770q``: not
  children whose every referral was NFA, not those with a UN2-UN7 reason): LA child ids to chase;
- episodes in the additional-services return with no end date, with no volume measure, and
  whose start date is only a referral date (the report's p.46 traps), by service;
- episodes left out (V3 short breaks, withdrawn plans) and flagged as core-census overlap;
- open review tasks (a count the caller passes: tasks live elsewhere);
- consent-limited use: counts by service, age band and sex, never a child;
- episodes active in each month of the year, by service.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from hub.census import additional, consent_counts
from hub.census.cin.child import query_8770q
from hub.census.cin.records import CinChild
from hub.domain.episodes.model import ServiceEpisode, StartBasis
from hub.domain.episodes.years import CensusYear, overlaps
from hub.domain.outputs.counts import ConsentLimitedUse


def _by_service(episodes: Iterable[ServiceEpisode]) -> dict[str, Any]:
    counted = Counter(e.service.value for e in episodes)
    return {"count": sum(counted.values()), "by_service": dict(sorted(counted.items()))}


def _month_bounds(month: str) -> tuple[date, date]:
    year, number = int(month[:4]), int(month[5:])
    following = date(year + number // 12, number % 12 + 1, 1)
    return date(year, number, 1), date.fromordinal(following.toordinal() - 1)


def by_month(episodes: Sequence[ServiceEpisode], year: CensusYear) -> dict[str, Any]:
    """Episodes active (overlapping) in each month of the year, per service that has any."""
    months = year.months()
    bounds = [_month_bounds(m) for m in months]
    table: dict[str, list[int]] = {}
    for e in episodes:
        row = table.setdefault(e.service.value, [0] * len(months))
        for i, (first, last) in enumerate(bounds):
            if e.start_date <= last and (e.end_date is None or e.end_date >= first):
                row[i] += 1
    return {"months": list(months), "services": dict(sorted(table.items()))}


def _excluded(episodes: Iterable[ServiceEpisode], year: CensusYear) -> dict[str, int]:
    left_out = Counter(
        e.exclusion_reason.value
        for e in additional.latest(episodes)
        if e.exclusion_reason is not None and overlaps(e.start_date, e.end_date, year)
    )
    return dict(sorted(left_out.items()))


def quality_report(
    episodes: Iterable[ServiceEpisode],
    children: Sequence[CinChild],
    uses: Iterable[ConsentLimitedUse],
    year: CensusYear,
    open_review_tasks: int,
) -> dict[str, Any]:
    everything = list(episodes)
    chosen = additional.in_return(everything, year)
    missing = [c.la_child_id for c in children if query_8770q(c, year)]
    limited = consent_counts.counts(uses, year)
    return {
        "census_year": year.label,
        "reference_date": year.end.isoformat(),
        "cin_children": len(children),
        "missing_upn_school_age": {"count": len(missing), "la_child_ids": missing},
        "episodes_in_return": len(chosen),
        "episodes_no_end_date": _by_service(e for e in chosen if e.end_date is None),
        "episodes_no_volume": _by_service(e for e in chosen if e.volume_measure is None),
        "episodes_start_is_referral_date": _by_service(
            e for e in chosen if e.start_basis is StartBasis.REFERRAL
        ),
        "episodes_core_overlap": dict(
            sorted(Counter(e.core_category.value for e in chosen if e.core_category).items())
        ),
        "episodes_excluded": _excluded(everything, year),
        "open_review_tasks": open_review_tasks,
        "consent_limited": {
            "total": sum(n for _, n in limited),
            "rows": [
                {"service": s, "age_band": a, "sex": x, "uses": n} for (s, a, x), n in limited
            ],
        },
        "episodes_by_service_month": by_month(chosen, year),
    }


def quality_json(report: dict[str, Any]) -> bytes:
    return (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode()
