"""The hub's children against the synthetic authority's ground truth, for either demo.

    .venv/bin/python bench/standard_identity.py EXPORTS DATABASE_URL [CENSUS_DIR]

``EXPORTS``: the authority ``hub demo`` wrote (ground truth and ``manifest.json`` included, the
hub's formats or ``--formats standard``); ``DATABASE_URL``: the store the worker filled;
``CENSUS_DIR``: the files ``hub census compile`` wrote. Prints JSON:

- ``true_children``: the true children any published record is about; ``hub_children``: the
  child keys the store places records under; ``split``: true children under more than one
  key (a duplicate child each extra key); ``merged``: keys holding more than one true child;
- ``cin_school_age_truly_without_upn``: CIN census children (``CENSUS_DIR``) that DfE query
  8770Q would ask about if they had no UPN (school age, a referral that is not NFA) and whose
  true child has no UPN at all: the floor no identity work can go below;
- ``cin_upn_evidence`` (standard formats only): the CIN census children of ``EXPORTS`` that query
  8770Q can ask about (school age, a referral that is not NFA) and that the census sent
  without a UPN: ``with_a_true_upn``; of those, ``upn_with_la_child_id``: a record of the
  standard exports carries both the child's LA child id and its UPN (a strong-identifier join
  exists), and ``upn_on_any_record``: some record carries the UPN at all (the pupil roll: a
  join only by name, date of birth, sex and postcode, which the census and the SSD lack).

Each person record maps to its true child: hub-format records through ``link_truth.csv``;
standard-format records (which the ground truth does not name) by re-reading their files with
their connectors: a record's LA child id / SSD person id or UPN names the true child (the CSC
records' LA child ids, the SSD's early help and EHCP rows' eCAF / SEN record ids, the
population's UPNs).
"""

from __future__ import annotations

import csv
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from connectors.base import Connector
from connectors.registry import CONNECTORS
from connectors.standard_registry import STANDARD_CONNECTORS
from hub.census.cin.child import school_age
from hub.domain.episodes.years import CensusYear as CensusPeriod
from hub.domain.events import CafCompleted, SenAssessmentRequested
from hub.domain.validation import EventRejectedError
from hub.synthetic.calendar import CensusYear
from hub.synthetic.population import Population
from hub.synthetic.standard_formats import FILES


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _standard_subjects(exports: Path, today: date) -> dict[str, tuple[str, str, str]]:
    """record id -> (LA child id, UPN, true child when the event names one) of every
    standard-format record."""
    truth = {(r["source"], r["source_record_id"]): r["true_child_id"]
             for r in _rows(exports / "ground_truth.csv")}
    found: dict[str, tuple[str, str, str]] = {}
    for source, name in FILES.items():
        if not (exports / name).exists():
            continue
        connector: Connector = {**CONNECTORS, **STANDARD_CONNECTORS}[source](today)
        for row in connector.read(exports / name):
            try:
                events = connector.events(row)
            except EventRejectedError:
                continue
            for e in events:
                subject, known = e.envelope.subject, ""
                if isinstance(e, CafCompleted):
                    known = truth.get(("ecaf", e.caf_id), "")
                elif isinstance(e, SenAssessmentRequested):
                    own = e.envelope.source_record_id.rsplit("/", 1)[-1]
                    known = truth.get(("education-sen", own), "")
                found[f"{source}:{e.envelope.source_record_id}"] = (
                    subject.la_child_id or "", subject.upn or "", known)
    return found


def _upn_evidence(
    census_xml: Path, period: CensusPeriod, by_la: dict[str, str], upn_of: dict[str, str],
    standard: dict[str, tuple[str, str, str]],
) -> dict[str, int]:
    """Of the census's school-age children sent without a UPN, those with a true UPN, and
    whether any standard-format record joins that UPN to their LA child id, or carries it."""
    pairs = {(la, upn) for la, upn, _ in standard.values() if la and upn}
    carried = {upn for _, upn, _ in standard.values() if upn}
    found = Counter[str]()
    for node in ET.parse(census_xml).getroot().iter("Child"):
        la = node.findtext("ChildIdentifiers/LAchildID") or ""
        born = node.findtext("ChildIdentifiers/PersonBirthDate")
        birth = date.fromisoformat(born) if born else None
        acted = any(d.findtext("ReferralNFA") not in ("1", "true")
                    for d in node.iter("CINdetails"))
        if node.findtext("ChildIdentifiers/UPN") or not (school_age(birth, period) and acted):
            continue
        found["sent_without_upn"] += 1
        upn = upn_of.get(by_la.get(la, ""), "")
        if upn:
            found["with_a_true_upn"] += 1
            found["upn_with_la_child_id"] += (la, upn) in pairs
            found["upn_on_any_record"] += upn in carried
    return dict(found)


def main(exports: Path, url: str, census: Path | None) -> dict[str, Any]:
    manifest = json.loads((exports / "manifest.json").read_text())
    year = CensusYear.parse(manifest["year"])
    people = [c for f in Population(manifest["children"], year, manifest["seed"]).families()
              for c in f]
    by_upn = {c.upn: c.true_id for c in people if c.upn}
    has_upn = {c.true_id: bool(c.upn) for c in people}
    true_of = {r["record_id"]: r["true_child_id"] for r in _rows(exports / "link_truth.csv")}
    by_la: dict[str, str] = {}
    for r in _rows(exports / "link_records.csv"):
        if r["la_child_id"] and (r["source_system"] == "csc" or r["la_child_id"] not in by_la):
            by_la[r["la_child_id"]] = true_of[r["record_id"]]
    standard = _standard_subjects(exports, year.end)
    person_votes: dict[str, Counter[str]] = defaultdict(Counter)  # SSD person -> true child
    for la, _, known in standard.values():
        if known and la not in by_la:
            person_votes[la][known] += 1
    by_la |= {la: votes.most_common(1)[0][0] for la, votes in person_votes.items()}

    engine = create_engine(url)
    with engine.connect() as conn:
        placed = conn.execute(text("select record_id, child_key from person_records")).all()
    unmapped = Counter[str]()
    keys_of: dict[str, set[str]] = defaultdict(set)
    truths_of: dict[str, set[str]] = defaultdict(set)
    for record_id, key in placed:
        child = true_of.get(record_id)
        if child is None and record_id in standard:
            la, upn, known = standard[record_id]
            child = known or by_la.get(la) or by_upn.get(upn)
        if child is None:
            unmapped[record_id.split(":", 1)[0]] += 1
            continue
        keys_of[child].add(key)
        truths_of[key].add(child)
    split = {c: len(k) for c, k in keys_of.items() if len(k) > 1}
    result: dict[str, Any] = {
        "person_records": len(placed),
        "true_children": len(keys_of),
        "hub_children": len({key for _, key in placed}),
        "split_true_children": len(split),
        "extra_keys_from_splits": sum(n - 1 for n in split.values()),
        "merged_keys": sum(len(t) > 1 for t in truths_of.values()),
        "unmapped_records": dict(unmapped),
    }
    if census is not None:
        period = CensusPeriod.parse(manifest["year"])
        floor = 0
        for node in ET.parse(census / "cin_census.xml").getroot().iter("Child"):
            la = node.findtext("ChildIdentifiers/LAchildID") or ""
            born = node.findtext("ChildIdentifiers/PersonBirthDate")
            birth = date.fromisoformat(born) if born else None
            acted = any(d.findtext("ReferralNFA") not in ("1", "true")
                        for d in node.iter("CINdetails"))
            if school_age(birth, period) and acted and not has_upn.get(by_la.get(la, ""), True):
                floor += 1
        result["cin_school_age_truly_without_upn"] = floor
        if (exports / FILES["cin-census"]).is_file():
            upn_of = {c.true_id: c.upn for c in people if c.upn}
            result["cin_upn_evidence"] = _upn_evidence(
                exports / FILES["cin-census"], period, by_la, upn_of, standard)
        report = census / "data_quality.json"
        if report.is_file():
            result["query_8770q"] = json.loads(report.read_text())["missing_upn_school_age"][
                "count"]
        validation = census / "cin_validation.json"
        if validation.is_file():
            found = json.loads(validation.read_text())
            result["validator_errors"] = found.get("errors")
            result["validator_queries"] = found.get("queries")
    return result


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    folder = Path(sys.argv[3]) if len(sys.argv) == 4 else None
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2], folder), indent=2))
