"""Tuning aid: estimate m and u per comparison level from labelled candidates, and show
which decisions cost the most false pairs.

    .venv/bin/python bench/identity_tune.py --children 10000 --seed 1

Every candidate child the resolver scored (for records without a strong-identifier hit) is
labelled a match when the child's first record has the record's true child. For each field
level it prints how often it occurs among matches (m) and non-matches (u) and log2(m/u): the
evidence for the weights in MatchConfig. Use one seed for tuning and others for checking.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter, defaultdict

from identity_data import dataset, load_records, load_truth
from identity_demo import ordered
from time_limit import time_limit

from hub.domain.identity.blocking import query_keys
from hub.domain.identity.config import DEFAULT_CONFIG
from hub.domain.identity.records import normalise
from hub.domain.identity.resolver import resolve
from hub.domain.identity.scoring import score_child
from hub.domain.identity.state import ResolverState


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--records",
        default="sources",
        choices=("sources", "dates", "link"),
        help="the exports' events source by source as hub demo publishes them (sources), by "
        "date (dates), or the generator's link_records.csv (link)",
    )
    args = parser.parse_args()
    outdir = dataset(args.children, args.seed)
    truth = load_truth(outdir)
    records = load_records(outdir) if args.records == "link" else ordered(outdir, args.records)
    config, state = DEFAULT_CONFIG, ResolverState()
    counts: dict[bool, Counter[tuple[str, str]]] = {True: Counter(), False: Counter()}
    patterns: dict[tuple, Counter[bool]] = defaultdict(Counter)
    child_truth: dict[str, str] = {}
    decisions: list = []
    for record in records:
        person = normalise(record)
        if not state.strong_hits(person) and record.record_id not in state.record_child:
            found = state.candidates(query_keys(person), config.max_block_size)
            for key in found:
                scored = score_child(person, state.children[key], config, state.names)
                label = child_truth[key] == truth[record.record_id]
                pattern = tuple((f, lvl) for f, lvl, _ in scored.comparison.levels)
                counts[label].update(pattern)
                patterns[pattern][label] += 1
        state, decision = resolve(state, record, config)
        decisions.append(decision)
        child_truth.setdefault(decision.child_key, truth[record.record_id])
    total = {label: sum(c.values()) / 5 for label, c in counts.items()}
    print(f"candidate pairs: matches={total[True]:.0f} non-matches={total[False]:.0f}")
    for level in sorted(set(counts[True]) | set(counts[False])):
        m = (counts[True][level] + 0.5) / total[True]
        u = (counts[False][level] + 0.5) / total[False]
        print(f"{level[0]:>9} {level[1]:<15} m={m:.5f} u={u:.5f} log2(m/u)={math.log2(m / u):6.2f}")
    print("--- patterns with both labels (matches, non-matches)")
    mixed = [(p, c) for p, c in patterns.items() if c[True] and c[False]]
    for pattern, c in sorted(mixed, key=lambda pc: -pc[1][False])[: args.top]:
        print(c[True], c[False], [lvl for _, lvl in pattern])
    costs(decisions, truth, args.top)


def costs(decisions: list, truth: dict[str, str], top: int) -> None:
    """Patterns of the decisions that cost the most pairs: false links and missed links."""
    size: Counter[tuple[str, str]] = Counter(
        (d.child_key, truth[d.record.record_id]) for d in decisions
    )
    per_truth: dict[str, Counter[str]] = defaultdict(Counter)
    per_key: dict[str, Counter[str]] = defaultdict(Counter)
    for (key, true_id), n in size.items():
        per_truth[true_id][key] += n
        per_key[key][true_id] += n
    first_truth: dict[str, str] = {}
    missed: Counter[tuple] = Counter()
    false: Counter[tuple] = Counter()
    for d in decisions:
        true_id = truth[d.record.record_id]
        key = d.child_key
        first_truth.setdefault(key, true_id)
        pattern = (
            d.outcome,
            tuple(lvl for _, lvl, _ in d.evidence.levels),
            bool(d.evidence.strong_ids),
        )
        if d.outcome != "LINK" and len(per_truth[true_id]) > 1 and first_truth[key] == true_id:
            others = sum(n for k, n in per_truth[true_id].items() if k != key)
            missed[pattern] += size[(key, true_id)] * others / 2
        if d.outcome == "LINK" and first_truth[key] != true_id:
            false[pattern] += 1
    for title, counter in (
        ("missed pairs by deciding pattern", missed),
        ("false links by pattern", false),
    ):
        print(f"--- {title}")
        for pattern, n in counter.most_common(top):
            print(f"{n:10.0f} {pattern}")


if __name__ == "__main__":
    with time_limit("identity_tune", 3600):
        main()
