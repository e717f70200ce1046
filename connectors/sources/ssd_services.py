"""The Standard Safeguarding Dataset's service tables: CIN episodes, early help and EHCPs.

Column names are the published data model's (``data-to-insight/ssd-data-model``,
``data/objects/<table>.yml``); connectors/FORMATS.md says which fields become which events.
The EHCP tables reach the person only through links: a request names its ``ssd_send`` row
(``ehcr_send_table_id`` -> ``send_person_id``), an assessment its request, a named plan its
assessment, an active plan its request, a SEN need its active plan. :func:`links` reads those
id columns once (ids only, a few per child: memory grows with the children in the extract, not
with the rows read) before any row is published; a row whose link names no row is a dead letter
``UNKNOWN_REFERENCE`` naming the column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from connectors.base import SourceRow, reject
from connectors.formats.csv_stream import CsvLayout, stream_csv
from connectors.formats.fields import required, text
from connectors.formats.standard_dates import extract_day
from hub.domain.codes import PRIMARY_NEED, REFERRAL_SOURCE

LAYOUTS: dict[str, CsvLayout] = {
    "ssd_cin_episodes": CsvLayout(
        required=("cine_referral_id", "cine_person_id", "cine_referral_date"),
        optional=("cine_cin_primary_need_code", "cine_referral_source_code",
                  "cine_close_reason", "cine_close_date", "cine_referral_team"),
    ),
    "ssd_early_help_episodes": CsvLayout(
        required=("earl_episode_id", "earl_person_id", "earl_episode_start_date"),
        optional=("earl_episode_end_date", "earl_episode_reason", "earl_episode_end_reason",
                  "earl_episode_organisation"),
    ),
    "ssd_send": CsvLayout(
        required=("send_table_id", "send_person_id"),
        optional=("send_upn", "send_uln", "send_upn_unknown"),
    ),
    "ssd_ehcp_requests": CsvLayout(
        required=("ehcr_ehcp_request_id", "ehcr_send_table_id", "ehcr_ehcp_req_date"),
        optional=("ehcr_ehcp_req_outcome_date", "ehcr_ehcp_req_outcome"),
    ),
    "ssd_ehcp_assessment": CsvLayout(
        required=("ehca_ehcp_assessment_id", "ehca_ehcp_request_id",
                  "ehca_ehcp_assessment_outcome"),
        optional=("ehca_ehcp_assessment_outcome_date", "ehca_ehcp_assessment_exceptions"),
    ),
    "ssd_ehcp_active_plans": CsvLayout(
        required=("ehcp_active_ehcp_id", "ehcp_ehcp_request_id"),
        optional=("ehcp_active_ehcp_last_review_date",),
    ),
    "ssd_sen_need": CsvLayout(
        required=("senn_table_id", "senn_active_ehcp_id", "senn_active_ehcp_need_type"),
        optional=("senn_active_ehcp_need_rank",),
    ),
    "ssd_ehcp_named_plan": CsvLayout(
        required=("ehcn_named_plan_id", "ehcn_ehcp_asmt_id", "ehcn_named_plan_start_date"),
        optional=("ehcn_named_plan_ceased_date", "ehcn_named_plan_ceased_reason"),
    ),
}
# The order rows are published in: a child's SEN history in the order it happened.
ORDER = ("ssd_send", "ssd_ehcp_requests", "ssd_ehcp_assessment", "ssd_ehcp_active_plans",
         "ssd_sen_need", "ssd_ehcp_named_plan", "ssd_cin_episodes", "ssd_early_help_episodes")

# SEN2 / School Census type of need -> the SEN service option (report Appendix A, SEN) the plan
# names for it; needs with no such option name none (the plan is still a plan).
NEED_SUBTYPES: dict[str, str | None] = {
    "SPLD": "SPECIFIC_LEARNING_DISABILITIES", "MLD": "SPECIFIC_LEARNING_DISABILITIES",
    "SLD": "SPECIFIC_LEARNING_DISABILITIES", "PMLD": "SPECIFIC_LEARNING_DISABILITIES",
    "PD": "SPECIFIC_PHYSICAL_DISABILITIES", "HI": "SPECIFIC_PHYSICAL_DISABILITIES",
    "VI": "SPECIFIC_PHYSICAL_DISABILITIES", "MSI": "SPECIFIC_PHYSICAL_DISABILITIES",
    "SEMH": None, "SLCN": None, "ASD": None, "OTH": None,
}
# SEN2 request and assessment outcomes.
REQUEST_OUTCOMES = frozenset({"Y", "N", "A", "W", "H"})
# ehcn_named_plan_ceased_reason 5: transferred to another LA; any other code ends the plan.
CEASED_REASONS = frozenset({"1", "2", "3", "4", "5", "6", "7", "8", "9"})
TRANSFERRED = "5"
# earl_episode_reason (the model's suggested categories, matched by a word) -> eCAF needs.
EH_NEEDS = (
    ("substance", "SUBSTANCE_MISUSE"), ("alcohol", "SUBSTANCE_MISUSE"),
    ("mental health", "EMOTIONAL_HEALTH"), ("parenting", "PARENTING_CAPACITY"),
    ("disabilit", "PHYSICAL_HEALTH"), ("domestic", "DOMESTIC_ABUSE"),
    ("socio-economic", "FINANCES"), ("well-being", "EMOTIONAL_HEALTH"),
)
# earl_episode_end_reason ("Outcomes met / Step-up / NFA") -> the CAF closure reason.
EH_ENDS = (("outcome", "NEEDS_MET"), ("step", "REFERRED_TO_CSC"),
           ("disengag", "DISENGAGED"), ("moved", "MOVED_AWAY"))
UNKNOWN_UPN = frozenset(f"UN{i}" for i in range(1, 11))


SEX = {"M": "MALE", "F": "FEMALE", "U": "UNKNOWN"}


def person_sex(cells: Mapping[str, Any]) -> str:
    """``pers_sex`` (``M``/``F``/``U``, any case) as the subject's sex; anything else unknown."""
    return SEX.get((text(cells, "pers_sex") or "").upper(), "UNKNOWN")


@dataclass(frozen=True)
class Person:
    """A person as ``ssd_person`` states them, for the rows of other tables that name them."""

    given: str | None
    family: str | None
    born: date | None  # None also when the date cannot be read (the person row says why)
    sex: str


@dataclass
class Links:
    """The id columns that lead an EHCP row to its person, and the people other rows name."""

    send_person: dict[str, str] = field(default_factory=dict)  # send_table_id -> person
    request_send: dict[str, str] = field(default_factory=dict)  # request -> send_table_id
    assessment: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    plan_request: dict[str, str] = field(default_factory=dict)  # active plan -> request
    services: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    people: dict[str, Person] = field(default_factory=dict)  # read when a table needs them

    def person_of_request(self, request: str, column: str) -> str:
        send = self.request_send.get(request)
        if send is None:
            raise reject("UNKNOWN_REFERENCE", column, "names no row of ssd_ehcp_requests")
        person = self.send_person.get(send)
        if person is None:
            raise reject("UNKNOWN_REFERENCE", "ehcr_send_table_id",
                         "of the request names no row of ssd_send")
        return person

    def plan_services(self, request: str) -> tuple[str, ...]:
        return tuple(sorted(self.services.get(request, ())))


def _quiet(day: Any) -> date | None:
    try:
        return extract_day({"d": day}, "d")
    except Exception:
        return None


# Tables whose rows take the person's details from ssd_person: early help (the service
# depends on the child's age) and addresses (evidence with the person's names).
NEEDS_PEOPLE = ("ssd_early_help_episodes", "ssd_address")


def links(tables: Mapping[str, Path], people: Path) -> Links:
    """Read the link columns of the EHCP tables, and the people when a table needs them."""
    found = Links()

    def rows(name: str) -> Iterator[Mapping[str, Any]]:
        if name in tables:
            for row in stream_csv(tables[name], LAYOUTS[name]):
                yield row.fields

    for r in rows("ssd_send"):
        if (key := text(r, "send_table_id")) and (person := text(r, "send_person_id")):
            found.send_person[key] = person
    for r in rows("ssd_ehcp_requests"):
        if (key := text(r, "ehcr_ehcp_request_id")) and (send := text(r, "ehcr_send_table_id")):
            found.request_send[key] = send
    for r in rows("ssd_ehcp_assessment"):
        if (key := text(r, "ehca_ehcp_assessment_id")) and (
                request := text(r, "ehca_ehcp_request_id")):
            outcome = (text(r, "ehca_ehcp_assessment_outcome") or "").upper()
            issued = outcome == "Y" and _quiet(
                r.get("ehca_ehcp_assessment_outcome_date")) is not None
            found.assessment[key] = (request, outcome, issued)
    for r in rows("ssd_ehcp_active_plans"):
        if (key := text(r, "ehcp_active_ehcp_id")) and (request := text(r, "ehcp_ehcp_request_id")):
            found.plan_request[key] = request
    for r in rows("ssd_sen_need"):
        plan = text(r, "senn_active_ehcp_id")
        need = NEED_SUBTYPES.get((text(r, "senn_active_ehcp_need_type") or "").upper())
        if plan in found.plan_request and need is not None:
            found.services[found.plan_request[plan]].add(need)
    if any(name in tables for name in NEEDS_PEOPLE):
        found.people = _people(people)
    return found


def _people(path: Path) -> dict[str, Person]:
    """Person id -> names, date of birth and sex (one read of the person table)."""
    layout = CsvLayout(required=("pers_person_id",),
                       optional=("pers_forename", "pers_surname", "pers_dob", "pers_sex"))
    found: dict[str, Person] = {}
    for row in stream_csv(path, layout):
        cells = row.fields
        if person := text(cells, "pers_person_id"):
            found[person] = Person(text(cells, "pers_forename"), text(cells, "pers_surname"),
                                   _quiet(cells.get("pers_dob")), person_sex(cells))
    return found


@dataclass(frozen=True)
class Fact:
    """One event a service row states: its model name, record id, day, subject and fields."""

    model: str
    record: str
    day: date | None  # when it happened; None: when the extract was taken
    person: str
    fields: dict[str, Any]
    subject: dict[str, Any] = field(default_factory=dict)


def facts(table: str, row: SourceRow, found: Links) -> list[Fact]:
    """The events one row of ``table`` states (none for rows that only link)."""
    return _BUILDERS[table](row.fields, found)


def _day(cells: Mapping[str, Any], column: str) -> date:
    day = extract_day(cells, column)
    if day is None:
        raise reject("MISSING_FIELD", column, "is required")
    return day


def _code(cells: Mapping[str, Any], column: str, allowed: Mapping[str, Any] | frozenset[str],
          ) -> str | None:
    value = text(cells, column)
    if value is None:
        return None
    value = value.upper()
    if value not in allowed:
        raise reject("UNKNOWN_CODE", column, "is not in the data model's code list")
    return value


def _cin_episode(cells: Mapping[str, Any], _: Links) -> list[Fact]:
    person = required(cells, "cine_person_id")
    referral = _day(cells, "cine_referral_date")
    ref = required(cells, "cine_referral_id")
    episode = f"{person}/{referral.isoformat()}"  # as the CIN census connector names it
    opened = Fact("CscStatusChanged", f"ssd_cin_episodes/{ref}/referral", referral, person, {
        "change": "REFERRAL_OPENED", "effective_date": referral, "csc_episode_id": episode,
        "primary_need": _code(cells, "cine_cin_primary_need_code", PRIMARY_NEED),
        "referral_source": _code(cells, "cine_referral_source_code", REFERRAL_SOURCE),
    })
    closed = extract_day(cells, "cine_close_date")
    if closed is None:
        return [opened]
    return [opened, Fact("CscStatusChanged", f"ssd_cin_episodes/{ref}/closure", closed, person, {
        "change": "REFERRAL_CLOSED", "effective_date": closed, "csc_episode_id": episode,
        "closure_reason": text(cells, "cine_close_reason"),
    })]


def _first(value: str | None, table: tuple[tuple[str, str], ...]) -> str | None:
    lowered = (value or "").lower()
    return next((code for word, code in table if word in lowered), None)


def _early_help(cells: Mapping[str, Any], found: Links) -> list[Fact]:
    person = required(cells, "earl_person_id")
    episode = required(cells, "earl_episode_id")
    start = _day(cells, "earl_episode_start_date")
    need = _first(text(cells, "earl_episode_reason"), EH_NEEDS)
    known = found.people.get(person)
    subject = {"date_of_birth": known.born if known else None}
    out = [Fact("CafCompleted", f"ssd_early_help_episodes/{episode}", start, person, {
        "caf_id": episode, "completed_date": start,
        "team": text(cells, "earl_episode_organisation"), "needs": (need,) if need else (),
    }, subject)]
    end = extract_day(cells, "earl_episode_end_date")
    if end is not None:
        reason = _first(text(cells, "earl_episode_end_reason"), EH_ENDS) or "OTHER"
        out.append(Fact("CafClosed", f"ssd_early_help_episodes/{episode}/closed", end, person,
                        {"caf_id": episode, "closed_date": end, "closure_reason": reason},
                        subject))
    return out


def _send(cells: Mapping[str, Any], _: Links) -> list[Fact]:
    person = required(cells, "send_person_id")
    key = required(cells, "send_table_id")
    upn = (text(cells, "send_upn") or "").upper()
    if not upn or upn in UNKNOWN_UPN:
        return []  # no UPN held: the row only links requests to the person
    return [Fact("LinkedIdentifierRecorded", f"ssd_send/{key}", None, person,
                 {"ssd_table": "ssd_send", "identifier_type": "Unique Pupil Number"},
                 {"upn": upn})]


def _request(cells: Mapping[str, Any], found: Links) -> list[Fact]:
    key = required(cells, "ehcr_ehcp_request_id")
    send = required(cells, "ehcr_send_table_id")
    person = found.send_person.get(send)
    if person is None:
        raise reject("UNKNOWN_REFERENCE", "ehcr_send_table_id", "names no row of ssd_send")
    received = _day(cells, "ehcr_ehcp_req_date")
    # SSD is a copy of the case system: the invitation to contribute comes from Education's
    # own SEN system (education-sen), so a request read here raises no second one.
    out = [Fact("SenAssessmentRequested", f"ssd_ehcp_requests/{key}", received, person, {
        "request_date": received, "requested_by": "OTHER", "invites_csc": False})]
    outcome = _code(cells, "ehcr_ehcp_req_outcome", REQUEST_OUTCOMES)
    decided = extract_day(cells, "ehcr_ehcp_req_outcome_date")
    if outcome == "N" and decided is not None:
        out.append(Fact("SenAssessmentOutcome", f"ssd_ehcp_requests/{key}/declined", decided,
                        person, {"request_record_id": f"ssd_ehcp_requests/{key}",
                                 "decision_date": decided, "outcome": "ASSESSMENT_DECLINED"}))
    return out


def _assessment(cells: Mapping[str, Any], found: Links) -> list[Fact]:
    key = required(cells, "ehca_ehcp_assessment_id")
    request = required(cells, "ehca_ehcp_request_id")
    person = found.person_of_request(request, "ehca_ehcp_request_id")
    outcome = _code(cells, "ehca_ehcp_assessment_outcome", REQUEST_OUTCOMES)
    decided = extract_day(cells, "ehca_ehcp_assessment_outcome_date")
    if outcome not in ("Y", "N") or decided is None:
        return []  # not yet decided (A, or Y not yet issued), withdrawn (W), historical (H)
    fields: dict[str, Any] = {"request_record_id": f"ssd_ehcp_requests/{request}",
                              "decision_date": decided}
    if outcome == "Y":
        fields |= {"outcome": "STATEMENT_ISSUED", "services": found.plan_services(request)}
    else:
        fields |= {"outcome": "NO_STATEMENT"}
    return [Fact("SenAssessmentOutcome", f"ssd_ehcp_assessment/{key}", decided, person, fields)]


def _active_plan(cells: Mapping[str, Any], found: Links) -> list[Fact]:
    required(cells, "ehcp_active_ehcp_id")
    found.person_of_request(required(cells, "ehcp_ehcp_request_id"), "ehcp_ehcp_request_id")
    extract_day(cells, "ehcp_active_ehcp_last_review_date")  # checked; no event of its own
    return []


def _sen_need(cells: Mapping[str, Any], found: Links) -> list[Fact]:
    required(cells, "senn_table_id")
    plan = required(cells, "senn_active_ehcp_id")
    _code(cells, "senn_active_ehcp_need_type", NEED_SUBTYPES)
    if plan not in found.plan_request:
        raise reject("UNKNOWN_REFERENCE", "senn_active_ehcp_id",
                     "names no row of ssd_ehcp_active_plans")
    return []  # its need names the plan's services (:func:`links`)


def _named_plan(cells: Mapping[str, Any], found: Links) -> list[Fact]:
    key = required(cells, "ehcn_named_plan_id")
    assessment = found.assessment.get(required(cells, "ehcn_ehcp_asmt_id"))
    if assessment is None:
        raise reject("UNKNOWN_REFERENCE", "ehcn_ehcp_asmt_id",
                     "names no row of ssd_ehcp_assessment")
    request, _, issued = assessment
    person = found.person_of_request(request, "ehca_ehcp_request_id")
    services = found.plan_services(request)
    start = _day(cells, "ehcn_named_plan_start_date")
    out = []
    if not issued:  # a plan whose issue this extract does not date (historical): in force
        out.append(Fact("SenAssessmentOutcome", f"ssd_ehcp_named_plan/{key}", start, person, {
            "request_record_id": f"ssd_ehcp_requests/{request}", "decision_date": start,
            "outcome": "STATEMENT_ISSUED", "services": services}))
    ceased = extract_day(cells, "ehcn_named_plan_ceased_date")
    reason = _code(cells, "ehcn_named_plan_ceased_reason", CEASED_REASONS)
    if ceased is not None:
        change = "TRANSFERRED_OUT" if reason == TRANSFERRED else "CEASED"
        out.append(Fact("SenStatementChanged", f"ssd_ehcp_named_plan/{key}/ceased", ceased,
                        person, {"change_date": ceased, "change": change}))
    return out


_BUILDERS = {
    "ssd_cin_episodes": _cin_episode,
    "ssd_early_help_episodes": _early_help,
    "ssd_send": _send,
    "ssd_ehcp_requests": _request,
    "ssd_ehcp_assessment": _assessment,
    "ssd_ehcp_active_plans": _active_plan,
    "ssd_sen_need": _sen_need,
    "ssd_ehcp_named_plan": _named_plan,
}
