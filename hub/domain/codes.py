"""Code lists from the research report (Appendix A, Table 10) and the CIN census.

The eleven additional services and volume measures are Avro enums; service sub-types are a
validated code list keyed by service (a sub-type code is the label in upper snake case).
"""

from __future__ import annotations

import re
from enum import StrEnum


class AdditionalService(StrEnum):
    CWD = "CWD"  # Children with Disabilities
    EW = "EW"  # Emotional Well-being
    DA = "DA"  # Drug and Alcohol Services and Health Promotion
    TP = "TP"  # Teenage Pregnancy and Sexual Health
    FS = "FS"  # Family Support
    EY = "EY"  # Early Years
    ILT = "ILT"  # Independent Living, Employment and Transitions
    SEN = "SEN"  # Special Educational Need
    AEP = "AEP"  # Alternative Educational Provision
    YJ = "YJ"  # Youth Justice
    YC = "YC"  # Young Carers


class VolumeMeasure(StrEnum):
    D = "D"  # days or nights
    M = "M"  # money amount
    S = "S"  # sessions


SERVICE_NAMES: dict[AdditionalService, str] = {
    AdditionalService.CWD: "Children with Disabilities",
    AdditionalService.EW: "Emotional Well-being",
    AdditionalService.DA: "Drug and Alcohol Services and Health Promotion",
    AdditionalService.TP: "Teenage Pregnancy and Sexual Health",
    AdditionalService.FS: "Family Support",
    AdditionalService.EY: "Early Years",
    AdditionalService.ILT: "Independent Living, Employment and Transitions",
    AdditionalService.SEN: "Special Educational Need",
    AdditionalService.AEP: "Alternative Educational Provision",
    AdditionalService.YJ: "Youth Justice",
    AdditionalService.YC: "Young Carers",
}

# Straw-poll collectability score (Table 10, p.47): higher is easier to collect.
COLLECTABILITY: dict[AdditionalService, int] = {
    AdditionalService.CWD: 17, AdditionalService.EW: 1, AdditionalService.DA: 5,
    AdditionalService.TP: 1, AdditionalService.FS: 5, AdditionalService.EY: 5,
    AdditionalService.ILT: 10, AdditionalService.SEN: 18, AdditionalService.AEP: 7,
    AdditionalService.YJ: 20, AdditionalService.YC: 1,
}

PRIORITY_SERVICES = frozenset(
    {AdditionalService.CWD, AdditionalService.FS, AdditionalService.EY,
     AdditionalService.SEN, AdditionalService.YJ}
)

_SUBTYPE_LABELS: dict[AdditionalService, tuple[str, ...]] = {
    AdditionalService.CWD: (
        "Day Care", "Direct Payments", "Home Care", "Occupational Therapy", "Physiotherapy",
        "Sensory Impairment", "Short-break care V4", "Specialised diagnosis and assessment",
        "Speech and Language Therapy", "Support for specific conditions",
        "Support to safeguard from abuse", "Supported leisure activities and trips",
        "Transitions to adult life",
    ),
    AdditionalService.EW: (
        "ADHD", "Autism", "CAMHS", "Counselling",
        "Work with emotional and behavioural difficulties",
        "Play, Art and other mental health therapies", "Abused children",
    ),
    AdditionalService.DA: (
        "Diet, nutrition and obesity", "Fitness and exercise", "Needle exchange",
        "Preventive work, information and advice", "Smoking cessation",
        "Substance abuse information and advice", "Targeted PSHE", "Therapy and rehabilitation",
    ),
    AdditionalService.TP: (
        "Mother and child services", "Parenting support for parents of young people at risk",
        "Peer mentoring", "Services for young parents",
        "Sexual health advice, counselling and intervention",
        "Sexual health education and preventive services",
        "Specific sexual health screening and support", "Teenage pregnancy services",
    ),
    AdditionalService.FS: (
        "Children's rights", "Domestic violence", "Family Centres", "Mediation",
        "Parent support and Parenting", "Refuges and Hostels",
    ),
    AdditionalService.EY: (
        "Child and family health", "Child-minding places", "Child-minding support",
        "Home visiting", "Information services", "Mother and child groups", "Nursery places",
        "Parenting support", "Pre-school SEN and Portage",
        "Support for pre-school children with special needs",
    ),
    AdditionalService.ILT: (
        "Connexions", "Continuing assistance to care leavers", "Entry to employment",
        "Equality and diversity", "Information, Advice and Guidance", "Supported lodgings",
        "Targeted youth work", "Tenancy support", "Transition to adult life services",
    ),
    AdditionalService.SEN: (
        "Assessment", "Educational psychology", "Educational welfare",
        "Specific learning disabilities", "Specific physical disabilities",
    ),
    AdditionalService.AEP: (
        "Behaviour improvement", "Educational welfare", "Extended school", "Home tuition",
        "Hospital tuition", "Independent school places",
        "Learning promotion for traveller and other groups", "Pupil Referral Units",
        "Support for excluded children",
    ),
    AdditionalService.YJ: (
        "Appropriate adult service", "Bail supervision", "Community sentences", "Court duty",
        "Early intervention programmes", "Preventive work with children at risk of offending",
        "Restorative justice", "Youth Offending Team", "Youth Inclusion and Support Panels",
    ),
    AdditionalService.YC: (
        "Advocacy and advice", "Befriending service", "Family support and home care",
        "Supported social and leisure activities",
    ),
}


def subtype_code(label: str) -> str:
    """'Short-break care V4' -> 'SHORT_BREAK_CARE_V4'."""
    return re.sub(r"[^A-Z0-9]+", "_", label.upper()).strip("_")


SUBTYPES: dict[AdditionalService, dict[str, str]] = {
    service: {subtype_code(label): label for label in labels}
    for service, labels in _SUBTYPE_LABELS.items()
}


def subtype_problem(service: str, subtype: str) -> str | None:
    """Why ``subtype`` is not a sub-type of ``service``, or None when it is."""
    if service not in AdditionalService.__members__:
        return f"unknown additional service code {service!r}"
    if subtype not in SUBTYPES[AdditionalService(service)]:
        return f"{subtype!r} is not a sub-type of {service}"
    return None


# Services whose child-level detail needs explicit consent to share (Caldicott, p.30).
CONSENT_SENSITIVE_SERVICES = frozenset(
    {AdditionalService.EW, AdditionalService.TP, AdditionalService.DA}
)

# CIN census primary need codes.
PRIMARY_NEED = {
    "N0": "Not stated", "N1": "Abuse or neglect", "N2": "Child's disability",
    "N3": "Parental illness or disability", "N4": "Family in acute stress",
    "N5": "Family dysfunction", "N6": "Socially unacceptable behaviour",
    "N7": "Low income", "N8": "Absent parenting", "N9": "Cases other than children in need",
}

# CIN census referral source codes.
REFERRAL_SOURCE = {
    "1A": "Individual: family member", "1B": "Individual: relative", "1C": "Individual: self",
    "1D": "Individual: other", "2A": "Schools", "2B": "Education services",
    "3A": "Health: GP", "3B": "Health: health visitor", "3C": "Health: school nurse",
    "3D": "Health: other primary health services", "3E": "Health: A&E",
    "3F": "Health: other", "4": "Housing", "5A": "LA services: social care",
    "5B": "LA services: other internal", "5C": "LA services: external",
    "5D": "LA services: early help", "6": "Police", "7": "Other legal agency", "8": "Other",
    "9": "Anonymous", "10": "Unknown",
}

# CIN census reason for closure codes (DfE CIN census code set, N00103). RC8 and RC9 say the
# case closed *after an assessment*: a referral closed with no assessment (no further action
# at referral) is RC7, which is also what DfE's query 8825Q expects.
CIN_CLOSURE_REASONS = {
    "RC1": "Adopted", "RC2": "Died", "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to services of another local authority",
    "RC6": "Transferred to adult social care services",
    "RC7": "Services ceased for any other reason, including child no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}

# CIN census factors identified at the end of assessment (N00181): exactly the codes DfE's
# rule 8897Q accepts in csc-validator-be-cin 0.1.13 (the 2025-26 rule set inherits the
# 2022-23 rule unchanged). ``20`` and ``21`` have no letter; ``21`` is "no factors
# identified" and never stands with another factor (rule 8869).
CIN_ASSESSMENT_FACTORS = frozenset(
    (
        "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C",
        "5A", "5B", "5C", "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F",
        "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18A", "18B", "18C",
        "19A", "19B", "19C", "20", "21", "22A", "23A", "24A",
    )
)
NO_FACTORS_IDENTIFIED = "21"
