"""The census returns' identifiers against the synthetic authority's ground truth.

    .venv/bin/python bench/census_identifiers.py EXPORTS CENSUS_DIR DATABASE_URL

``EXPORTS``: the authority ``hub demo`` (or ``hub demo-data``) wrote (ground truth included);
``CENSUS_DIR``: the files ``hub census compile`` wrote for it; ``DATABASE_URL``: the hub
store the worker filled. Prints JSON, with the issue's targets:

- ``LAchildID`` blank on return rows whose child the hub links an LA child id (<= 1%), and
  ``UPN`` blank where it links a valid UPN (<= 1%); also, against the truth, rows whose
  true child has a CSC id / a valid UPN: right, blank, wrong;
- CIN children the CSC export does not hold (0); CIN children without a UPN although the hub
  linked one to them (0); XML Schema and DfE validator errors (0);
- the example child or example episodes in the returns (0);
- child-service pairs (distinct child and ``AdditionalService``) as the hub counts them against
  the same rows counted per true child (<= 3% more): the excess is children split in two.

Each child key is mapped to a true child by the majority of its person records
(``person_records`` joined to ``link_truth.csv``).
"""

from __future__ import annotations

import csv
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from time_limit import time_limit

from hub.domain.identifiers import is_valid_upn, normalise_upn

EXAMPLE_LA_ID, EXAMPLE_RECORDS = "CF100233", ("OAK-2025-06-0042", "PAY-900123")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _truth(exports: Path) -> tuple[dict[str, str], dict[str, str], dict[str, set[str]], set[str]]:
    """record -> true child; true child -> LA id; true child -> valid UPNs; CSC LA ids."""
    true_of = {r["record_id"]: r["true_child_id"] for r in _rows(exports / "link_truth.csv")}
    la: dict[str, str] = {}
    upns: dict[str, set[str]] = defaultdict(set)
    csc_ids: set[str] = set()
    for r in _rows(exports / "link_records.csv"):
        child = true_of[r["record_id"]]
        if r["la_child_id"] and (r["source_system"] == "csc" or child not in la):
            la[child] = r["la_child_id"]
        if r["source_system"] == "csc" and r["la_child_id"]:
            csc_ids.add(r["la_child_id"])
        for value in (r["upn"], r["former_upn"]):
            if value and is_valid_upn(value):
                upns[child].add(normalise_upn(value))
    return true_of, la, upns, csc_ids


def _store(url: str) -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]], int]:
    """child key -> true child record ids' owner (filled later), linked LA ids and UPNs."""
    engine = create_engine(url)
    with engine.connect() as conn:
        records = conn.execute(text("select record_id, child_key from person_records")).all()
        ids = conn.execute(text("select child_key, identifier_type, identifier_value "
                                "from linked_identifiers where identifier_type in "
                                "('LA_CHILD_ID', 'UPN')")).all()
        examples = conn.execute(text("select count(*) from service_episodes where "
                                     "source_record_id in (:a, :b)"),
                                {"a": EXAMPLE_RECORDS[0], "b": EXAMPLE_RECORDS[1]}).scalar()
    la: dict[str, set[str]] = defaultdict(set)
    upn: dict[str, set[str]] = defaultdict(set)
    for key, kind, value in ids:
        if kind == "UPN" and is_valid_upn(value):
            upn[key].add(normalise_upn(value))
        elif kind == "LA_CHILD_ID" and value and len(value) <= 10 and " " not in value:
            la[key].add(value)
    return dict(records), la, upn, int(examples or 0)


def _share(part: int, whole: int) -> dict[str, Any]:
    return {"n": part, "of": whole, "rate": round(part / whole, 4) if whole else None}


def main(exports: Path, census: Path, url: str) -> dict[str, Any]:
    true_of, true_la, true_upns, csc_ids = _truth(exports)
    placed, linked_la, linked_upn, example_episodes = _store(url)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for record_id, key in placed.items():
        if record_id in true_of:
            votes[key][true_of[record_id]] += 1
    true_child = {key: v.most_common(1)[0][0] for key, v in votes.items()}
    rows = _rows(census / "additional_services.csv")
    la_rows = [r for r in rows if linked_la.get(r["ChildKey"])]
    upn_rows = [r for r in rows if linked_upn.get(r["ChildKey"])]
    truth_la = Counter()
    truth_upn = Counter()
    for r in rows:
        child = true_child.get(r["ChildKey"])
        if child in true_la:
            truth_la["blank" if not r["LAchildID"] else
                      "right" if r["LAchildID"] == true_la[child] else "wrong"] += 1
        if true_upns.get(child or ""):
            truth_upn["blank" if not r["UPN"] else
                       "right" if r["UPN"] in true_upns[child or ""] else "wrong"] += 1
    hub_pairs = {(r["ChildKey"], r["AdditionalService"]) for r in rows}
    true_pairs = {(true_child.get(r["ChildKey"], r["ChildKey"]), r["AdditionalService"])
                  for r in rows}
    cin = ET.parse(census / "cin_census.xml").getroot()
    cin_ids = {c.findtext("ChildIdentifiers/LAchildID"): c.findtext("ChildIdentifiers/UPN")
               for c in cin.iter("Child")}
    holders: dict[str, set[str]] = defaultdict(set)
    for key, values in linked_la.items():
        for value in values:
            holders[value].add(key)
    lacking = [la for la, upn in cin_ids.items()
               if not upn and any(linked_upn.get(k) for k in holders.get(la or "", ()))]
    schema = json.loads((census / "cin_schema_errors.json").read_text())
    validation_file = census / "cin_validation.json"
    validation = json.loads(validation_file.read_text()) if validation_file.is_file() else {}
    return {
        "return_rows": len(rows),
        "la_child_id_blank_where_linked": _share(sum(not r["LAchildID"] for r in la_rows),
                                                 len(la_rows)),
        "upn_blank_where_linked": _share(sum(not r["UPN"] for r in upn_rows), len(upn_rows)),
        "against_truth_la_child_id": dict(truth_la),
        "against_truth_upn": dict(truth_upn),
        "child_service_pairs": {
            "hub": len(hub_pairs), "true_children": len(true_pairs),
            "excess_rate": round(len(hub_pairs) / len(true_pairs) - 1, 4) if true_pairs else None},
        "in_cin_census_rows": sum(r["InCINCensus"] == "1" for r in rows),
        "la_funded": dict(Counter(r["LAFunded"] for r in rows)),
        "cin_children": len(cin_ids),
        "cin_children_not_in_csc_export": sorted(set(cin_ids) - csc_ids),
        "cin_children_lacking_a_linked_upn": len(lacking),
        "cin_children_with_upn": sum(bool(u) for u in cin_ids.values()),
        "xml_schema_errors": schema["errors"],
        "validator_errors": validation.get("errors"),
        "validator_queries": validation.get("queries"),
        "example_child_in_cin_census": EXAMPLE_LA_ID in cin_ids,
        "example_episodes_in_store": example_episodes,
    }


if __name__ == "__main__":
    with time_limit("census_identifiers", 1800):
        if len(sys.argv) != 4:
            sys.exit(__doc__)
        print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]), indent=2))
