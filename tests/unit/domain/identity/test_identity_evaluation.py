"""Pairwise precision and recall from clusters."""

from hub.domain.identity.evaluation import pairwise_quality


def test_perfect_linkage():
    truth = {"a": "1", "b": "1", "c": "2"}
    quality = pairwise_quality({"a": "x", "b": "x", "c": "y"}, truth)
    assert (quality.precision, quality.recall, quality.true_pairs) == (1.0, 1.0, 1)


def test_false_merge_and_missed_link():
    truth = {"a": "1", "b": "1", "c": "1", "d": "2"}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "x"}
    quality = pairwise_quality(predicted, truth, reviews=1)
    # predicted pairs: ab, ad, bd (3); true pairs: ab, ac, bc (3); correct: ab
    assert (quality.predicted_pairs, quality.true_pairs, quality.correct_pairs) == (3, 3, 1)
    assert quality.precision == quality.recall == 1 / 3
    assert quality.review_rate == 0.25


def test_only_common_records_count_and_empty_is_perfect():
    quality = pairwise_quality({"a": "x", "z": "x"}, {"a": "1"})
    assert quality.records == 1 and quality.precision == 1.0 and quality.recall == 1.0
