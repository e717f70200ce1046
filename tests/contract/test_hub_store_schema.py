"""The SQL store's schema version: a fresh database is v3; a v2 database (before
``contact_withdrawals``) gets the new table; a v1 database (before ``person_records``) is
upgraded in place when its decisions say exactly which records each
child holds, and refused when they cannot (a merge or split); a newer one is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select

from hub.adapters.store.sql.person_tables import PersonRecordRow
from hub.adapters.store.sql.schema import VERSIONS, SchemaVersionError
from hub.adapters.store.sql.store import SqlHubStore
from hub.adapters.store.sql.tables import SCHEMA_VERSION, ContactWithdrawalRow
from hub.adapters.store.sql.writes import table
from hub.domain.outputs.identity import IdentityDecisionKind
from hub.ports import PersonRecordView
from tests.contract import store_records as r

CHILD, OTHER = "child-0001", "child-0002"
NOW = datetime(2025, 9, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path
               ) -> Iterator[Callable[[], SqlHubStore]]:
    """Opens a store on the test's database (one per test), as often as the test asks."""
    url = (request.getfixturevalue("new_postgres_database")() if request.param == "postgres"
           else f"sqlite:///{tmp_path / 'hub.db'}")
    opened: list[SqlHubStore] = []

    def make() -> SqlHubStore:
        opened.append(SqlHubStore(url, clock=lambda: NOW))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


def versions(store: SqlHubStore) -> list[int]:
    with store.engine.connect() as conn:
        return list(conn.scalars(select(VERSIONS.c.version).order_by(VERSIONS.c.version)))


def as_version(store: SqlHubStore, version: int) -> None:
    """What a database written by a hub at ``version`` holds: v1 had no person_records, v1
    and v2 no contact_withdrawals."""
    with store.engine.begin() as conn:
        conn.execute(delete(VERSIONS))
        conn.execute(insert(VERSIONS).values(version=version, applied_at=NOW))
        if version <= 2:
            table(ContactWithdrawalRow).drop(conn)
        if version == 1:
            table(PersonRecordRow).drop(conn)
    store.close()


def test_a_fresh_database_is_at_the_current_version(open_store: Callable[[], SqlHubStore]):
    store = open_store()
    assert versions(store) == [SCHEMA_VERSION] == [3]
    assert versions(open_store()) == [3]  # reopened: nothing to do


def test_a_v2_database_gets_the_contact_withdrawals_table(
    open_store: Callable[[], SqlHubStore]
):
    old = open_store()
    old.apply(r.contact("c1"))
    as_version(old, 2)
    store = open_store()
    assert versions(store) == [2, 3]
    store.apply(r.withdrawn("c1"))
    assert [c.contact_id for c in store.contacts(r.CHILD)] == ["c1"]
    assert store.contact_withdrawals(r.CHILD) == [r.withdrawn("c1")]


def test_a_v1_database_without_reviews_gets_its_person_records(
    open_store: Callable[[], SqlHubStore]
):
    old = open_store()
    old.apply_many([
        r.decision("id-1", r.snapshot("education-sen:42"), child_key=CHILD),
        r.decision("id-2", r.snapshot("csc-lcs:LCS-7", source_system="csc-lcs"),
                   child_key=CHILD, kind=IdentityDecisionKind.LINK),
        r.decision("id-3", r.snapshot("yot:9", source_system="yot"), child_key=OTHER,
                   kind=IdentityDecisionKind.POSSIBLE_MATCH, candidate_key=CHILD),
        r.decision("n-1", None, kind=IdentityDecisionKind.NOT_SAME, child_key=OTHER,
                   candidate_key=CHILD),
    ])
    as_version(old, 1)
    store = open_store()
    assert versions(store) == [1, 3]
    assert store.person_records(CHILD) == [
        PersonRecordView("csc-lcs:LCS-7", "csc-lcs", CHILD),
        PersonRecordView("education-sen:42", "education-sen", CHILD),
    ]
    assert store.person_records(OTHER) == [PersonRecordView("yot:9", "yot", OTHER)]


def test_a_v1_database_with_a_merge_or_split_is_refused(open_store: Callable[[], SqlHubStore]):
    old = open_store()
    old.apply_many([
        r.decision("id-1", r.snapshot("education-sen:42"), child_key=CHILD),
        r.decision("id-2", r.snapshot("yot:9", source_system="yot"), child_key=OTHER),
        r.decision("m-1", None, kind=IdentityDecisionKind.MERGE, child_key=CHILD,
                   candidate_key=OTHER, record_ids=("yot:9",)),
    ])
    as_version(old, 1)
    with pytest.raises(SchemaVersionError, match=r"v1 and 1 merge or split.*hub replay"):
        open_store()


def test_a_newer_database_is_refused(open_store: Callable[[], SqlHubStore]):
    as_version(open_store(), SCHEMA_VERSION + 1)
    newer = f"v{SCHEMA_VERSION + 1}; this hub writes v{SCHEMA_VERSION}"
    with pytest.raises(SchemaVersionError, match=newer):
        open_store()
