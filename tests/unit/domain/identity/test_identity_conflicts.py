"""Issue 10 item 3: a conflicting strong identifier raises a review; it does not take a child.

The probe that found it: a record carrying a child's UPN and NHS number with an LA child id
that is not the child's was held apart under a provisional key (a possible match, rightly),
but the next pushes with the same UPN and NHS number, and the conflicting record's names and
address, linked to that provisional child: the real child lost its records to a duplicate.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hub.domain.commands import PossibleMatchRaised, ReviewPossibleMatch
from hub.domain.events import Event
from hub.domain.events.common import Sex
from hub.domain.identity import ChildLinked, PossibleMatchFound, resolve
from hub.domain.identity.resolution import Resolution
from hub.domain.identity.review import answer_possible_match
from hub.usecases.smoke import load_examples
from tests.conftest import REPO
from tests.unit.domain.identity.test_identity_resolver import nhs, rec, run, upn

CHILD_A = {"la_child_id": "L1", "upn": upn(1), "nhs_number": nhs(10)}
CHILD_B = {"la_child_id": "L2", "upn": upn(2), "nhs_number": nhs(20),
           "given_name": "Amy", "family_name": "Shah", "date_of_birth": date(2012, 2, 3)}
STRANGER = {"given_name": "Zed", "family_name": "Quinn", "postcode": "AB1 2CD"}


def _known_children():
    state, (a, b) = run(rec("a", **CHILD_A), rec("b", **CHILD_B))
    return state, a.child_key, b.child_key


def test_one_childs_upn_with_another_childs_nhs_number_is_a_review_not_a_link():
    state, a, b = _known_children()
    _, decision = resolve(state, rec("bad", "EDU", upn=upn(1), nhs_number=nhs(20)))
    assert isinstance(decision, PossibleMatchFound)
    assert decision.child_key not in {a, b}  # held apart, neither child's records touched
    assert decision.candidate_key in {a, b}
    assert decision.evidence.conflicts
    assert set(state.children[a].records) == {"a"} and set(state.children[b].records) == {"b"}


def test_a_conflicting_la_child_id_is_a_review_and_the_next_pushes_link_to_the_real_child():
    state, a, _ = _known_children()
    bad = {"la_child_id": "L9", "upn": upn(1), "nhs_number": nhs(10), **STRANGER}
    state, first = resolve(state, rec("bad", "EDU", **bad))
    assert isinstance(first, PossibleMatchFound) and first.candidate_key == a
    assert first.evidence.conflicts == ("la",)
    for i in range(7):  # the same UPN and NHS number, the conflicting record's names/address
        state, later = resolve(state, rec(f"next-{i}", "EDU", upn=upn(1), nhs_number=nhs(10),
                                          **STRANGER))
        assert isinstance(later, ChildLinked), i
        assert later.child_key == a, i
        assert first.child_key in later.evidence.other_candidates  # shown to a reviewer
    assert set(state.children[first.child_key].records) == {"bad"}
    assert state.reviews[first.child_key] == a  # the review is still open


def test_a_record_repeating_the_conflicting_id_joins_the_held_record_not_the_child():
    state, a, _ = _known_children()
    bad = {"la_child_id": "L9", "upn": upn(1), "nhs_number": nhs(10), **STRANGER}
    state, first = resolve(state, rec("bad", "EDU", **bad))
    state, again = resolve(state, rec("bad-2", "EDU", **bad))
    assert again.child_key == first.child_key != a
    assert "L9" not in {v for k, v in state.children[a].ids().items() for v in v}


def test_the_review_still_answers_both_ways():
    state, a, _ = _known_children()
    state, first = resolve(state, rec("bad", "EDU", la_child_id="L9", upn=upn(1),
                                      nhs_number=nhs(10), **STRANGER))
    merged = answer_possible_match(state, first.child_key, a, True, "same child")
    kept = answer_possible_match(state, first.child_key, a, False, "not the same child")
    assert merged.into_key == a and merged.from_key == first.child_key
    assert type(kept).__name__ == "NotSameChild"


def _event(example: Event, record_id: str, **subject: object) -> Event:
    envelope = example.envelope
    fields = {"la_child_id": None, "upn": None, "nhs_number": None, "former_upn": None,
              "yot_id": None, "other_ids": (), "sex": Sex.MALE, "given_name": "Oliver",
              "family_name": "Okafor", "date_of_birth": date(2011, 5, 9), "postcode": "NX4 7QP",
              **subject}
    return example.model_copy(update={"envelope": envelope.model_copy(update={
        "event_id": f"ev-{record_id}", "source_record_id": record_id,
        "subject": envelope.subject.model_copy(update=fields)})})


def test_the_worker_raises_a_possible_match_task_for_the_inbox_and_later_pushes_stay():
    example = next(iter(load_examples(Path(REPO / "schemas/examples"))))
    resolution = Resolution()
    real, _ = resolution.resolve(_event(example, "a", **CHILD_A))
    held, outputs = resolution.resolve(_event(example, "bad", la_child_id="L9", upn=upn(1),
                                              nhs_number=nhs(10), given_name="Zed"))
    raised = [o for o in outputs if isinstance(o, PossibleMatchRaised)]
    assert held != real and len(raised) == 1  # the inbox's POSSIBLE_MATCH_REVIEW task
    assert raised[0].child_key == held and raised[0].candidate_key == real
    for i in range(3):
        key, _ = resolution.resolve(_event(example, f"n{i}", upn=upn(1), nhs_number=nhs(10),
                                           given_name="Zed"))
        assert key == real
    answer = ReviewPossibleMatch(command_id="rv-1", child_key=held, candidate_key=real,
                                 same_child=False, by="amira.khan",
                                 decided_at=raised[0].raised_at)
    assert resolution.review(answer, raised[0].raised_at).decisions
