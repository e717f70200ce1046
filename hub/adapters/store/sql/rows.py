"""Records to row values and back: the one place that knows both shapes (both store adapters)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import Enum
from typing import Any

from hub.domain.episodes.model import ServiceEpisode
from hub.domain.outputs import (
    CommandRejected,
    ConsentLimitedUse,
    ContactRecordCreated,
    CscStatusRelayed,
    FlagCleared,
    FlagRaised,
    SenExchangeReplied,
    SenParticipationDecided,
    TaskChanged,
    TimelineEntry,
)
from hub.domain.outputs.base import ChildDetail
from hub.domain.outputs.codes import FlagClearReason, FlagCode
from hub.domain.outputs.identity import (
    IdentityDecisionKind,
    IdentityDecisionMade,
    PersonRecordSnapshot,
)
from hub.ports import FlagView

Row = dict[str, Any]
SenMessage = SenExchangeReplied | SenParticipationDecided | CscStatusRelayed


def plain(record: Any, *, exclude: set[str] | None = None) -> Row:
    """The record's fields as column values: enums as their code, nested consent as its basis."""
    values = {
        k: v.value if isinstance(v, Enum) else v
        for k, v in dict(record).items() if k not in (exclude or set())
    }
    if isinstance(record, ChildDetail):
        values["consent_basis"] = record.consent.basis.value
        values.pop("consent", None)
    return values


FLAG_RAISE_COLUMNS = ("raised_on", "raised_by_event_id", "source_system", "expires_on",
                      "summary", "consent_basis")
"""What a ``FlagRaised`` fills in a flag row (once: a second raise of the same flag is ignored)."""
FLAG_CLEAR_COLUMNS = ("cleared_on", "clear_reason", "cleared_by_event_id")
"""What a ``FlagCleared`` fills (once: the first clear stands)."""


def flag_raised(r: FlagRaised) -> Row:
    return plain(r)


def flag_cleared(r: FlagCleared) -> Row:
    return {**plain(r, exclude={"reason"}), "clear_reason": r.reason.value}


def sen_message(r: SenMessage) -> Row:
    if isinstance(r, SenExchangeReplied):
        message_id, status, as_of = r.reply_id, r.csc_status.value, r.replied_at.date()
    elif isinstance(r, CscStatusRelayed):
        message_id, status, as_of = r.relay_id, r.csc_status.value, r.effective_date
    else:
        message_id, status, as_of = r.decision_id, None, None
    return {
        "message_id": message_id, "kind": type(r).__name__, "child_key": r.child_key,
        "request_record_id": r.request_record_id, "csc_status": status, "status_as_of": as_of,
        "record_json": r.model_dump_json(),
    }


def episode(r: ServiceEpisode) -> Row:
    keep = ("episode_id", "version", "child_key", "service", "subtype", "basis", "source_kind",
            "source_system", "source_record_id", "start_date", "end_date",
            "counted_as_additional", "core_overlap")
    values = {k: v for k, v in plain(r).items() if k in keep}
    return {**values, "census_years": ",".join(r.census_years), "record_json": r.model_dump_json()}


IDENTIFIER_FIELDS = {
    "la_child_id": "LA_CHILD_ID", "upn": "UPN", "former_upn": "FORMER_UPN",
    "nhs_number": "NHS_NUMBER", "yot_id": "YOT_ID", "source_id": "SOURCE_ID",
}


RESOLVER_KINDS = {"LA_CHILD_ID": "la", "UPN": "upn", "FORMER_UPN": "upn", "NHS_NUMBER": "nhs",
                  "YOT_ID": "yot", "SOURCE_ID": "src"}
"""Identifier type -> the resolver's kind of it (``hub.domain.identity.records``; a typed id's
kind is its type in lower case, a YOT id's is scoped by system: ``yot:YOIS``)."""


def held_for_review(r: IdentityDecisionMade) -> bool:
    """A link despite a conflicting identifier (``hub.domain.identity.resolver``): the child
    does not take the record's identifiers of the conflicting kinds, nor its name or address
    as the child's latest details, until a reviewer splits it out (the SPLIT decision then
    carries the record to its own child, identifiers and all)."""
    return r.kind is IdentityDecisionKind.LINK and bool(r.conflicts)


def identifiers(
    snapshot: PersonRecordSnapshot, withheld: Collection[str] = ()
) -> list[tuple[str, str]]:
    """``(type, value)`` of every identifier the record carries, without empty ones and
    without those of a resolver kind in ``withheld`` (a decision's ``conflicts``)."""
    kinds = {k.split(":")[0] for k in withheld}
    named = [(code, getattr(snapshot, name)) for name, code in IDENTIFIER_FIELDS.items()]
    others = [(i.type.upper(), i.value) for i in snapshot.other_ids]
    return sorted({
        (t, v) for t, v in (*named, *others)
        if v and RESOLVER_KINDS.get(t, t.lower()) not in kinds
    })


def linked_identifiers(r: IdentityDecisionMade) -> list[tuple[str, str]]:
    """The identifiers a decision links to its child (none for a decision without a record)."""
    if r.record is None:
        return []
    return identifiers(r.record, r.conflicts if held_for_review(r) else ())


def person(snapshot: PersonRecordSnapshot) -> Row:
    """Latest known details; empty strings become ``None`` so they never overwrite."""
    fields = ("given_name", "family_name", "date_of_birth", "sex", "postcode")
    return {f: getattr(snapshot, f) or None for f in fields}


PLACING = frozenset({IdentityDecisionKind.LINK, IdentityDecisionKind.NEW,
                     IdentityDecisionKind.POSSIBLE_MATCH})
"""Decisions that resolve a person record to a child, placing it there (``person_records``)."""


def person_record(snapshot: PersonRecordSnapshot, child_key: str, decision_id: str) -> Row:
    """A ``person_records`` row: where the record is and the decision that put it there."""
    return {"record_id": snapshot.record_id, "source_system": snapshot.source_system,
            "child_key": child_key, "decision_id": decision_id}


def _with_consent(row: Mapping[Any, Any]) -> Row:
    values = dict(row)
    basis = values.pop("consent_basis")
    return {**values, "consent": {"basis": basis, "share_child_detail": True}}


def to_task(row: Mapping[Any, Any]) -> TaskChanged:
    return TaskChanged.model_validate(dict(row))


def to_entry(row: Mapping[Any, Any]) -> TimelineEntry:
    return TimelineEntry.model_validate(_with_consent(row))


def to_contact(row: Mapping[Any, Any]) -> ContactRecordCreated:
    return ContactRecordCreated.model_validate(_with_consent(row))


def to_rejection(row: Mapping[Any, Any]) -> CommandRejected:
    return CommandRejected.model_validate(dict(row))


def to_use(row: Mapping[Any, Any]) -> ConsentLimitedUse:
    return ConsentLimitedUse.model_validate(dict(row))


def to_flag(row: Mapping[Any, Any]) -> FlagView:
    values = {k: v for k, v in row.items() if k != "consent_basis"}
    reason = values.pop("clear_reason")
    return FlagView(**{**values, "flag": FlagCode(values["flag"]),
                       "clear_reason": FlagClearReason(reason) if reason else None})
