"""The HubStore contract, written once, held by the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from itertools import permutations

import pytest

from hub.domain.outputs.codes import CscStatus, FlagCode, TaskStatus
from hub.ports import HubStore, StoreRecord
from tests.contract import store_records as r
from tests.contract.store_records import CHILD, D0, T0
from tests.contract.views import everything

ONE_OF_EACH: list[StoreRecord] = [
    r.task(), r.entry("evt-1"), r.contact(), r.withdrawn(), r.raised(), r.cleared(),
    r.reply("reply-1", CscStatus.CIN_PLAN), r.relay("relay-1", CscStatus.CP_PLAN, D0),
    r.participation(), r.rejected(), r.use(), r.decision("id-1", r.snapshot()), r.episode(),
]


@pytest.mark.parametrize("record", ONE_OF_EACH, ids=lambda x: type(x).__name__)
def test_a_redelivered_record_changes_nothing(store: HubStore, record: StoreRecord):
    store.apply(record)
    once = everything(store, [record])
    store.apply(record)
    store.apply_many([record, record])
    assert everything(store, [record]) == once


def test_one_of_each_reads_back_as_applied(store: HubStore):
    store.apply_many(ONE_OF_EACH)
    assert store.open_tasks() == [r.task()]
    assert store.task("task-1") == r.task()
    assert store.timeline(CHILD) == [r.entry("evt-1")]
    assert store.contacts(CHILD) == [r.contact()]
    assert store.contact_withdrawals(CHILD) == [r.withdrawn()]
    assert store.episodes(CHILD) == [r.episode()]
    assert store.rejection("cmd-9") == r.rejected()
    assert store.consent_limited_uses() == [r.use()]
    [flag] = store.flags(CHILD)
    assert (flag.flag_id, flag.raised_on, flag.cleared_on, flag.active) == (
        "flag-1", D0, D0 + timedelta(days=30), False)


def test_a_withdrawn_contact_is_kept_and_marked_whichever_arrives_first(store: HubStore):
    """No silent delete: the contact stays as it was sent, its withdrawal beside it; the
    first withdrawal of a contact stands."""
    store.apply(r.withdrawn("c1", source_event_id="evt-1"))
    store.apply_many([r.contact("c1"), r.contact("c2", source_event_id="evt-2"),
                      r.withdrawn("c1", withdrawn_by_event_id="evt-7")])
    assert [c.contact_id for c in store.contacts(CHILD)] == ["c1", "c2"]
    [withdrawal] = store.contact_withdrawals(CHILD)
    assert (withdrawal.contact_id, withdrawal.withdrawn_by_event_id) == ("c1", "evt-0")
    assert store.contact_withdrawals("child-0002") == []


def test_a_withdrawn_contact_no_longer_makes_the_child_contact(store: HubStore):
    store.apply_many([r.contact("c1", D0), r.contact("c2", D0 + timedelta(days=5),
                                                     source_event_id="evt-2")])
    summary = store.child_summary(CHILD)
    assert summary is not None and summary.csc_status_as_of == D0 + timedelta(days=5)
    store.apply(r.withdrawn("c2", source_event_id="evt-2"))
    summary = store.child_summary(CHILD)
    assert summary is not None
    assert (summary.csc_status, summary.csc_status_as_of, summary.contacts) == (
        CscStatus.CONTACT, D0, 2)  # the contact count is of contacts sent, withdrawn or not
    store.apply(r.withdrawn("c1"))
    summary = store.child_summary(CHILD)
    assert summary is not None
    assert (summary.csc_status, summary.csc_status_as_of) == (CscStatus.UNKNOWN, None)


def test_task_versions_never_regress(store: HubStore):
    newest = r.task(version=3, status=TaskStatus.CLAIMED, assignee="worker-7")
    store.apply(newest)
    store.apply(r.task(version=2))
    store.apply(r.task(version=3, status=TaskStatus.CANCELLED))  # same version: ignored
    store.apply(r.task(version=1))
    assert store.task("task-1") == newest


@pytest.mark.parametrize("batched", [False, True])
def test_out_of_order_versions_end_at_the_highest(store: HubStore, batched: bool):
    orders = list(permutations(range(1, 5)))
    records = [r.task(f"task-{i}", v, title=f"v{v}") for i, order in enumerate(orders)
               for v in order]
    if batched:
        store.apply_many(records)
    else:
        for record in records:
            store.apply(record)
    assert {store.task(f"task-{i}").title for i in range(len(orders))} == {"v4"}  # type: ignore[union-attr]


def test_open_tasks_are_open_or_claimed_and_filter_by_team(store: HubStore):
    store.apply_many([
        r.task("a", team="mash", due_date=D0 + timedelta(days=3)),
        r.task("b", team="mash", status=TaskStatus.CLAIMED, assignee="w", due_date=D0),
        r.task("c", team="yot"), r.task("g", team="yot", child_key="child-0002"),
        r.task("d", team="mash", status=TaskStatus.DONE),
        r.task("e", team="mash", status=TaskStatus.CANCELLED),
        r.task("f", team="mash"), r.task("f", version=2, team="mash", status=TaskStatus.DONE),
    ])
    assert [t.task_id for t in store.open_tasks()] == ["b", "a", "c", "g"]
    assert [t.task_id for t in store.open_tasks(team="mash")] == ["b", "a"]
    assert [t.task_id for t in store.open_tasks(child_key="child-0002")] == ["g"]
    assert [t.task_id for t in store.open_tasks(team="mash", child_key="child-0002")] == []
    assert store.open_tasks(team="nobody") == []
    assert store.task("missing") is None


def test_timeline_is_in_occurred_at_order_and_in_utc(store: HubStore):
    bst = timezone(timedelta(hours=1))
    late = r.entry("evt-late", datetime(2025, 9, 3, 10, 0, tzinfo=bst))
    early = r.entry("evt-early", datetime(2025, 9, 3, 9, 30, tzinfo=UTC))  # 10:30 BST
    first = r.entry("evt-first", T0)
    store.apply_many([early, late, first])
    got = store.timeline(CHILD)
    assert [e.event_id for e in got] == ["evt-first", "evt-late", "evt-early"]
    assert all(e.occurred_at.tzinfo == UTC for e in got)
    assert got[1].occurred_at == datetime(2025, 9, 3, 9, 0, tzinfo=UTC)
    assert store.timeline("someone-else") == []


def test_same_event_for_two_children_is_two_entries(store: HubStore):
    store.apply_many([r.entry("evt-1"), r.entry("evt-1", child_key="child-0002")])
    assert len(store.timeline(CHILD)) == len(store.timeline("child-0002")) == 1


def test_a_flag_is_active_until_cleared_and_a_clear_may_come_first(store: HubStore):
    store.apply_many([r.cleared("flag-2", FlagCode.CAF_OPEN), r.raised("flag-1")])
    assert [(f.flag_id, f.active) for f in store.flags(CHILD)] == [("flag-1", True)]
    store.apply(r.raised("flag-2", FlagCode.CAF_OPEN, raised_on=D0 + timedelta(days=1)))
    store.apply(r.raised("flag-1", summary="raised again"))  # the first raise stands
    store.apply(r.cleared("flag-1", cleared_on=D0 + timedelta(days=5)))
    store.apply(r.cleared("flag-1", cleared_on=D0 + timedelta(days=9)))  # the first clear stands
    flags = store.flags(CHILD)
    assert [(f.flag_id, f.active, f.cleared_on) for f in flags] == [
        ("flag-1", False, D0 + timedelta(days=5)), ("flag-2", False, D0 + timedelta(days=30)),
    ]
    assert flags[0].summary == "SEN assessment"


def test_summary_of_an_unknown_child_is_none(store: HubStore):
    store.apply_many(ONE_OF_EACH)
    assert store.child_summary("nobody") is None
    assert store.person("nobody") is None


def test_summary_counts_and_latest_reported_status(store: HubStore):
    store.apply_many([
        r.contact("c1", D0), r.raised("f1"), r.raised("f2", FlagCode.CAF_OPEN), r.cleared("f1"),
        r.task("t1"), r.task("t2", status=TaskStatus.DONE), r.entry("e1"),
        r.entry("e2", T0 + timedelta(hours=5)),
    ])
    summary = store.child_summary(CHILD)
    assert summary is not None
    assert (summary.csc_status, summary.csc_status_as_of) == (CscStatus.CONTACT, D0)
    assert summary.active_flags == (FlagCode.CAF_OPEN,)
    assert (summary.open_tasks, summary.contacts, summary.timeline_entries) == (1, 1, 2)
    assert summary.last_event_at == T0 + timedelta(hours=5)
    store.apply(r.reply("rep-1", CscStatus.UNKNOWN, T0))
    assert store.child_summary(CHILD).csc_status is CscStatus.UNKNOWN  # type: ignore[union-attr]
    store.apply(r.relay("rel-1", CscStatus.CIN_PLAN, D0 + timedelta(days=4)))
    store.apply(r.reply("rep-2", CscStatus.OPEN_REFERRAL, T0 + timedelta(days=2)))  # older
    latest = store.child_summary(CHILD)
    assert latest is not None
    assert (latest.csc_status, latest.csc_status_as_of) == (CscStatus.CIN_PLAN, date(2025, 9, 5))


def test_a_child_known_only_by_a_decision_has_an_empty_summary(store: HubStore):
    store.apply(r.decision("id-1", None, child_key="child-x"))
    summary = store.child_summary("child-x")
    assert summary is not None and summary.csc_status is CscStatus.UNKNOWN
    assert (summary.open_tasks, summary.timeline_entries, summary.last_event_at) == (0, 0, None)
    assert store.person("child-x") is None


def test_person_keeps_the_latest_known_details(store: HubStore):
    store.apply(r.decision("id-1", r.snapshot()))
    store.apply(r.decision("id-2", r.snapshot("finance:7", source_system="finance",
                                               postcode="", family_name="Byron", upn="")))
    person = store.person(CHILD)
    assert person is not None
    assert (person.family_name, person.postcode, person.date_of_birth) == (
        "Byron", "LS1 4AP", date(2014, 12, 10))
    assert "Byron" not in repr(person) and "LS1" not in repr(person)
    store.apply(r.decision("id-1", r.snapshot(family_name="Lovelace")))  # redelivered
    assert store.person(CHILD).family_name == "Byron"  # type: ignore[union-attr]


def test_identifiers_are_linked_per_source_with_first_and_last_decision(store: HubStore):
    store.apply(r.decision("id-1", r.snapshot()))
    store.apply(r.decision("id-2", r.snapshot(other_ids=())))
    store.apply(r.decision("id-3", r.snapshot("finance:7", source_system="finance", upn="")))
    found = [(i.identifier_type, i.source_system, i.first_seen_decision_id,
              i.last_seen_decision_id) for i in store.identifiers(CHILD)]
    assert found == [
        ("NHS_NUMBER", "education-sen", "id-1", "id-2"),
        ("NHS_NUMBER", "finance", "id-3", "id-3"),
        ("SIMS", "education-sen", "id-1", "id-1"),
        ("SIMS", "finance", "id-3", "id-3"),
        ("SOURCE_ID", "education-sen", "id-1", "id-2"),
        ("SOURCE_ID", "finance", "id-3", "id-3"),
        ("UPN", "education-sen", "id-1", "id-2"),
    ]
    assert "9434765919" not in repr(store.identifiers(CHILD))


def test_episodes_keep_their_highest_version(store: HubStore):
    ended = r.episode(version=3, end_date=D0 + timedelta(days=60),
                      last_event_date=D0 + timedelta(days=60))
    store.apply_many([r.episode(version=2), ended, r.episode(version=1),
                      r.episode("ep-0", start_date=D0 - timedelta(days=400),
                                last_event_date=D0 - timedelta(days=400))])
    assert [(e.episode_id, e.version) for e in store.episodes(CHILD)] == [("ep-0", 1), ("ep-1", 3)]
    assert store.episodes(CHILD)[1] == ended


def test_episodes_of_every_child_without_a_key(store: HubStore):
    other = r.episode("ep-2", version=2, child_key="child-other", start_date=D0 - timedelta(days=1),
                      last_event_date=D0)
    store.apply_many([r.episode(version=1), other, r.episode(version=2), r.episode("ep-3")])
    assert [(e.child_key, e.episode_id, e.version) for e in store.episodes()] == [
        ("child-other", "ep-2", 2), (CHILD, "ep-1", 2), (CHILD, "ep-3", 1)]
    assert store.episodes("child-other") == [other]
    assert store.episodes("child-none") == []


def test_consent_limited_uses_filter_by_month(store: HubStore):
    store.apply_many([r.use("u2", "2025-10"), r.use("u1"), r.use("u3"), r.use("u1", "2025-10")])
    assert [u.use_id for u in store.consent_limited_uses()] == ["u1", "u2", "u3"]
    assert [u.use_id for u in store.consent_limited_uses("2025-09")] == ["u1", "u3"]


def test_a_batch_is_all_or_nothing(store: HubStore):
    with pytest.raises(TypeError, match="does not keep"):
        store.apply_many([r.task(), r.entry("evt-1"), object()])  # type: ignore[list-item]
    assert store.open_tasks() == [] and store.timeline(CHILD) == []

