"""The resolver meets its quality targets on the synthetic authority (``hub demo-data``).

Three seeds of 2,000 children each, pooled: at this size one wrong merge of two children
with many records moves a single seed's pairwise precision by about 0.001, so the targets
are checked on the pairs of all three (the 10,000 and 100,000-child runs are in
docs/identity.md and bench/identity_quality.py).
"""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from hub.adapters.files.person_csv import open_input, read_person_records
from hub.domain.identity.batch import resolve_all
from hub.domain.identity.evaluation import PairwiseQuality, pairwise_quality

pytest.importorskip("hub.synthetic")

SEEDS = (1, 2, 3)



def _generate(outdir: Path, seed: int) -> None:
    hub = Path(sys.executable).with_name("hub")
    command = [str(hub), "demo-data", "--children", "2000", "--seed", str(seed), str(outdir)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def _quality(outdir: Path) -> PairwiseQuality:
    with open_input(outdir / "link_records.csv") as handle:
        decisions = list(resolve_all(read_person_records(handle)))
    with (outdir / "link_truth.csv").open(encoding="utf-8", newline="") as handle:
        truth = {row["record_id"]: row["true_child_id"] for row in csv.DictReader(handle)}
    predicted = {d.record.record_id: d.child_key for d in decisions}
    reviews = sum(d.outcome == "POSSIBLE_MATCH" for d in decisions)
    return pairwise_quality(predicted, truth, reviews)


def test_quality_targets_on_synthetic_children(tmp_path: Path):
    runs = []
    for seed in SEEDS:
        _generate(tmp_path / str(seed), seed)
        runs.append(_quality(tmp_path / str(seed)))
    pooled = PairwiseQuality(
        records=sum(q.records for q in runs),
        true_pairs=sum(q.true_pairs for q in runs),
        predicted_pairs=sum(q.predicted_pairs for q in runs),
        correct_pairs=sum(q.correct_pairs for q in runs),
        reviews=sum(q.reviews for q in runs),
    )
    assert pooled.records > 30_000
    assert pooled.precision >= 0.999, [q.as_dict() for q in runs]
    assert pooled.recall >= 0.97, [q.as_dict() for q in runs]
    assert pooled.review_rate <= 0.03
