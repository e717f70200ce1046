"""A CIN census XML this project did not write, through the real broker, worker and compiler.

``hub connect cin-census`` publishes a hand-written 2025-26 file (connectors/samples/), the
real ``hub worker`` drains it, and ``hub census compile`` builds the census from the topics:
the compiled CIN census holds the same children, referrals, assessments, plans, enquiries,
reviews and dates, order aside. Importing the file again publishes nothing new; a file
failing its XSD publishes nothing at all. When the DfE validator's venv exists, the
compiled file has no error the input did not have.
"""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from hub.adapters.files import intake_receipts as receipt_log
from hub.adapters.kafka.admin import apply_topics
from hub.adapters.kafka.connection import KafkaTarget
from hub.adapters.validator import cin_validator
from hub.domain.episodes.years import CensusYear
from hub.domain.intake_receipts import deliveries
from hub.domain.topic_access import ADMIN, publishing_user
from hub.topics_spec import load_topic_specs
from tests.integration.worker_harness import (
    REPO,
    Authority,
    decoded,
    grant_namespace,
    hub_cli,
    records_in,
    run_worker_until_drained,
)
from tests.unit.connectors.sources.cin_census_files import SAMPLE, edited, facts

pytestmark = pytest.mark.integration
YEAR = CensusYear.parse("2025-26")


async def _authority(tmp_path: Path, bootstrap: KafkaTarget, namespace: str) -> Authority:
    specs = load_topic_specs(REPO / "topics.yaml", namespace)
    await apply_topics(bootstrap, specs)
    await grant_namespace(bootstrap, namespace)
    return Authority(tmp_path, specs, namespace, bootstrap, f"sqlite:///{tmp_path / 'hub.db'}")


def _connect(authority: Authority, source: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``hub connect SOURCE ...`` as the connector runs it: as its own Kafka user on a secured
    broker (``source-csc`` for the CIN census, docs/security.md)."""
    return hub_cli(authority.env(publishing_user(source)), "connect", source, *args)


def _new_events(output: str) -> int:
    found = re.search(r"(\d+) new events, (\d+) already held", output)
    assert found, output
    return int(found[1])


async def test_a_census_file_goes_through_the_worker_into_the_same_census(
    tmp_path, kafka_broker, topic_namespace
):
    authority = await _authority(tmp_path, kafka_broker, topic_namespace)
    env = authority.env(ADMIN)  # the census is an operator's read
    first = _connect(authority, "cin-census", str(SAMPLE), "--year", "2025-26")
    assert _new_events(first.stdout) == 28
    csc_topic = authority.topic("cin.source.csc.status.v1")
    assert await records_in(kafka_broker, csc_topic) == 28

    run_worker_until_drained(authority)
    out = tmp_path / "census"
    hub_cli(env, "census", "compile", "--year", YEAR.label, "--out", str(out), "--no-validate")
    compiled = (out / "cin_census.xml").read_bytes()
    assert facts(compiled) == facts(SAMPLE.read_bytes())

    again = _connect(authority, "cin-census", str(SAMPLE))
    assert _new_events(again.stdout) == 0
    assert await records_in(kafka_broker, csc_topic) == 28

    # Each connect left a receipt (counts only, 0600); the sign-off pack reconciled the file,
    # and the same bytes connected twice stay one delivery.
    log = receipt_log.receipts_path(REPO / ".hub" / "state", topic_namespace)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    receipts = receipt_log.read(log).receipts
    assert [(r.source, r.file) for r in receipts] == [("cin-census", SAMPLE.name)] * 2
    assert len(deliveries(receipts)) == 1 and receipts[0].reconciled
    pack = json.loads((out / "signoff_pack.json").read_text())["reconciliation"]
    assert [(f["file"], f["rows_read"], f["reconciled"]) for f in pack["files"]] == [
        (SAMPLE.name, receipts[0].rows_read, True)]

    if cin_validator.is_available():
        given = cin_validator.validate_cin_xml(SAMPLE.read_bytes(), YEAR)
        made = cin_validator.validate_cin_xml(compiled, YEAR)
        assert {e.rule for e in made.errors} <= {e.rule for e in given.errors}


async def test_a_file_failing_its_schema_publishes_nothing(tmp_path, kafka_broker, topic_namespace):
    authority = await _authority(tmp_path, kafka_broker, topic_namespace)
    bad = edited(tmp_path / "bad.xml", ("<ReferralSource>3B", "<ReferralSource>3Z"))
    done = subprocess.run(
        [sys.executable, "-m", "hub", "connect", "cin-census", str(bad)],
        env=authority.env(publishing_user("cin-census")), capture_output=True, text=True,
        timeout=120, check=False,
    )
    said = " ".join(done.stdout.split())  # the console wraps long lines
    assert done.returncode == 1
    assert "line 80 fails the 2025-26 CIN census schema: Element 'ReferralSource': [facet" in said
    assert "3Z" not in said and said.endswith("code list. Nothing was published.")
    assert await records_in(kafka_broker, authority.topic("cin.source.csc.status.v1")) == 0
    assert await records_in(kafka_broker, authority.topic("cin.hub.dead-letter.v1")) == 0


async def test_the_pupil_roll_and_the_ssda903_return_link_to_the_census_children(
    tmp_path, kafka_broker, topic_namespace, codec
):
    """Through the real worker: a pupil on the roll is the census child with the same UPN and
    gets no timeline entry, task or episode; a looked-after episode and the SSD's referral and
    EHC plan are the census child with the same LA child id."""
    authority = await _authority(tmp_path, kafka_broker, topic_namespace)
    samples = REPO / "connectors" / "samples"
    _connect(authority, "cin-census", str(SAMPLE))
    _connect(authority, "pupil-roll", str(samples / "pupil_roll.csv"))
    _connect(authority, "ssda903", str(samples / "ssda903"))
    _connect(authority, "ssd", str(samples / "ssd"))
    run_worker_until_drained(authority)

    decisions = await decoded(authority, codec, "cin.hub.identity-decisions.v1")
    key_of = {d.record.record_id: d.child_key for d in decisions if d.record is not None}
    census_child = key_of["cin-census:CS100201/2025-05-12/referral"]
    pupil = next(k for r, k in key_of.items() if r.startswith("pupil-roll:T938203512014@"))
    assert pupil == census_child
    looked_after = key_of["ssda903:CS100203/2025-05-05"]
    assert looked_after == key_of["cin-census:CS100203/2025-04-07/referral"]

    for topic in ("cin.hub.timeline.v1", "cin.hub.tasks.v1", "cin.hub.episodes.v1",
                  "cin.hub.contacts-and-flags.v1"):
        records = await decoded(authority, codec, topic)
        assert not [r for r in records if "pupil-roll" in repr(r)], topic
    timeline = await decoded(authority, codec, "cin.hub.timeline.v1")
    assert any(getattr(t, "source_system", "") == "ssda903" for t in timeline)
    # the V4 agreement is a notified short-break episode of that child (docs/episodes.md 21)
    episodes = await decoded(authority, codec, "cin.hub.episodes.v1")
    agreed = [e for e in episodes if e.source_system == "ssda903"]
    assert [(e.child_key, e.source_kind.value, e.subtype) for e in agreed] == [
        (key_of["ssda903:CS100203/2025-05-05"], "LOOKED_AFTER", "SHORT_BREAK_CARE_V4")]
    # the SSD's referral and EHC plan are the census child's (same LA child id)
    assert key_of["ssd:ssd_cin_episodes/R0001/referral"] == census_child
    plan: dict[str, object] = {}
    for e in sorted(episodes, key=lambda e: e.version):  # the latest version of each
        if e.source_system == "ssd" and e.source_kind.value == "SEN_STATEMENT":
            plan[e.episode_id] = (e.child_key, e.subtype, e.end_date)
    ended = date(2026, 3, 2)  # transferred out
    assert sorted(plan.values()) == [
        (census_child, "SPECIFIC_LEARNING_DISABILITIES", ended),
        (census_child, "SPECIFIC_PHYSICAL_DISABILITIES", ended)]


async def test_the_standard_demo_data_connects_its_ssd_extract_with_no_dead_letter(
    tmp_path, kafka_broker, topic_namespace
):
    """``hub demo-data --formats standard`` writes early help and EHCPs as an SSD extract (no
    eCAF or SEN export beside it); ``hub connect`` publishes it, and the census it joins, with
    no dead letter on the real broker."""
    authority = await _authority(tmp_path, kafka_broker, topic_namespace)
    env = authority.env()
    exports = tmp_path / "authority"
    hub_cli(env, "demo-data", str(exports), "--children", "150", "--seed", "3",
            "--formats", "standard")
    assert not (exports / "ecaf.json").exists() and not (exports / "education_sen.csv").exists()
    assert {"ssd_person.csv", "ssd_early_help_episodes.csv", "ssd_send.csv",
            "ssd_ehcp_requests.csv"} <= {p.name for p in (exports / "ssd").iterdir()}
    _connect(authority, "cin-census", str(exports / "cin_census.xml"))
    _connect(authority, "ssd", str(exports / "ssd"))
    assert await records_in(kafka_broker, authority.topic("cin.hub.dead-letter.v1")) == 0
    assert await records_in(kafka_broker, authority.topic("cin.source.earlyhelp.caf.v1")) > 0


async def test_a_census_child_without_a_upn_gets_the_pupils_upn_through_the_ssd_names(
    tmp_path, kafka_broker, topic_namespace
):
    """Issue 12, item 5: the CIN census names no one, the pupil roll has the UPN and names,
    the SSD person table the LA child id and names (its address the postcode). Through the
    real worker the three are one child, and the compiled census carries the roll's UPN for a
    child the input census sent without one."""
    authority = await _authority(tmp_path, kafka_broker, topic_namespace)
    census = edited(tmp_path / "no_upn.xml", ("<UPN>K938203611331</UPN>", ""))
    ssd = tmp_path / "ssd"
    ssd.mkdir()
    (ssd / "ssd_person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_sex,pers_dob\r\n"
        "CS100204,Grace,Synthetic-Okafor,F,2016-06-21 00:00:00.000\r\n")
    (ssd / "ssd_address.csv").write_text(
        "addr_table_id,addr_person_id,addr_address_start_date,addr_address_postcode\r\n"
        "A1,CS100204,2019-01-01 00:00:00.000,ZZ99 3AB\r\n")
    _connect(authority, "cin-census", str(census))
    _connect(authority, "pupil-roll", str(REPO / "connectors" / "samples" / "pupil_roll.csv"))
    _connect(authority, "ssd", str(ssd))
    run_worker_until_drained(authority)

    out = tmp_path / "census"
    hub_cli(authority.env(ADMIN), "census", "compile", "--year", YEAR.label, "--out", str(out),
            "--no-validate")
    upns = {child.findtext("ChildIdentifiers/LAchildID"): child.findtext("ChildIdentifiers/UPN")
            for child in ET.parse(out / "cin_census.xml").getroot().iter("Child")}
    assert b"K938203611331" not in census.read_bytes()
    assert upns["CS100204"] == "K938203611331"
