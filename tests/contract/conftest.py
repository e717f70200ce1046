"""Every HubStore implementation under one fixture: the in-memory fake, SQLite, PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.adapters.memory.store import InMemoryHubStore
from hub.adapters.store.sql.store import SqlHubStore
from hub.ports import HubStore

STORES = ["memory", "sqlite", "postgres"]


@pytest.fixture(params=STORES)
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], HubStore]]:
    """Makes an empty store of one implementation per call (a property test needs many)."""
    kind: str = request.param
    new_database = request.getfixturevalue("new_postgres_database") if kind == "postgres" else None
    opened: list[SqlHubStore] = []

    def make() -> HubStore:
        if kind == "memory":
            return InMemoryHubStore()
        url = new_database() if new_database else f"sqlite:///{tmp_path / f'hub{len(opened)}.db'}"
        opened.append(SqlHubStore(url, clock=lambda: datetime(2025, 9, 1, tzinfo=UTC)))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(new_store: Callable[[], HubStore]) -> HubStore:
    return new_store()
