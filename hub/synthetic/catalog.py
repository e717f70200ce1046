"""The authority's commissioned providers and their service level agreements (SLAs).

Each SLA covers one additional service; the provider returns child-level use either per
session or as one row per child per month (report p.25, p.51).
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.codes import AdditionalService as S


@dataclass(frozen=True)
class Sla:
    ref: str
    provider: str
    service: S
    subtypes: tuple[str, ...]
    measure: str  # S sessions or D days/nights
    monthly: bool  # one row per child per month rather than one per session
    professions: tuple[str, ...]
    client_prefix: str
    group_rate: float = 0.0


SLAS: tuple[Sla, ...] = (
    Sla("SLA-CWD-01", "Oakfield Short Breaks", S.CWD, ("SHORT_BREAK_CARE_V4",), "D", True,
        ("Residential Care Worker",), "OAK"),
    Sla("SLA-CWD-02", "Rainbow Therapy Partnership", S.CWD,
        ("OCCUPATIONAL_THERAPY", "PHYSIOTHERAPY", "SPEECH_AND_LANGUAGE_THERAPY"), "S", False,
        ("Occupational Therapist", "Physiotherapist", "Speech and Language Therapist"), "RTP"),
    Sla("SLA-CWD-03", "Kites Family Services", S.CWD,
        ("DAY_CARE", "SUPPORTED_LEISURE_ACTIVITIES_AND_TRIPS", "HOME_CARE"), "S", True,
        ("Support Worker", "Play Worker"), "KFS", 0.4),
    Sla("SLA-EW-01", "Mindful Futures Counselling", S.EW,
        ("COUNSELLING", "PLAY_ART_AND_OTHER_MENTAL_HEALTH_THERAPIES", "ABUSED_CHILDREN"), "S",
        False, ("Counsellor", "Play Therapist"), "MFC", 0.1),
    Sla("SLA-EW-02", "Northwood CAMHS Partnership", S.EW,
        ("CAMHS", "ADHD", "AUTISM", "WORK_WITH_EMOTIONAL_AND_BEHAVIOURAL_DIFFICULTIES"), "S",
        False, ("CAMHS Practitioner", "Clinical Psychologist", "Psychiatrist"), "NWC"),
    Sla("SLA-TP-01", "Brook Lane Sexual Health", S.TP,
        ("SEXUAL_HEALTH_ADVICE_COUNSELLING_AND_INTERVENTION", "TEENAGE_PREGNANCY_SERVICES",
         "SPECIFIC_SEXUAL_HEALTH_SCREENING_AND_SUPPORT"), "S", False,
        ("Sexual Health Nurse", "Youth Worker"), "BLS"),
    Sla("SLA-DA-01", "Compass Young People's Service", S.DA,
        ("SUBSTANCE_ABUSE_INFORMATION_AND_ADVICE", "THERAPY_AND_REHABILITATION",
         "SMOKING_CESSATION"), "S", False, ("Substance Misuse Worker", "Nurse"), "CYP", 0.2),
    Sla("SLA-FS-01", "Family Action Partnership", S.FS,
        ("PARENT_SUPPORT_AND_PARENTING", "FAMILY_CENTRES", "MEDIATION"), "S", True,
        ("Family Support Worker", "Parenting Practitioner"), "FAP", 0.5),
    Sla("SLA-FS-02", "Safe Haven Domestic Abuse Service", S.FS,
        ("DOMESTIC_VIOLENCE", "REFUGES_AND_HOSTELS"), "S", False,
        ("Domestic Abuse Advocate",), "SHD", 0.3),
    Sla("SLA-YC-01", "Carers Together", S.YC,
        ("ADVOCACY_AND_ADVICE", "BEFRIENDING_SERVICE", "SUPPORTED_SOCIAL_AND_LEISURE_ACTIVITIES"),
        "S", True, ("Young Carers Worker",), "CTG", 0.7),
    Sla("SLA-AEP-01", "Bridge Tuition Service", S.AEP,
        ("HOME_TUITION", "SUPPORT_FOR_EXCLUDED_CHILDREN", "PUPIL_REFERRAL_UNITS"), "S", False,
        ("Tutor", "Teacher"), "BTS", 0.3),
    Sla("SLA-EY-01", "Little Acorns Children's Centre", S.EY,
        ("MOTHER_AND_CHILD_GROUPS", "HOME_VISITING", "PARENTING_SUPPORT",
         "PRE_SCHOOL_SEN_AND_PORTAGE"), "S", False,
        ("Early Years Practitioner", "Portage Worker", "Health Visitor"), "LAC", 0.5),
    Sla("SLA-ILT-01", "Pathways Leaving Care", S.ILT,
        ("CONTINUING_ASSISTANCE_TO_CARE_LEAVERS", "TENANCY_SUPPORT",
         "INFORMATION_ADVICE_AND_GUIDANCE"), "S", True, ("Personal Adviser",), "PLC"),
)
SLA_BY_SERVICE: dict[S, tuple[Sla, ...]] = {
    service: tuple(sla for sla in SLAS if sla.service == service) for service in S
}
SLA_BY_PROVIDER: dict[str, Sla] = {sla.provider: sla for sla in SLAS}
IN_HOUSE = "In-house (Children's Services)"
