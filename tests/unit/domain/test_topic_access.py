"""The ACL policy: each role gets exactly what its job needs."""

from __future__ import annotations

from pathlib import Path

from hub.config import Settings
from hub.domain.topic_access import Grant, users
from hub.usecases.topic_grants import namespace_grants

REPO = Path(__file__).resolve().parents[3]


def _grants() -> list[Grant]:
    return namespace_grants(Settings(home=REPO), "ns")


def _writable(user: str) -> set[str]:
    return {g.name for g in _grants() if g.user == user and "WRITE" in g.operations and not g.deny}


def test_each_source_writes_its_own_topics_and_dead_letters_only() -> None:
    dead = "ns.cin.hub.dead-letter.v1"
    assert _writable("source-yot") == {"ns.cin.source.yot.referrals.v1", dead}
    assert _writable("source-csc") == {"ns.cin.source.csc.status.v1", dead}
    assert _writable("inbox") == {"ns.cin.hub.commands.v1"}


def test_the_ssd_import_writes_the_topics_of_the_tables_it_reads() -> None:
    assert _writable("source-ssd") == {
        "ns.cin.source.csc.ssd-identifiers.v1", "ns.cin.source.csc.status.v1",
        "ns.cin.source.earlyhelp.caf.v1", "ns.cin.source.education.sen.v1",
        "ns.cin.hub.dead-letter.v1"}


def test_only_the_worker_reads_and_it_may_not_write_commands() -> None:
    readers = {g.user for g in _grants() if "READ" in g.operations and g.kind == "topic"}
    assert readers == {"worker"}
    denied = [g for g in _grants() if g.deny]
    assert denied == [Grant("worker", "topic", "ns.cin.hub.commands.v1", "literal", ("WRITE",),
                            deny=True)]
    prefixes = {g.name for g in _grants() if g.user == "worker" and g.pattern == "prefixed"}
    assert prefixes == {"ns.cin.hub.", "ns-cin-hub"}


def test_one_user_per_role_and_source() -> None:
    names = users(["yot", "csc"])
    assert names == ("admin", "worker", "inbox", "intake", "source-csc", "source-yot")


def test_only_the_worker_writes_transactions_under_its_app_id() -> None:
    transactional = [g for g in _grants() if g.kind == "transactional_id"]
    assert transactional == [Grant("worker", "transactional_id", "ns-cin-hub", "prefixed",
                                   ("WRITE", "DESCRIBE"))]
