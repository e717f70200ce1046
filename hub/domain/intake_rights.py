"""Which event types each source system may push to the intake: a source sends what it owns.

The defaults are what the file connectors publish (``connectors/registry.py``): a source
system's key may push exactly the event types that source's connector emits, under the same
``source_system`` name. ``hub.toml`` can override a source's list or name a new source
(``[intake.allowed]``, read by ``hub.adapters.files.intake_rights_toml``); a source named nowhere
may push nothing. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hub.domain.events import (
    EVENT_MODELS,
    CafClosed,
    CafCompleted,
    CscStatusChanged,
    DisabledRegisterEntryRecorded,
    Event,
    LinkedIdentifierRecorded,
    LookedAfterEpisodeRecorded,
    PanelDecisionMade,
    PaymentMade,
    PupilOnRoll,
    SchoolExclusionRecorded,
    SenAssessmentOutcome,
    SenAssessmentRequested,
    SenStatementChanged,
    ServiceUseReturned,
    YotReferralClosed,
    YotReferralMade,
)


def _names(*models: type[Event]) -> frozenset[str]:
    return frozenset(model.__name__ for model in models)


# Source system (as keys and connectors name it) -> the event types its connector emits.
DEFAULT_ALLOWED: Mapping[str, frozenset[str]] = {
    "csc": _names(CscStatusChanged),
    "disabled-register": _names(DisabledRegisterEntryRecorded),
    "ecaf": _names(CafCompleted, CafClosed),
    "education-exclusions": _names(SchoolExclusionRecorded),
    "education-sen": _names(SenAssessmentRequested, SenAssessmentOutcome, SenStatementChanged),
    "finance": _names(PaymentMade),
    "panel": _names(PanelDecisionMade),
    "provider-returns": _names(ServiceUseReturned),
    "ssd": _names(LinkedIdentifierRecorded),
    "ssda903": _names(LookedAfterEpisodeRecorded),
    "pupil-roll": _names(PupilOnRoll),
    "yot": _names(YotReferralMade, YotReferralClosed),
}


# Event types a source's file import (``hub connect SOURCE``) publishes beyond what it may push:
# topic write grants only, never push rights (a pushed event type brings its owner's identifier
# rights, hub.domain.identifier_rights). The SSD extract is the case system's own copy of its
# referrals, early help and EHCP records (connectors/FORMATS.md).
FILE_IMPORTS: Mapping[str, frozenset[str]] = {
    "ssd": _names(CscStatusChanged, CafCompleted, CafClosed, SenAssessmentRequested,
                  SenAssessmentOutcome, SenStatementChanged),
}


def topic_writes() -> dict[str, frozenset[str]]:
    """Source -> every event type its user may write: pushed or imported from a file."""
    return {source: types | FILE_IMPORTS.get(source, frozenset())
            for source, types in DEFAULT_ALLOWED.items()}


class IntakeRightsError(ValueError):
    """An override names an event type that does not exist, or is not a list of names."""


@dataclass(frozen=True)
class IntakeRights:
    """Source system -> the event types it may push; ``overridden`` came from configuration."""

    allowed: Mapping[str, frozenset[str]]
    overridden: frozenset[str] = field(default_factory=frozenset)

    def allows(self, source_system: str, event_type: str) -> bool:
        return event_type in self.event_types(source_system)

    def event_types(self, source_system: str) -> frozenset[str]:
        """What ``source_system`` may push; nothing for a source named nowhere."""
        return self.allowed.get(source_system, frozenset())

    def sources(self) -> list[str]:
        return sorted(self.allowed)

    def with_overrides(self, overrides: Mapping[str, Iterable[str]]) -> IntakeRights:
        """These rights with each named source's list replaced (an empty list: nothing)."""
        allowed = dict(self.allowed)
        for source, event_types in overrides.items():
            allowed[source] = _checked(source, event_types)
        return IntakeRights(allowed, self.overridden | frozenset(overrides))


def _checked(source: str, event_types: object) -> frozenset[str]:
    names = list(event_types) if isinstance(event_types, list | tuple | set | frozenset) else None
    if names is None or not all(isinstance(name, str) for name in names):
        raise IntakeRightsError(f"{source}: expected a list of event type names")
    unknown = sorted(set(names) - set(EVENT_MODELS))
    if unknown:
        raise IntakeRightsError(
            f"{source}: unknown event type {', '.join(unknown)}"
            f" (known: {', '.join(sorted(EVENT_MODELS))})"
        )
    return frozenset(names)


DEFAULT_RIGHTS = IntakeRights(DEFAULT_ALLOWED)
