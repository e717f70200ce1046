"""The additional-services return: Table 10 records for a census year, counts kept aggregate."""

from __future__ import annotations

import csv
import io
import random
import xml.etree.ElementTree as ET
from datetime import date

import xmlschema

from hub.census import additional, additional_files, consent_counts
from hub.domain.child.disclosure import limited_uses
from hub.domain.episodes.years import CensusYear
from hub.domain.events import LookedAfterEpisodeRecorded, ServiceUseReturned
from hub.domain.events.finance import PaymentKind as K
from tests.conftest import REPO
from tests.unit.domain.episodes.factories import event, payment, referral, run, session

Y = CensusYear.parse("2025-26")


def _episodes():
    _, emitted = run(
        payment("p1", K.SECTION_17, date(2025, 6, 1)),
        payment("p2", K.SHORT_BREAK_V3, date(2025, 7, 1)),
        payment("p3", K.NURSERY_PLACE, date(2026, 1, 5), date(2026, 7, 17)),
        payment("p4", K.DIRECT_PAYMENT, date(2024, 5, 1)),
        session("s1", date(2025, 9, 1)),
        referral("y1", date(2025, 5, 1)),
        session("s2", date(2025, 5, 20), service="YJ", subtype="RESTORATIVE_JUSTICE"),
    )
    return emitted


def _uses():
    withheld = [
        event(
            ServiceUseReturned,
            f"w{i}",
            date(2025, 8, i + 1),
            share=False,
            provider="CAMHS",
            service="EW",
            subtype="CAMHS",
            sessions=1,
            period_start=date(2025, 8, i + 1),
            period_end=date(2025, 8, i + 1),
        )
        for i in range(3)
    ]
    uses = [u for e in withheld for u in limited_uses(e)]
    return [*uses, uses[0]]  # a redelivered record counts once


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))


def test_one_record_per_counted_episode_overlapping_the_year():
    rows = _rows(additional_files.episodes_csv(_episodes(), Y))
    kinds = sorted((r["AdditionalService"], r["Basis"]) for r in rows)
    assert ("CWD", "DELIVERED") in kinds and len(rows) == 5  # not the V3 break, not 2024's DP
    assert len({r["EpisodeID"] for r in rows}) == len(rows)
    yot = next(r for r in rows if r["AdditionalService"] == "YJ" and r["Basis"] == "NOTIFIED")
    assert (yot["ReferralDate"], yot["StartDate"], yot["EpisodeVersion"]) == (
        "2025-05-01",
        "2025-05-20",
        "2",
    )


def test_a_v3_short_break_is_not_in_the_return():
    rows = _rows(additional_files.episodes_csv(_episodes(), Y))
    assert all(r["ServiceSubtype"] for r in rows if r["AdditionalService"] == "CWD")


def test_an_episode_spanning_two_years_is_in_both_returns():
    for label in ("2025-26", "2026-27"):
        rows = _rows(additional_files.episodes_csv(_episodes(), CensusYear.parse(label)))
        assert any(r["ServiceSubtype"] == "NURSERY_PLACES" for r in rows)


def test_consent_limited_counts_are_aggregates_only():
    counts = consent_counts.counts(_uses(), Y)
    assert counts == [(("EW", "AGE_10_15", "FEMALE"), 3)]
    text = additional_files.return_xml(_episodes(), _uses(), Y, "938").decode()
    section = text[text.index("<ConsentLimitedCounts>") :]
    assert "child" not in section.lower() and "T938203512014" not in section
    assert _rows(additional_files.consent_limited_csv(_uses(), Y)) == [
        {"AdditionalService": "EW", "AgeBand": "AGE_10_15", "Sex": "FEMALE", "Uses": "3"}
    ]


def test_the_same_inputs_in_any_order_give_the_same_bytes():
    episodes, uses = _episodes(), _uses()
    shuffled_e, shuffled_u = episodes[:], uses[:]
    random.Random(4).shuffle(shuffled_e)
    random.Random(4).shuffle(shuffled_u)
    assert additional_files.episodes_csv(episodes, Y) == additional_files.episodes_csv(
        shuffled_e, Y
    )
    assert additional_files.return_xml(episodes, uses, Y, "938") == additional_files.return_xml(
        shuffled_e, shuffled_u, Y, "938"
    )


def test_only_the_latest_version_of_an_episode_is_returned():
    chosen = additional.in_return(_episodes(), Y)
    assert len(chosen) == len({e.episode_id for e in chosen}) == 5


def test_the_xml_follows_its_schema():
    schema = xmlschema.XMLSchema10(REPO / "schemas" / "census" / "AdditionalServices.xsd")
    document = ET.fromstring(additional_files.return_xml(_episodes(), _uses(), Y, "938"))
    assert list(schema.iter_errors(document)) == []
    broken = ET.fromstring(additional_files.return_xml(_episodes(), _uses(), Y, "938"))
    broken.find("ServiceEpisodes/ServiceEpisode/StartDate").tag = "Started"  # type: ignore[union-attr]
    assert list(schema.iter_errors(broken))


def test_an_episode_during_a_looked_after_period_is_returned_flagged_and_valid():
    care = event(LookedAfterEpisodeRecorded, "l1", date(2025, 6, 1), source="ssda903",
                 episode_start=date(2025, 6, 1), episode_end=date(2025, 8, 31),
                 legal_status="C2")
    _, emitted = run(care, session("s1", date(2025, 7, 1)))
    chosen = additional.in_return(emitted, Y)
    assert [(e.core_overlap, e.core_category) for e in chosen] == [(True, "LOOKED_AFTER")]
    schema = xmlschema.XMLSchema10(REPO / "schemas" / "census" / "AdditionalServices.xsd")
    document = ET.fromstring(additional_files.return_xml(emitted, [], Y, "938"))
    assert list(schema.iter_errors(document)) == []
    assert b"LOOKED_AFTER" in additional_files.episodes_csv(emitted, Y)
