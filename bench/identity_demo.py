"""Identity reviews on the demo authority, as the worker resolves it, without a broker.

    .venv/bin/python bench/identity_demo.py --children 2000 --seeds 1,2 [--order sources]

``hub demo`` writes a synthetic authority, publishes every export through its connector and
lets the worker resolve each event's child. This bench does the same in one process: every
export is read by its connector, each event becomes the person record the worker resolves
(``hub.domain.identity.resolution.person_from_event``), and the records are resolved in one of these
orders:

* ``sources``: source by source, in the order ``hub demo`` publishes them (each file in its
  own order), the way the worker meets them when it reads one topic after another;
* ``dates``: every record by its date in the exports (the generator's ``link_records.csv``);
* ``reversed``: source by source in the reverse order;
* ``canonical``: by record id (``hub.domain.identity.canonical``), the same for every
  arrival order of the same records;
* ``settled``: what the worker's resolver settles to (``resolve_canonically``): the canonical
  order with the records of children still in review after a first pass moved to the end.

It prints the open possible-match reviews (and the share of them whose two children are the
same real child), as a share of the authority's children, the children holding records linked
despite a conflicting identifier (one open review each, and how many hold only their own
real child's records), and the pairwise precision and recall
of the automatic links against the generator's ground truth.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import date
from pathlib import Path

from identity_data import CACHE, dataset, load_truth
from time_limit import time_limit

from connectors.registry import EXPORT_FILES
from hub.domain.identity.batch import resolve_all
from hub.domain.identity.canonical import canonical_order, resolve_canonically
from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig, config_from_mapping
from hub.domain.identity.evaluation import pairwise_quality
from hub.domain.identity.events import Decision, PossibleMatchFound
from hub.domain.identity.records import PersonRecord
from hub.domain.identity.state import ResolverState
from hub.usecases.export_people import person_records

TODAY = date(2026, 4, 30)
"""The connectors' "today" (future dates are rejected): after the 2025-26 census year."""


def ordered(outdir: Path, order: str, config: MatchConfig = DEFAULT_CONFIG) -> list[PersonRecord]:
    sources = list(EXPORT_FILES)
    if order == "reversed":
        sources.reverse()
    records = list(person_records(outdir, TODAY, sources))
    if order == "canonical":
        return canonical_order(records)
    if order == "settled":  # what the worker's resolver settles to: doubtful records last
        state, _ = resolve_canonically(records, config)
        first = {r: state.children[k].records[r].seq for r, k in state.record_child.items()}
        return sorted(canonical_order(records), key=lambda r: first[r.record_id])
    if order == "dates":
        rank = {r: i for i, r in enumerate(load_truth(outdir))}
        records.sort(key=lambda r: rank.get(r.record_id, len(rank)))
    return records


def open_reviews(decisions: list[Decision], state: ResolverState) -> list[PossibleMatchFound]:
    """Possible matches still open at the end (their provisional child is still in review)."""
    return [
        d
        for d in decisions
        if isinstance(d, PossibleMatchFound) and state.reviews.get(d.child_key) == d.candidate_key
    ]


def measure(
    outdir: Path, children: int, order: str, config: MatchConfig = DEFAULT_CONFIG
) -> dict[str, object]:
    truth = load_truth(outdir)
    records = ordered(outdir, order, config)
    state = ResolverState()
    decisions = list(resolve_all(records, config, state))
    reviews = open_reviews(decisions, state)
    key_truth: dict[str, Counter[str]] = {}
    for d in decisions:
        key_truth.setdefault(d.child_key, Counter())[truth.get(d.record.record_id, "?")] += 1

    def true_of(key: str) -> str:
        return key_truth[state.current_key(key)].most_common(1)[0][0]

    same = sum(true_of(d.child_key) == true_of(d.candidate_key) for d in reviews)
    # records linked despite a conflicting identifier: one open review per child holding them
    held = {k: state.conflict_records(k) for k in state.children if state.conflict_records(k)}
    held_same = sum(
        all(truth.get(r, "?") == true_of(k) for r in records) for k, records in held.items()
    )
    quality = pairwise_quality({d.record.record_id: d.child_key for d in decisions}, truth)
    return {
        "children": children,
        "order": order,
        "records": len(records),
        "open_reviews": len(reviews),
        "review_share_of_children": len(reviews) / children,
        "reviews_true_match": same,
        "conflict_reviews": len(held),
        "conflict_reviews_true_match": held_same,
        "precision": quality.precision,
        "recall": quality.recall,
        "hub_children": len(state.children),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--seeds", default="1")
    parser.add_argument(
        "--order",
        default="sources",
        choices=("sources", "dates", "reversed", "canonical", "settled"),
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--set", action="append", default=[], metavar="WEIGHT=VALUE")
    args = parser.parse_args()
    config = config_from_mapping({k: float(v) for k, v in (s.split("=") for s in args.set)})
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        row = {
            "seed": seed,
            **measure(dataset(args.children, seed, CACHE), args.children, args.order, config),
        }
        results.append(row)
        print(
            f"children={args.children} seed={seed} order={args.order} "
            f"records={row['records']} open_reviews={row['open_reviews']} "
            f"({row['review_share_of_children']:.1%} of children, "
            f"{row['reviews_true_match']} true matches) conflict_reviews="
            f"{row['conflict_reviews']} ({row['conflict_reviews_true_match']} true matches) "
            f"precision={row['precision']:.5f} "
            f"recall={row['recall']:.5f} hub_children={row['hub_children']}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    with time_limit("identity_demo", 1800):
        main()
