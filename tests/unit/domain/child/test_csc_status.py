"""The CSC status transition: the highest current status wins; closing leaves CLOSED."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hub.domain.child.status import Episode, derive, transition
from hub.domain.events.csc import CscChange as Ch
from hub.domain.outputs.codes import CscStatus as S
from tests.unit.domain.builders import csc, sen_request
from tests.unit.domain.factories import run


def _status_after(*changes: tuple[Ch, str]) -> S:
    episodes: tuple[Episode, ...] = ()
    for change, episode in changes:
        episodes = transition(episodes, change, episode)
    return derive(episodes, contact_open=False, known=bool(changes))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ((), S.UNKNOWN),
        (((Ch.REFERRAL_OPENED, "a"),), S.OPEN_REFERRAL),
        (((Ch.REFERRAL_OPENED, "a"), (Ch.CIN_PLAN_STARTED, "a")), S.CIN_PLAN),
        (((Ch.CIN_PLAN_STARTED, "a"), (Ch.CP_PLAN_STARTED, "a")), S.CP_PLAN),
        (((Ch.CP_PLAN_STARTED, "a"), (Ch.LOOKED_AFTER_STARTED, "a")), S.LOOKED_AFTER),
        (((Ch.CP_PLAN_STARTED, "a"), (Ch.LOOKED_AFTER_STARTED, "a"),
          (Ch.LOOKED_AFTER_ENDED, "a")), S.CP_PLAN),
        (((Ch.CIN_PLAN_STARTED, "a"), (Ch.CIN_PLAN_ENDED, "a")), S.OPEN_REFERRAL),
        (((Ch.CIN_PLAN_STARTED, "a"), (Ch.REFERRAL_CLOSED, "a")), S.CLOSED),
        # two open episodes: the highest status over both wins
        (((Ch.LOOKED_AFTER_STARTED, "a"), (Ch.REFERRAL_OPENED, "b")), S.LOOKED_AFTER),
        (((Ch.LOOKED_AFTER_STARTED, "a"), (Ch.CIN_PLAN_STARTED, "b"),
          (Ch.REFERRAL_CLOSED, "a")), S.CIN_PLAN),
        # any CSC event for an unseen episode opens it; ending what is not open changes nothing
        (((Ch.ASSESSMENT_STARTED, "a"),), S.OPEN_REFERRAL),
        (((Ch.CP_PLAN_ENDED, "a"),), S.CLOSED),
        (((Ch.REFERRAL_CLOSED, "a"),), S.CLOSED),
    ],
)
def test_highest_current_status_wins(changes, expected):
    assert _status_after(*changes) is expected


def test_derive_without_episodes():
    assert derive((), contact_open=False, known=False) is S.UNKNOWN
    assert derive((), contact_open=True, known=True) is S.CONTACT
    assert derive((), contact_open=False, known=True) is S.CLOSED
    assert derive((), contact_open=True, known=True) is S.CONTACT  # a new contact after CLOSED


def test_contact_then_referral_then_closed():
    state, _ = run(sen_request())
    assert state.status is S.CONTACT and state.known_to_csc
    state, _ = run(csc("c1", Ch.REFERRAL_OPENED), state=state)
    assert state.status is S.OPEN_REFERRAL
    state, _ = run(csc("c2", Ch.REFERRAL_CLOSED), state=state)
    assert state.status is S.CLOSED and state.known_to_csc


def test_a_late_event_for_a_closed_episode_does_not_reopen_it():
    state, _ = run(csc("c1", Ch.CP_PLAN_STARTED), csc("c2", Ch.REFERRAL_CLOSED),
                   csc("c3", Ch.CP_REVIEW))
    assert state.status is S.CLOSED and state.episodes == ()


def test_an_episode_is_written_the_same_in_every_process() -> None:
    """A set's iteration order follows string hashing, which differs per process: the state's
    changelog bytes must not (a restarted or second worker writes what the first wrote)."""
    script = (
        "from hub.domain.child.status import Episode\n"
        "from hub.domain.outputs.codes import CscStatus as S\n"
        "print(Episode(episode_id='e', levels=frozenset(S)).model_dump_json())\n"
    )
    written = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       check=True, env={"PYTHONHASHSEED": str(seed)}).stdout
        for seed in range(8)
    }
    assert len(written) == 1, written
    again = Episode.model_validate_json(written.pop())
    assert again.levels == frozenset(S)
