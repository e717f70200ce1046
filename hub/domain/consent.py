"""Consent to share child-level detail (Caldicott principles, report p.30): pure rules.

CAMHS and emotional well-being, sexual health and drug services need the child's explicit
consent; parents may withhold consent to the disabled children register. Withheld or
unrecorded consent stops child-level detail from flowing, while the service still counts.
"""

from __future__ import annotations

from hub.domain.codes import CONSENT_SENSITIVE_SERVICES
from hub.domain.events.common import Consent, ConsentBasis

STATUTORY = Consent(basis=ConsentBasis.STATUTORY, share_child_detail=True)
EXPLICIT = Consent(basis=ConsentBasis.EXPLICIT, share_child_detail=True)
WITHHELD = Consent(basis=ConsentBasis.WITHHELD, share_child_detail=False)
NOT_RECORDED = Consent(basis=ConsentBasis.NOT_RECORDED, share_child_detail=False)


def recorded_consent(given: bool | None, basis: ConsentBasis) -> Consent:
    """A yes/no consent as a source records it: yes shares on ``basis``, no withholds."""
    if given is None:
        return NOT_RECORDED
    return Consent(basis=basis, share_child_detail=True) if given else WITHHELD


def service_consent(service: str, consent_to_share: bool | None) -> Consent:
    """A delivered service: sensitive services need explicit consent, others are statutory."""
    if service not in CONSENT_SENSITIVE_SERVICES:
        return STATUTORY
    return recorded_consent(consent_to_share, ConsentBasis.EXPLICIT)


def parental_consent(given: bool) -> Consent:
    """A disabled children register entry: the parents' yes or no."""
    return recorded_consent(given, ConsentBasis.PARENTAL)
