"""Issue 10 item 3: a conflicting strong identifier raises a review; it does not take a child.

The probe that found it: a record carrying a child's UPN and NHS number with an LA child id
that is not the child's was held apart under a provisional key (a possible match, rightly),
but the next pushes with the same UPN and NHS number, and the conflicting record's names and
address, linked to that provisional child: the real child lost its records to a duplicate.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hub.domain.commands import PossibleMatchRaised, ReviewPossibleMatch
from hub.domain.episodes.derive import derive
from hub.domain.episodes.state import EpisodeState
from hub.domain.events import Event
from hub.domain.events.common import Sex
from hub.domain.identity import ChildLinked, resolve
from hub.domain.identity.apply import apply
from hub.domain.identity.resolution import Resolution
from hub.domain.identity.review import ReviewRejected, answer_conflict
from hub.domain.identity.review_result import ReviewResult
from hub.domain.outputs.identity import IdentityDecisionKind, IdentityDecisionMade
from hub.usecases.smoke import load_examples
from tests.conftest import REPO
from tests.unit.domain.identity.test_identity_resolver import nhs, rec, run, upn

CHILD_A = {"la_child_id": "L1", "upn": upn(1), "nhs_number": nhs(10)}
CHILD_B = {"la_child_id": "L2", "upn": upn(2), "nhs_number": nhs(20),
           "given_name": "Amy", "family_name": "Shah", "date_of_birth": date(2012, 2, 3)}
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STRANGER = {"given_name": "Zed", "family_name": "Quinn", "postcode": "AB1 2CD"}


def _known_children():
    state, (a, b) = run(rec("a", **CHILD_A), rec("b", **CHILD_B))
    return state, a.child_key, b.child_key


def test_one_childs_upn_with_another_childs_nhs_number_is_a_review_not_a_new_child():
    state, a, b = _known_children()
    _, decision = resolve(state, rec("bad", "EDU", upn=upn(1), nhs_number=nhs(20)))
    assert isinstance(decision, ChildLinked)  # no provisional child: before, a third key
    assert decision.child_key in {a, b} and decision.evidence.conflicts
    other = ({a, b} - {decision.child_key}).pop()
    assert decision.evidence.other_candidates == (other,)  # shown to a reviewer
    assert set(state.children) == {a, b}
    assert state.conflict_records(decision.child_key) == ("bad",)
    assert state.children[a].ids()["nhs"] == {nhs(10)}  # neither takes the other's id
    assert state.children[b].ids()["upn"] == {upn(2)}


def test_a_conflicting_la_child_id_is_a_review_and_the_next_pushes_link_to_the_real_child():
    state, a, _ = _known_children()
    bad = {"la_child_id": "L9", "upn": upn(1), "nhs_number": nhs(10), **STRANGER}
    state, first = resolve(state, rec("bad", "EDU", **bad))
    assert isinstance(first, ChildLinked) and first.child_key == a
    assert first.evidence.conflicts == ("la",)
    for i in range(7):  # the same UPN and NHS number, the conflicting record's names/address
        state, later = resolve(state, rec(f"next-{i}", "EDU", upn=upn(1), nhs_number=nhs(10),
                                          **STRANGER))
        assert isinstance(later, ChildLinked), i
        assert later.child_key == a and not later.evidence.conflicts, i
    assert len(state.children) == 2 and state.conflict_records(a) == ("bad",)
    assert state.children[a].ids()["la"] == {"L1"}


def test_a_record_repeating_the_conflicting_id_joins_the_child_without_it():
    state, a, _ = _known_children()
    bad = {"la_child_id": "L9", "upn": upn(1), "nhs_number": nhs(10), **STRANGER}
    state, first = resolve(state, rec("bad", "EDU", **bad))
    state, again = resolve(state, rec("bad-2", "EDU", **bad))
    assert again.child_key == first.child_key == a
    assert again.evidence.conflicts == ("la",)
    assert "L9" not in {v for k, v in state.children[a].ids().items() for v in v}
    assert state.conflict_records(a) == ("bad", "bad-2")
    state, alone = resolve(state, rec("l9", "EDU", la_child_id="L9", **STRANGER))
    assert alone.child_key != a  # L9 alone never reaches the child it conflicted with


def test_the_review_still_answers_both_ways():
    state, a, _ = _known_children()
    state, _ = resolve(state, rec("bad", "EDU", la_child_id="L9", upn=upn(1),
                                      nhs_number=nhs(10), **STRANGER))
    assert answer_conflict(state, a, True, "same child") == []
    (split,) = answer_conflict(state, a, False, "not the same child")
    assert split.from_key == a and split.record_ids == ("bad",)
    assert split.restored_key not in state.children
    with pytest.raises(ReviewRejected, match="NO_OPEN_REVIEW"):
        answer_conflict(state, state.record_child["b"], False, "no conflicting record held")


def _event(example: Event, record_id: str, **subject: object) -> Event:
    envelope = example.envelope
    fields = {"la_child_id": None, "upn": None, "nhs_number": None, "former_upn": None,
              "yot_id": None, "other_ids": (), "sex": Sex.MALE, "given_name": "Oliver",
              "family_name": "Okafor", "date_of_birth": date(2011, 5, 9), "postcode": "NX4 7QP",
              **subject}
    return example.model_copy(update={"envelope": envelope.model_copy(update={
        "event_id": f"ev-{record_id}", "source_record_id": record_id,
        "subject": envelope.subject.model_copy(update=fields)})})


def test_the_worker_raises_a_review_task_for_the_inbox_and_later_pushes_stay():
    example = next(iter(load_examples(Path(REPO / "schemas/examples"))))
    resolution = Resolution()
    real, _ = resolution.resolve(_event(example, "a", **CHILD_A))
    held, outputs = resolution.resolve(_event(example, "bad", la_child_id="L9", upn=upn(1),
                                              nhs_number=nhs(10), given_name="Zed"))
    raised = [o for o in outputs if isinstance(o, PossibleMatchRaised)]
    assert held == real and len(raised) == 1  # the inbox's POSSIBLE_MATCH_REVIEW task
    assert raised[0].child_key == raised[0].candidate_key == real
    for i in range(3):
        key, _ = resolution.resolve(_event(example, f"n{i}", upn=upn(1), nhs_number=nhs(10),
                                           given_name="Zed"))
        assert key == real
    answer = ReviewPossibleMatch(command_id="rv-1", child_key=held, candidate_key=real,
                                 same_child=False, by="amira.khan",
                                 decided_at=raised[0].raised_at)
    assert resolution.review(answer, raised[0].raised_at).decisions


def _outputs_by_key(events: list[Event]) -> tuple[Resolution, dict[str, list[str]], set[str]]:
    """Resolve ``events`` as the worker's identity step does (every shared event is forwarded
    under the key it resolves to) and derive each key's service episodes from what it got:
    the keys that received events, with their record ids, and the keys holding an episode
    (a census row each)."""
    resolution = Resolution()
    forwarded: dict[str, list[Event]] = {}
    for event in events:
        key, _ = resolution.resolve(event)
        forwarded.setdefault(key, []).append(event)
    with_episode = set()
    for key, got in forwarded.items():
        state, made = EpisodeState(), []
        for event in got:
            state, episodes = derive(state, event, key)
            made += episodes
        if made:
            with_episode.add(key)
    records = {k: [resolution.record_id_of(e) for e in got] for k, got in forwarded.items()}
    return resolution, records, with_episode


def _referral(record_id: str, **subject: object) -> Event:
    example = next(e for e in load_examples(Path(REPO / "schemas/examples"))
                   if type(e).__name__ == "YotReferralMade")
    return _event(example, record_id, **subject)


def test_a_conflicting_record_gives_the_real_child_no_second_key_episode_or_census_row():
    real = _referral("a", **CHILD_A)
    bad = _referral("bad", la_child_id="L9", upn=upn(1), nhs_number=nhs(10), given_name="Zed")
    resolution, keys, with_episode = _outputs_by_key([real, bad])
    assert len(keys) == 1  # before: 2 (the conflicting record under a provisional key)
    assert len(with_episode) == 1  # before: 2 (the provisional key had its own episode)
    (key,) = keys
    assert keys[key] == ["yot:a", "yot:bad"]
    state = resolution.state
    assert "L9" not in state.children[key].ids().get("la", set())  # not adopted
    assert state.conflict_records(key) == ("yot:bad",)  # the open review


def test_a_conflicting_link_raises_a_review_of_the_child_itself():
    resolution = Resolution()
    real, _ = resolution.resolve(_referral("a", **CHILD_A))
    key, outputs = resolution.resolve(
        _referral("bad", la_child_id="L9", upn=upn(1), nhs_number=nhs(10), given_name="Zed"))
    assert key == real
    made = [o for o in outputs if isinstance(o, IdentityDecisionMade)]
    raised = [o for o in outputs if isinstance(o, PossibleMatchRaised)]
    assert [m.kind for m in made] == [IdentityDecisionKind.LINK] and made[0].conflicts == ("la",)
    assert len(raised) == 1
    assert raised[0].child_key == raised[0].candidate_key == real
    assert raised[0].record_ref == "yot:bad"


def _answer(resolution: Resolution, key: str, same: bool, command_id: str) -> ReviewResult:
    answer = ReviewPossibleMatch(command_id=command_id, child_key=key, candidate_key=key,
                                 same_child=same, by="amira.khan", decided_at=AT)
    return resolution.review(answer, AT)


def test_not_the_same_child_splits_the_record_out_with_its_identifiers():
    resolution = Resolution()
    real, _ = resolution.resolve(_referral("a", **CHILD_A))
    resolution.resolve(
        _referral("bad", la_child_id="L9", upn=upn(1), nhs_number=nhs(10), given_name="Zed"))
    result = _answer(resolution, real, False, "rv-split")
    assert [d.kind for d in result.decisions] == [IdentityDecisionKind.SPLIT]
    (new,) = [k for k in result.affected if k != real]
    assert result.affected == (real, new)
    assert result.records_of == {real: ("yot:a",), new: ("yot:bad",)}
    assert [r.child_key for r in result.resets()] == [real, new]  # both children rebuilt
    state = resolution.state
    assert state.children[new].ids()["la"] == {"L9"}  # the split-out child takes its id
    assert state.conflict_records(real) == () and not state.withheld
    later, _ = resolution.resolve(_referral("l9", la_child_id="L9", given_name="Zed"))
    assert later == new
    with pytest.raises(ReviewRejected, match="NO_OPEN_REVIEW"):
        _answer(resolution, real, False, "rv-again")


def test_the_same_child_keeps_the_record_and_moves_nothing():
    resolution = Resolution()
    real, _ = resolution.resolve(_referral("a", **CHILD_A))
    resolution.resolve(
        _referral("bad", la_child_id="L9", upn=upn(1), nhs_number=nhs(10), given_name="Zed"))
    result = _answer(resolution, real, True, "rv-same")
    assert result.decisions == [] and result.affected == ()
    assert set(resolution.state.children[real].records) == {"yot:a", "yot:bad"}
    assert "L9" not in resolution.state.children[real].ids()["la"]


def test_a_rebuild_from_the_decision_log_gives_the_same_state():
    resolution = Resolution()
    log: list[IdentityDecisionMade] = []
    for event in (_referral("a", **CHILD_A),
                  _referral("bad", la_child_id="L9", upn=upn(1), nhs_number=nhs(10)),
                  _referral("b", **CHILD_B)):
        _, outputs = resolution.resolve(event)
        log += [o for o in outputs if isinstance(o, IdentityDecisionMade)]
    key = resolution.record_child("yot:a")
    assert key is not None
    log += _answer(resolution, key, False, "rv-1").decisions
    rebuilt = Resolution()
    rebuilt.rebuild(log)
    assert rebuilt.state == resolution.state


def test_the_held_records_names_and_address_do_not_become_the_childs():
    """Only the child's own records are matched against: a record held for a conflict lends
    it neither identifiers nor names, date of birth or address, so a later record that looks
    like the held one (and carries no identifier) does not silently link to the child."""
    state, a, _ = _known_children()
    own = state.children[a].profile()
    bad = {"la_child_id": "L9", "upn": upn(1), "nhs_number": nhs(10), **STRANGER}
    state, _ = resolve(state, rec("bad", "EDU", **bad))
    assert state.children[a].profile() == own
    state, lookalike = resolve(state, rec("zed", "YOT", **STRANGER))
    assert lookalike.child_key != a  # before: linked to the real child on the held record
    (split,) = answer_conflict(state, a, False, "not the same child")
    state = apply(state, split)
    held = state.children[split.restored_key]
    assert held.ids()["la"] == {"L9"} and held.profile().givens  # its own child: all of it
