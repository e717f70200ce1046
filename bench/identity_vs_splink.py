"""Hub resolver vs Splink on the same synthetic data, in the same run.

    .venv/bin/python bench/identity_vs_splink.py --children 10000 --seed 2 [--json out.json]

Both see the records of ``hub demo-data`` (generated once and cached) and are scored against
its ground truth with the same pairwise measure. The hub resolves records one at a time in
arrival order (a stream); Splink trains and links the whole batch. Latency per record is the
hub's time per ``resolve`` call (mean, p50, p99) and Splink's total time (training, prediction
and clustering) divided by the number of records; the ratio is Splink's over the hub's mean.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from identity_data import dataset, load_records, load_truth
from identity_quality import TARGETS
from splink_model import run_splink
from time_limit import time_limit

from hub.domain.identity.config import DEFAULT_CONFIG
from hub.domain.identity.evaluation import pairwise_quality
from hub.domain.identity.records import PersonRecord
from hub.domain.identity.resolver import resolve
from hub.domain.identity.state import ResolverState


def hub_side(records: list[PersonRecord], truth: dict[str, str]) -> dict[str, float]:
    state, keys, reviews, timings = ResolverState(), {}, 0, []
    for record in records:
        start = time.perf_counter()
        state, decision = resolve(state, record, DEFAULT_CONFIG)
        timings.append(time.perf_counter() - start)
        keys[record.record_id] = decision.child_key
        reviews += decision.outcome == "POSSIBLE_MATCH"
    quality = pairwise_quality(keys, truth, reviews).as_dict()
    ms = sorted(1000 * t for t in timings)
    return {
        **quality,
        "ms_per_record": statistics.fmean(ms),
        "ms_p50": ms[len(ms) // 2],
        "ms_p99": ms[int(len(ms) * 0.99)],
        "seconds": sum(timings),
    }


def splink_side(
    records: list[PersonRecord], truth: dict[str, str], threshold: float, review_from: float
) -> dict[str, float]:
    run = run_splink(records, threshold, review_from)
    quality = pairwise_quality(run.clusters, truth, run.reviews).as_dict()
    seconds = run.train_seconds + run.predict_seconds
    return {
        **quality,
        "ms_per_record": 1000 * seconds / len(records),
        "seconds": seconds,
        "train_seconds": run.train_seconds,
        "predict_seconds": run.predict_seconds,
    }


def print_table(result: dict[str, object]) -> None:
    hub, splink = result["hub"], result["splink"]
    assert isinstance(hub, dict) and isinstance(splink, dict)
    print(f"children={result['children']} seed={result['seed']} records={hub['records']}")
    print(f"{'':22}{'hub':>12}{'splink':>12}{'target':>10}")
    for name, key, target in (
        ("pairwise precision", "precision", f">= {TARGETS['precision']}"),
        ("pairwise recall", "recall", f">= {TARGETS['recall']}"),
        ("review rate", "review_rate", f"<= {TARGETS['review_rate']}"),
        ("ms per record", "ms_per_record", ""),
    ):
        print(f"{name:22}{hub[key]:12.5f}{splink[key]:12.5f}{target:>10}")
    print(f"{'total seconds':22}{hub['seconds']:12.1f}{splink['seconds']:12.1f}")
    print(f"latency ratio (splink / hub per record): {result['latency_ratio']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--splink-threshold", type=float, default=0.95)
    parser.add_argument("--splink-review-from", type=float, default=0.5)
    parser.add_argument("--json", type=Path, default=Path("out/identity_vs_splink.json"))
    args = parser.parse_args()
    outdir = dataset(args.children, args.seed)
    records, truth = load_records(outdir), load_truth(outdir)
    hub = hub_side(records, truth)
    splink = splink_side(records, truth, args.splink_threshold, args.splink_review_from)
    result = {
        "children": args.children,
        "seed": args.seed,
        "hub": hub,
        "splink": splink,
        "splink_threshold": args.splink_threshold,
        "latency_ratio": splink["ms_per_record"] / hub["ms_per_record"],
    }
    print_table(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    with time_limit("identity_vs_splink", 3600):
        main()
