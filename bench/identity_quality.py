"""Quality of the hub's identity resolver on the synthetic authority's ground truth.

    .venv/bin/python bench/identity_quality.py --children 10000 --seeds 1,2,3 [--explain 10]

Records are those the hub resolves: every export read by its connector, each event's person
record, source by source as ``hub demo`` publishes them (``--records sources``, the default);
``--records dates`` orders the same records by their date in the exports, ``--records
settled`` resolves them as the worker's resolver settles (``resolve_canonically``: record id
order, doubtful records last; ``canonical`` is one pass in record id order), and ``--records
link`` takes the generator's ``link_records.csv`` instead (no source references as typed ids).
For each seed: pairwise precision and recall of the automatic links (possible matches keep
their provisional keys, so they count as not linked), the share of records sent for review,
and per-record latency. Targets: precision >= 0.999, recall >= 0.97, review <= 3%.
With ``--explain N`` it prints N false links and N missed links with their evidence.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from identity_data import dataset, load_records, load_truth
from identity_demo import ordered
from time_limit import time_limit

from hub.domain.identity.batch import LinkSummary, resolve_all
from hub.domain.identity.config import DEFAULT_CONFIG, MatchConfig, config_from_mapping
from hub.domain.identity.evaluation import PairwiseQuality, pairwise_quality
from hub.domain.identity.events import Decision
from hub.domain.identity.records import PersonRecord

TARGETS = {"precision": 0.999, "recall": 0.97, "review_rate": 0.03}


def run_hub(
    records: list[PersonRecord], config: MatchConfig = DEFAULT_CONFIG
) -> tuple[list[Decision], float]:
    """Decisions and total seconds spent resolving."""
    start = time.perf_counter()
    decisions = list(resolve_all(records, config, None, LinkSummary()))
    return decisions, time.perf_counter() - start


def evaluate(decisions: list[Decision], truth: dict[str, str]) -> PairwiseQuality:
    predicted = {d.record.record_id: d.child_key for d in decisions}
    # a link despite a conflicting identifier raises a review too (resolver._attached_for_review)
    reviews = sum(
        d.outcome == "POSSIBLE_MATCH" or (d.outcome == "LINK" and bool(d.evidence.conflicts))
        for d in decisions
    )
    return pairwise_quality(predicted, truth, reviews)


def meets_targets(quality: PairwiseQuality) -> bool:
    return (
        quality.precision >= TARGETS["precision"]
        and quality.recall >= TARGETS["recall"]
        and quality.review_rate <= TARGETS["review_rate"]
    )


def explain(decisions: list[Decision], truth: dict[str, str], limit: int) -> None:
    """Print false links (a record joined to a child that is someone else) and missed links."""
    by_key: dict[str, list[Decision]] = defaultdict(list)
    first_of_truth: dict[str, Decision] = {}
    false_links, missed = [], []
    for d in decisions:
        members = by_key[d.child_key]
        if (
            d.outcome == "LINK"
            and members
            and truth[members[0].record.record_id] != truth[d.record.record_id]
        ):
            false_links.append((d, members[0]))
        seen = first_of_truth.get(truth[d.record.record_id])
        if seen and seen.child_key != d.child_key and d.outcome != "LINK":
            missed.append((d, seen))
        first_of_truth.setdefault(truth[d.record.record_id], d)
        members.append(d)
    for title, pairs in (("FALSE LINKS", false_links), ("MISSED (new or review)", missed)):
        print(f"--- {title}: {len(pairs)}")
        for d, other in pairs[:limit]:
            print(f"{d.outcome} {d.score} {d.evidence.strong_ids} {d.evidence.conflicts}")
            print(f"   rec:   {_show(d.record)}")
            print(f"   other: {_show(other.record)}")
            print(f"   levels: {[(f, lvl) for f, lvl, _ in d.evidence.levels]}")


def _show(r: PersonRecord) -> str:
    return (
        f"{r.source_system}|{r.given_name}|{r.family_name}|{r.date_of_birth}|{r.sex}|"
        f"{r.postcode}|upn={r.upn}|nhs={r.nhs_number}|la={r.la_child_id}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--explain", type=int, default=0)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--records",
        default="sources",
        choices=("sources", "dates", "canonical", "settled", "link"),
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="WEIGHT=VALUE",
        help="override a MatchConfig field (repeatable), for tuning",
    )
    args = parser.parse_args()
    config = config_from_mapping({k: float(v) for k, v in (s.split("=") for s in args.set)})
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        outdir = dataset(args.children, seed)
        truth = load_truth(outdir)
        records = (
            load_records(outdir)
            if args.records == "link"
            else ordered(outdir, args.records, config)
        )
        decisions, seconds = run_hub(records, config)
        quality = evaluate(decisions, truth)
        row = {
            "children": args.children,
            "seed": seed,
            "records_from": args.records,
            **quality.as_dict(),
            "ms_per_record": 1000 * seconds / max(len(records), 1),
            "meets_targets": meets_targets(quality),
        }
        results.append(row)
        print(
            f"children={args.children} seed={seed} records={quality.records} "
            f"precision={quality.precision:.5f} recall={quality.recall:.5f} "
            f"review={quality.review_rate:.4f} ms/record={row['ms_per_record']:.3f} "
            f"{'OK' if row['meets_targets'] else 'MISSES TARGETS'}"
        )
        if args.explain:
            explain(decisions, truth, args.explain)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    with time_limit("identity_quality", 1800):
        main()
