"""A child's identifiers and characteristics for the CIN census, from their CSC events.

Each value is the latest the CSC system recorded (by change date, then record time): the
census describes the child as known on the reference date. Construction rules:
- Sex: MALE -> M, FEMALE -> F, anything else U (GenderCurrent 1, 2, 0 before 2024-25).
- UPN: the CSC system's, else one the hub linked from another source (``known_upns``).
  With no UPN, the reason is given only when the data prove it: UN7 when every referral
  in the return was a referral with no further action, UN1 when the child is below school
  age; a school-age child with no UPN and no proven reason is left for the LA to explain
  (DfE query 8770Q; the quality report lists them).
- Ethnicity missing everywhere: NOBT (information not yet obtained), which it is.
- Disabilities: the latest non-empty list recorded; none recorded at all: NONE.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from hub.census.cin.records import CinChild, CinDetails
from hub.domain.episodes.years import CensusYear
from hub.domain.events import CscStatusChanged
from hub.domain.events.common import Sex

SEX = {Sex.MALE: "M", Sex.FEMALE: "F"}
GENDER_BEFORE_2024 = {"M": "1", "F": "2", "U": "0"}
FIRST_YEAR_WITH_SEX = 2024  # the 2024-25 census replaced GenderCurrent (1/2/0) by Sex (M/F/U)


def _latest(events: Sequence[CscStatusChanged], field: str) -> Any:
    """The most recent non-empty value of ``field`` on the events' subject or body."""
    for event in reversed(events):
        value = getattr(event.envelope.subject, field, None) or getattr(event, field, None)
        if value:
            return value
    return None


def school_age(birth: date | None, year: CensusYear) -> bool:
    """DfE 8770Q: six or over by 31 August after the reference date."""
    return birth is not None and birth <= date(year.end.year - 6, 8, 31)


UPN_REASONS_8770Q = frozenset({"UN2", "UN3", "UN4", "UN5", "UN6", "UN7"})  # not UN1


def query_8770q(child: CinChild, year: CensusYear) -> bool:
    """DfE query 8770Q as ``csc-validator-be-cin`` defines it (rule_8770Q): a child of school
    age (``school_age``) with at least one referral in the return that was not a referral with
    no further action, no UPN, and no UPNunknown reason other than UN1 (UN1 says "not of
    school age", which the child is). A child with no birth date is not queried."""
    return (
        school_age(child.birth_date, year)
        and any(not d.no_further_action for d in child.details)
        and not child.upn
        and child.upn_unknown not in UPN_REASONS_8770Q
    )


def _upn_unknown(
    upn: str | None, birth: date | None, details: Sequence[CinDetails], year: CensusYear
) -> str | None:
    if upn:
        return None
    if details and all(d.no_further_action for d in details):
        return "UN7"
    return None if school_age(birth, year) else "UN1"


def child_record(
    la_child_id: str,
    events: Sequence[CscStatusChanged],
    details: tuple[CinDetails, ...],
    year: CensusYear,
    known_upn: str | None,
) -> CinChild:
    """``events`` in the order recorded (oldest first)."""
    upn = _latest(events, "upn") or known_upn
    birth = _latest(events, "date_of_birth")
    sex = SEX.get(events[-1].envelope.subject.sex, "U")
    if year.start_year < FIRST_YEAR_WITH_SEX:
        sex = GENDER_BEFORE_2024[sex]
    return CinChild(
        la_child_id=la_child_id,
        upn=upn,
        former_upn=_latest(events, "former_upn"),
        upn_unknown=_upn_unknown(upn, birth, details, year),
        birth_date=birth,
        sex=sex,
        ethnicity=_latest(events, "ethnicity") or "NOBT",
        disabilities=_latest(events, "disabilities") or ("NONE",),
        details=details,
    )
