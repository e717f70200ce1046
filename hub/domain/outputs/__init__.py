"""The hub's own records: outputs of the child processor and the commands it accepts.

Each model mirrors ``schemas/avro/hub/<Name>.v1.avsc``; the codec maps record names to them.
"""

from __future__ import annotations

from hub.domain.commands import (
    AssignTask,
    CancelTask,
    ClaimTask,
    Command,
    CompleteTask,
    IdentityCommand,
    PossibleMatchRaised,
    RecordSenParticipation,
    ReviewPossibleMatch,
    SplitChild,
    TaskCommand,
)
from hub.domain.events.base import Record
from hub.domain.outputs.contacts import (
    ContactRecordCreated,
    ContactWithdrawn,
    FlagCleared,
    FlagRaised,
)
from hub.domain.outputs.counts import ConsentLimitedUse
from hub.domain.outputs.identity import IdentityDecisionMade
from hub.domain.outputs.reset import ChildReset
from hub.domain.outputs.sen import CscStatusRelayed, SenExchangeReplied, SenParticipationDecided
from hub.domain.outputs.tasks import CommandRejected, TaskChanged
from hub.domain.outputs.timeline import TimelineEntry

Output = (
    ContactRecordCreated | ContactWithdrawn | FlagRaised | FlagCleared | TaskChanged
    | CommandRejected | TimelineEntry | SenExchangeReplied | SenParticipationDecided
    | CscStatusRelayed | ConsentLimitedUse
)

OUTPUT_RECORDS: tuple[type[Record], ...] = (
    ContactRecordCreated, ContactWithdrawn, FlagRaised, FlagCleared, TaskChanged,
    CommandRejected, TimelineEntry, SenExchangeReplied, SenParticipationDecided,
    CscStatusRelayed, ConsentLimitedUse,
)
COMMAND_RECORDS: tuple[type[Record], ...] = (
    ClaimTask, CompleteTask, CancelTask, RecordSenParticipation, PossibleMatchRaised,
    ReviewPossibleMatch, SplitChild, AssignTask,
)
CONTROL_RECORDS: tuple[type[Record], ...] = (IdentityDecisionMade, ChildReset)
HUB_MODELS: dict[str, type[Record]] = {
    m.__name__: m for m in (*OUTPUT_RECORDS, *COMMAND_RECORDS, *CONTROL_RECORDS)
}

__all__ = [  # noqa: RUF022 - grouped by meaning, not alphabet
    "HUB_MODELS", "OUTPUT_RECORDS", "COMMAND_RECORDS", "Output", "Command", "TaskCommand",
    "IdentityCommand", "ReviewPossibleMatch", "SplitChild", "ChildReset",
    "ContactRecordCreated", "ContactWithdrawn", "FlagRaised", "FlagCleared", "TaskChanged",
    "CommandRejected",
    "TimelineEntry", "SenExchangeReplied", "SenParticipationDecided", "CscStatusRelayed",
    "ConsentLimitedUse", "ClaimTask", "CompleteTask", "CancelTask", "RecordSenParticipation",
    "PossibleMatchRaised", "AssignTask",
]
