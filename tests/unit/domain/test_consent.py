"""The consent rules (hub.domain.consent): who may see child-level detail of which service."""

from __future__ import annotations

import pytest

from hub.domain.codes import CONSENT_SENSITIVE_SERVICES, AdditionalService
from hub.domain.consent import parental_consent, recorded_consent, service_consent
from hub.domain.events.common import ConsentBasis

SENSITIVE = sorted(CONSENT_SENSITIVE_SERVICES)
OTHERS = sorted(set(AdditionalService) - CONSENT_SENSITIVE_SERVICES)


def test_the_sensitive_services_are_emotional_wellbeing_sexual_health_and_drugs():
    assert set(SENSITIVE) == {"EW", "TP", "DA"}


@pytest.mark.parametrize("service", SENSITIVE)
@pytest.mark.parametrize(
    ("given", "basis", "shared"),
    [(True, "EXPLICIT", True), (False, "WITHHELD", False), (None, "NOT_RECORDED", False)],
)
def test_a_sensitive_service_shares_detail_only_with_explicit_consent(
    service, given, basis, shared
):
    consent = service_consent(service, given)
    assert (consent.basis, consent.share_child_detail) == (basis, shared)


@pytest.mark.parametrize("service", OTHERS)
@pytest.mark.parametrize("given", [True, False, None])
def test_other_services_are_statutory_whatever_the_column_says(service, given):
    consent = service_consent(service, given)
    assert (consent.basis, consent.share_child_detail) == ("STATUTORY", True)


def test_service_codes_may_be_plain_strings_or_enum_members():
    assert service_consent("EW", False) == service_consent(AdditionalService.EW, False)


@pytest.mark.parametrize(
    ("given", "basis", "shared"), [(True, "PARENTAL", True), (False, "WITHHELD", False)]
)
def test_the_register_follows_the_parents(given, basis, shared):
    consent = parental_consent(given)
    assert (consent.basis, consent.share_child_detail) == (basis, shared)


@pytest.mark.parametrize("basis", list(ConsentBasis))
def test_withheld_or_unrecorded_consent_never_shares(basis):
    assert not recorded_consent(False, basis).share_child_detail
    assert not recorded_consent(None, basis).share_child_detail
