"""Consent-limited use in a census year: counts by service, age band and sex, never a child.

Input is ``ConsentLimitedUse`` records (no child key, no identifier: hub.domain.child.disclosure).
Each use id is counted once, so a redelivered record does not count twice; a use belongs
to the census year its month falls in. A use with no service is counted as UNSPECIFIED.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from hub.domain.episodes.years import CensusYear
from hub.domain.outputs.counts import ConsentLimitedUse

UNSPECIFIED = "UNSPECIFIED"
Key = tuple[str, str, str]  # service, age band, sex
COLUMNS = ("AdditionalService", "AgeBand", "Sex", "Uses")


def counts(uses: Iterable[ConsentLimitedUse], year: CensusYear) -> list[tuple[Key, int]]:
    """((service, age band, sex), uses) in the year, sorted by key."""
    months = set(year.months())
    seen: dict[str, Key] = {}
    for use in uses:
        if use.census_month in months:
            service = use.service.value if use.service is not None else UNSPECIFIED
            seen[use.use_id] = (service, use.age_band.value, use.sex.value)
    return sorted(Counter(seen.values()).items())
