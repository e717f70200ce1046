"""CSC status changes tell a coherent story for every referral and child, in DfE's codes and
within DfE's CIN census rules (the validator's own check: tests/integration)."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from hub.domain.codes import (
    CIN_ASSESSMENT_FACTORS,
    CIN_CLOSURE_REASONS,
    NO_FACTORS_IDENTIFIED,
    PRIMARY_NEED,
    REFERRAL_SOURCE,
)
from hub.synthetic import journey
from hub.synthetic.calendar import CensusYear
from hub.synthetic.writer import generate

YEAR = CensusYear.parse("2025-26")
STARTS_ENDS = {"CIN_PLAN_STARTED": "CIN_PLAN_ENDED", "CP_PLAN_STARTED": "CP_PLAN_ENDED",
               "LOOKED_AFTER_STARTED": "LOOKED_AFTER_ENDED"}
PLANS = ("CIN_PLAN_STARTED", "S47_STARTED", "LOOKED_AFTER_STARTED")


def _check(kinds: list[str], days: list[str]) -> None:
    assert kinds[0] == "REFERRAL_OPENED"
    assert days == sorted(days)
    if "REFERRAL_CLOSED" in kinds:
        assert kinds.index("REFERRAL_CLOSED") == len(kinds) - 1
        assert all(kinds.count(start) == kinds.count(end) for start, end in STARTS_ENDS.items())
    if "ASSESSMENT_COMPLETED" in kinds:
        assert kinds.index("ASSESSMENT_STARTED") < kinds.index("ASSESSMENT_COMPLETED")
    for start, end in STARTS_ENDS.items():
        if start in kinds:
            assert kinds.index("ASSESSMENT_COMPLETED") < kinds.index(start)
        if end in kinds:
            assert kinds.index(start) < kinds.index(end)
    if "CP_PLAN_STARTED" in kinds:
        assert kinds.index("S47_STARTED") < kinds.index("CP_PLAN_STARTED")
    for at, kind in enumerate(kinds):
        if kind == "CP_REVIEW":
            assert kinds.index("CP_PLAN_STARTED") < at
            assert "CP_PLAN_ENDED" not in kinds[:at]


def test_journeys_are_coherent_for_many_seeds() -> None:
    rng = random.Random(9)
    for _ in range(3000):
        for changes in journey.journeys(rng, YEAR, YEAR.day(rng)):
            _check([c.kind for c in changes], [c.day.isoformat() for c in changes])
            assert all(YEAR.start <= c.day <= YEAR.end for c in changes)
            assert all(c.day.weekday() < 5 for c in changes if c.kind == "CP_PLAN_STARTED")


def test_a_weekend_conference_moves_to_the_monday() -> None:
    friday = date(2025, 6, 6)
    assert journey.next_working_day(friday) == friday
    assert journey.next_working_day(friday + timedelta(days=1)) == friday + timedelta(days=3)
    assert journey.next_working_day(friday + timedelta(days=2)) == friday + timedelta(days=3)


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    path: Path = tmp_path_factory.mktemp("csc")
    generate(path, 1500, 8, YEAR)
    with (path / "csc_status_changes.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_exported_referrals_are_coherent_in_file_order(rows: list[dict[str, str]]) -> None:
    by_referral: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_referral[row["ReferralId"]].append(row)
    for changes in by_referral.values():
        _check([r["ChangeType"] for r in changes], [r["ChangeDate"] for r in changes])
        assert len({r["PersonId"] for r in changes}) == 1


def test_a_childs_referrals_do_not_overlap(rows: list[dict[str, str]]) -> None:
    referrals: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["ChangeType"] in ("REFERRAL_OPENED", "REFERRAL_CLOSED"):
            referrals[row["PersonId"]].append(row["ChangeType"])
    for kinds in referrals.values():
        assert kinds[::2] == ["REFERRAL_OPENED"] * len(kinds[::2])


def test_codes_come_from_the_census_lists(rows: list[dict[str, str]]) -> None:
    for row in rows:
        if row["ChangeType"] == "REFERRAL_OPENED":
            assert row["ReferralSource"] in REFERRAL_SOURCE
            assert row["PrimaryNeed"] in PRIMARY_NEED
        if row["ChangeType"] == "REFERRAL_CLOSED":
            assert row["ClosureReason"] in CIN_CLOSURE_REASONS
        if row["ChangeType"] == "ASSESSMENT_COMPLETED":
            factors = row["AssessmentFactors"].split(";")
            assert set(factors) <= CIN_ASSESSMENT_FACTORS
            assert NO_FACTORS_IDENTIFIED not in factors or factors == [NO_FACTORS_IDENTIFIED]
        if row["ChangeType"] == "CP_PLAN_STARTED":
            assert row["CategoryOfAbuse"] in {"NEGLECT", "PHYSICAL", "EMOTIONAL", "SEXUAL",
                                              "MULTIPLE"}
        assert row["Gender"] in {"0", "1", "2"}
    closed = sum(r["ChangeType"] == "REFERRAL_CLOSED" for r in rows)
    opened = sum(r["ChangeType"] == "REFERRAL_OPENED" for r in rows)
    assert 0.3 * opened < closed < opened  # open and closed cases at the year end


def test_closure_reasons_mean_what_dfe_says(rows: list[dict[str, str]]) -> None:
    """RC7 for no further action at referral; RC8/RC9 ("closed after assessment") only after
    an assessment that led to no plan, which alone may have found no factors (21)."""
    by_referral: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_referral[row["ReferralId"]].append(row)
    seen: set[str] = set()
    for changes in by_referral.values():
        kinds = [r["ChangeType"] for r in changes]
        reason = changes[-1]["ClosureReason"] if kinds[-1] == "REFERRAL_CLOSED" else None
        planned = any(kind in PLANS for kind in kinds)
        none_found = any(r["AssessmentFactors"] == NO_FACTORS_IDENTIFIED for r in changes)
        if "ASSESSMENT_STARTED" not in kinds and reason:
            assert reason == "RC7"
        if reason in ("RC8", "RC9"):
            assert "ASSESSMENT_COMPLETED" in kinds and not planned
        assert not (none_found and planned)
        seen.add(reason or "open")
    assert {"RC7", "RC8", "RC9", "open"} <= seen


def test_cp_plans_start_on_working_days(rows: list[dict[str, str]]) -> None:
    starts = [date.fromisoformat(r["ChangeDate"]) for r in rows
              if r["ChangeType"] == "CP_PLAN_STARTED"]
    assert len(starts) > 20
    assert all(day.weekday() < 5 for day in starts)  # DfE rule 8875: no weekend ICPC
