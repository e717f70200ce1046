"""Pairwise quality of a linkage against ground truth (pure).

Two records form a *true pair* when the truth gives them the same child and a *predicted
pair* when the resolver gave them the same key. Precision is the share of predicted pairs that
are true, recall the share of true pairs predicted. Pairs are counted from cluster sizes, never
listed, so 100,000s of records are cheap: for clusters of sizes n, there are sum(n*(n-1)/2).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


@dataclass(frozen=True, slots=True)
class PairwiseQuality:
    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    reviews: int = 0

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def review_rate(self) -> float:
        return self.reviews / self.records if self.records else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "records": self.records,
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "correct_pairs": self.correct_pairs,
            "precision": self.precision,
            "recall": self.recall,
            "reviews": self.reviews,
            "review_rate": self.review_rate,
        }


def pairwise_quality(
    predicted: Mapping[str, str], truth: Mapping[str, str], reviews: int = 0
) -> PairwiseQuality:
    """Quality of ``predicted`` (record id -> key) against ``truth`` (record id -> child).

    Only records present in both mappings count.
    """
    common = predicted.keys() & truth.keys()
    true_sizes = Counter(truth[r] for r in common)
    predicted_sizes = Counter(predicted[r] for r in common)
    both = Counter((predicted[r], truth[r]) for r in common)
    return PairwiseQuality(
        len(common),
        _pairs(true_sizes.values()),
        _pairs(predicted_sizes.values()),
        _pairs(both.values()),
        reviews,
    )
