"""Which identifier types each source may assert about a child, and how many ``other_ids``.

An identifier links records to a child, so asserting one is a claim about identity: a source
may assert only the identifiers it holds of right. The CSC case system owns the LA child id
(the resource panel and finance are CSC's own systems and record it as their case reference),
Education the UPN, the YOT its YOT id; each source its own local reference in ``other_ids``.
An event asserting anything else, or more ``other_ids`` than the cap, is refused and
dead-lettered with the reason (the field, never the value). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hub.domain.examples import EXAMPLE_ID_TYPE
from hub.domain.intake_rights import DEFAULT_ALLOWED
from hub.domain.validation import Problem

NAMED = ("la_child_id", "upn", "former_upn", "nhs_number", "yot_id")
MAX_OTHER_IDS = 3

# ssd_linked_identifiers' other identifier types (the SSD data model's list), as the connector
# names them in ``other_ids``
SSD_LINK_TYPES = frozenset({"CASE_NUMBER", "HOME_OFFICE_REGISTRATION", "NATIONAL_INSURANCE_NUMBER",
                            "COURT_CASE_NUMBER", "RAA_ID", "INCIDENT_ID"})
_EDUCATION = frozenset({"upn", "former_upn", "nhs_number", "MIS_PUPIL_ID"})
DEFAULT_IDENTIFIERS: Mapping[str, frozenset[str]] = {
    "csc": frozenset({"la_child_id", "upn", "former_upn", "nhs_number"}),
    "education-sen": _EDUCATION,
    "education-exclusions": _EDUCATION,
    "yot": frozenset({"yot_id", "upn", "nhs_number"}),
    "ecaf": frozenset({"upn", "nhs_number", "ECAF_ID"}),
    "disabled-register": frozenset({"upn", "nhs_number", "REGISTER_ID"}),
    "panel": frozenset({"la_child_id", "upn", "nhs_number", "PANEL_CHILD_REF"}),
    "finance": frozenset({"la_child_id", "upn", "nhs_number", "FINANCE_CLIENT_REF"}),
    "provider-returns": frozenset({"PROVIDER_CLIENT_REF"}),
    # the case system's statutory extracts (CIN census XML, SSDA903, the Standard Safeguarding
    # Dataset) are CSC's own records; the SSD's linked identifiers also hold the YOT's number
    "cin-census": frozenset({"la_child_id", "upn", "former_upn", "nhs_number"}),
    "ssda903": frozenset({"la_child_id", "upn", "former_upn", "nhs_number"}),
    "ssd": frozenset({"la_child_id", "upn", "former_upn", "nhs_number", "yot_id", *SSD_LINK_TYPES}),
    "pupil-roll": frozenset({"upn", "former_upn"}),  # Education's School Census data
}


@dataclass(frozen=True)
class IdentifierRights:
    allowed: Mapping[str, frozenset[str]] = field(default_factory=lambda: DEFAULT_IDENTIFIERS)
    max_other_ids: int = MAX_OTHER_IDS

    def types(self, source_system: str, pushes: frozenset[str] = frozenset()) -> frozenset[str]:
        """A source's own identifier types, and those of the default sources whose event types
        hub.toml lets it push (``pushes``): the right to an event type brings its identifiers."""
        owners = [s for s, types in DEFAULT_ALLOWED.items() if types & pushes]
        inherited = frozenset().union(*(self.allowed.get(s, frozenset()) for s in owners))
        return self.allowed.get(source_system, frozenset()) | inherited


DEFAULT_IDENTIFIER_RIGHTS = IdentifierRights()


def identifier_problems(
    source_system: str, subject: object, rights: IdentifierRights = DEFAULT_IDENTIFIER_RIGHTS,
    pushes: frozenset[str] = frozenset(),
) -> list[Problem]:
    """What ``subject`` asserts beyond ``source_system``'s identifier rights."""
    allowed = rights.types(source_system, pushes)
    path = "envelope.subject"
    found = [
        Problem("IDENTIFIER_NOT_ALLOWED", f"{path}.{name}",
                f"{source_system} may not assert {name}")
        for name in NAMED
        if getattr(subject, name, None) and name not in allowed
    ]
    # the example mark is no claim about a child (the resolver ignores it; publishers outside
    # a smoke namespace refuse examples), so it is not an identifier to have rights to
    other_ids = tuple(o for o in getattr(subject, "other_ids", ()) if o.type != EXAMPLE_ID_TYPE)
    if len(other_ids) > rights.max_other_ids:
        found.append(Problem("TOO_MANY_OTHER_IDS", f"{path}.other_ids",
                             f"at most {rights.max_other_ids} other identifiers"))
        return found
    found += [
        Problem("IDENTIFIER_NOT_ALLOWED", f"{path}.other_ids[{i}].type",
                f"{source_system} may not assert {other.type}")
        for i, other in enumerate(other_ids)
        if other.type not in allowed
    ]
    return found
