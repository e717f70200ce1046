"""Why a demo authority's true children are split: the pure resolver over its exports, offline.

    .venv/bin/python bench/identity_joins_offline.py EXPORTS

``EXPORTS``: a folder ``hub demo-data`` wrote (either formats). Every file is read with its
connector in the order ``hub demo`` publishes them, each event's person record resolved with
``hub.domain.identity.resolver.resolve`` (no broker, no worker), and each record mapped to its
true child as ``bench/standard_identity.py`` does. Prints JSON:

- ``hub_children`` / ``true_children`` / ``split_true_children``;
- ``split_bridged``: split children two of whose keys share a strong identifier (LA child id,
  UPN, NHS number) by kind: a record named both, yet the keys were never joined;
- ``split_possible_match_to_own_key``: split children with a possible match between two of
  their own keys (a reviewer's "same child" joins them);
- ``cin_without_upn``: census children (school age, a referral that is not NFA) whose LA child
  id's key holds no UPN while their true child has one, and of those ``upn_with_la_child_id``
  (a record carries both) and ``possible_match_to_upn_key`` (an open possible match between
  their key and a key holding their UPN).
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from standard_identity import _rows, _standard_subjects

from connectors.registry import CONNECTORS, EXPORT_FILES
from connectors.standard_registry import STANDARD_CONNECTORS
from hub.census.cin.child import school_age
from hub.domain.episodes.years import CensusYear as CensusPeriod
from hub.domain.identity.events import Decision, PossibleMatchFound
from hub.domain.identity.records import normalise
from hub.domain.identity.resolution import person_from_event
from hub.domain.identity.resolver import resolve
from hub.domain.identity.state import ResolverState
from hub.domain.validation import EventRejectedError
from hub.synthetic.calendar import CensusYear
from hub.synthetic.population import Population
from hub.synthetic.standard_formats import FILES

STRONG = ("la", "upn", "nhs")


def _resolve(exports: Path, today: date) -> tuple[ResolverState, dict[str, Decision]]:
    state, decisions = ResolverState(), {}
    for source, name in {**EXPORT_FILES, **FILES}.items():
        if not (exports / name).exists():
            continue
        connector = {**CONNECTORS, **STANDARD_CONNECTORS}[source](today)
        for row in connector.read(exports / name):
            try:
                events = connector.events(row)
            except EventRejectedError:
                continue
            for event in events:
                record = person_from_event(event)
                if record.record_id not in decisions:
                    state, decisions[record.record_id] = resolve(state, record)
    return state, decisions


def main(exports: Path) -> dict[str, Any]:
    manifest = json.loads((exports / "manifest.json").read_text())
    year = CensusYear.parse(manifest["year"])
    state, decisions = _resolve(exports, year.end)
    key_of = {rid: state.current_key(state.record_child[rid]) for rid in decisions}
    people = {c.true_id: c for f in Population(manifest["children"], year, manifest["seed"])
              .families() for c in f}
    by_upn = {c.upn: c.true_id for c in people.values() if c.upn}
    true_of = {r["record_id"]: r["true_child_id"] for r in _rows(exports / "link_truth.csv")}
    by_la: dict[str, str] = {}
    for r in _rows(exports / "link_records.csv"):
        if r["la_child_id"] and (r["source_system"] == "csc" or r["la_child_id"] not in by_la):
            by_la[r["la_child_id"]] = true_of[r["record_id"]]
    standard = _standard_subjects(exports, year.end)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for la, _, known in standard.values():
        if known and la not in by_la:
            votes[la][known] += 1
    by_la |= {la: v.most_common(1)[0][0] for la, v in votes.items()}
    truth: dict[str, str] = {}
    for rid in decisions:
        la, upn, known = standard.get(rid, ("", "", ""))
        if child := true_of.get(rid) or known or by_la.get(la) or by_upn.get(upn):
            truth[rid] = child
    ids: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for rid, decision in decisions.items():
        ids[key_of[rid]].update(i for i in normalise(decision.record).ids if i[0] in STRONG)
    reviews: dict[str, set[str]] = defaultdict(set)
    for rid, decision in decisions.items():
        if isinstance(decision, PossibleMatchFound):
            candidate = state.current_key(decision.candidate_key)
            reviews[key_of[rid]].add(candidate)
            reviews[candidate].add(key_of[rid])
    keys_of: dict[str, set[str]] = defaultdict(set)
    for rid, child in truth.items():
        keys_of[child].add(key_of[rid])
    split = {c: keys for c, keys in keys_of.items() if len(keys) > 1}
    bridged: Counter[str] = Counter()
    to_own = 0
    for keys in split.values():
        shared = {kind for a in keys for b in keys if a < b for kind, _ in ids[a] & ids[b]}
        bridged.update(shared)
        bridged["children"] += bool(shared)
        to_own += any(reviews[k] & keys for k in keys)
    result: dict[str, Any] = {
        "hub_children": len(set(key_of.values())), "true_children": len(keys_of),
        "split_true_children": len(split), "split_bridged": dict(bridged),
        "split_possible_match_to_own_key": to_own,
    }
    census = exports / FILES["cin-census"]
    if census.is_file():
        result["cin_without_upn"] = _cin_without_upn(census, CensusPeriod.parse(manifest["year"]),
                                                     decisions, key_of, ids, reviews, people,
                                                     truth)
    return result


def _cin_without_upn(
    census: Path, period: CensusPeriod, decisions: dict[str, Decision], key_of: dict[str, str],
    ids: dict[str, set[tuple[str, str]]], reviews: dict[str, set[str]], people: dict[str, Any],
    truth: dict[str, str],
) -> dict[str, int]:
    records_of_la: dict[str, list[str]] = defaultdict(list)
    pairs: set[tuple[str, str]] = set()
    upn_keys: dict[str, set[str]] = defaultdict(set)
    for rid, decision in decisions.items():
        person = normalise(decision.record)
        las = [v for k, v in person.ids if k == "la"]
        upns = [v for k, v in person.ids if k == "upn"]
        for la in las:
            records_of_la[la].append(rid)
        pairs.update((la, upn) for la in las for upn in upns)
        for upn in upns:
            upn_keys[upn].add(key_of[rid])
    found: Counter[str] = Counter()
    for node in ET.parse(census).getroot().iter("Child"):
        la = (node.findtext("ChildIdentifiers/LAchildID") or "").strip().upper()
        born = node.findtext("ChildIdentifiers/PersonBirthDate")
        acted = any(d.findtext("ReferralNFA") not in ("1", "true")
                    for d in node.iter("CINdetails"))
        if not (school_age(date.fromisoformat(born) if born else None, period) and acted):
            continue
        keys = {key_of[r] for r in records_of_la.get(la, [])}
        if any(kind == "upn" for key in keys for kind, _ in ids[key]):
            continue
        child = next((truth[r] for r in records_of_la.get(la, []) if r in truth), None)
        upn = people[child].upn if child else None
        if not upn:
            continue
        found["children"] += 1
        found["upn_with_la_child_id"] += (la, upn) in pairs
        found["possible_match_to_upn_key"] += any(reviews[k] & upn_keys[upn] for k in keys)
    return dict(found)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(main(Path(sys.argv[1])), indent=2))
