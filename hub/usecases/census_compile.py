"""``hub census compile``: every census file for one year, from records already loaded.

The caller reads the inputs (the episode, CSC status, consent-limited and task topics, or
the hub store) and passes typed records; this service calls the pure builders in
``hub.census``, optionally the DfE validator (a callable, so tests need no venv), and writes
the files and a ``manifest.json`` with their SHA-256 checksums. Nothing here reads a clock:
the same records, in any order, give byte-identical files.

Both returns are joined on the child through the identifiers the hub linked to it
(``linked``, the store's ``linked_identifiers``; ``hub.census.child_ids``): the return's
``LAchildID`` and ``UPN``, and the CIN census's UPN where the CSC system has none. The CIN
census XML is checked against its year's XML Schema when a checker is given
(``xml_schema_errors`` in the counts and ``cin_schema_errors.json``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.census import (
    additional,
    additional_files,
    identity_reviews,
    quality,
    quality_html,
    signoff,
    signoff_html,
)
from hub.census.additional import ChildFacts
from hub.census.child_ids import Linked, child_ids, upns_by_la_child_id
from hub.census.cin import build_cin_census, children
from hub.census.consent_counts import counts
from hub.domain.episodes.model import ServiceEpisode
from hub.domain.episodes.years import CensusYear
from hub.domain.events import CscStatusChanged
from hub.domain.outputs import ConsentLimitedUse, TaskChanged
from hub.ports import ValidationReport
from hub.usecases.census_files import manifest, schema_errors_json, validation_json

Validate = Callable[[bytes, CensusYear], ValidationReport | None]  # None: could not run
CheckSchema = Callable[[bytes, CensusYear], list[str]]  # XML Schema errors; [] when valid


@dataclass(frozen=True)
class CensusInputs:
    episodes: Sequence[ServiceEpisode] = ()  # every version read; the latest per id wins
    csc_events: Sequence[CscStatusChanged] = ()
    uses: Sequence[ConsentLimitedUse] = ()
    tasks: Sequence[TaskChanged] = ()
    linked: Sequence[Linked] = ()  # identifiers the hub linked to each child


@dataclass
class Compiled:
    files: dict[str, bytes] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)  # records per file
    counts: dict[str, Any] = field(default_factory=dict)
    rows: list[signoff.ReturnRow] = field(default_factory=list)  # the return's, for the pack
    reviews: list[identity_reviews.OpenReview] = field(default_factory=list)


@dataclass(frozen=True)
class PreviousReturn:
    """Last year's additional-services return, to compare with (its CSV's bytes)."""

    year: CensusYear
    csv: bytes


def open_review_tasks(tasks: Iterable[TaskChanged]) -> int:
    """Open (or claimed) identity review tasks, each task id at its latest version."""
    return len(identity_reviews.open_reviews(tasks))


def build(inputs: CensusInputs, year: CensusYear, la_code: str) -> Compiled:
    """Every census file's bytes for ``year``; no I/O."""
    uses = sorted(inputs.uses, key=lambda u: u.use_id)
    ids = child_ids(inputs.linked)
    known_upns = upns_by_la_child_id(ids)
    cin_children = children(inputs.csc_events, year, known_upns)
    reviews = identity_reviews.open_reviews(inputs.tasks)
    marked = identity_reviews.keys_in_review(reviews)  # their rows: OpenIdentityReview Y
    facts = ChildFacts(ids, frozenset(c.la_child_id for c in cin_children), marked)
    report = quality.quality_report(
        inputs.episodes, cin_children, uses, year, open_review_tasks(inputs.tasks)
    )
    in_return, episodes = report["episodes_in_return"], inputs.episodes
    done = Compiled(reviews=reviews)
    done.rows = [signoff.ReturnRow.of(r) for r in additional.rows(episodes, year, facts)]
    for name, data, records in (
        ("additional_services.csv", additional_files.episodes_csv(episodes, year, facts),
         in_return),
        ("additional_services.xml",
         additional_files.return_xml(episodes, uses, year, la_code, facts), in_return),
        ("consent_limited_counts.csv", additional_files.consent_limited_csv(uses, year),
         len(counts(uses, year))),
        ("cin_census.xml",
         build_cin_census(inputs.csc_events, year, la_code=la_code, known_upns=known_upns),
         len(cin_children)),
        ("data_quality.json", quality.quality_json(report), 1),
        ("data_quality.html", quality_html.render(report), 1),
        ("open_identity_reviews.json",
         identity_reviews.reviews_json(reviews, additional.in_return(episodes, year)),
         len(reviews)),
    ):
        done.files[name], done.records[name] = data, records
    done.counts = {
        "cin_children": len(cin_children),
        "episodes_in_return": in_return,
        "consent_limited_uses": report["consent_limited"]["total"],
        "open_review_tasks": report["open_review_tasks"],
        "missing_upn_school_age": report["missing_upn_school_age"]["count"],
    }
    return done


def compile_census(
    inputs: CensusInputs,
    year: CensusYear,
    out: Path,
    *,
    la_code: str,
    validate: Validate | None = None,
    check_schema: CheckSchema | None = None,
    receipts: signoff.Receipts | None = None,
    previous: PreviousReturn | None = None,
) -> Compiled:
    """Build, check against the XML Schema and validate (when given a checker and a
    validator), draw the sign-off pack (from the connect receipts and last year's return
    when given), and write every file and the manifest."""
    compiled = build(inputs, year, la_code)
    if check_schema is not None:
        errors = check_schema(compiled.files["cin_census.xml"], year)
        compiled.files["cin_schema_errors.json"] = schema_errors_json(errors)
        compiled.records["cin_schema_errors.json"] = len(errors)
        compiled.counts["xml_schema_errors"] = len(errors)
    report = validate(compiled.files["cin_census.xml"], year) if validate else None
    if report is not None:
        compiled.files["cin_validation.json"] = validation_json(report)
        compiled.records["cin_validation.json"] = len(report.issues)
        compiled.counts["validator_errors"] = len(report.errors)
        compiled.counts["validator_queries"] = len(report.queries)
    pack = signoff.build_pack(signoff_inputs(
        compiled, year, la_code, report=report, receipts=receipts, previous=previous))
    compiled.files["signoff_pack.json"] = signoff.pack_json(pack)
    compiled.files["signoff_pack.html"] = signoff_html.render(pack)
    compiled.records["signoff_pack.json"] = compiled.records["signoff_pack.html"] = 1
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("cin_validation.json", "cin_schema_errors.json"):  # no stale verdict
        (out / stale).unlink(missing_ok=True)
    for name, data in compiled.files.items():
        (out / name).write_bytes(data)
    compiled.files["manifest.json"] = manifest(
        compiled.files, compiled.records, compiled.counts, year, la_code
    )
    (out / "manifest.json").write_bytes(compiled.files["manifest.json"])
    return compiled


def validation_of(
    report: ValidationReport | None, schema_errors: int | None
) -> signoff.Validation:
    """The validator's report as the pack reads it: rule, type, message and LA child id."""
    if report is None:
        return signoff.Validation(schema_errors=schema_errors)
    return signoff.Validation(
        ran=True, ruleset=report.ruleset,
        issues=tuple(signoff.RuleIssue(i.rule, i.rule_type, i.message, i.child)
                     for i in report.issues),
        rule_failures=report.rule_failures, schema_errors=schema_errors,
    )


def signoff_inputs(
    compiled: Compiled,
    year: CensusYear,
    la_code: str,
    *,
    report: ValidationReport | None,
    receipts: signoff.Receipts | None,
    previous: PreviousReturn | None,
) -> signoff.PackInputs:
    return signoff.PackInputs(
        year=year.label, la_code=la_code, rows=compiled.rows,
        cin_children=compiled.counts.get("cin_children", 0),
        receipts=receipts or signoff.Receipts(),
        validation=validation_of(report, compiled.counts.get("xml_schema_errors")),
        reviews=compiled.reviews,
        previous_year=previous.year.label if previous else None,
        previous_rows=signoff.rows_from_csv(previous.csv) if previous else (),
    )
