"""Small builders of valid store records (the pydantic models), for the store tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hub.domain.codes import AdditionalService
from hub.domain.episodes.model import (
    EpisodeBasis,
    EpisodeSource,
    ServiceEpisode,
    StartBasis,
    years_touched,
)
from hub.domain.events.common import Consent, ConsentBasis, Sex, TypedIdentifier
from hub.domain.outputs import (
    CommandRejected,
    ConsentLimitedUse,
    ContactRecordCreated,
    ContactWithdrawn,
    CscStatusRelayed,
    FlagCleared,
    FlagRaised,
    SenExchangeReplied,
    SenParticipationDecided,
    TaskChanged,
    TimelineEntry,
)
from hub.domain.outputs.codes import (
    AgeBand,
    ContactType,
    ContactWithdrawReason,
    CscStatus,
    FlagClearReason,
    FlagCode,
    Participation,
    Priority,
    RejectionCode,
    TaskStatus,
    TaskType,
)
from hub.domain.outputs.identity import (
    IdentityDecisionKind,
    IdentityDecisionMade,
    PersonRecordSnapshot,
)

T0 = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
D0 = date(2025, 9, 1)
CHILD = "child-0001"
SHARED = Consent(basis=ConsentBasis.STATUTORY, share_child_detail=True)


def task(task_id: str = "task-1", version: int = 1, **changes: Any) -> TaskChanged:
    values: dict[str, Any] = {
        "task_id": task_id, "task_type": TaskType.SEN_PARTICIPATION, "child_key": CHILD,
        "status": TaskStatus.OPEN, "title": "Decide SEN participation",
        "what_happened": "SEN assessment requested", "what_to_do": "Decide within 6 weeks",
        "team": "mash", "due_date": D0 + timedelta(days=10), "priority": Priority.NORMAL,
        "version": version, "source_event_id": "evt-1", "changed_at": T0,
    }
    return TaskChanged(**(values | changes))


def entry(event_id: str, occurred_at: datetime = T0, **changes: Any) -> TimelineEntry:
    values: dict[str, Any] = {
        "child_key": CHILD, "event_id": event_id, "event_type": "SenAssessmentRequested",
        "source_system": "education-sen", "occurred_at": occurred_at,
        "summary": "SEN assessment requested by SCHOOL", "consent": SHARED,
    }
    return TimelineEntry(**(values | changes))


def contact(contact_id: str = "contact-1", contact_date: date = D0, **changes: Any
            ) -> ContactRecordCreated:
    values: dict[str, Any] = {
        "contact_id": contact_id, "child_key": CHILD, "contact_type": ContactType.SEN_INQUIRY,
        "source_system": "education-sen", "source_event_id": "evt-1",
        "contact_date": contact_date, "summary": "SEN inquiry", "consent": SHARED,
    }
    return ContactRecordCreated(**(values | changes))


def withdrawn(contact_id: str = "contact-1", **changes: Any) -> ContactWithdrawn:
    values: dict[str, Any] = {
        "contact_id": contact_id, "child_key": CHILD, "contact_type": ContactType.SEN_INQUIRY,
        "source_event_id": "evt-1", "reason": ContactWithdrawReason.SUPERSEDED,
        "withdrawn_by_event_id": "evt-0", "withdrawn_on": D0 - timedelta(days=3),
        "replaced_by_flag_id": "flag-1",
    }
    return ContactWithdrawn(**(values | changes))


def raised(flag_id: str = "flag-1", flag: FlagCode = FlagCode.SEN_ASSESSMENT_IN_PROGRESS,
           raised_on: date = D0, **changes: Any) -> FlagRaised:
    values: dict[str, Any] = {
        "flag_id": flag_id, "child_key": CHILD, "flag": flag, "raised_by_event_id": "evt-1",
        "source_system": "education-sen", "raised_on": raised_on, "summary": "SEN assessment",
        "consent": SHARED,
    }
    return FlagRaised(**(values | changes))


def cleared(flag_id: str = "flag-1", flag: FlagCode = FlagCode.SEN_ASSESSMENT_IN_PROGRESS,
            cleared_on: date = D0 + timedelta(days=30), **changes: Any) -> FlagCleared:
    values: dict[str, Any] = {
        "flag_id": flag_id, "child_key": CHILD, "flag": flag,
        "reason": FlagClearReason.RESOLVED, "cleared_by_event_id": "evt-9",
        "cleared_on": cleared_on,
    }
    return FlagCleared(**(values | changes))


def reply(reply_id: str, status: CscStatus, replied_at: datetime = T0, **changes: Any
          ) -> SenExchangeReplied:
    values: dict[str, Any] = {
        "reply_id": reply_id, "request_record_id": "req-1", "in_reply_to_event_id": "evt-1",
        "child_key": CHILD, "known_to_csc": status is not CscStatus.UNKNOWN,
        "csc_status": status, "participation": Participation.PENDING,
        "replied_at": replied_at, "consent": SHARED,
    }
    return SenExchangeReplied(**(values | changes))


def relay(relay_id: str, status: CscStatus, effective: date, **changes: Any) -> CscStatusRelayed:
    values: dict[str, Any] = {
        "relay_id": relay_id, "child_key": CHILD, "request_record_id": "req-1",
        "csc_status": status, "effective_date": effective, "source_event_id": "evt-5",
        "consent": SHARED,
    }
    return CscStatusRelayed(**(values | changes))


def participation(decision_id: str = "sen-decision-1", **changes: Any) -> SenParticipationDecided:
    values: dict[str, Any] = {
        "decision_id": decision_id, "command_id": "cmd-1", "request_record_id": "req-1",
        "child_key": CHILD, "will_participate": True, "decided_by": "worker-7",
        "decided_at": T0 + timedelta(days=2),
    }
    return SenParticipationDecided(**(values | changes))


def rejected(command_id: str = "cmd-9", **changes: Any) -> CommandRejected:
    values: dict[str, Any] = {
        "command_id": command_id, "command_type": "ClaimTask", "child_key": CHILD,
        "target_id": "task-1", "reason_code": RejectionCode.ALREADY_CLAIMED,
        "reason": "task already claimed", "rejected_at": T0,
    }
    return CommandRejected(**(values | changes))


def use(use_id: str = "use-1", census_month: str = "2025-09") -> ConsentLimitedUse:
    return ConsentLimitedUse(
        use_id=use_id, event_type="ServiceUseReturned", service=AdditionalService.CWD,
        age_band=AgeBand.AGE_10_15, sex=Sex.FEMALE, census_month=census_month,
        consent_basis=ConsentBasis.WITHHELD,
    )


def snapshot(record_id: str = "education-sen:42", **changes: Any) -> PersonRecordSnapshot:
    values: dict[str, Any] = {
        "record_id": record_id, "source_system": "education-sen", "source_id": "42",
        "la_child_id": "", "upn": "A123456789012", "former_upn": "", "nhs_number": "9434765919",
        "yot_id": "", "given_name": "Ada", "family_name": "Lovelace",
        "date_of_birth": date(2014, 12, 10), "sex": "F", "postcode": "LS1 4AP",
        "other_ids": (TypedIdentifier(type="sims", value="S-77"),),
    }
    return PersonRecordSnapshot(**(values | changes))


def decision(decision_id: str, record: PersonRecordSnapshot | None = None, **changes: Any
             ) -> IdentityDecisionMade:
    values: dict[str, Any] = {
        "decision_id": decision_id, "kind": IdentityDecisionKind.NEW, "child_key": CHILD,
        "record": record, "source_event_id": "evt-1",
    }
    return IdentityDecisionMade(**(values | changes))


def episode(episode_id: str = "ep-1", version: int = 1, **changes: Any) -> ServiceEpisode:
    values: dict[str, Any] = {
        "episode_id": episode_id, "version": version, "child_key": CHILD,
        "basis": EpisodeBasis.DELIVERED, "source_kind": EpisodeSource.SERVICE_USE,
        "source_system": "provider-x", "source_record_id": "su-1",
        "service": AdditionalService.CWD, "start_date": D0, "start_basis":
        StartBasis.FIRST_DELIVERY, "last_event_date": D0, "source_event_ids": ("evt-3",),
        "consent": SHARED,
    }
    values |= changes
    values["census_years"] = years_touched(values["start_date"], values.get("end_date"),
                                           values["last_event_date"])
    return ServiceEpisode(**values)
