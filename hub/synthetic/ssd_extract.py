"""A Standard Safeguarding Dataset extract of the synthetic authority (``ssd/``), for the
connector benchmark and tests: what its case system's SSD would hold of the same facts.

Written from the hub-format exports (call before ``write_standard``, which removes the CSC
file): the CSC referrals as ``ssd_cin_episodes`` (person = LA child id), the eCAFs as
``ssd_early_help_episodes`` (person = the eCAF person id), the Education SEN history as
``ssd_send`` / ``ssd_ehcp_requests`` / ``ssd_ehcp_assessment`` / ``ssd_ehcp_active_plans`` /
``ssd_sen_need`` / ``ssd_ehcp_named_plan`` (person = the MIS pupil id), and every person in
``ssd_person``. Column names are the data model's (``connectors.sources.ssd_services``).

``hub demo-data --formats standard`` writes the early help and EHCP tables only (the CIN census
XML carries the referrals), with ``case_ids``: each person is then named by the case system's
person id, as a real SSD extract names them: the child's LA child id when CSC knows the child
(the ground truth's CSC records), else an id of the case system's own (7 digits, never a CSC
id's 6). As in the deployed extracts (PERS015A, PERS016A, PERS006A), the person table holds each
person's names, date of birth, sex, UPN and NHS number as the case system recorded them, and
``ssd_address`` their postcodes (a CSC child's every postcode, as its records gave them over
time, with their dates): every child of the CSC export (its latest record) first, then
the early help and SEN people the CSC export does not hold (as early help or Education
recorded them).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from connectors.sources.csc import CscConnector
from connectors.sources.ecaf import EcafConnector
from connectors.sources.education_sen import EducationSenConnector
from hub.domain.events import (
    CafClosed,
    CafCompleted,
    CscStatusChanged,
    SenAssessmentOutcome,
    SenAssessmentRequested,
    SenStatementChanged,
)
from hub.domain.events.common import ChildSubject
from hub.domain.events.csc import CscChange
from hub.synthetic.export_rows import read_events as _events
from hub.synthetic.export_rows import write_csv as _write
from hub.synthetic.ids import ScrambledIds

PERSON = ("pers_person_id", "pers_forename", "pers_surname", "pers_sex", "pers_dob", "pers_upn",
          "pers_single_unique_id")
ADDRESS = ("addr_table_id", "addr_person_id", "addr_address_type", "addr_address_start_date",
           "addr_address_end_date", "addr_address_postcode")
CIN = ("cine_referral_id", "cine_person_id", "cine_referral_date", "cine_cin_primary_need_code",
       "cine_referral_source_code", "cine_close_reason", "cine_close_date")
EARLY_HELP = ("earl_episode_id", "earl_person_id", "earl_episode_start_date",
              "earl_episode_end_date", "earl_episode_reason", "earl_episode_end_reason",
              "earl_episode_organisation")
SEND = ("send_table_id", "send_upn", "send_uln", "send_upn_unknown", "send_person_id")
REQUESTS = ("ehcr_ehcp_request_id", "ehcr_send_table_id", "ehcr_ehcp_req_date",
            "ehcr_ehcp_req_outcome_date", "ehcr_ehcp_req_outcome")
ASSESSMENT = ("ehca_ehcp_assessment_id", "ehca_ehcp_request_id",
              "ehca_ehcp_assessment_outcome_date", "ehca_ehcp_assessment_outcome")
ACTIVE = ("ehcp_active_ehcp_id", "ehcp_ehcp_request_id", "ehcp_active_ehcp_last_review_date")
NEED = ("senn_table_id", "senn_active_ehcp_id", "senn_active_ehcp_need_type",
        "senn_active_ehcp_need_rank")
LINKED = ("link_table_id", "link_person_id", "link_identifier_type", "link_identifier_value",
          "link_valid_from_date", "link_valid_to_date")
NAMED = ("ehcn_named_plan_id", "ehcn_ehcp_asmt_id", "ehcn_named_plan_start_date",
         "ehcn_named_plan_ceased_date", "ehcn_named_plan_ceased_reason")
_REASONS = {"DOMESTIC_ABUSE": "Domestic Violence/ Abuse",
            "PARENTING_CAPACITY": "Parenting and Family Dynamics",
            "SUBSTANCE_MISUSE": "Alcohol/ Substance Misuse",
            "FINANCES": "Socio-economic Challenges"}
_ENDS = {"NEEDS_MET": "Outcomes met", "REFERRED_TO_CSC": "Step-up", "DISENGAGED": "Disengaged",
         "MOVED_AWAY": "Moved away"}
_NEEDS = {"SPECIFIC_LEARNING_DISABILITIES": "SPLD", "SPECIFIC_PHYSICAL_DISABILITIES": "PD"}
_SEX = {"MALE": "M", "FEMALE": "F"}


def _own_id(subject: ChildSubject, kind: str) -> str | None:
    return next((i.value for i in subject.other_ids if i.type == kind), None)


def _iso(day: date | None) -> str:
    return f"{day.isoformat()} 00:00:00.000" if day else ""


People = dict[str, list[str]]
PersonId = Callable[[str, str], str]  # (source system, the source's own person id) -> person


def _add_person(people: People, person: str, subject: ChildSubject) -> None:
    """The person's row as its first recording source states it (later ones are ignored)."""
    people.setdefault(person, [
        person, subject.given_name or "", subject.family_name or "",
        _SEX.get(subject.sex, "U"), _iso(subject.date_of_birth), subject.upn or "",
        subject.nhs_number or "", subject.postcode or ""])


Moves = dict[str, list[tuple[date, str]]]
"""Person -> each postcode the CSC records gave, from the day of the first record giving it."""


def _csc_people(outdir: Path, today: date, people: People) -> Moves:
    """Every child of the CSC export, as its latest CSC record states them, and the postcodes
    its records gave over time (the case system's address history)."""
    latest: dict[str, ChildSubject] = {}
    moves: Moves = defaultdict(list)
    events = _events(CscConnector(today), outdir / "csc_status_changes.csv")
    for e in sorted(events, key=lambda e: e.envelope.occurred_at):
        subject = e.envelope.subject
        if not subject.la_child_id:
            continue
        latest[subject.la_child_id] = subject
        lived = moves[subject.la_child_id]
        day = e.envelope.occurred_at.date()
        if subject.postcode and (not lived or lived[-1][1] != subject.postcode):
            if lived and lived[-1][0] == day:  # moved twice in a day: the later one holds
                lived.pop()
            lived.append((day, subject.postcode))
    for person, subject in latest.items():
        _add_person(people, person, subject)
    return moves


def _addresses(people: People, moves: Moves) -> list[list[str]]:
    """One address per person, or the CSC child's history: each until the day before the
    next starts, the last one open."""
    rows: list[list[str]] = []
    for person, row in people.items():
        lived: list[tuple[date | None, str]] = [*moves.get(person, ())] or (
            [(None, row[-1])] if row[-1] else [])
        for i, (start, postcode) in enumerate(lived):
            following = lived[i + 1][0] if i + 1 < len(lived) else None
            end = following - timedelta(days=1) if following else None
            rows.append([f"A{len(rows) + 1:07d}", person, "HOME", _iso(start), _iso(end),
                         postcode])
    return rows


def _own_person(source: str, own: str) -> str:
    return own if source == "ecaf" else f"P{own}"[:10]


def case_system_ids(outdir: Path, seed: int) -> PersonId:
    """The case system's person id of each eCAF / MIS person of the exports' ground truth: the
    LA child id CSC (or an earlier year's CSC record) holds for the true child, else a new id."""
    true_of: dict[str, str] = {}
    with (outdir / "link_truth.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            true_of[row["record_id"]] = row["true_child_id"]
    person_of: dict[tuple[str, str], str] = {}
    held: dict[str, Counter[tuple[bool, str]]] = defaultdict(Counter)
    with (outdir / "link_records.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            true = true_of[row["record_id"]]
            person_of[(row["source_system"], row["source_id"])] = true
            if row["la_child_id"]:
                held[true][(row["source_system"] == "csc", row["la_child_id"])] += 1
    la_id = {true: max(ids.items(), key=lambda kv: (kv[0][0], kv[1], kv[0][1]))[0][1]
             for true, ids in held.items()}
    fresh, issued = ScrambledIds("", 7, f"ssd-person:{seed}"), dict[str, str]()

    def person(source: str, own: str) -> str:
        true = person_of.get((source, own))
        if true is None:
            return _own_person(source, own)
        if true not in la_id and true not in issued:
            issued[true] = fresh.next()
        return la_id.get(true) or issued[true]

    return person


def _cin(outdir: Path, today: date, people: People) -> list[list[str]]:
    cin: dict[str, list[str]] = {}
    for e in _events(CscConnector(today), outdir / "csc_status_changes.csv"):
        if not isinstance(e, CscStatusChanged) or not e.envelope.subject.la_child_id:
            continue
        person = e.envelope.subject.la_child_id
        if e.change is CscChange.REFERRAL_OPENED:
            _add_person(people, person, e.envelope.subject)
            cin[e.csc_episode_id] = [e.csc_episode_id.replace("/", "-"), person,
                                     _iso(e.effective_date), e.primary_need or "",
                                     e.referral_source or "", "", ""]
        elif e.change is CscChange.REFERRAL_CLOSED and e.csc_episode_id in cin:
            cin[e.csc_episode_id][5:7] = [e.closure_reason or "", _iso(e.effective_date)]
    return list(cin.values())


def _early_help(outdir: Path, today: date, people: People, ids: PersonId,
                linked: dict[str, list[str]]) -> list[list[str]]:
    early: dict[str, list[str]] = {}
    for e in _events(EcafConnector(today), outdir / "ecaf.json"):
        subject = e.envelope.subject
        person = ids("ecaf", _own_id(subject, "ECAF_ID") or e.envelope.source_record_id)
        if isinstance(e, CafCompleted):
            _add_person(people, person, subject.model_copy(update={"upn": None}))
            if subject.upn:  # the UPN early help holds, as the case system links it
                linked.setdefault(f"{person}/{subject.upn}", [
                    f"L{len(linked) + 1:06d}", person, "Unique Pupil Number", subject.upn,
                    "", ""])
            reason = next((_REASONS[n] for n in e.needs if n in _REASONS), "Other")
            early[e.caf_id] = [e.caf_id, person, _iso(e.completed_date), "", reason, "",
                               e.team or ""]
        elif isinstance(e, CafClosed) and e.caf_id in early:
            early[e.caf_id][3] = _iso(e.closed_date)
            early[e.caf_id][5] = _ENDS.get(e.closure_reason, "Other")
    return list(early.values())


def _sen(outdir: Path, today: date, people: People, ids: PersonId,
         ) -> dict[str, list[list[str]]]:
    send: dict[str, list[str]] = {}
    requests: list[list[str]] = []
    assessments: list[list[str]] = []
    active: list[list[str]] = []
    needs: list[list[str]] = []
    named: list[list[str]] = []
    for e in _events(EducationSenConnector(today), outdir / "education_sen.csv"):
        subject = e.envelope.subject
        pupil = _own_id(subject, "MIS_PUPIL_ID") or e.envelope.source_record_id
        person = ids("education-sen", pupil)
        key = e.envelope.source_record_id
        _add_person(people, person, subject.model_copy(update={"upn": None, "nhs_number": None}))
        send.setdefault(person, [f"S{pupil}"[:10], subject.upn or "", "",
                                 "" if subject.upn else "UN8", person])
        table = send[person][0]
        if isinstance(e, SenAssessmentRequested):
            requests.append([key, table, _iso(e.request_date), "", "A"])
        elif isinstance(e, SenAssessmentOutcome):
            issued = e.outcome == "STATEMENT_ISSUED"
            declined = e.outcome == "ASSESSMENT_DECLINED"
            requests.append([f"R{key}", table, _iso(e.decision_date), _iso(e.decision_date),
                             "N" if declined else "Y"])
            if declined:
                continue
            assessments.append([f"A{key}", f"R{key}", _iso(e.decision_date),
                                "Y" if issued else "N"])
            if issued:
                active.append([f"E{key}", f"R{key}", ""])
                needs += [[f"N{key}{i}", f"E{key}", _NEEDS.get(s, "OTH"), str(i + 1)]
                          for i, s in enumerate(e.services[:2])]
                named.append([f"NP{key}", f"A{key}", _iso(e.decision_date), "", ""])
        elif isinstance(e, SenStatementChanged) and e.change in ("CEASED", "TRANSFERRED_OUT"):
            requests.append([f"R{key}", table, _iso(e.change_date), "", "H"])
            assessments.append([f"A{key}", f"R{key}", "", "H"])
            named.append([f"NP{key}", f"A{key}", _iso(e.change_date), _iso(e.change_date),
                          "5" if e.change == "TRANSFERRED_OUT" else "2"])
    return {"ssd_send": list(send.values()), "ssd_ehcp_requests": requests,
            "ssd_ehcp_assessment": assessments, "ssd_ehcp_active_plans": active,
            "ssd_sen_need": needs, "ssd_ehcp_named_plan": named}


COLUMNS = {"ssd_person": PERSON, "ssd_address": ADDRESS, "ssd_linked_identifiers": LINKED,
           "ssd_cin_episodes": CIN, "ssd_early_help_episodes": EARLY_HELP,
           "ssd_send": SEND, "ssd_ehcp_requests": REQUESTS, "ssd_ehcp_assessment": ASSESSMENT,
           "ssd_ehcp_active_plans": ACTIVE, "ssd_sen_need": NEED, "ssd_ehcp_named_plan": NAMED}


def write_ssd(outdir: Path, today: date, *, case_ids: PersonId | None = None,
              ) -> dict[str, int]:
    """Write ``outdir/ssd/*.csv``; the rows per table. With ``case_ids`` (the standard demo):
    early help and EHCP tables only, each person named by ``case_ids``, plus the UPNs early
    help holds as ``ssd_linked_identifiers``."""
    people: People = {}
    linked: dict[str, list[str]] = {}
    ids = case_ids or _own_person
    tables: dict[str, list[list[str]]] = {}
    moves: Moves = {}
    if not case_ids:
        tables["ssd_cin_episodes"] = _cin(outdir, today, people)
    else:
        moves = _csc_people(outdir, today, people)
    tables |= {"ssd_early_help_episodes": _early_help(outdir, today, people, ids, linked),
               **_sen(outdir, today, people, ids)}
    tables["ssd_person"] = [row[:-1] for row in people.values()]
    tables["ssd_address"] = _addresses(people, moves)
    if case_ids:
        tables["ssd_linked_identifiers"] = list(linked.values())
    return {name: _write(outdir / "ssd" / f"{name}.csv", COLUMNS[name], rows)
            for name, rows in tables.items()}
