"""The Splink side of the benchmark: the same records, normalised alike, linked in batch.

Model (Splink's DuckDB backend): name comparisons with term-frequency adjustments on given
and family name, date of birth, sex, postcode, and exact matches on NHS number, UPN, LA child
id and the source record key. ``u`` by random sampling, ``m`` by EM on two blocking rules
(date of birth; given + family name), then predict on several blocking rules and cluster
pairwise predictions at a match-probability threshold.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from hub.domain.identity.records import PersonRecord, normalise

logging.getLogger("splink").setLevel(logging.WARNING)

PREDICT_RULES = [
    block_on("dob"),
    block_on("given_name", "family_name"),
    block_on("postcode", "family_name"),
    block_on("nhs_number"),
    block_on("upn"),
    block_on("la_child_id"),
    block_on("source_key"),
]


def table(records: list[PersonRecord]) -> pa.Table:
    """Records as Splink input: cleaned like the hub's (names, postcode, valid ids only)."""
    rows = []
    for record in records:
        person = normalise(record)
        ids = dict(person.ids)
        rows.append(
            {
                "unique_id": record.record_id,
                "given_name": person.first or None,
                "family_name": " ".join(person.family) or None,
                "dob": person.dob.isoformat() if person.dob else None,
                "sex": person.sex,
                "postcode": person.postcode.full if person.postcode else None,
                "nhs_number": ids.get("nhs"),
                "upn": ids.get("upn"),
                "la_child_id": ids.get("la"),
                "source_key": f"{record.source_system}|{record.source_id}"
                if record.source_id
                else None,
            }
        )
    return pa.Table.from_pylist(rows)


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("upn"),
            cl.ExactMatch("la_child_id"),
            cl.ExactMatch("source_key"),
        ],
        blocking_rules_to_generate_predictions=PREDICT_RULES,
        retain_intermediate_calculation_columns=False,
    )


@dataclass
class SplinkRun:
    clusters: dict[str, str]
    reviews: int
    train_seconds: float
    predict_seconds: float


def run_splink(records: list[PersonRecord], threshold: float, review_from: float) -> SplinkRun:
    """Train, predict and cluster; a record is *for review* when some pair scores between
    ``review_from`` and ``threshold`` and the two records did not end up clustered."""
    start = time.perf_counter()
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(table(records)), settings())
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("nhs_number"), block_on("given_name", "family_name", "dob")], recall=0.8
    )
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=review_from)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    cluster_of = dict(
        zip(
            *clustered.as_pyarrow_table().select(["unique_id", "cluster_id"]).to_pydict().values(),
            strict=True,
        )
    )
    done = time.perf_counter()
    pairs = predictions.as_pyarrow_table().select(
        ["unique_id_l", "unique_id_r", "match_probability"]
    )
    uncertain = {
        rid
        for left, right, p in zip(*pairs.to_pydict().values(), strict=True)
        if p < threshold and cluster_of[left] != cluster_of[right]
        for rid in (left, right)
    }
    clusters = {str(k): str(v) for k, v in cluster_of.items()}
    return SplinkRun(clusters, len(uncertain), trained - start, done - trained)
