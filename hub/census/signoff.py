"""The sign-off pack: what a performance officer checks before signing the return off.

``build_pack`` turns typed inputs into one JSON-ready dict (``signoff_pack.json``;
``signoff_html`` draws the same figures):

- **reconciliation**: per source and file, rows read, published and dead-lettered by reason,
  from the receipts ``hub connect`` left (``hub.domain.intake_receipts``), and whether
  read = published + dead-lettered, per file and in total;
- **validator**: the DfE validator's issues grouped by rule, with the LA child ids each
  concerns (ids only, never a name, a date or the value that broke the rule), and the XML
  Schema error count;
- **children per service**: distinct hub child keys per additional service, and how many of
  them are in an open identity review (they may be one child counted twice);
- **open identity reviews**: each review with the LA child ids and rows it touches, most rows
  first; and the **rows to check**, those marked ``OpenIdentityReview`` listed first;
- **no end date / no volume**, each split "by design" (a notification records no end or
  volume, an EHC needs assessment has no volume) and "to chase" (a plan line or a delivery
  that should have said);
- **comparison** with last year's return, when one exists: rows and children per service.

Pure: no clock, no I/O; the same inputs, in any order, give the same dict.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hub.census.identity_reviews import OpenReview
from hub.domain.intake_receipts import IntakeReceipt, deliveries

BY_DESIGN, TO_CHASE = "by design", "to chase"
OPEN_REVIEW = "Open identity review"
NO_END_TO_CHASE, NO_VOLUME_TO_CHASE = "No end date (to chase)", "No volume (to chase)"


@dataclass(frozen=True, slots=True)
class ReturnRow:
    """The columns of an additional-services return row the pack reads (either year's)."""

    child_key: str
    la_child_id: str
    service: str
    subtype: str
    basis: str  # PLANNED, DELIVERED, NOTIFIED
    end_date: str  # "" when open
    volume_measure: str  # "" when none
    episode_id: str
    open_review: bool

    @classmethod
    def of(cls, row: Mapping[str, str]) -> ReturnRow:
        """From a row of ``hub.census.additional.rows`` or of the return's CSV."""
        def get(column: str) -> str:
            return row.get(column, "") or ""

        return cls(
            child_key=get("ChildKey"), la_child_id=get("LAchildID"),
            service=get("AdditionalService"), subtype=get("ServiceSubtype"),
            basis=get("Basis"), end_date=get("EndDate"), volume_measure=get("VolumeMeasure"),
            episode_id=get("EpisodeID"), open_review=get("OpenIdentityReview") == "Y",
        )


def rows_from_csv(data: bytes) -> list[ReturnRow]:
    """The rows of a return's ``additional_services.csv`` (last year's, to compare)."""
    reader = csv.DictReader(data.decode("utf-8-sig").splitlines(keepends=True))
    return [ReturnRow.of(r) for r in reader]


@dataclass(frozen=True, slots=True)
class RuleIssue:
    rule: str
    rule_type: str  # ERROR or QUERY
    message: str  # the rule's own description
    la_child_id: str | None  # None for a return-level rule


@dataclass(frozen=True)
class Validation:
    """What the DfE validator found (``ran`` False: it did not run) and the XML Schema check."""

    ran: bool = False
    ruleset: str = ""
    issues: Sequence[RuleIssue] = ()
    rule_failures: Sequence[str] = ()
    schema_errors: int | None = None  # None: not checked


@dataclass(frozen=True)
class Receipts:
    receipts: Sequence[IntakeReceipt] = ()
    found: bool = False  # a receipt log exists for the namespace
    unreadable: int = 0  # its lines that were not receipts


@dataclass(frozen=True)
class PackInputs:
    year: str  # census year label, "2025-26"
    la_code: str
    rows: Sequence[ReturnRow]
    cin_children: int = 0
    receipts: Receipts = field(default_factory=Receipts)
    validation: Validation = field(default_factory=Validation)
    reviews: Sequence[OpenReview] = ()
    previous_year: str | None = None  # last year's label, when its return exists
    previous_rows: Sequence[ReturnRow] = ()


# -- classification -------------------------------------------------------------------------

def no_end_verdict(row: ReturnRow) -> tuple[str, str]:
    """(by design | to chase, why) for a row with no end date."""
    if row.basis == "NOTIFIED":
        return BY_DESIGN, ("notified service (EHC plan, register, CAF, YOT case): its source "
                           "records no end; counted while a fact from the last 12 months "
                           "confirms it")
    if row.basis == "PLANNED":
        return TO_CHASE, "open-ended plan line: ask the panel for an end or review date"
    return TO_CHASE, "delivery with no end date: ask the source system"


def no_volume_verdict(row: ReturnRow) -> tuple[str, str]:
    """(by design | to chase, why) for a row with no volume measure."""
    if row.basis == "NOTIFIED":
        return BY_DESIGN, "notified service: a notification states no quantity"
    if row.service == "SEN" and row.subtype.replace(" ", "_").upper() == "ASSESSMENT":
        return BY_DESIGN, "EHC needs assessment: one event, no quantity"
    if row.basis == "PLANNED":
        return TO_CHASE, "plan line with no quantity or amount: ask the panel"
    return TO_CHASE, "delivery with no sessions, days or amount: ask the provider"


def _split(rows: Iterable[ReturnRow], verdict: Any) -> dict[str, Any]:
    counted: dict[str, Counter[tuple[str, str]]] = {BY_DESIGN: Counter(), TO_CHASE: Counter()}
    for row in rows:
        side, why = verdict(row)
        counted[side][(row.service, why)] += 1
    return {
        side.replace(" ", "_"): {
            "count": sum(c.values()),
            "by_service_and_reason": [
                {"service": s, "reason": why, "rows": n} for (s, why), n in sorted(c.items())
            ],
        }
        for side, c in counted.items()
    }


def no_end_date(rows: Sequence[ReturnRow]) -> dict[str, Any]:
    open_rows = [r for r in rows if not r.end_date]
    return {"count": len(open_rows), **_split(open_rows, no_end_verdict)}


def no_volume(rows: Sequence[ReturnRow]) -> dict[str, Any]:
    bare = [r for r in rows if not r.volume_measure]
    return {"count": len(bare), **_split(bare, no_volume_verdict)}


# -- sections -------------------------------------------------------------------------------

def reconciliation(receipts: Receipts) -> dict[str, Any]:
    files: list[dict[str, Any]] = [
        {
            "source": r.source, "file": r.file, "digest": r.digest[:16],
            "rows_read": r.rows_read, "rows_published": r.rows_published,
            "rows_dead_lettered": r.rows_dead_lettered,
            "dead_letters": dict(sorted(r.dead_letters.items())),
            "reconciled": r.reconciled,
        }
        for r in deliveries(receipts.receipts)
    ]
    reasons: Counter[str] = Counter()
    for f in files:
        reasons.update(f["dead_letters"])
    totals = {k: sum(f[k] for f in files)
              for k in ("rows_read", "rows_published", "rows_dead_lettered")}
    return {
        "receipts_found": receipts.found,
        "unreadable_receipts": receipts.unreadable,
        "files": files,
        "totals": {**totals, "dead_letters": dict(sorted(reasons.items())),
                   "reconciled": totals["rows_read"]
                   == totals["rows_published"] + totals["rows_dead_lettered"]},
        "files_reconciled": sum(1 for f in files if f["reconciled"]),
        "all_reconciled": all(f["reconciled"] for f in files),
    }


def validator_by_rule(validation: Validation) -> dict[str, Any]:
    grouped: dict[tuple[str, str], list[RuleIssue]] = defaultdict(list)
    for issue in validation.issues:
        grouped[(issue.rule_type, issue.rule)].append(issue)
    rules = [
        {
            "rule": rule, "type": kind, "message": min(i.message for i in issues),
            "issues": len(issues),
            "la_child_ids": sorted({i.la_child_id for i in issues if i.la_child_id}),
        }
        for (kind, rule), issues in sorted(grouped.items(),
                                           key=lambda kv: (kv[0][0] != "ERROR", kv[0][1]))
    ]
    return {
        "ran": validation.ran,
        "ruleset": validation.ruleset,
        "errors": sum(1 for i in validation.issues if i.rule_type == "ERROR"),
        "queries": sum(1 for i in validation.issues if i.rule_type == "QUERY"),
        "rules": rules,
        "rule_failures": sorted(validation.rule_failures),
        "xml_schema_errors": validation.schema_errors,
    }


def _per_service(rows: Iterable[ReturnRow]) -> dict[str, tuple[int, set[str], set[str]]]:
    found: dict[str, tuple[int, set[str], set[str]]] = {}
    for r in rows:
        n, keys, review = found.get(r.service, (0, set(), set()))
        keys.add(r.child_key)
        if r.open_review:
            review.add(r.child_key)
        found[r.service] = (n + 1, keys, review)
    return found


def children_per_service(rows: Sequence[ReturnRow]) -> list[dict[str, Any]]:
    return [
        {"service": s, "children": len(keys), "rows": n, "children_in_open_review": len(review)}
        for s, (n, keys, review) in sorted(_per_service(rows).items())
    ]


def open_reviews(reviews: Sequence[OpenReview], rows: Sequence[ReturnRow]) -> dict[str, Any]:
    per_key = Counter(r.child_key for r in rows)
    la_ids: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.la_child_id:
            la_ids[r.child_key].add(r.la_child_id)
    listed: list[dict[str, Any]] = [
        {
            "task_id": review.task_id,
            "children": [{"child_key": k, "la_child_ids": sorted(la_ids.get(k, ())),
                          "rows_in_return": per_key[k]} for k in review.keys],
            "rows_in_return": sum(per_key[k] for k in review.keys),
        }
        for review in reviews
    ]
    listed.sort(key=lambda item: (-item["rows_in_return"], item["task_id"]))
    keys = {k for review in reviews for k in review.keys}
    return {
        "open_reviews": len(listed),
        "children_in_review": len(keys),
        "rows_marked": sum(1 for r in rows if r.open_review),
        "reviews": listed,
    }


def rows_to_check(rows: Sequence[ReturnRow]) -> list[dict[str, Any]]:
    """Rows marked ``OpenIdentityReview`` first, then rows with something to chase."""
    listed = []
    for r in rows:
        why = [OPEN_REVIEW] if r.open_review else []
        if not r.end_date and no_end_verdict(r)[0] == TO_CHASE:
            why.append(NO_END_TO_CHASE)
        if not r.volume_measure and no_volume_verdict(r)[0] == TO_CHASE:
            why.append(NO_VOLUME_TO_CHASE)
        if why:
            listed.append({"episode_id": r.episode_id, "child_key": r.child_key,
                           "la_child_id": r.la_child_id, "service": r.service,
                           "open_identity_review": r.open_review, "why": why})
    listed.sort(key=lambda x: (not x["open_identity_review"], x["child_key"], x["episode_id"]))
    return listed


def comparison(
    previous_year: str | None, previous: Sequence[ReturnRow], now: Sequence[ReturnRow]
) -> dict[str, Any] | None:
    """Rows and distinct children per service, last year beside this year (None: no return
    from last year was found)."""
    if previous_year is None:
        return None
    before, after = _per_service(previous), _per_service(now)

    def side(found: dict[str, tuple[int, set[str], set[str]]], service: str) -> tuple[int, int]:
        n, keys, _ = found.get(service, (0, set(), set()))
        return n, len(keys)

    services = []
    for service in sorted({*before, *after}):
        (rows_then, children_then), (rows_now, children_now) = (
            side(before, service), side(after, service))
        services.append({
            "service": service, "rows_previous": rows_then, "rows": rows_now,
            "children_previous": children_then, "children": children_now,
            "children_change": children_now - children_then,
        })
    return {
        "previous_year": previous_year,
        "rows_previous": len(previous), "rows": len(now),
        "children_previous": len({r.child_key for r in previous}),
        "children": len({r.child_key for r in now}),
        "services": services,
    }


def build_pack(inputs: PackInputs) -> dict[str, Any]:
    rows = sorted(inputs.rows, key=lambda r: (r.child_key, r.episode_id))
    reviews = sorted(inputs.reviews, key=lambda r: r.task_id)
    recon = reconciliation(inputs.receipts)
    checks = validator_by_rule(inputs.validation)
    ends, volumes = no_end_date(rows), no_volume(rows)
    review_section = open_reviews(reviews, rows)
    return {
        "census_year": inputs.year,
        "la_code": inputs.la_code,
        "summary": {
            "rows_in_return": len(rows),
            "children_in_return": len({r.child_key for r in rows}),
            "cin_children": inputs.cin_children,
            "validator_ran": checks["ran"],
            "validator_errors": checks["errors"],
            "validator_queries": checks["queries"],
            "xml_schema_errors": checks["xml_schema_errors"],
            "open_identity_reviews": review_section["open_reviews"],
            "rows_marked_open_identity_review": review_section["rows_marked"],
            "files_received": len(recon["files"]),
            "files_reconciled": recon["files_reconciled"],
            "rows_read": recon["totals"]["rows_read"],
            "rows_published": recon["totals"]["rows_published"],
            "rows_dead_lettered": recon["totals"]["rows_dead_lettered"],
            "no_end_date_to_chase": ends["to_chase"]["count"],
            "no_volume_to_chase": volumes["to_chase"]["count"],
        },
        "reconciliation": recon,
        "validator": checks,
        "children_per_service": children_per_service(rows),
        "open_identity_reviews": review_section,
        "rows_to_check": rows_to_check(rows),
        "no_end_date": ends,
        "no_volume": volumes,
        "comparison": comparison(inputs.previous_year, inputs.previous_rows, rows),
    }


def pack_json(pack: Mapping[str, Any]) -> bytes:
    return (json.dumps(pack, indent=2, ensure_ascii=False) + "\n").encode()
